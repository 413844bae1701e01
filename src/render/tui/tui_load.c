/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tui_load.c - the dashboard's chart views: Load (history charts of the
 * node's counters), Schedulers (run queues, utilization and its history
 * per scheduler) and Memory (erlang:memory and the allocator summary).
 *
 * Drawn from a snapshot's series (oldest first, newest at the right edge
 * of every chart), each chart scaled to a "nice" maximum of what it shows.
 */
#include "render/tui/tui_draw.h"
#include "analyze/sched.h"
#include "render/format.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------------
 * Load view: history charts
 */

static void panel_title(struct tui_canvas *cv, int x, int y, int w, const char *title,
                        const char *right)
{
    int tw = tui_put(cv, x, y, w, TUI_TITLE, title);
    if (right && *right) {
        int rw = tui_width(right, cv->utf8);
        if (tw + 1 + rw <= w)
            tui_put(cv, x + w - rw, y, rw, TUI_DIM, right);
    }
}

/* A titled braille (or ASCII) chart of one series, with now and max. */
static void chart_panel(struct tui_state *st, struct tui_canvas *cv, int x, int y, int w,
                        int h, const char *title, const struct ui_series *r, bool bytes,
                        int role, const char *extra)
{
    char now_s[32], max_s[32], right[128];
    int cols = w, span = st->ascii_charts || !cv->utf8 ? 1 : 2;
    double mx = tui_series_max(r->v, r->n, (size_t)(cols * span));
    double nice = tui_nice_max(mx);

    if (bytes) {
        tui_fmt_bytes(now_s, sizeof(now_s), tui_ser_last(r));
        tui_fmt_bytes(max_s, sizeof(max_s), nice);
    } else {
        tui_fmt_si(now_s, sizeof(now_s), tui_ser_last(r));
        tui_fmt_si(max_s, sizeof(max_s), nice);
    }
    snprintf(right, sizeof(right), "%s%s%s  scale %s", now_s, extra ? " " : "",
             extra ? extra : "", max_s);
    panel_title(cv, x, y, w, title, right);
    if (h < 2)
        return;
    if (!r->n) {
        tui_put(cv, x, y + 1, w, TUI_DIM, "collecting...");
        return;
    }
    if (st->ascii_charts)
        tui_area(cv, x, y + 1, w, h - 1, role, r->v, r->n, nice);
    else
        tui_braille(cv, x, y + 1, w, h - 1, role, r->v, r->n, nice);
}

static void util_panel(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                       int x, int y, int w, int h)
{
    int rows = h - 1, i, ns = s ? s->schedulers : 0, shown;
    char right[64];
    double umax = 0, uavg = s ? tui_util_avg(s, &umax) : -1;

    if (uavg >= 0)
        snprintf(right, sizeof(right), "avg %.0f%% max %.0f%%", 100 * uavg, 100 * umax);
    else
        right[0] = '\0';
    panel_title(cv, x, y, w, "Scheduler utilization", right);
    if (!s || rows < 1)
        return;
    if (!s->n_sched_ser) {
        tui_put(cv, x, y + 1, w, TUI_DIM,
                s->util_err[0] ? s->util_err : "measuring (scheduler_wall_time)...");
        return;
    }
    shown = ns <= rows ? ns : rows - 1;
    for (i = 0; i < shown && (size_t)i < s->n_sched_ser; i++) {
        char lab[16], val[16];
        const struct ui_series *r = &s->sched_ser[i];
        double v = tui_ser_last(r);
        snprintf(lab, sizeof(lab), "%2d ", i + 1);
        snprintf(val, sizeof(val), " %3.0f%%", 100 * v);
        tui_put(cv, x, y + 1 + i, 3, TUI_DIM, lab);
        tui_spark(cv, x + 3, y + 1 + i, w - 8, v > 0.9 ? TUI_CRIT : TUI_C1, r->v, r->n, 1.0);
        tui_put(cv, x + w - 5, y + 1 + i, 5, TUI_NORMAL, val);
    }
    if (shown < ns)
        tui_putf(cv, x, y + 1 + shown, w, TUI_DIM, "... %d more: 3 Schedulers", ns - shown);
    (void)st;
}

