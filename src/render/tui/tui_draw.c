/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tui_draw.c - the dashboard's frame (header, tabs, footer, help) and
 * the views that are not tables of one kind of row; see tui.h.
 *
 * Everything is drawn from the selected node's current snapshot into a
 * canvas: pure, so a whole screen can be checked in a unit test at 80x24.
 * Layout rules: the node's name is always in the first row; the footer
 * always lists q and ?; lists scroll to keep the selection visible; a
 * column that does not fit is dropped before one that matters more.
 * The views are in tui_load.c (load, schedulers, memory), tui_tables.c
 * (processes, ETS, ports, cluster), tui_apps.c and tui_proc.c.
 */
#include "render/tui/tui_draw.h"
#include "render/format.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------
 * Small helpers shared with tui_tables.c
 */

const struct ui_snap *tui_snap(const struct tui_state *st)
{
    const struct ui_snap *s;
    if (st->node >= st->n_nodes)
        return NULL;
    s = st->nodes[st->node].snap;
    return s && s->seq ? s : NULL;
}

const char *tui_mark(bool utf8, enum level l)
{
    switch (l) {
    case LEVEL_OK: return utf8 ? "\xe2\x9c\x85" : "ok";           /* ✅ */
    case LEVEL_WARN: return utf8 ? "\xe2\x9a\xa0 " : "WARN";      /* ⚠ (text width 1) */
    case LEVEL_CRIT: return utf8 ? "\xf0\x9f\x94\xb4" : "CRIT";   /* 🔴 */
    default: return utf8 ? "\xe2\x80\xa2 " : "--";
    }
}

int tui_level_role(enum level l)
{
    return l == LEVEL_CRIT ? TUI_CRIT : l == LEVEL_WARN ? TUI_WARN : TUI_OK;
}

int tui_list_begin(struct tui_state *st, enum tui_view v, int n, int rows)
{
    int *sel = &st->sel[v], *top = &st->top[v];
    if (rows < 1)
        rows = 1;
    st->list_len = n;
    st->page = rows;
    if (*sel >= n)
        *sel = n - 1;
    if (*sel < 0)
        *sel = 0;
    if (*sel < *top)
        *top = *sel;
    if (*sel >= *top + rows)
        *top = *sel - rows + 1;
    if (*top > n - rows)
        *top = n - rows;
    if (*top < 0)
        *top = 0;
    return *top;
}

void tui_center_note(struct tui_canvas *cv, int x, int y, int w, int h, int role,
                     const char *text)
{
    int tw = tui_width(text, cv->utf8);
    int cx = x + (w > tw ? (w - tw) / 2 : 0);
    tui_put(cv, cx, y + h / 3, w, role, text);
}

void tui_pick_pid(struct tui_state *st, const struct term_pid *pid, const char *text,
                  const char *name)
{
    st->pick = TUI_PICK_PID;
    st->pick_pid = *pid;
    snprintf(st->pick_text, sizeof(st->pick_text), "%s", text ? text : "");
    snprintf(st->pick_name, sizeof(st->pick_name), "%s", name ? name : "");
}

void tui_head(struct tui_canvas *cv, int x, int y, int w, const struct tui_col *cols,
              size_t n, int sorted)
{
    size_t i;
    tui_fill(cv, x, y, w, TUI_HEAD);
    for (i = 0; i < n; i++) {
        const struct tui_col *c = &cols[i];
        char t[64];
        int role = (int)i == sorted ? TUI_HEAD_SORT : TUI_HEAD;
        if (!c->w)
            continue;
        snprintf(t, sizeof(t), "%s%s", c->title,
                 (int)i == sorted ? (cv->utf8 ? "\xe2\x96\xbc" : "v") : "");
        if (c->right)
            tui_put_right(cv, x + c->x, y, c->w, role, t);
        else
            tui_put(cv, x + c->x, y, c->w, role, t);
        if ((int)i == sorted)
            tui_restyle(cv, x + c->x, y, c->w, role);
    }
}

void tui_cell(struct tui_canvas *cv, int x, int y, const struct tui_col *c, int role,
              const char *s)
{
    if (!c->w)
        return;
    if (c->right)
        tui_put_right(cv, x + c->x, y, c->w, role, s);
    else
        tui_put(cv, x + c->x, y, c->w, role, s);
}

