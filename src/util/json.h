/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json.h - the smallest JSON writer that keeps output valid.
 *
 * Strings are escaped per RFC 8259 (control characters as \u00XX); invalid
 * UTF-8 bytes are replaced by U+FFFD so the output always parses.  Numbers
 * are written with enough digits to round-trip; non-finite ones as null.
 */
#ifndef BP_JSON_H
#define BP_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "util/sbuf.h"

/* Append "s[0..n)" quoted and escaped. */
void json_str(struct sbuf *out, const char *s, size_t n);
/* Append a NUL-terminated string quoted and escaped. */
void json_cstr(struct sbuf *out, const char *s);
/* The same, or null when s is NULL. */
void json_cstr_or_null(struct sbuf *out, const char *s);
void json_int(struct sbuf *out, int64_t v);
void json_double(struct sbuf *out, double v);
/* Append `"key":` (with a leading comma unless *first, which is cleared). */
void json_key(struct sbuf *out, const char *key, int *first);

#endif