static void mem_panel(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                      int x, int y, int w, int h)
{
    static const struct {
        const char *name;
        enum ui_series_id id;
        int role;
    } t[] = {
        { "total", UI_S_MEM_TOTAL, TUI_C2 },   { "procs", UI_S_MEM_PROCS, TUI_C1 },
        { "system", UI_S_MEM_SYSTEM, TUI_C4 }, { "binary", UI_S_MEM_BINARY, TUI_C3 },
        { "ets", UI_S_MEM_ETS, TUI_C1 },       { "code", UI_S_MEM_CODE, TUI_C2 },
        { "atom", UI_S_MEM_ATOM, TUI_C4 },
    };
    int rows = h - 1, i;
    char right[32];

    tui_fmt_bytes(right, sizeof(right), tui_ser_last(tui_ser(s, UI_S_MEM_TOTAL)));
    panel_title(cv, x, y, w, "Memory by type", right);
    for (i = 0; i < rows && i < (int)(sizeof(t) / sizeof(*t)); i++) {
        const struct ui_series *r = tui_ser(s, t[i].id);
        char val[16];
        /* Each type between its own low and high: the shape (a leak, a
         * saw tooth) matters, the value is printed next to it. */
        tui_fmt_bytes(val, sizeof(val), tui_ser_last(r));
        tui_put(cv, x, y + 1 + i, 7, TUI_DIM, t[i].name);
        tui_spark_range(cv, x + 7, y + 1 + i, w - 15, t[i].role, r->v, r->n);
        tui_put_right(cv, x + w - 8, y + 1 + i, 8, TUI_NORMAL, val);
    }
    (void)st;
}

static void io_panel(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                     int x, int y, int w, int h)
{
    const struct ui_series *in = tui_ser(s, UI_S_IO_IN), *out = tui_ser(s, UI_S_IO_OUT);
    char a[16], b[16], right[64];
    int ch = h - 1;

    tui_fmt_bytes(a, sizeof(a), tui_ser_last(in));
    tui_fmt_bytes(b, sizeof(b), tui_ser_last(out));
    snprintf(right, sizeof(right), "in %s/s out %s/s", a, b);
    panel_title(cv, x, y, w, "IO bytes/s", right);
    if (ch >= 4) {
        int top = ch / 2;
        double m = tui_nice_max(tui_series_max(in->v, in->n, (size_t)w * 2));
        double m2 = tui_nice_max(tui_series_max(out->v, out->n, (size_t)w * 2));
        tui_put(cv, x, y + 1, 4, TUI_DIM, "in");
        tui_put(cv, x, y + 1 + top, 4, TUI_DIM, "out");
        if (st->ascii_charts) {
            tui_area(cv, x + 4, y + 1, w - 4, top, TUI_C2, in->v, in->n, m);
            tui_area(cv, x + 4, y + 1 + top, w - 4, ch - top, TUI_C3, out->v, out->n, m2);
        } else {
            tui_braille(cv, x + 4, y + 1, w - 4, top, TUI_C2, in->v, in->n, m);
            tui_braille(cv, x + 4, y + 1 + top, w - 4, ch - top, TUI_C3, out->v, out->n, m2);
        }
    } else if (ch >= 1) {
        tui_put(cv, x, y + 1, 4, TUI_DIM, "in");
        tui_spark(cv, x + 4, y + 1, w - 4, TUI_C2, in->v, in->n,
                  tui_nice_max(tui_series_max(in->v, in->n, (size_t)w)));
        if (ch >= 2) {
            tui_put(cv, x, y + 2, 4, TUI_DIM, "out");
            tui_spark(cv, x + 4, y + 2, w - 4, TUI_C3, out->v, out->n,
                      tui_nice_max(tui_series_max(out->v, out->n, (size_t)w)));
        }
    }
}

void tui_draw_load(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                      int x, int y, int w, int h)
{
    int cols = w >= 60 ? 2 : 1, rows = 6 / cols;
    int pw = cols == 2 ? (w - 1) / 2 : w;
    int i;

    for (i = 0; i < 6; i++) {
        int c = i % cols, r = i / cols;
        int py = y + r * h / rows, ph = (r + 1) * h / rows - r * h / rows - 1;
        int px = x + c * (pw + 1);
        if (ph < 2)
            ph = 2;
        if (py + ph > y + h)
            continue;
        switch (i) {
        case 0: util_panel(st, cv, s, px, py, pw, ph); break;
        case 1: mem_panel(st, cv, s, px, py, pw, ph); break;
        case 2:
            chart_panel(st, cv, px, py, pw, ph, "Reductions/s", tui_ser(s, UI_S_REDS), false,
                        TUI_C1, NULL);
            break;
        case 3:
            chart_panel(st, cv, px, py, pw, ph, "Run queue", tui_ser(s, UI_S_RUNQ), false, TUI_C4,
                        NULL);
            break;
        case 4: io_panel(st, cv, s, px, py, pw, ph); break;
        default: {
            char wr[32], extra[48];
            tui_fmt_si(wr, sizeof(wr), tui_ser_last(tui_ser(s, UI_S_WORDS)));
            snprintf(extra, sizeof(extra), "(%s words freed/s)", wr);
            chart_panel(st, cv, px, py, pw, ph, "GCs/s", tui_ser(s, UI_S_GCS), false, TUI_C3,
                        pw >= 60 ? extra : NULL);
            break;
        }
        }
    }
}

