/* SPDX-License-Identifier: Apache-2.0 */
/*
 * term_parse_int.h - the parser state shared by term_parse.c and
 * term_parse_call.c (not a public API).
 *
 * A struct parser holds the lexer and one token of lookahead (`cur`).
 * Every term_ps_* function returns 0 or BP_EUSAGE, leaves `cur` on the
 * first token after what it consumed, and allocates only from ps->a.
 */
#ifndef BP_TERM_PARSE_INT_H
#define BP_TERM_PARSE_INT_H

#include <stdbool.h>

#include "term/term.h"
#include "term/term_lex.h"

/* A growing array of terms in the parse's arena. */
struct term_vec {
    struct term **v;
    size_t n, cap;
};

struct parser {
    struct arena *a;
    struct lexer lx;
    struct tok cur;
    unsigned depth;
    size_t bin_budget; /* bytes binary literals may still take */
};

/* Append t to v (the array moves as it grows; old copies stay in the arena). */
void term_ps_push(struct parser *ps, struct term_vec *v, struct term *t);
/* Set up for src (at most 1 MiB) and read the first token. */
int term_ps_init(struct parser *ps, struct arena *a, const char *src,
                 enum term_syntax syntax, unsigned flags, struct bp_err *err);
int term_ps_advance(struct parser *ps);
/* Consume the punctuation p or fail with "unexpected ...". */
int term_ps_expect(struct parser *ps, const char *p);
/* One term (nesting bounded). */
int term_ps_parse(struct parser *ps, struct term **out);
/*
 * Comma-separated terms up to the punctuation `close`, which is consumed.
 * Elixir keyword pairs (`a: 1`) may end the sequence: with group_kw they
 * become one keyword list (call arguments, tuples), else {a, 1} items
 * (lists).  With tail non-NULL a `| Tail` is accepted before `close`.
 */
int term_ps_items(struct parser *ps, const char *close, bool group_kw,
                  struct term ***items, size_t *n, struct term **tail);
/*
 * Alias segments Foo.Bar (cur on the first TOK_ALIAS) as the atom
 * 'Elixir.Foo.Bar'.  *dot_after is set when a '.' followed by something
 * other than an alias was consumed (cur is then that something).
 */
int term_ps_alias(struct parser *ps, struct term **out, bool *dot_after);
/* A $generator (cur on the TOK_GEN) into a TERM_GEN. */
int term_ps_generator(struct parser *ps, struct term **out);
/* The end of input (an Erlang full stop is allowed first). */
int term_ps_end(struct parser *ps);
/* True when src is a bare local pid "0.N.S" (surrounding blanks allowed). */
bool term_ps_bare_pid(const char *src, struct term_pid *out);

#endif
