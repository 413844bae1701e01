/* SPDX-License-Identifier: Apache-2.0 */
/*
 * term_printer.h - the printer shared by term_print.c, term_print_text.c
 * and term_json.c (not a public API).
 *
 * A struct term_printer appends to one sbuf on behalf of one top-level
 * call and enforces opts.max_len: once the output would pass it, `full` is
 * set, nothing more is appended, and term_printer_finish cuts the text at a
 * character boundary and ends it with "...".  Every loop over a collection
 * checks `full`, so the cost of printing is bounded by max_len rather than
 * by the size of the term.
 */
#ifndef BP_TERM_PRINTER_H
#define BP_TERM_PRINTER_H

#include <stdbool.h>
#include <stddef.h>

#include "term/term.h"

struct term_printer {
    struct sbuf *out;
    const struct term_print_opts *o;
    enum term_syntax syn; /* ERLANG or ELIXIR, never AUTO */
    size_t start;         /* out->len when printing began */
    size_t max;           /* opts.max_len, 0 for none */
    bool full;            /* max was reached: append nothing more */
};

/* Start printing to out with options o (NULL: term_print_defaults). */
void term_printer_init(struct term_printer *p, struct sbuf *out,
                       const struct term_print_opts *o);
/* Cut and mark the output with "..." if max_len was reached. */
void term_printer_finish(struct term_printer *p);

/*
 * Append bytes, a C string, a character, formatted text (at most 127
 * bytes): as much as the budget allows, then nothing once `full`.
 */
void term_pr_add(struct term_printer *p, const char *s, size_t n);
void term_pr_str(struct term_printer *p, const char *s);
void term_pr_ch(struct term_printer *p, char c);
void term_pr_fmt(struct term_printer *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * How many of n elements (or string bytes, with the printable limit when
 * `text`) are worth looking at: never more than can be shown under the
 * element limit and max_len.  Bounds the scans that decide how a
 * collection prints (is it a string, a keyword list, a struct).
 */
size_t term_pr_scan_limit(const struct term_printer *p, size_t n, bool text);

/* Leaf printers (term_print_text.c).  An atom, quoted as the syntax needs. */
void term_pr_atom(struct term_printer *p, const char *name, size_t len);
/* An Elixir keyword key with its ": " (`a: `, `"a b": `). */
void term_pr_keyword_key(struct term_printer *p, const char *name, size_t len);
/* True when an atom can be an Elixir keyword key (not an "Elixir." alias). */
bool term_pr_is_keyword_atom(const struct term *t);
/* Module and function as in a remote call: lists:map / :lists.map. */
void term_pr_mf(struct term_printer *p, const char *mod, const char *fun);
/* A module name: lists / :lists, 'Elixir.Foo' / Foo. */
void term_pr_module(struct term_printer *p, const char *mod);
/* A TERM_BIG in exact decimal. */
void term_pr_big(struct term_printer *p, const struct term *t);
/* A float as term_fmt_double writes it for the printer's syntax. */
void term_pr_float(struct term_printer *p, double v);
/* Binaries and bitstrings, as a string when printable. */
void term_pr_binary(struct term_printer *p, const struct term *t);
/* If t is a printable char list in this syntax, print it and return true. */
bool term_pr_charlist(struct term_printer *p, const struct term *t);

#endif
