/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tui_tables.c - the dashboard's table views: processes, ETS tables,
 * ports and the cluster overview; see tui_draw.h.
 *
 * Each draws what the node ranked (top N, cut on the node), laid out by
 * column priority so that 80 columns keep pid, name, the sort key and the
 * mailbox with its mark, and records the selected row for Enter.
 */
#include "render/tui/tui_draw.h"
#include "render/format.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A count that fits in w columns: 1,234,567, or 1.23M when it does not. */
static void fit_count(char *buf, size_t n, int64_t v, int w)
{
    fmt_count(buf, n, v);
    if ((int)strlen(buf) > w)
        tui_fmt_si(buf, n, (double)v);
}

static void rate_str(char *buf, size_t n, double r)
{
    if (r < 0)
        snprintf(buf, n, "-");
    else
        tui_fmt_si(buf, n, r);
}

/* ---------------------------------------------------------------------
 * Processes
 */

enum { PC_PID, PC_NAME, PC_MEM, PC_MBOX, PC_REDS, PC_RATE, PC_GC, PC_STATUS, PC_HEAP,
       PC_CUR, PC_N };

static int sorted_col(enum ui_psort k)
{
    switch (k) {
    case UI_PSORT_MEMORY: return PC_MEM;
    case UI_PSORT_MAILBOX: return PC_MBOX;
    case UI_PSORT_REDUCTIONS: return PC_REDS;
    case UI_PSORT_REDS_RATE: return PC_RATE;
    default: return PC_GC;
    }
}