void tui_layout(struct tui_col *cols, size_t n, int w)
{
    int used = 0, flex = 0, x = 0;
    size_t i;

    /* Drop optional columns, least important first, until the rest fit. */
    for (;;) {
        int worst = -1;
        used = 0;
        flex = 0;
        for (i = 0; i < n; i++) {
            if (!cols[i].on)
                continue;
            used += cols[i].min + 1;
            flex += cols[i].grow;
            if (cols[i].prio > 0 && (worst < 0 || cols[i].prio > cols[worst].prio))
                worst = (int)i;
        }
        if (used <= w + 1 || worst < 0)
            break;
        cols[worst].on = false;
    }
    for (i = 0; i < n; i++) {
        cols[i].w = 0;
        if (!cols[i].on)
            continue;
        cols[i].w = cols[i].min;
        if (flex && cols[i].grow)
            cols[i].w += (w + 1 - used) * cols[i].grow / flex;
        cols[i].x = x;
        x += cols[i].w + 1;
    }
}

const struct ui_series *tui_ser(const struct ui_snap *s, enum ui_series_id id)
{
    static const struct ui_series empty = { NULL, 0 };
    return s ? &s->ser[id] : &empty;
}

double tui_ser_last(const struct ui_series *r)
{
    return r->n ? r->v[r->n - 1] : 0;
}

/* ---------------------------------------------------------------------
 * Header, tabs, footer
 */

static const char *const tab_long[] = { "Load", "Processes", "Schedulers", "Memory",
                                        "Applications", "ETS", "Ports", "Cluster" };
static const char *const tab_short[] = { "Load", "Procs", "Sched", "Memory",
                                         "Apps", "ETS", "Ports", "Cluster" };

double tui_util_avg(const struct ui_snap *s, double *max)
{
    double sum = 0;
    int i, n = s->schedulers;
    *max = 0;
    if (!s->util || n <= 0 || (size_t)n > s->n_util)
        return -1;
    for (i = 0; i < n; i++) {
        sum += s->util[i];
        if (s->util[i] > *max)
            *max = s->util[i];
    }
    return sum / n;
}

static int64_t rq_total(const struct ui_snap *s)
{
    int64_t t = 0;
    size_t i;
    for (i = 0; i < s->n_rq; i++)
        t += s->rq[i];
    return t;
}

/* Status marker for the header's right end. */
static void status_text(const struct tui_state *st, const struct ui_snap *s, int64_t now,
                        char *buf, size_t n, int *role)
{
    bool u = st->utf8;
    int64_t since = s ? (now - s->state_since_ms) / 1000 : 0;

    *role = TUI_BAR_BOLD;
    if (!s || s->state == UI_CONNECTING) {
        snprintf(buf, n, " %s connecting ", u ? "\xe2\x80\xa6" : "...");
        *role = TUI_WARN;
        return;
    }
    if (s->state == UI_LOST) {
        snprintf(buf, n, " %s CONNECTION LOST %" PRId64 "s, reconnecting ",
                 u ? "\xe2\x9c\x96" : "X", since < 0 ? 0 : since);
        *role = TUI_LOST;
        return;
    }
    if (s->state == UI_SLOW) {
        snprintf(buf, n, " %s NO ANSWER %" PRId64 "s ", u ? "\xe2\x8c\x9b" : "!",
                 s->taken_ms ? (now - s->taken_ms) / 1000 : since);
        *role = TUI_LOST;
        return;
    }
    if (st->paused) {
        snprintf(buf, n, " %s PAUSED ", u ? "\xe2\x9d\x9a\xe2\x9d\x9a" : "||");
        *role = TUI_WARN;
        return;
    }
    if (s->taken_ms && now - s->taken_ms > 2 * st->interval_ms + 3000) {
        snprintf(buf, n, " %s data %" PRId64 "s old ", u ? "\xe2\x8c\x9b" : "!",
                 (now - s->taken_ms) / 1000);
        *role = TUI_WARN;
        return;
    }
    snprintf(buf, n, " %s live ", u ? "\xe2\x97\x8f" : "*");
    *role = TUI_BAR_BOLD;
}

