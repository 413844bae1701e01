/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sbuf.c - growable buffer; see sbuf.h.
 */
#include "util/sbuf.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sbuf_init(struct sbuf *sb, size_t max)
{
    sb->buf = NULL;
    sb->len = 0;
    sb->alloc = 0;
    sb->max = max;
    sb->overflow = false;
}

void sbuf_release(struct sbuf *sb)
{
    free(sb->buf);
    sbuf_init(sb, sb->max);
}

void sbuf_reset(struct sbuf *sb)
{
    sb->len = 0;
    sb->overflow = false;
    if (sb->buf)
        sb->buf[0] = '\0';
}

char *sbuf_detach(struct sbuf *sb, size_t *len)
{
    char *b;
    if (!sb->buf)
        sbuf_grow(sb, 0);
    b = sb->buf;
    if (len)
        *len = sb->len;
    sbuf_init(sb, sb->max);
    return b;
}

char *sbuf_grow(struct sbuf *sb, size_t n)
{
    if (sb->alloc - sb->len <= n || !sb->buf) {
        size_t want = sb->len + n + 1;
        size_t a = sb->alloc ? sb->alloc : 64;
        while (a < want)
            a *= 2;
        sb->buf = xrealloc(sb->buf, a);
        sb->alloc = a;
        sb->buf[sb->len] = '\0';
    }
    return sb->buf + sb->len;
}

void sbuf_add(struct sbuf *sb, const void *data, size_t n)
{
    if (sb->max && sb->len + n > sb->max) {
        n = sb->max > sb->len ? sb->max - sb->len : 0;
        sb->overflow = true;
    }
    sbuf_grow(sb, n);
    if (n)
        memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void sbuf_addstr(struct sbuf *sb, const char *s)
{
    sbuf_add(sb, s, strlen(s));
}

void sbuf_addch(struct sbuf *sb, char c)
{
    sbuf_add(sb, &c, 1);
}

void sbuf_addchars(struct sbuf *sb, char c, size_t n)
{
    while (n--)
        sbuf_addch(sb, c);
}

void sbuf_addf(struct sbuf *sb, const char *fmt, ...)
{
    va_list ap;
    int n;
    char small[256];

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        sbuf_add(sb, small, (size_t)n);
        return;
    }
    {
        char *tmp = xmalloc((size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(tmp, (size_t)n + 1, fmt, ap);
        va_end(ap);
        sbuf_add(sb, tmp, (size_t)n);
        free(tmp);
    }
}

void sbuf_truncate(struct sbuf *sb, size_t n)
{
    if (n < sb->len) {
        sb->len = n;
        sb->buf[n] = '\0';
    }
}

const char *sbuf_str(const struct sbuf *sb)
{
    return sb->buf ? sb->buf : "";
}