void tui_draw_procs(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                    int x, int y, int w, int h)
{
    const struct ui_procs *p = s ? s->procs : NULL;
    const struct ui_proc_row **rows;
    struct tui_col cols[PC_N] = {
        [PC_PID] = TUI_COL("PID", 10, 0, 0, false),
        [PC_NAME] = TUI_COL("NAME", 14, 4, 0, false),
        [PC_MEM] = TUI_COL("MEMORY", 8, 0, 0, true),
        [PC_MBOX] = TUI_COL("MAILBOX", 0, 0, 0, true),
        [PC_REDS] = TUI_COL("REDUCTIONS", 11, 0, 3, true),
        [PC_RATE] = TUI_COL("REDS/S", 7, 0, 1, true),
        [PC_GC] = TUI_COL("GC/S", 5, 0, 2, true),
        [PC_STATUS] = TUI_COL("STATUS", 8, 0, 5, false),
        [PC_HEAP] = TUI_COL("HEAP", 8, 0, 4, true),
        [PC_CUR] = TUI_COL("CURRENT FUNCTION", 12, 5, 0, false),
    };
    int markw = cv->utf8 ? 2 : 4;
    int sorted = sorted_col(st->psort);
    size_t n, i;
    int top, r, list_rows, pidw = 10;
    char c1[32], c2[32];

    if (!p) {
        tui_center_note(cv, x, y, w, h, TUI_DIM, "ranking processes on the node...");
        return;
    }
    rows = calloc(p->n + 1, sizeof(*rows));
    if (!rows)
        return;
    n = tui_procs_view(p, st->psort, st->filter, rows);
    for (i = 0; i < n; i++) {
        int pw = tui_width(rows[i]->pid_text, cv->utf8);
        if (pw > pidw)
            pidw = pw;
    }
    cols[PC_PID].min = pidw > 18 ? 18 : pidw;
    cols[PC_MBOX].min = 7 + 1 + markw;
    /* The sort key's column is never dropped. */
    cols[sorted].prio = 0;
    tui_layout(cols, PC_N, w);

    fmt_count(c1, sizeof(c1), p->process_count);
    {
        int xx = x;
        xx += tui_putf(cv, xx, y, w, TUI_TITLE, "Processes %s", c1);
        xx += tui_putf(cv, xx, y, w - (xx - x), TUI_NORMAL, "  top %zu by %s", p->n,
                       ui_psort_name(p->sort));
        if (p->window_ms)
            xx += tui_putf(cv, xx, y, w - (xx - x), TUI_NORMAL, " over %.2gs",
                           (double)p->window_ms / 1000.0);
        xx += tui_putf(cv, xx, y, w - (xx - x), TUI_DIM, ", ranked on the node in %.0f ms",
                       (double)p->node_elapsed_us / 1000.0);
        if (p->filter[0]) {
            fmt_count(c2, sizeof(c2), p->matching);
            xx += tui_putf(cv, xx, y, w - (xx - x), TUI_INFO, "  filter \"%s\": %s match",
                           p->filter, c2);
        }
        if (p->sort != st->psort || strcmp(p->filter, st->filter) != 0)
            tui_put(cv, xx, y, w - (xx - x), TUI_WARN, "  (re-ranking...)");
        else if (s->view_every_ms > s->interval_ms * 6 / 5)
            tui_putf(cv, xx, y, w - (xx - x), TUI_WARN, "  (every %.1fs: node busy)",
                     (double)s->view_every_ms / 1000.0);
        else if (s->taken_ms - s->procs_ms > 2 * s->interval_ms + 1000)
            tui_putf(cv, xx, y, w - (xx - x), TUI_WARN, "  (table %llds old)",
                     (long long)((s->taken_ms - s->procs_ms) / 1000));
    }
    tui_head(cv, x, y + 1, w, cols, PC_N, sorted);
    list_rows = h - 2;
    top = tui_list_begin(st, TUI_V_PROCS, (int)n, list_rows);
    if (!n)
        tui_put(cv, x + 1, y + 2, w - 1, TUI_DIM,
                st->filter[0] ? "no process matches the filter (Esc clears it)" : "no rows");
    for (r = 0; r < list_rows && (size_t)(top + r) < n; r++) {
        const struct ui_proc_row *row = rows[top + r];
        int yy = y + 2 + r;
        enum level lv = level_mailbox(row->mailbox);
        char b[48];
        bool sel = top + r == st->sel[TUI_V_PROCS];

        tui_cell(cv, x, yy, &cols[PC_PID], TUI_INFO, row->pid_text);
        tui_cell(cv, x, yy, &cols[PC_NAME], TUI_BOLD, row->name);
        tui_fmt_bytes(b, sizeof(b), (double)row->memory);
        tui_cell(cv, x, yy, &cols[PC_MEM], TUI_NORMAL, b);
        if (cols[PC_MBOX].w) {
            fit_count(b, sizeof(b), row->mailbox, cols[PC_MBOX].w - markw - 1);
            tui_put_right(cv, x + cols[PC_MBOX].x, yy, cols[PC_MBOX].w - markw - 1,
                          lv == LEVEL_OK ? TUI_NORMAL : tui_level_role(lv), b);
            tui_put(cv, x + cols[PC_MBOX].x + cols[PC_MBOX].w - markw, yy, markw,
                    tui_level_role(lv), tui_mark(cv->utf8, lv));
        }
        fit_count(b, sizeof(b), row->reductions, cols[PC_REDS].w);
        tui_cell(cv, x, yy, &cols[PC_REDS], TUI_NORMAL, b);
        rate_str(b, sizeof(b), row->reds_rate);
        tui_cell(cv, x, yy, &cols[PC_RATE], TUI_NORMAL, b);
        rate_str(b, sizeof(b), row->gc_rate);
        tui_cell(cv, x, yy, &cols[PC_GC], TUI_NORMAL, b);
        tui_cell(cv, x, yy, &cols[PC_STATUS], TUI_DIM, row->status);
        fit_count(b, sizeof(b), row->heap_words, cols[PC_HEAP].w);
        tui_cell(cv, x, yy, &cols[PC_HEAP], TUI_NORMAL, b);
        tui_cell(cv, x, yy, &cols[PC_CUR], TUI_DIM, row->current);
        if (sel) {
            tui_restyle(cv, x, yy, w, TUI_SEL);
            tui_pick_pid(st, &row->pid, row->pid_text, row->name);
        }
    }
    free(rows);
}

