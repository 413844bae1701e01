/* SPDX-License-Identifier: Apache-2.0 */
/*
 * term_lex.h - tokens of Erlang and Elixir term literals (not a public API).
 *
 * The lexer behind term_parse and term_parse_call.  It knows the spelling
 * of numbers, atoms, strings, char literals, keyword keys and punctuation
 * in either syntax; the grammar is term_parse.c's.  Strings are decoded
 * here into code points (escapes resolved); what they become - a list, a
 * binary, an atom - is the parser's choice.  Errors are BP_EUSAGE with a
 * message naming the column (counted in characters, from 1).
 */
#ifndef BP_TERM_LEX_H
#define BP_TERM_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "term/term.h"

enum tok_kind {
    TOK_EOF,
    TOK_INT,      /* mag[0..nmag) little-endian 32-bit words, value >= 0 */
    TOK_FLOAT,    /* f >= 0 */
    TOK_ATOM,     /* text: 'q', :foo, :"x", true/false/nil (Elixir) */
    TOK_IDENT,    /* text: a bare lower-case word (Erlang atom, function) */
    TOK_ALIAS,    /* text: an upper-case word (Elixir alias segment) */
    TOK_STRING,   /* units: "..." */
    TOK_CHARLIST, /* units: Elixir '...' or ~c"..." */
    TOK_KEY,      /* text: Elixir keyword key (foo: / "foo bar":) */
    TOK_GEN,      /* text: $name in template mode */
    TOK_PUNCT     /* punct: one of the strings below */
};

/*
 * Punctuation tokens keep their spelling: "(", ")", "[", "]", "{", "}",
 * "<<", ">>", "<", ">", ",", "|", "=>", ":", "::", ".", "/", "-", "+",
 * "#", "%".
 */
struct tok {
    enum tok_kind kind;
    size_t pos;        /* byte offset in the source */
    size_t end;        /* byte offset just past the token */
    const char *punct; /* TOK_PUNCT */
    /* TOK_INT */
    uint32_t *mag;
    size_t nmag;
    /* TOK_FLOAT */
    double f;
    /* TOK_ATOM, TOK_IDENT, TOK_ALIAS, TOK_KEY, TOK_GEN: UTF-8, NUL-ended */
    const char *text;
    size_t tlen;
    /* TOK_STRING, TOK_CHARLIST: code points, or -1 - b for a raw byte b
     * (Elixir "\xHH" escapes) */
    int32_t *units;
    size_t nunits;
};

struct lexer {
    struct arena *a;
    const char *src;
    size_t len;
    size_t pos;
    enum term_syntax syn; /* ERLANG or ELIXIR */
    unsigned flags;       /* TERM_PARSE_TEMPLATES */
    struct bp_err *err;
};

/* Lex src[0..len) (no NUL inside) in syntax syn; allocations go to a. */
void term_lex_init(struct lexer *lx, struct arena *a, const char *src, size_t len,
                   enum term_syntax syn, unsigned flags, struct bp_err *err);

/* The next token into *t: 0 or BP_EUSAGE. */
int term_lex_next(struct lexer *lx, struct tok *t);

/* True when t is the punctuation p. */
int term_tok_is(const struct tok *t, const char *p);

/* 1-based character column of byte offset pos. */
size_t term_lex_column(const struct lexer *lx, size_t pos);

/* BP_EUSAGE "unexpected X at column N" for token t. */
int term_lex_unexpected(struct lexer *lx, const struct tok *t);

/*
 * The body of a pid, port or ref written as <...>, from lx->pos (just past
 * the "<") up to and including the ">": a node ("0" for the local node,
 * stored as NULL, or a node name like app@host.example) and then min to
 * max dot-separated numbers, stored in nums with their count in *n.
 */
int term_lex_angle(struct lexer *lx, const char **node, uint64_t *nums, size_t min,
                   size_t max, size_t *n);

/*
 * An integer term from a token's magnitude, negated when neg (TERM_INT
 * when it fits int64_t, else TERM_BIG).
 */
struct term *term_lex_integer(struct arena *a, const uint32_t *mag, size_t nmag, bool neg);

#endif
