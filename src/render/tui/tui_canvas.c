/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tui_canvas.c - a grid of cells the views draw into; see tui.h.
 *
 * Pure: no terminal.  Widths come from wcwidth(3) in a UTF-8 locale (the
 * same table curses uses, so the screen model and the canvas agree);
 * combining marks and other zero-width characters are dropped, which keeps
 * one glyph per cell.  Text from the node is never trusted to be valid
 * UTF-8: invalid bytes become '?'.
 */
#define _XOPEN_SOURCE 700 /* wcwidth */
#include "render/tui/tui.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

void tui_canvas_init(struct tui_canvas *cv, int w, int h, bool utf8)
{
    cv->w = w > 0 ? w : 1;
    cv->h = h > 0 ? h : 1;
    cv->utf8 = utf8;
    cv->cells = xcalloc((size_t)cv->w * (size_t)cv->h, sizeof(*cv->cells));
    tui_canvas_clear(cv);
}

void tui_canvas_release(struct tui_canvas *cv)
{
    free(cv->cells);
    cv->cells = NULL;
    cv->w = cv->h = 0;
}

void tui_canvas_clear(struct tui_canvas *cv)
{
    size_t i, n = (size_t)cv->w * (size_t)cv->h;
    for (i = 0; i < n; i++) {
        cv->cells[i].g[0] = ' ';
        cv->cells[i].g[1] = '\0';
        cv->cells[i].w = 1;
        cv->cells[i].role = TUI_NORMAL;
    }
}

const struct tui_cell *tui_cell_at(const struct tui_canvas *cv, int x, int y)
{
    if (x < 0 || y < 0 || x >= cv->w || y >= cv->h)
        return NULL;
    return &cv->cells[(size_t)y * (size_t)cv->w + (size_t)x];
}

static struct tui_cell *cell(struct tui_canvas *cv, int x, int y)
{
    return (struct tui_cell *)tui_cell_at(cv, x, y);
}

/* A wide character is being overwritten in part: blank its other half. */
static void unsplit(struct tui_canvas *cv, int x, int y)
{
    struct tui_cell *c = cell(cv, x, y), *o;
    if (!c)
        return;
    if (c->w == 0 && (o = cell(cv, x - 1, y)) != NULL) {
        strcpy(o->g, " ");
        o->w = 1;
    } else if (c->w == 2 && (o = cell(cv, x + 1, y)) != NULL) {
        strcpy(o->g, " ");
        o->w = 1;
    }
}

static void set_cell(struct tui_canvas *cv, int x, int y, const char *g, size_t len, int w,
                     int role)
{
    struct tui_cell *c = cell(cv, x, y);
    if (!c)
        return;
    unsplit(cv, x, y);
    memcpy(c->g, g, len);
    c->g[len] = '\0';
    c->w = (unsigned char)w;
    c->role = (unsigned char)role;
    if (w == 2) {
        struct tui_cell *n = cell(cv, x + 1, y);
        if (n) {
            unsplit(cv, x + 1, y);
            n->g[0] = '\0';
            n->w = 0;
            n->role = (unsigned char)role;
        }
    }
}

/* Width of code point cp: 0 (drop), 1 or 2. */
static int cp_width(uint32_t cp, bool utf8)
{
    int w;
    if (cp < 0x20 || cp == 0x7f)
        return 1; /* shown as '?' */
    if (cp < 0x7f)
        return 1;
    if (!utf8)
        return 1; /* shown as '?' */
    w = wcwidth((wchar_t)cp);
    if (w < 0)
        return 1;
    return w > 2 ? 2 : w;
}

/* Decode the next glyph of s: its bytes (or "?"), its width. */
static size_t next_glyph(const char *s, bool utf8, const char **g, size_t *glen, int *w)
{
    uint32_t cp = 0;
    size_t n = strlen(s) < 4 ? strlen(s) : 4;
    size_t len = utf8_next((const unsigned char *)s, n, &cp);

    if (len == 0) {
        /* Not valid UTF-8 here: skip one byte. */
        *g = "?";
        *glen = 1;
        *w = 1;
        return 1;
    }
    *w = cp_width(cp, utf8);
    if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && !utf8)) {
        *g = "?";
        *glen = 1;
    } else {
        *g = s;
        *glen = len;
    }
    return len;
}

int tui_put(struct tui_canvas *cv, int x, int y, int maxw, int role, const char *s)
{
    int col = 0;

    if (!s || y < 0 || y >= cv->h)
        return 0;
    if (maxw < 0 || x + maxw > cv->w)
        maxw = cv->w - x;
    while (*s && col < maxw) {
        const char *g;
        size_t glen;
        int w;
        s += next_glyph(s, cv->utf8, &g, &glen, &w);
        if (w == 0)
            continue;
        if (x + col < 0) {
            col += w;
            continue;
        }
        if (col + w > maxw) {
            set_cell(cv, x + col, y, " ", 1, 1, role);
            col++;
            break;
        }
        set_cell(cv, x + col, y, g, glen, w, role);
        col += w;
    }
    return col;
}

int tui_putf(struct tui_canvas *cv, int x, int y, int maxw, int role, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return tui_put(cv, x, y, maxw, role, buf);
}

int tui_width(const char *s, bool utf8)
{
    int col = 0;
    while (s && *s) {
        const char *g;
        size_t glen;
        int w;
        s += next_glyph(s, utf8, &g, &glen, &w);
        col += w;
    }
    return col;
}

int tui_put_right(struct tui_canvas *cv, int x, int y, int w, int role, const char *s)
{
    int tw = tui_width(s, cv->utf8);
    if (tw <= w)
        return tui_put(cv, x + w - tw, y, w, role, s);
    /* Too long: keep the end (numbers keep their units). */
    while (*s && tui_width(s, cv->utf8) > w)
        s++;
    return tui_put(cv, x + w - tui_width(s, cv->utf8), y, w, role, s);
}

void tui_glyph(struct tui_canvas *cv, int x, int y, int role, const char *g)
{
    set_cell(cv, x, y, g, strlen(g) > 4 ? 4 : strlen(g), 1, role);
}

void tui_fill(struct tui_canvas *cv, int x, int y, int w, int role)
{
    int i;
    for (i = 0; i < w; i++)
        set_cell(cv, x + i, y, " ", 1, 1, role);
}

void tui_restyle(struct tui_canvas *cv, int x, int y, int w, int role)
{
    int i;
    for (i = 0; i < w; i++) {
        struct tui_cell *c = cell(cv, x + i, y);
        if (c)
            c->role = (unsigned char)role;
    }
}

void tui_row_text(const struct tui_canvas *cv, int y, char *buf, size_t n)
{
    size_t o = 0, keep = 0;
    int x;

    if (!n)
        return;
    for (x = 0; x < cv->w && y >= 0 && y < cv->h; x++) {
        const struct tui_cell *c = tui_cell_at(cv, x, y);
        size_t len = strlen(c->g);
        if (o + len + 1 > n)
            break;
        memcpy(buf + o, c->g, len);
        o += len;
        if (!(len == 1 && c->g[0] == ' '))
            keep = o;
    }
    buf[keep] = '\0';
}