/* ---------------------------------------------------------------------
 * ETS
 */

void tui_draw_ets(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                  int x, int y, int w, int h)
{
    const struct ui_ets *e = s ? s->ets : NULL;
    struct tui_col cols[] = {
        TUI_COL("TABLE", 16, 3, 0, false),
        TUI_COL("TYPE", 11, 0, 2, false),
        TUI_COL("SIZE", 10, 0, 0, true),
        TUI_COL("MEMORY", 9, 0, 0, true),
        TUI_COL("OWNER", 16, 2, 0, false),
        TUI_COL("PROTECTION", 10, 0, 1, false),
    };
    int top, r, rows = h - 2;
    char c1[32], c2[32];

    if (!e) {
        tui_center_note(cv, x, y, w, h, TUI_DIM, "reading ETS tables...");
        return;
    }
    tui_layout(cols, sizeof(cols) / sizeof(*cols), w);
    fmt_count(c1, sizeof(c1), e->count);
    fmt_bytes(c2, sizeof(c2), (double)e->total_memory);
    {
        int xx = x;
        xx += tui_putf(cv, xx, y, w, TUI_TITLE, "ETS %s tables, %s", c1, c2);
        xx += tui_putf(cv, xx, y, w - (xx - x), TUI_NORMAL, "  top %zu by %s", e->n,
                       ui_ets_sort_name(e->sort));
        if (st->ets_filter[0]) {
            fmt_count(c1, sizeof(c1), e->matching);
            tui_putf(cv, xx, y, w - (xx - x), TUI_INFO, "  name contains \"%s\": %s",
                     st->ets_filter, c1);
        }
    }
    tui_head(cv, x, y + 1, w, cols, sizeof(cols) / sizeof(*cols),
             e->sort == UI_ETS_SIZE ? 2 : 3);
    top = tui_list_begin(st, TUI_V_ETS, (int)e->n, rows);
    for (r = 0; r < rows && (size_t)(top + r) < e->n; r++) {
        const struct ui_ets_row *t = &e->rows[top + r];
        int yy = y + 2 + r;
        char b[64];
        tui_cell(cv, x, yy, &cols[0], TUI_BOLD, t->id);
        tui_cell(cv, x, yy, &cols[1], TUI_DIM, t->type);
        fit_count(b, sizeof(b), t->size, cols[2].w);
        tui_cell(cv, x, yy, &cols[2], TUI_NORMAL, b);
        tui_fmt_bytes(b, sizeof(b), (double)t->memory);
        tui_cell(cv, x, yy, &cols[3], TUI_NORMAL, b);
        if (t->owner_name[0]) {
            char o[200];
            snprintf(o, sizeof(o), "%s %s", t->owner_name, t->owner_text);
            tui_cell(cv, x, yy, &cols[4], TUI_NORMAL, o);
        } else {
            tui_cell(cv, x, yy, &cols[4], TUI_INFO, t->owner_text);
        }
        tui_cell(cv, x, yy, &cols[5], TUI_DIM, t->protection);
        if (top + r == st->sel[TUI_V_ETS]) {
            tui_restyle(cv, x, yy, w, TUI_SEL);
            if (t->has_owner)
                tui_pick_pid(st, &t->owner, t->owner_text,
                             t->owner_name[0] ? t->owner_name : "");
        }
    }
}

/* ---------------------------------------------------------------------
 * Ports
 */