static void draw_header(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                        int64_t now)
{
    char status[96], b[192], iv[40];
    int srole, sw, x = 0;
    const char *node = st->node < st->n_nodes ? st->nodes[st->node].name : "?";

    tui_fill(cv, 0, 0, cv->w, TUI_BAR);
    status_text(st, s, now, status, sizeof(status), &srole);
    sw = tui_width(status, cv->utf8);
    x += tui_put(cv, x, 0, cv->w - sw, TUI_BAR, " beamprobe ");
    x += tui_put(cv, x, 0, cv->w - sw - x, TUI_BAR_BOLD, node);
    if (st->n_nodes > 1)
        x += tui_putf(cv, x, 0, cv->w - sw - x, TUI_BAR, " [%zu/%zu]", st->node + 1,
                      st->n_nodes);
    tui_fmt_interval(iv, sizeof(iv), st->interval_ms);
    if (s && !st->paused && s->interval_ms == st->interval_ms &&
        s->effective_ms > st->interval_ms * 6 / 5) {
        /* The node is busy: the feed spaces its rounds out (duty cycle). */
        char eff[16];
        size_t l = strlen(iv);
        tui_fmt_interval(eff, sizeof(eff), (s->effective_ms + 50) / 100 * 100);
        snprintf(iv + l, sizeof(iv) - l, "%s%s", cv->utf8 ? "\xe2\x86\x92" : "->", eff);
    }
    if (s && s->have_info) {
        char up[32];
        int64_t upms = s->have_stats ? s->stats.uptime_ms : s->info.uptime_ms;
        tui_fmt_uptime(up, sizeof(up), upms);
        snprintf(b, sizeof(b), " %s OTP %s %s up %s %s every %s", cv->utf8 ? "\xc2\xb7" : "|",
                 s->info.otp_release, cv->utf8 ? "\xc2\xb7" : "|", up,
                 cv->utf8 ? "\xc2\xb7" : "|", iv);
    } else {
        snprintf(b, sizeof(b), " %s every %s", cv->utf8 ? "\xc2\xb7" : "|", iv);
    }
    tui_put(cv, x, 0, cv->w - sw - x - 1, TUI_BAR, b);
    tui_put(cv, cv->w - sw, 0, sw, srole, status);

    /* Row 1: the node's vital signs. */
    x = 1;
    if (s && s->have_stats) {
        const struct node_stats *t = &s->stats;
        char c1[32], c2[32], m[32], r[32], seg[128];
        double umax, uavg = tui_util_avg(s, &umax);
        const char *sep = "  ";

        fmt_count(c1, sizeof(c1), t->process_count);
        fmt_count(c2, sizeof(c2), t->process_limit);
        snprintf(seg, sizeof(seg), "procs %s/%s", c1, c2);
        x += tui_put(cv, x, 1, cv->w - x, TUI_NORMAL, seg);
        tui_fmt_bytes(m, sizeof(m), (double)t->mem.total);
        x += tui_put(cv, x, 1, cv->w - x, TUI_NORMAL, sep);
        x += tui_put(cv, x, 1, cv->w - x, TUI_NORMAL, "mem ");
        x += tui_put(cv, x, 1, cv->w - x, TUI_BOLD, m);
        {
            int64_t rq = rq_total(s);
            enum level lv = rq > 20 ? LEVEL_CRIT : rq >= 5 ? LEVEL_WARN : LEVEL_OK;
            snprintf(seg, sizeof(seg), "%" PRId64, rq);
            x += tui_put(cv, x, 1, cv->w - x, TUI_NORMAL, sep);
            x += tui_put(cv, x, 1, cv->w - x, TUI_NORMAL, "runq ");
            x += tui_put(cv, x, 1, cv->w - x, lv == LEVEL_OK ? TUI_BOLD : tui_level_role(lv),
                         seg);
        }
        x += tui_put(cv, x, 1, cv->w - x, TUI_NORMAL, sep);
        x += tui_put(cv, x, 1, cv->w - x, TUI_NORMAL, "util ");
        if (uavg >= 0) {
            snprintf(seg, sizeof(seg), "%.0f%%", 100 * uavg);
            x += tui_put(cv, x, 1, cv->w - x,
                         uavg > 0.9 ? TUI_CRIT : uavg > 0.7 ? TUI_WARN : TUI_BOLD, seg);
        } else {
            x += tui_put(cv, x, 1, cv->w - x, TUI_DIM, "n/a");
        }
        if (s->have_rates) {
            tui_fmt_si(r, sizeof(r), s->reds_s);
            snprintf(seg, sizeof(seg), "%sreds %s/s", sep, r);
            x += tui_put(cv, x, 1, cv->w - x, TUI_NORMAL, seg);
        }
        fmt_count(c1, sizeof(c1), t->port_count);
        snprintf(seg, sizeof(seg), "%sports %s", sep, c1);
        if (x + tui_width(seg, cv->utf8) <= cv->w)
            x += tui_put(cv, x, 1, cv->w - x, TUI_NORMAL, seg);
        fmt_count(c1, sizeof(c1), t->ets_count);
        snprintf(seg, sizeof(seg), "%sets %s", sep, c1);
        if (x + tui_width(seg, cv->utf8) <= cv->w)
            x += tui_put(cv, x, 1, cv->w - x, TUI_NORMAL, seg);
        fmt_count(c1, sizeof(c1), t->atom_count);
        snprintf(seg, sizeof(seg), "%satoms %s", sep, c1);
        if (x + tui_width(seg, cv->utf8) <= cv->w)
            tui_put(cv, x, 1, cv->w - x, TUI_NORMAL, seg);
    } else {
        tui_put(cv, 1, 1, cv->w - 1, TUI_DIM, s && s->err[0] ? s->err : "waiting for the node");
    }
}

