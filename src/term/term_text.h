/* SPDX-License-Identifier: Apache-2.0 */
/*
 * term_text.h - text helpers shared inside the term layer (not a public API).
 *
 * The decoder, the printers and the parser all need the same answers to a
 * few questions about text: is this valid UTF-8, which characters count as
 * printable in Erlang or Elixir, is this atom an Elixir alias, how does a
 * float read and write without depending on the C locale.  Each answer is
 * given once, here.  Nothing here allocates, prints or fails loudly.
 */
#ifndef BP_TERM_TEXT_H
#define BP_TERM_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "term/term.h"
#include "util/utf8.h"

/*
 * Printability of one character inside a string literal, per syntax:
 * Erlang follows io_lib (printable_latin1_list for char lists,
 * printable_unicode_list for binaries), Elixir follows String.printable?
 * (binaries) and List.ascii_printable? (char lists).  Characters that are
 * printable only as an escape (\n, \e ...) count as printable.
 */
bool term_char_printable(uint32_t cp, enum term_syntax syntax, bool binary);

/*
 * If name[0..len) is an Elixir alias ("Elixir.Foo.Bar": each segment
 * [A-Z][A-Za-z0-9_]*), return the length of the "Elixir." prefix (7), so
 * name + 7 is the alias as written in Elixir; otherwise return 0.
 * The bare atom 'Elixir' is not an alias by this test.
 */
size_t term_alias_prefix(const char *name, size_t len);

/* True for the characters of an ASCII identifier ([A-Za-z0-9_]). */
bool term_is_ident_char(int c);

/*
 * Shortest decimal text that reads back as v, in the float syntax of
 * Erlang (io_lib's ~p: the shorter of plain and scientific notation below
 * 2^53, scientific above) or Elixir (as Erlang, except integral values in
 * [1, 1e16) print as "123.0").  Always contains '.' or 'e' for finite v;
 * non-finite values (which no node sends) print as "nan"/"inf"/"-inf".
 * buf needs 32 bytes.  Independent of the C locale.  Returns the length.
 */
size_t term_fmt_double(char *buf, double v, enum term_syntax syntax);

/*
 * Read s[0..n) as [+-]digits[.digits][(e|E)[+-]digits] (no other bytes)
 * into *out, correctly rounded and independent of the C locale's decimal
 * point.  Returns 0, or -1 when the text does not have that form or the
 * value overflows to infinity.
 */
int term_parse_double(const char *s, size_t n, double *out);

#endif