void tui_draw_ports(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                    int x, int y, int w, int h)
{
    const struct ui_ports *p = s ? s->ports : NULL;
    struct tui_col cols[] = {
        TUI_COL("PORT", 12, 0, 0, false),
        TUI_COL("NAME", 12, 3, 0, false),
        TUI_COL("OWNER", 14, 2, 0, false),
        TUI_COL("INPUT", 8, 0, 0, true),
        TUI_COL("OUTPUT", 8, 0, 0, true),
        TUI_COL("QUEUE", 7, 0, 1, true),
        TUI_COL("MEMORY", 7, 0, 2, true),
        TUI_COL("OS PID", 7, 0, 3, true),
    };
    int top, r, rows = h - 2, sorted;
    char c1[32];

    if (!p) {
        tui_center_note(cv, x, y, w, h, TUI_DIM, "reading ports...");
        return;
    }
    tui_layout(cols, sizeof(cols) / sizeof(*cols), w);
    fmt_count(c1, sizeof(c1), p->count);
    tui_putf(cv, x, y, w, TUI_TITLE, "Ports %s  ", c1);
    tui_putf(cv, x + tui_width(c1, cv->utf8) + 8, y, w, TUI_NORMAL,
             "top %zu by %s (bytes since each port opened)", p->n, ui_port_sort_name(p->sort));
    sorted = p->sort == UI_PORT_MEMORY ? 6 : p->sort == UI_PORT_QUEUE ? 5 : 3;
    tui_head(cv, x, y + 1, w, cols, sizeof(cols) / sizeof(*cols), sorted);
    top = tui_list_begin(st, TUI_V_PORTS, (int)p->n, rows);
    for (r = 0; r < rows && (size_t)(top + r) < p->n; r++) {
        const struct ui_port_row *t = &p->rows[top + r];
        int yy = y + 2 + r;
        char b[64];
        tui_cell(cv, x, yy, &cols[0], TUI_INFO, t->port_text);
        tui_cell(cv, x, yy, &cols[1], TUI_BOLD, t->name);
        if (t->owner_name[0]) {
            char o[200];
            snprintf(o, sizeof(o), "%s %s", t->owner_name, t->owner_text);
            tui_cell(cv, x, yy, &cols[2], TUI_NORMAL, o);
        } else {
            tui_cell(cv, x, yy, &cols[2], TUI_INFO, t->owner_text);
        }
        tui_fmt_bytes(b, sizeof(b), (double)t->input);
        tui_cell(cv, x, yy, &cols[3], TUI_NORMAL, b);
        tui_fmt_bytes(b, sizeof(b), (double)t->output);
        tui_cell(cv, x, yy, &cols[4], TUI_NORMAL, b);
        tui_fmt_bytes(b, sizeof(b), (double)t->queue);
        tui_cell(cv, x, yy, &cols[5], t->queue > 0 ? TUI_WARN : TUI_NORMAL, b);
        tui_fmt_bytes(b, sizeof(b), (double)t->memory);
        tui_cell(cv, x, yy, &cols[6], TUI_NORMAL, b);
        if (t->os_pid >= 0)
            snprintf(b, sizeof(b), "%" PRId64, t->os_pid);
        else
            b[0] = '\0';
        tui_cell(cv, x, yy, &cols[7], TUI_DIM, b);
        if (top + r == st->sel[TUI_V_PORTS]) {
            tui_restyle(cv, x, yy, w, TUI_SEL);
            if (t->has_owner)
                tui_pick_pid(st, &t->owner, t->owner_text, t->owner_name);
        }
    }
}

/* ---------------------------------------------------------------------
 * Cluster overview
 */

