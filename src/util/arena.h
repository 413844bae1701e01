/* SPDX-License-Identifier: Apache-2.0 */
/*
 * arena.h - bump allocator for everything decoded in one sample or reply.
 *
 * Terms decoded from one frame, strings built for one refresh tick: all come
 * from one arena and are released together by arena_release (or reused by
 * arena_clear).  Individual allocations are never freed.  An arena may be
 * given a byte budget; past it, arena_alloc_checked returns NULL so decoders
 * can report BP_ETOOBIG instead of growing without bound.
 *
 * Ownership: the arena owns every block it hands out.
 */
#ifndef BP_ARENA_H
#define BP_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *head;
    size_t used;   /* bytes handed out since init/clear */
    size_t limit;  /* 0 = unlimited (for arena_alloc_checked) */
};

#define ARENA_INIT { NULL, 0, 0 }

void arena_init(struct arena *a);
/* Free every chunk; the arena may be reused afterwards. */
void arena_release(struct arena *a);
/* Forget all allocations but keep the first chunk for reuse. */
void arena_clear(struct arena *a);

/* Aligned allocation; aborts on out-of-memory (see xalloc.h). */
void *arena_alloc(struct arena *a, size_t n);
/* Zeroed allocation. */
void *arena_zalloc(struct arena *a, size_t n);
/* Like arena_alloc but returns NULL once a->limit would be exceeded. */
void *arena_alloc_checked(struct arena *a, size_t n);
/* Copy of s[0..n) with a terminating NUL. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* printf into arena memory. */
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
