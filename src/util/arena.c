/* SPDX-License-Identifier: Apache-2.0 */
/*
 * arena.c - bump allocator; see arena.h.
 *
 * Chunks double in size from 4 KiB up to 1 MiB; requests larger than a
 * chunk get a chunk of their own.  Alignment is that of max_align_t.
 */
#include "util/arena.h"
#include "util/xalloc.h"

#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
    struct arena_chunk *next;
    size_t size;
    size_t off;
    alignas(max_align_t) unsigned char data[];
};

#define ALIGN (alignof(max_align_t))

void arena_init(struct arena *a)
{
    a->head = NULL;
    a->used = 0;
    a->limit = 0;
}

void arena_release(struct arena *a)
{
    struct arena_chunk *c = a->head;
    while (c) {
        struct arena_chunk *n = c->next;
        free(c);
        c = n;
    }
    a->head = NULL;
    a->used = 0;
}

void arena_clear(struct arena *a)
{
    struct arena_chunk *c, *last = NULL;
    if (!a->head)
        return;
    /* Keep the oldest chunk (the tail of the list), free the rest. */
    c = a->head;
    while (c->next) {
        struct arena_chunk *n = c->next;
        free(c);
        c = n;
    }
    last = c;
    last->off = 0;
    a->head = last;
    a->used = 0;
}

static void *alloc_raw(struct arena *a, size_t n)
{
    struct arena_chunk *c = a->head;
    size_t need = (n + ALIGN - 1) & ~(ALIGN - 1);

    if (need < n)
        need = n; /* overflow guard; xmalloc below will fail */
    if (!c || c->size - c->off < need) {
        size_t sz = c ? c->size * 2 : 4096;
        if (sz > (1u << 20))
            sz = 1u << 20;
        if (sz < need)
            sz = need;
        if (sz > SIZE_MAX - sizeof(*c))
            sz = SIZE_MAX - sizeof(*c);
        c = xmalloc(sizeof(*c) + sz);
        c->size = sz;
        c->off = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->off;
    c->off += need;
    a->used += need;
    return p;
}

void *arena_alloc(struct arena *a, size_t n)
{
    return alloc_raw(a, n);
}

void *arena_zalloc(struct arena *a, size_t n)
{
    void *p = alloc_raw(a, n);
    memset(p, 0, n);
    return p;
}

void *arena_alloc_checked(struct arena *a, size_t n)
{
    if (a->limit && (n > a->limit || a->used > a->limit - n))
        return NULL;
    return alloc_raw(a, n);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *d = alloc_raw(a, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    int n;
    char *d;

    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    d = alloc_raw(a, (size_t)n + 1);
    vsnprintf(d, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return d;
}