void tui_draw_cluster(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                      int x, int y, int w, int h, int64_t now)
{
    struct tui_col cols[] = {
        TUI_COL("NODE", 18, 3, 0, false),
        TUI_COL("STATE", 8, 0, 0, false),
        TUI_COL("OTP", 4, 0, 3, false),
        TUI_COL("UPTIME", 9, 0, 4, true),
        TUI_COL("PROCS", 9, 0, 0, true),
        TUI_COL("MEMORY", 8, 0, 0, true),
        TUI_COL("RUNQ", 5, 0, 0, true),
        TUI_COL("UTIL", 5, 0, 1, true),
        TUI_COL("REDS/S", 7, 0, 2, true),
    };
    int top, r, rows = h - 2;

    tui_layout(cols, sizeof(cols) / sizeof(*cols), w);
    tui_putf(cv, x, y, w, TUI_TITLE, "Cluster %zu node%s", st->n_nodes,
             st->n_nodes == 1 ? "" : "s");
    tui_put(cv, x + 20, y, w - 20, TUI_DIM,
            st->cluster ? "Enter switches to a node; n / N from any view"
                        : "start with --cluster to see every connected node");
    tui_head(cv, x, y + 1, w, cols, sizeof(cols) / sizeof(*cols), -1);
    top = tui_list_begin(st, TUI_V_CLUSTER, (int)st->n_nodes, rows);
    for (r = 0; r < rows && (size_t)(top + r) < st->n_nodes; r++) {
        const struct tui_node *nd = &st->nodes[top + r];
        const struct ui_snap *ns = nd->snap && nd->snap->seq ? nd->snap : NULL;
        int yy = y + 2 + r;
        char b[64];
        const char *state = "connecting";
        int srole = TUI_WARN;

        snprintf(b, sizeof(b), "%s%s", (size_t)(top + r) == st->node
                                           ? (cv->utf8 ? "\xe2\x96\xb6 " : "> ")
                                           : "  ",
                 nd->name);
        tui_cell(cv, x, yy, &cols[0], TUI_BOLD, b);
        if (ns) {
            switch (ns->state) {
            case UI_LIVE: state = "live"; srole = TUI_OK; break;
            case UI_SLOW: state = "slow"; srole = TUI_WARN; break;
            case UI_LOST: state = "LOST"; srole = TUI_CRIT; break;
            default: break;
            }
        }
        tui_cell(cv, x, yy, &cols[1], srole, state);
        if (ns && ns->have_info)
            tui_cell(cv, x, yy, &cols[2], TUI_NORMAL, ns->info.otp_release);
        if (ns && ns->have_stats) {
            int64_t rq = 0;
            size_t i;
            double sum = 0;
            tui_fmt_uptime(b, sizeof(b), ns->stats.uptime_ms);
            tui_cell(cv, x, yy, &cols[3], TUI_NORMAL, b);
            fit_count(b, sizeof(b), ns->stats.process_count, cols[4].w);
            tui_cell(cv, x, yy, &cols[4], TUI_NORMAL, b);
            tui_fmt_bytes(b, sizeof(b), (double)ns->stats.mem.total);
            tui_cell(cv, x, yy, &cols[5], TUI_NORMAL, b);
            for (i = 0; i < ns->n_rq; i++)
                rq += ns->rq[i];
            snprintf(b, sizeof(b), "%" PRId64, rq);
            tui_cell(cv, x, yy, &cols[6], rq > 20 ? TUI_CRIT : rq >= 5 ? TUI_WARN : TUI_NORMAL,
                     b);
            if (ns->util && ns->schedulers > 0 && (size_t)ns->schedulers <= ns->n_util) {
                for (i = 0; i < (size_t)ns->schedulers; i++)
                    sum += ns->util[i];
                snprintf(b, sizeof(b), "%.0f%%", 100 * sum / ns->schedulers);
                tui_cell(cv, x, yy, &cols[7], TUI_NORMAL, b);
            }
            if (ns->have_rates) {
                tui_fmt_si(b, sizeof(b), ns->reds_s);
                tui_cell(cv, x, yy, &cols[8], TUI_NORMAL, b);
            }
        } else if (ns && ns->err[0]) {
            tui_put(cv, x + cols[2].x, yy, w - cols[2].x, TUI_DIM, ns->err);
        }
        if (top + r == st->sel[TUI_V_CLUSTER]) {
            tui_restyle(cv, x, yy, w, TUI_SEL);
            st->pick = TUI_PICK_NODE;
            st->pick_node = (size_t)(top + r);
        }
    }
    (void)s;
    (void)now;
}
