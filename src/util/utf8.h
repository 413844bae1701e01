/* SPDX-License-Identifier: Apache-2.0 */
/*
 * utf8.h - UTF-8 decoding, validation, encoding and safe cutting.
 * Pure functions; nothing allocates.
 */
#ifndef BP_UTF8_H
#define BP_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decode the UTF-8 sequence at s[0..n) (n >= 1): returns its length (1..4)
 * and stores the code point in *cp, or returns 0 when the bytes are not a
 * valid, shortest-form sequence of a scalar value (no surrogates, nothing
 * past U+10FFFF, not truncated by n).
 */
size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/* True when s[0..n) is entirely valid UTF-8. */
bool utf8_valid(const unsigned char *s, size_t n);

/* Write cp (<= U+10FFFF) as UTF-8 to out (room for 4 bytes); returns 1..4. */
size_t utf8_put(unsigned char *out, uint32_t cp);

/*
 * Length of the longest prefix of s[0..n) that is at most max bytes and
 * does not end inside a UTF-8 sequence (used when cutting output short).
 */
size_t utf8_cut(const unsigned char *s, size_t n, size_t max);

#endif