/* ---------------------------------------------------------------------
 * Schedulers view
 */

/* Mean of the series [from, to) of sched_ser, element by element. */
static double *mean_series(const struct ui_snap *s, size_t from, size_t to, size_t *n,
                           double *buf, size_t cap)
{
    size_t i, k, len = 0;
    for (i = from; i < to && i < s->n_sched_ser; i++)
        if (!len || s->sched_ser[i].n < len)
            len = s->sched_ser[i].n;
    if (len > cap)
        len = cap;
    for (k = 0; k < len; k++) {
        double sum = 0;
        size_t c = 0;
        for (i = from; i < to && i < s->n_sched_ser; i++, c++)
            sum += s->sched_ser[i].v[s->sched_ser[i].n - len + k];
        buf[k] = c ? sum / (double)c : 0;
    }
    *n = len;
    return buf;
}

void tui_draw_sched(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                       int x, int y, int w, int h)
{
    struct tui_col cols[] = {
        TUI_COL("SCHEDULER", 9, 0, 0, false),
        TUI_COL("RUN QUEUE", 9, 0, 0, true),
        TUI_COL("STATUS", 14, 0, 0, false),
        TUI_COL("UTIL", 6, 0, 0, true),
        TUI_COL("", 12, 1, 2, false),
        TUI_COL("HISTORY", 10, 3, 1, false),
    };
    size_t ns, nd, nio, nrows, i;
    int64_t total = 0, max = 0;
    double umax = 0, uavg;
    int top, r, rows;
    double buf[UI_HISTORY];

    if (!s || !s->have_sched) {
        tui_center_note(cv, x, y, w, h, TUI_DIM, "collecting scheduler data...");
        return;
    }
    ns = (size_t)s->schedulers;
    nd = (size_t)s->dirty_cpu;
    nio = (size_t)s->dirty_io;
    for (i = 0; i < s->n_rq; i++) {
        total += s->rq[i];
        if (s->rq[i] > max)
            max = s->rq[i];
    }
    tui_putf(cv, x, y, w, TUI_NORMAL,
             "Run queue %" PRId64 " (max %" PRId64 ", avg %.1f)  schedulers %d/%d online  "
             "dirty cpu %d (%d online)  dirty io %d",
             total, max, s->n_rq ? (double)total / (double)s->n_rq : 0.0, s->schedulers_online,
             s->schedulers, s->dirty_cpu, s->dirty_cpu_online, s->dirty_io);
    uavg = tui_util_avg(s, &umax);
    if (uavg >= 0)
        tui_putf(cv, x, y + 1, w, TUI_NORMAL,
                 "Utilization %.1f%% avg, %.1f%% max over %.1f s (scheduler_wall_time, "
                 "restored on exit)",
                 100 * uavg, 100 * umax, (double)s->effective_ms / 1000.0);
    else
        tui_put(cv, x, y + 1, w, TUI_DIM,
                s->util_err[0] ? s->util_err : "utilization: measuring...");
    tui_layout(cols, sizeof(cols) / sizeof(*cols), w);
    tui_head(cv, x, y + 2, w, cols, sizeof(cols) / sizeof(*cols), -1);
    nrows = ns + (nd ? 1 : 0) + (nio ? 1 : 0);
    rows = h - 3;
    top = tui_list_begin(st, TUI_V_SCHED, (int)nrows, rows);
    for (r = 0; r < rows && (size_t)(top + r) < nrows; r++) {
        size_t k = (size_t)(top + r);
        int yy = y + 3 + r;
        char name[32], rq[32], status[48], util[16];
        int64_t len = 0;
        double u = -1;
        const double *hv = NULL;
        size_t hn = 0;
        enum level lv;

        if (k < ns) {
            snprintf(name, sizeof(name), "%zu", k + 1);
            len = k < s->n_rq ? s->rq[k] : 0;
            if (s->util && k < s->n_util)
                u = s->util[k];
            if (k < s->n_sched_ser) {
                hv = s->sched_ser[k].v;
                hn = s->sched_ser[k].n;
            }
        } else {
            bool cpu = k == ns && nd;
            size_t from = cpu ? ns : ns + nd, to = cpu ? ns + nd : ns + nd + nio;
            snprintf(name, sizeof(name), "%s %zu", cpu ? "dirty cpu" : "dirty io",
                     cpu ? nd : nio);
            len = ns + (cpu ? 0 : 1) < s->n_rq ? s->rq[ns + (cpu ? 0 : 1)] : 0;
            if (s->util && to <= s->n_util) {
                double sum = 0;
                for (i = from; i < to; i++)
                    sum += s->util[i];
                u = to > from ? sum / (double)(to - from) : 0;
            }
            hv = mean_series(s, from, to, &hn, buf, UI_HISTORY);
        }
        lv = sched_rq_level(len);
        snprintf(rq, sizeof(rq), "%" PRId64, len);
        snprintf(status, sizeof(status), "%s %s", tui_mark(st->utf8, lv), sched_rq_label(len));
        tui_cell(cv, x, yy, &cols[0], TUI_NORMAL, name);
        tui_cell(cv, x, yy, &cols[1], lv == LEVEL_OK ? TUI_NORMAL : tui_level_role(lv), rq);
        tui_cell(cv, x, yy, &cols[2], tui_level_role(lv), status);
        if (u >= 0) {
            int role = u > 0.9 ? TUI_CRIT : u > 0.7 ? TUI_WARN : TUI_C1;
            snprintf(util, sizeof(util), "%.1f%%", 100 * u);
            tui_cell(cv, x, yy, &cols[3], TUI_NORMAL, util);
            if (cols[4].w)
                tui_bar(cv, x + cols[4].x, yy, cols[4].w, role, u);
            if (cols[5].w && hv)
                tui_spark(cv, x + cols[5].x, yy, cols[5].w, role, hv, hn, 1.0);
        }
        if ((int)k == st->sel[TUI_V_SCHED])
            tui_restyle(cv, x, yy, w, TUI_SEL);
    }
}