static void draw_tabs(struct tui_state *st, struct tui_canvas *cv)
{
    const char *const *names = cv->w >= 100 ? tab_long : tab_short;
    int i, x = 1;
    int cur = st->view == TUI_V_PROC ? (int)st->back : (int)st->view;

    for (i = 0; i < TUI_V_PROC; i++) {
        char t[32];
        int on = i == cur && st->view != TUI_V_PROC;
        snprintf(t, sizeof(t), " %d %s ", i + 1, names[i]);
        if (x + tui_width(t, cv->utf8) > cv->w)
            break;
        tui_put(cv, x, 2, cv->w - x, on ? TUI_TAB_ON : i == cur ? TUI_BOLD : TUI_TAB, t);
        x += tui_width(t, cv->utf8);
    }
    if (st->have_proc && x + 12 < cv->w) {
        char t[160];
        snprintf(t, sizeof(t), " %s %s ", cv->utf8 ? "\xe2\x8f\x8e" : ">", st->proc_text);
        tui_put(cv, x + 1, 2, cv->w - x - 1, st->view == TUI_V_PROC ? TUI_TAB_ON : TUI_TAB, t);
    }
}

struct hint {
    const char *key, *label;
};

static int put_hints(struct tui_canvas *cv, int x, int y, const struct hint *h, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        int need = tui_width(h[i].key, cv->utf8) + tui_width(h[i].label, cv->utf8) + 2;
        if (x + need > cv->w)
            break;
        x += tui_put(cv, x, y, cv->w - x, TUI_KEY, h[i].key);
        x += tui_put(cv, x, y, cv->w - x, TUI_NORMAL, " ");
        x += tui_put(cv, x, y, cv->w - x, TUI_NORMAL, h[i].label);
        x += tui_put(cv, x, y, cv->w - x, TUI_NORMAL, " ");
    }
    return x;
}

