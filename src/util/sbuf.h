/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sbuf.h - growable string/byte buffer with an optional size cap.
 *
 * Modelled on git's strbuf and curl's dynbuf: the buffer is always NUL
 * terminated, grows on demand, and may be given a maximum size past which
 * appends are refused (sbuf->overflow is set, content is kept truncated).
 * Ownership: the sbuf owns buf; sbuf_detach hands it to the caller.
 */
#ifndef BP_SBUF_H
#define BP_SBUF_H

#include <stdbool.h>
#include <stddef.h>

struct sbuf {
    char *buf;
    size_t len;
    size_t alloc;
    size_t max;      /* 0 = unlimited */
    bool overflow;   /* an append was cut short by max */
};

#define SBUF_INIT { NULL, 0, 0, 0, false }

void sbuf_init(struct sbuf *sb, size_t max);
void sbuf_release(struct sbuf *sb);
/* Empty the buffer, keeping its memory. */
void sbuf_reset(struct sbuf *sb);
/* Hand over the (NUL-terminated) buffer; sb is left empty. */
char *sbuf_detach(struct sbuf *sb, size_t *len);

void sbuf_add(struct sbuf *sb, const void *data, size_t n);
void sbuf_addstr(struct sbuf *sb, const char *s);
void sbuf_addch(struct sbuf *sb, char c);
void sbuf_addf(struct sbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append n copies of c. */
void sbuf_addchars(struct sbuf *sb, char c, size_t n);
/* Drop bytes from the end so len becomes n (n <= len). */
void sbuf_truncate(struct sbuf *sb, size_t n);
/* Make room for n more bytes; returns pointer to the free space. */
char *sbuf_grow(struct sbuf *sb, size_t n);
/* Text content, never NULL. */
const char *sbuf_str(const struct sbuf *sb);

#endif
