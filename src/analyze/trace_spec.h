/* SPDX-License-Identifier: Apache-2.0 */
/*
 * trace_spec.h - what the user writes to limit a trace: --match patterns
 * and --rate limits, parsed into the values the node's relay runs.
 *
 * A --match pattern is a term literal in Erlang or Elixir syntax in which
 * variables match anything: `{ping, _}`, `{reply, Ref, _}`,
 * `{:ping, _}`, `%Lasso.Events.RoutingDecision{}`, `%{id: _}`,
 * `#{'__struct__' := 'Elixir.Foo'}` is written `#{'__struct__' => 'Elixir.Foo'}`.
 * Maps match maps that have at least the given keys, as Erlang patterns do.
 * Variables do not bind: `{X, X}` matches any pair.  It becomes a match
 * specification that the relay runs, compiled, on each event
 * (ets:match_spec_run/2), so filtering costs the node little and atoms are
 * only the ones the user wrote (plus '_' and '$_').
 *
 * Pure functions (no I/O), fuzzed by tests/fuzz/fuzz_trace_match.c.
 * Ownership: terms are allocated in the caller's arena.
 */
#ifndef BP_TRACE_SPEC_H
#define BP_TRACE_SPEC_H

#include <stdint.h>

#include "term/term.h"
#include "util/arena.h"
#include "util/err.h"

/* Longest pattern accepted, in bytes. */
#define TRACE_PATTERN_MAX 65536

/*
 * Parse a --match pattern in syntax syn (ERLANG, ELIXIR, or AUTO: detected
 * as term_parse does).  Variables - Erlang words starting with an upper-
 * case letter or '_', Elixir words starting with a lower-case letter or '_'
 * that are not keyword keys, nil, true or false - become the wildcard atom
 * '_'.  Refused with BP_EUSAGE: text term_parse refuses, a variable as a
 * map key, the literal atoms '_' and '$N' (a match specification would read
 * them as wildcards and variables).  *out is set only on success.
 */
int trace_pattern_parse(struct arena *a, const char *src, enum term_syntax syn,
                        struct term **out, struct bp_err *err);

/*
 * The match specification the relay runs on the VM's trace messages,
 * keeping those whose message matches pattern:
 *   [{{trace_ts, '_', 'receive', Pattern, '_'}, [], ['$_']},
 *    {{trace_ts, '_', send, Pattern, '_', '_'}, [], ['$_']},
 *    {{trace_ts, '_', send_to_non_existing_process, Pattern, '_', '_'}, [], ['$_']}]
 */
struct term *trace_match_spec(struct arena *a, struct term *pattern);

/*
 * Parse a --rate limit: "N" or "N/s" (per second), "N/ms", "N/100ms",
 * "N/2s", "N/m" (per minute).  N is 1 .. 1,000,000,000 and the window
 * 1 ms .. 1 h.  Returns 0 with *n and *per_ms, or BP_EUSAGE.
 */
int trace_rate_parse(const char *s, int64_t *n, int64_t *per_ms, struct bp_err *err);

#endif
