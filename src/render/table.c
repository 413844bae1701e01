/* SPDX-License-Identifier: Apache-2.0 */
/*
 * table.c - aligned text tables; see table.h.
 */
#include "render/table.h"
#include "util/arena.h"
#include "util/utf8.h"
#include "util/sbuf.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct table {
    struct arena a;
    size_t ncols;
    const char **headers;
    char *spec;
    const char ***rows;
    size_t nrows, cap;
};

/* The next code point, or U+FFFD for a byte that starts no valid one. */
static uint32_t next_cp(const unsigned char **p)
{
    uint32_t cp;
    size_t len = strnlen((const char *)*p, 4);
    size_t l = utf8_next(*p, len ? len : 1, &cp);
    if (l == 0) {
        *p += 1;
        return 0xfffd;
    }
    *p += l;
    return cp;
}

size_t display_width(const char *str)
{
    const unsigned char *p = (const unsigned char *)str;
    size_t w = 0;

    while (*p) {
        uint32_t cp;
        if (*p == 0x1b) { /* skip ANSI escape sequences */
            while (*p && *p != 'm')
                p++;
            if (*p)
                p++;
            continue;
        }
        cp = next_cp(&p);
        if (cp == 0xfe0f || (cp >= 0x300 && cp < 0x370) || cp == 0x200d)
            continue; /* variation selectors, combining marks, ZWJ */
        if (cp >= 0x1f000 || cp == 0x2705 || (cp >= 0x2e80 && cp < 0xa000) ||
            (cp >= 0xac00 && cp < 0xd7a4) || (cp >= 0xff00 && cp < 0xff61))
            w += 2;
        else if (cp == 0x26a0)
            w += 2; /* the warning sign with VS16 renders wide */
        else
            w += 1;
    }
    return w;
}

struct table *table_new(const char *const *headers, const char *spec)
{
    struct table *t = xcalloc(1, sizeof(*t));
    size_t i;

    arena_init(&t->a);
    t->ncols = strlen(spec);
    t->spec = arena_strdup(&t->a, spec);
    t->headers = arena_alloc(&t->a, t->ncols * sizeof(char *));
    for (i = 0; i < t->ncols; i++)
        t->headers[i] = arena_strdup(&t->a, headers[i]);
    return t;
}

void table_row(struct table *t, const char *const *cells)
{
    const char **row;
    size_t i;

    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->rows = xreallocarray(t->rows, t->cap, sizeof(*t->rows));
    }
    row = arena_alloc(&t->a, t->ncols * sizeof(char *));
    for (i = 0; i < t->ncols; i++)
        row[i] = arena_strdup(&t->a, cells[i] ? cells[i] : "");
    t->rows[t->nrows++] = row;
}

void table_rowf(struct table *t, const char *fmt, ...)
{
    struct sbuf sb = SBUF_INIT;
    const char **cells = xcalloc(t->ncols, sizeof(char *));
    char *s, *tab;
    size_t i = 0;
    va_list ap;
    char tmp[4096];

    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    sbuf_addstr(&sb, tmp);
    s = sb.buf;
    while (s && i < t->ncols) {
        tab = strchr(s, '\t');
        if (tab)
            *tab = '\0';
        cells[i++] = s;
        s = tab ? tab + 1 : NULL;
    }
    table_row(t, cells);
    free(cells);
    sbuf_release(&sb);
}

static void pad(FILE *f, size_t n)
{
    while (n--)
        fputc(' ', f);
}

void table_print(const struct table *t, FILE *f, const struct style *s)
{
    size_t *w = xcalloc(t->ncols, sizeof(size_t));
    size_t i, r;

    for (i = 0; i < t->ncols; i++)
        w[i] = display_width(t->headers[i]);
    for (r = 0; r < t->nrows; r++)
        for (i = 0; i < t->ncols; i++) {
            size_t dw = display_width(t->rows[r][i]);
            if (dw > w[i])
                w[i] = dw;
        }
    fputs(style_bold(s), f);
    for (i = 0; i < t->ncols; i++) {
        size_t dw = display_width(t->headers[i]);
        int last = i + 1 == t->ncols;
        if (t->spec[i] == 'r')
            pad(f, w[i] - dw);
        fputs(t->headers[i], f);
        if (t->spec[i] != 'r' && !last)
            pad(f, w[i] - dw);
        if (!last)
            fputs("  ", f);
    }
    fputs(style_off(s), f);
    fputc('\n', f);
    for (r = 0; r < t->nrows; r++) {
        for (i = 0; i < t->ncols; i++) {
            size_t dw = display_width(t->rows[r][i]);
            int last = i + 1 == t->ncols;
            if (t->spec[i] == 'r')
                pad(f, w[i] - dw);
            fputs(t->rows[r][i], f);
            if (t->spec[i] != 'r' && !last)
                pad(f, w[i] - dw);
            if (!last)
                fputs("  ", f);
        }
        fputc('\n', f);
    }
    free(w);
}

void table_free(struct table *t)
{
    if (!t)
        return;
    free(t->rows);
    arena_release(&t->a);
    free(t);
}
