/* SPDX-License-Identifier: Apache-2.0 */
/*
 * template.h - load templates compiled once, instantiated per event.
 *
 * A template is a term parsed with TERM_PARSE_TEMPLATES: ordinary terms
 * with generator nodes ($seq, $now_ms, $rand(Lo, Hi), $pick(T:W, ...),
 * $str(...), $event).  tpl_compile() encodes every part that does not
 * depend on a generator once, in external term format, and keeps a short
 * program of "copy these bytes" and "write this generator's value" steps;
 * tpl_emit() then builds one event with a few memcpy calls and the encoding
 * of the generated values only.  Headers of tuples, lists and maps never
 * depend on generated values, so the static parts stay valid for every
 * event.
 *
 * Generators, per event:
 *   $seq          the event's number in the run, from 1 (unique across
 *                 connections and nodes: the caller passes it in)
 *   $now_ms       milliseconds since the Unix epoch (the caller passes it)
 *   $rand(Lo, Hi) an integer drawn uniformly from [Lo, Hi]
 *   $pick(T:W...) T drawn with probability W / sum of weights; T may hold
 *                 generators itself
 *   $str(A, ...)  the text of its arguments concatenated: binaries and
 *                 strings as they are, integers in decimal, atoms by name,
 *                 generators by their value.  A binary when a literal
 *                 argument is a binary, a string (list) when one is a
 *                 string, otherwise a binary in Elixir syntax and a string
 *                 in Erlang syntax
 *   $event        (only in a --call argument list) the event template
 * Nothing here creates an atom: every atom in the output was written in
 * the template.  No I/O; pure functions of the template, the context and
 * the random state, so everything is unit-testable.
 *
 * Ownership: a compiled template lives in the arena given to tpl_compile;
 * a struct tpl_buf is the caller's (tpl_buf_release).
 */
#ifndef BP_LOAD_TEMPLATE_H
#define BP_LOAD_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

#include "term/term.h"
#include "util/arena.h"
#include "util/err.h"

/* xoshiro256** state; one per sending thread. */
struct tpl_rng {
    uint64_t s[4];
};

/* Seed the generator (splitmix64 over seed): equal seeds, equal draws. */
void tpl_rng_seed(struct tpl_rng *r, uint64_t seed);
/* Next 64 random bits. */
uint64_t tpl_rng_next(struct tpl_rng *r);
/* Uniform integer in [lo, hi] (lo <= hi), without modulo bias. */
int64_t tpl_rng_range(struct tpl_rng *r, int64_t lo, int64_t hi);

/* What varies from one event to the next. */
struct tpl_ctx {
    uint64_t seq;        /* $seq */
    int64_t now_ms;      /* $now_ms */
    struct tpl_rng *rng; /* $rand, $pick */
};

/* A growable output buffer. */
struct tpl_buf {
    unsigned char *p;
    size_t len, cap;
};

#define TPL_BUF_INIT { NULL, 0, 0 }

void tpl_buf_release(struct tpl_buf *b);
/* Make room for n more bytes; returns the write position. */
unsigned char *tpl_buf_grow(struct tpl_buf *b, size_t n);

struct tpl;

/*
 * Compile template t.  event: the compiled event template that $event
 * stands for (NULL: $event is refused).  syntax decides the type of a
 * $str without literal text (see above).  ectx encodes pids written as
 * <0.N.S> (may be NULL when the template has none).  The result lives in
 * arena a.  Returns 0 or BP_EUSAGE with a message (an unknown generator,
 * $event out of place, $pick weights summing to 0, a $str argument that
 * has no text, something term_encode refuses).
 */
int tpl_compile(struct arena *a, const struct term *t, const struct tpl *event,
                enum term_syntax syntax, const struct term_encode_ctx *ectx,
                struct tpl **out, struct bp_err *err);

/* True when the template has no generator: every event is the same bytes. */
int tpl_is_constant(const struct tpl *t);

/* Bytes of the static parts (the size of an event, give or take the
 * generated values). */
size_t tpl_static_size(const struct tpl *t);

/*
 * Append one event to b, without the version byte (callers add 131 in
 * front of a message, or several events inside a list).  Never fails.
 */
void tpl_emit(const struct tpl *t, struct tpl_ctx *cx, struct tpl_buf *b);

/*
 * Parse and compile in one step: src in syntax (TERM_SYNTAX_AUTO detects).
 * Used for --template and the scenario templates.
 */
int tpl_parse(struct arena *a, const char *src, enum term_syntax syntax,
              const struct tpl *event, const struct term_encode_ctx *ectx,
              struct tpl **out, struct bp_err *err);

#endif