/* ---------------------------------------------------------------------
 * Memory view
 */

void tui_draw_memory(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                        int x, int y, int w, int h)
{
    struct tui_col mc[] = {
        TUI_COL("ERLANG:MEMORY", 14, 0, 0, false),
        TUI_COL("SIZE", 10, 0, 0, true),
        TUI_COL("%", 6, 0, 0, true),
        TUI_COL("", 12, 1, 2, false),
        TUI_COL("HISTORY", 10, 3, 1, false),
    };
    struct tui_col ac[] = {
        TUI_COL("ALLOCATOR", 14, 0, 0, false),
        TUI_COL("IN USE", 10, 0, 0, true),
        TUI_COL("CARRIERS", 10, 0, 0, true),
        TUI_COL("USAGE", 6, 0, 0, true),
        TUI_COL("", 10, 1, 1, false),
        TUI_COL("MBCS", 10, 0, 2, true),
        TUI_COL("SBCS", 10, 0, 2, true),
    };
    struct node_memory m;
    const struct ui_memory *um = s ? s->memory : NULL;
    struct mem_row {
        const char *name;
        int64_t v, used;
        enum ui_series_id id;
    } rows[7];
    int i, yy = y, nr = 7;

    if (!s || (!um && !s->have_stats)) {
        tui_center_note(cv, x, y, w, h, TUI_DIM, "collecting memory data...");
        return;
    }
    m = um ? um->mem : s->stats.mem;
    rows[0] = (struct mem_row){ "total", m.total, -1, UI_S_MEM_TOTAL };
    rows[1] = (struct mem_row){ "processes", m.processes, m.processes_used, UI_S_MEM_PROCS };
    rows[2] = (struct mem_row){ "system", m.system, -1, UI_S_MEM_SYSTEM };
    rows[3] = (struct mem_row){ "binary", m.binary, -1, UI_S_MEM_BINARY };
    rows[4] = (struct mem_row){ "ets", m.ets, -1, UI_S_MEM_ETS };
    rows[5] = (struct mem_row){ "code", m.code, -1, UI_S_MEM_CODE };
    rows[6] = (struct mem_row){ "atom", m.atom, m.atom_used, UI_S_MEM_ATOM };
    tui_layout(mc, sizeof(mc) / sizeof(*mc), w);
    tui_head(cv, x, yy++, w, mc, sizeof(mc) / sizeof(*mc), -1);
    for (i = 0; i < nr && yy < y + h; i++, yy++) {
        char v[32], pct[16];
        const struct ui_series *r = tui_ser(s, rows[i].id);
        double frac = m.total ? (double)rows[i].v / (double)m.total : 0;
        fmt_bytes(v, sizeof(v), (double)rows[i].v);
        snprintf(pct, sizeof(pct), "%.1f%%", 100 * frac);
        tui_cell(cv, x, yy, &mc[0], i == 0 ? TUI_BOLD : TUI_NORMAL, rows[i].name);
        tui_cell(cv, x, yy, &mc[1], TUI_NORMAL, v);
        if (i)
            tui_cell(cv, x, yy, &mc[2], TUI_NORMAL, pct);
        if (mc[3].w && i)
            tui_bar(cv, x + mc[3].x, yy, mc[3].w, TUI_C2, frac);
        if (mc[4].w) {
            if (rows[i].used >= 0 && mc[4].w > 24) {
                char u[32];
                fmt_bytes(u, sizeof(u), (double)rows[i].used);
                tui_putf(cv, x + mc[4].x + mc[4].w - 16, yy, 16, TUI_DIM, " used %s", u);
                tui_spark_range(cv, x + mc[4].x, yy, mc[4].w - 17, TUI_C1, r->v, r->n);
            } else {
                tui_spark_range(cv, x + mc[4].x, yy, mc[4].w, TUI_C1, r->v, r->n);
            }
        }
    }
    yy++;
    if (yy >= y + h)
        return;
    if (!um) {
        tui_put(cv, x, yy, w, TUI_DIM, "collecting the allocator summary...");
        return;
    }
    {
        int64_t blocks = 0, carriers = 0;
        int top, rows_left, k;
        for (i = 0; i < (int)um->n; i++) {
            blocks += um->rows[i].blocks;
            carriers += um->rows[i].carriers;
        }
        {
            char b1[32], b2[32];
            fmt_bytes(b1, sizeof(b1), (double)blocks);
            fmt_bytes(b2, sizeof(b2), (double)carriers);
            tui_putf(cv, x, yy++, w, TUI_NORMAL,
                     "alloc_util allocators: %s in use in %s of carriers (%.0f%% used)", b1, b2,
                     carriers ? 100.0 * (double)blocks / (double)carriers : 0.0);
        }
        if (yy >= y + h)
            return;
        tui_layout(ac, sizeof(ac) / sizeof(*ac), w);
        tui_head(cv, x, yy++, w, ac, sizeof(ac) / sizeof(*ac), -1);
        rows_left = y + h - yy;
        top = tui_list_begin(st, TUI_V_MEMORY, (int)um->n, rows_left);
        for (k = 0; k < rows_left && top + k < (int)um->n; k++, yy++) {
            const struct ui_alloc_row *a = &um->rows[top + k];
            char b1[32], b2[32], b3[32], b4[32], pct[16];
            double use = a->carriers ? (double)a->blocks / (double)a->carriers : 0;
            tui_cell(cv, x, yy, &ac[0], TUI_NORMAL, a->name);
            if (a->disabled) {
                tui_cell(cv, x, yy, &ac[1], TUI_DIM, "disabled");
                continue;
            }
            fmt_bytes(b1, sizeof(b1), (double)a->blocks);
            fmt_bytes(b2, sizeof(b2), (double)a->carriers);
            fmt_bytes(b3, sizeof(b3), (double)a->mbcs);
            fmt_bytes(b4, sizeof(b4), (double)a->sbcs);
            snprintf(pct, sizeof(pct), "%.0f%%", 100 * use);
            tui_cell(cv, x, yy, &ac[1], TUI_NORMAL, b1);
            tui_cell(cv, x, yy, &ac[2], TUI_NORMAL, b2);
            /* Half-empty carriers of some size: fragmentation to look at. */
            tui_cell(cv, x, yy, &ac[3],
                     use < 0.5 && a->carriers > (8 << 20) ? TUI_WARN : TUI_NORMAL, pct);
            if (ac[4].w)
                tui_bar(cv, x + ac[4].x, yy, ac[4].w, TUI_C2, use);
            tui_cell(cv, x, yy, &ac[5], TUI_NORMAL, b3);
            tui_cell(cv, x, yy, &ac[6], TUI_NORMAL, b4);
            if (top + k == st->sel[TUI_V_MEMORY])
                tui_restyle(cv, x, yy, w, TUI_SEL);
        }
    }
}