static void draw_footer(struct tui_state *st, struct tui_canvas *cv, int64_t now)
{
    int y = cv->h - 1, x = 0;
    char iv[16], pause[32];
    bool u = cv->utf8;
    struct hint h[12];
    size_t n = 0;

    tui_fill(cv, 0, y, cv->w, TUI_NORMAL);
    if (st->input != TUI_IN_NONE) {
        const char *p = st->input == TUI_IN_FILTER ? "filter: " : "dump to: ";
        x += tui_put(cv, 0, y, cv->w, TUI_KEY, p);
        x += tui_put(cv, x, y, cv->w - x - 22, TUI_BOLD, st->line.buf);
        tui_put(cv, x, y, 1, TUI_SEL, " ");
        tui_put(cv, x + 2, y, cv->w - x - 2, TUI_DIM,
                st->input == TUI_IN_FILTER ? "Enter keep  Esc clear" : "Enter write  Esc cancel");
        return;
    }
    if (now < st->msg_until && st->msg[0]) {
        x += tui_put(cv, 0, y, cv->w, st->msg_error ? TUI_CRIT : TUI_INFO, st->msg);
        x += 2;
        if (x > cv->w - 14)
            return;
    }
    tui_fmt_interval(iv, sizeof(iv), st->interval_ms);
    snprintf(pause, sizeof(pause), "%s", st->paused ? "resume" : "pause");
    h[n++] = (struct hint){ "q", "quit" };
    h[n++] = (struct hint){ "?", "help" };
    switch (st->view) {
    case TUI_V_PROC:
        h[n++] = (struct hint){ "Esc", "back" };
        h[n++] = (struct hint){ "d", "dump" };
        h[n++] = (struct hint){ "m", "msg types (trace)" };
        h[n++] = (struct hint){ u ? "\xe2\x86\x91\xe2\x86\x93" : "j/k", "scroll" };
        break;
    case TUI_V_PROCS:
    case TUI_V_ETS:
        h[n++] = (struct hint){ "s", "sort" };
        h[n++] = (struct hint){ "/", "filter" };
        h[n++] = (struct hint){ "Enter", st->view == TUI_V_PROCS ? "open" : "owner" };
        break;
    case TUI_V_PORTS:
        h[n++] = (struct hint){ "s", "sort" };
        h[n++] = (struct hint){ "Enter", "owner" };
        break;
    case TUI_V_APPS:
        h[n++] = (struct hint){ "Enter", "expand/open" };
        break;
    case TUI_V_CLUSTER:
        h[n++] = (struct hint){ "Enter", "switch node" };
        break;
    default:
        break;
    }
    h[n++] = (struct hint){ "Tab", "view" };
    h[n++] = (struct hint){ "p", pause };
    h[n++] = (struct hint){ "+/-", iv };
    if (st->n_nodes > 1)
        h[n++] = (struct hint){ "n", "node" };
    put_hints(cv, x, y, h, n);
}

static void draw_help(struct tui_state *st, struct tui_canvas *cv)
{
    static const char *const lines[][2] = {
        { "1-8  Tab  S-Tab",
          "views: Load, Processes, Schedulers, Memory, Apps, ETS, Ports, Cluster" },
        { "arrows j k", "move; PgUp/PgDn, space, Home/End (g/G) by pages and to the ends" },
        { "Enter", "open the process (Processes, ETS/Ports owner, Apps), expand an app" },
        { "Esc  Left  BS", "back from the process view; clear the filter; collapse an app" },
        { "s  >  <", "next / previous sort key (Processes, ETS, Ports)" },
        { "/", "filter by name, module or pid (Processes), by name (ETS)" },
        { "p", "pause / resume collecting (the node is left alone)" },
        { "+  -", "refresh faster / slower (250ms .. 60s)" },
        { "d", "process view: dump the full process info to a file" },
        { "m", "process view: count its message types for 5 s (bounded trace)" },
        { "n  N", "next / previous node (--cluster)" },
        { "r  Ctrl-L", "refresh now" },
        { "q", "quit (the node is left exactly as found)" },
    };
    size_t n = sizeof(lines) / sizeof(*lines), i;
    int w = cv->w - 4 > 96 ? 96 : cv->w - 4;
    int h = (int)n + 6 > cv->h - 2 ? cv->h - 2 : (int)n + 6;
    int x0 = (cv->w - w) / 2, y0 = (cv->h - h) / 2, y;
    char legend[160];

    for (y = y0; y < y0 + h; y++)
        tui_fill(cv, x0, y, w, TUI_NORMAL);
    for (y = y0; y < y0 + h; y++) {
        tui_glyph(cv, x0, y, TUI_TITLE, cv->utf8 ? "\xe2\x94\x82" : "|");
        tui_glyph(cv, x0 + w - 1, y, TUI_TITLE, cv->utf8 ? "\xe2\x94\x82" : "|");
    }
    for (i = 0; i < (size_t)w; i++) {
        tui_glyph(cv, x0 + (int)i, y0, TUI_TITLE, cv->utf8 ? "\xe2\x94\x80" : "-");
        tui_glyph(cv, x0 + (int)i, y0 + h - 1, TUI_TITLE, cv->utf8 ? "\xe2\x94\x80" : "-");
    }
    tui_put(cv, x0 + 2, y0, w - 4, TUI_TITLE, " beamprobe ui: keys ");
    for (i = 0; i < n && (int)i + 1 < h - 4; i++) {
        tui_put(cv, x0 + 2, y0 + 1 + (int)i, 16, TUI_KEY, lines[i][0]);
        tui_put(cv, x0 + 19, y0 + 1 + (int)i, w - 21, TUI_NORMAL, lines[i][1]);
    }
    snprintf(legend, sizeof(legend), "mailbox: %s <= 100  %s > 100  %s > 1000   any key closes",
             tui_mark(st->utf8, LEVEL_OK), tui_mark(st->utf8, LEVEL_WARN),
             tui_mark(st->utf8, LEVEL_CRIT));
    tui_put(cv, x0 + 2, y0 + h - 2, w - 4, TUI_DIM, legend);
}

