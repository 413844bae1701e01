/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_trace.h - message tracing on the node through a relay with hard
 * limits (src/remote/trace_start.erl), and the --all-of selection
 * (src/remote/trace_all_of.erl).
 *
 * What is asked of the node: one erl_eval round trip starts a Janitor and a
 * Relay; the Relay is the tracer of the targets (erlang:trace/3 with
 * {tracer, Relay} on OTP < 27, a dedicated trace:session_create/3 session
 * on 27+) and sends batches of events ({beamprobe_trace, Relay, Events}) or,
 * with --count-types, only the counts, then one final report
 * ({beamprobe_trace_done, Relay, Stats}).  The trace is removed on the node
 * by the Relay when a limit trips or beamprobe says stop, and by the Janitor
 * whatever happens to the Relay or to beamprobe (closed, killed, lost
 * connection: both monitor beamprobe's pid).
 *
 * Cost on the node: the VM copies every traced message to the Relay (the
 * price of any message trace); the Relay's per-batch work is compiled
 * library code (see trace_start.erl), bounded by count, rate, time, mailbox
 * and heap limits, all enforced before anything is formatted.  Safe
 * defaults live in cmd_trace.c: 10 s, 1,000 events.
 *
 * Ownership: every term and array filled in lives in the arena the caller
 * passes; nothing else is allocated.
 */
#ifndef BP_COLLECT_TRACE_H
#define BP_COLLECT_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "analyze/trace_event.h"
#include "node/node.h"
#include "term/term.h"
#include "util/arena.h"

enum trace_mode {
    TRACE_STREAM, /* forward every event (bounded) */
    TRACE_COUNT   /* count events by message type on the node */
};

struct trace_opts {
    struct term *const *pids;  /* targets (borrowed) */
    size_t npids;
    bool recv, send;           /* at least one */
    enum trace_mode mode;
    int64_t duration_ms;       /* > 0: the trace is removed at this deadline */
    int64_t max_events;        /* > 0: events shown (stream) or counted (count) */
    int64_t rate_n, rate_ms;   /* stop above rate_n events per rate_ms; 0: no limit */
    struct term *match;        /* a match specification from trace_match_spec, or NULL */
    int64_t max_bytes;         /* messages bigger than this (external size) are cut */
    int64_t max_queue;         /* the Relay stops when its mailbox passes this */
    int64_t max_memory;        /* ... or its memory (mailbox included), bytes */
    int64_t heap_words;        /* the Relay's max_heap_size (killed past it) */
    int64_t batch;             /* messages taken from the mailbox per round */
    int64_t max_types;         /* distinct types counted before "other types" */
};

/* Defaults for the fields cmd_trace does not expose. */
void trace_opts_defaults(struct trace_opts *o);

struct trace_run {
    struct term *relay, *janitor;
    struct term **traced;      /* the targets traced */
    size_t ntraced;
    struct term **skipped;     /* targets not traced (dead, or not on this node) */
    size_t nskipped;
    int64_t mono0_ns, sys0_ns; /* the node's monotonic and system time at start */
    bool session;              /* an OTP 27+ trace session is used */
};

struct trace_count {
    struct msgtype type;
    int64_t count;
};

struct trace_stats {
    bool reported;             /* the Relay's own report (else only reason is known) */
    char reason[40];           /* duration, max, rate, overload, stop, relay_died,
                                * janitor_deadline, janitor_down, lost */
    char exit[160];            /* relay_died: the exit reason, printed */
    int64_t seen, shown, dropped, after_limit, filtered, truncated;
    int64_t elapsed_ns, reductions, peak_queue, batches;
    struct trace_count *counts;
    size_t ncounts;
};

struct trace_batch {
    bool done;                 /* the final report: stats is set */
    struct trace_event *ev;    /* done == false: the events */
    size_t n;
    struct trace_stats stats;
};

/*
 * Start tracing.  Blocks for one round trip (the connection's timeout).
 * Errors: BP_EUSAGE (no direction, bad limits), BP_ENOPROC (no target is
 * alive), BP_EBADRPC (a target already has a tracer, OTP < 27: the message
 * names it; or the node refused), BP_ETIMEDOUT, BP_ENODEGONE.
 */
int collect_trace_start(struct node_conn *c, struct arena *a, const struct trace_opts *o,
                        struct trace_run *run, struct bp_err *err);

/*
 * The next events or the final report of run's Relay, waiting until the
 * absolute monotonic deadline (ms).  Other messages are skipped.  Returns
 * 0, BP_ETIMEDOUT, BP_EINTR, BP_ENODEGONE, BP_EDECODE.
 */
int collect_trace_next(struct node_conn *c, const struct trace_run *run, struct arena *a,
                       int64_t deadline, struct trace_batch *out, struct bp_err *err);

/* Ask the Relay to remove the trace and report (it answers with done). */
int collect_trace_stop(struct node_conn *c, const struct trace_run *run, struct bp_err *err);

/* Wall time (ns since the epoch) of an event's node timestamp. */
int64_t collect_trace_wall_ns(const struct trace_run *run, int64_t ts_ns);

/*
 * Processes whose initial call, current function or proc_lib initial call
 * is in module (src/remote/trace_all_of.erl): at most limit pids in
 * *pids (arena array), *matching the number that matched.  A module that
 * is not an existing atom matches nothing (no atom is created).  Cost: two
 * or three process_info/2 per process on the node, compiled.
 */
int collect_trace_all_of(struct node_conn *c, struct arena *a, const char *module,
                         size_t limit, struct term ***pids, size_t *n, int64_t *matching,
                         struct bp_err *err);

#endif
