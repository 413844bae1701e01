/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xalloc.h - allocation that never returns NULL.
 *
 * Out of memory is not recoverable for a command-line tool: these wrappers
 * check for size overflow, run the registered "restore" hook (the terminal
 * UI uses it to call endwin) and abort with a one-line message.  Code that
 * must survive hostile sizes (decoders) checks limits before allocating.
 */
#ifndef BP_XALLOC_H
#define BP_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* realloc of nmemb * size with overflow check. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A hook run before aborting on allocation failure (e.g. endwin). */
void xalloc_set_fail_hook(void (*hook)(void));

#endif