/* ---------------------------------------------------------------------
 * The whole screen
 */

static void banner(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                   int y, int64_t now)
{
    const char *node = st->node < st->n_nodes ? st->nodes[st->node].name : "?";
    int64_t since = s ? (now - s->state_since_ms) / 1000 : 0;
    char b[640];

    if (!s) {
        snprintf(b, sizeof(b), " connecting to %s ...", node);
        tui_fill(cv, 0, y, cv->w, TUI_WARN);
        tui_put(cv, 0, y, cv->w, TUI_WARN, b);
        return;
    }
    switch (s->state) {
    case UI_LOST:
        snprintf(b, sizeof(b),
                 " %s CONNECTION LOST to %s %llds ago, reconnecting (attempt %d): %s; "
                 "the data shown is the last received",
                 st->utf8 ? "\xe2\x9c\x96" : "X", node, (long long)since, s->attempts, s->err);
        break;
    case UI_SLOW:
        snprintf(b, sizeof(b), " %s %s has not answered for %llds: %s (keys still work)",
                 st->utf8 ? "\xe2\x8c\x9b" : "!", node,
                 (long long)(s->taken_ms ? (now - s->taken_ms) / 1000 : since), s->err);
        break;
    default:
        snprintf(b, sizeof(b), " connecting to %s: %s", node, s->err);
        break;
    }
    tui_fill(cv, 0, y, cv->w, TUI_LOST);
    tui_put(cv, 0, y, cv->w, TUI_LOST, b);
}

void tui_draw(struct tui_state *st, struct tui_canvas *cv, int64_t now)
{
    const struct ui_snap *s = tui_snap(st);
    int y0 = 3, h;

    tui_canvas_clear(cv);
    st->pick = TUI_PICK_NONE;
    st->list_len = 0;
    st->page = 1;
    if (cv->w < 30 || cv->h < 8) {
        const char *node = st->node < st->n_nodes ? st->nodes[st->node].name : "?";
        tui_put(cv, 0, 0, cv->w, TUI_BOLD, node);
        tui_putf(cv, 0, 1, cv->w, TUI_WARN, "terminal %dx%d: too small", cv->w, cv->h);
        tui_put(cv, 0, 2, cv->w, TUI_NORMAL, "q quits");
        return;
    }
    draw_header(st, cv, s, now);
    draw_tabs(st, cv);
    if (!s || s->state != UI_LIVE) {
        banner(st, cv, s, y0, now);
        y0++;
    }
    h = cv->h - 1 - y0;
    if (s && s->view_err[0] && h > 4) {
        tui_put(cv, 0, cv->h - 2, cv->w, TUI_WARN, s->view_err);
        h--;
    }
    switch (st->view) {
    case TUI_V_LOAD: tui_draw_load(st, cv, s, 0, y0, cv->w, h); break;
    case TUI_V_PROCS: tui_draw_procs(st, cv, s, 0, y0, cv->w, h); break;
    case TUI_V_SCHED: tui_draw_sched(st, cv, s, 0, y0, cv->w, h); break;
    case TUI_V_MEMORY: tui_draw_memory(st, cv, s, 0, y0, cv->w, h); break;
    case TUI_V_APPS: tui_draw_apps(st, cv, s, 0, y0, cv->w, h); break;
    case TUI_V_ETS: tui_draw_ets(st, cv, s, 0, y0, cv->w, h); break;
    case TUI_V_PORTS: tui_draw_ports(st, cv, s, 0, y0, cv->w, h); break;
    case TUI_V_CLUSTER: tui_draw_cluster(st, cv, s, 0, y0, cv->w, h, now); break;
    case TUI_V_PROC:
        if (s)
            tui_draw_proc(st, cv, s, 0, y0, cv->w, h);
        break;
    default: break;
    }
    draw_footer(st, cv, now);
    if (st->help)
        draw_help(st, cv);
}
