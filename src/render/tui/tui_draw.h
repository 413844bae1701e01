/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tui_draw.h - what the drawing files of the dashboard share: table
 * columns laid out by priority, list scrolling, marks, and the table views
 * of tui_tables.c.  Internal to src/render/tui/.
 */
#ifndef BP_TUI_DRAW_H
#define BP_TUI_DRAW_H

#include "render/style.h"
#include "render/tui/tui.h"

/* A table column.  tui_layout drops columns of the highest prio first
 * until the rest fit, then shares the spare width by grow. */
struct tui_col {
    const char *title;
    int min;    /* columns it needs */
    int grow;   /* share of the spare width */
    int prio;   /* 0: always shown; higher: dropped earlier */
    bool right; /* right-aligned */
    bool on;    /* shown (set false by tui_layout) */
    int x, w;   /* laid out by tui_layout */
};

#define TUI_COL(t, mn, gr, pr, rt) \
    { .title = (t), .min = (mn), .grow = (gr), .prio = (pr), .right = (rt), .on = true }

void tui_layout(struct tui_col *cols, size_t n, int w);
/* Header row; sorted: index of the sort column or -1. */
void tui_head(struct tui_canvas *cv, int x, int y, int w, const struct tui_col *cols,
              size_t n, int sorted);
/* One cell of a row, aligned as its column says. */
void tui_cell(struct tui_canvas *cv, int x, int y, const struct tui_col *c, int role,
              const char *s);

/* Clamp the view's selection to n entries and scroll it into rows lines;
 * records the list for the keys.  Returns the first entry to draw. */
int tui_list_begin(struct tui_state *st, enum tui_view v, int n, int rows);
/* A short note in the middle of an area (collecting..., errors). */
void tui_center_note(struct tui_canvas *cv, int x, int y, int w, int h, int role,
                     const char *text);
/* The selected row leads to this process (Enter opens it). */
void tui_pick_pid(struct tui_state *st, const struct term_pid *pid, const char *text,
                  const char *name);

/* The selected node's snapshot, NULL before its first one. */
const struct ui_snap *tui_snap(const struct tui_state *st);
/* The guide's marks: ✅ ⚠ 🔴 (two columns each) or ok/WARN/CRIT. */
const char *tui_mark(bool utf8, enum level l);
int tui_level_role(enum level l);

/* The selected node's series (empty when there is no snapshot). */
const struct ui_series *tui_ser(const struct ui_snap *s, enum ui_series_id id);
double tui_ser_last(const struct ui_series *r);
/* Average and max utilization of the normal schedulers; < 0 if unknown. */
double tui_util_avg(const struct ui_snap *s, double *max);

/* Views (tui_load.c, tui_apps.c, tui_proc.c). */
void tui_draw_load(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                   int x, int y, int w, int h);
void tui_draw_sched(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                    int x, int y, int w, int h);
void tui_draw_memory(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                     int x, int y, int w, int h);
void tui_draw_apps(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                   int x, int y, int w, int h);
void tui_draw_proc(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                   int x, int y, int w, int h);

/* Table views (tui_tables.c). */
void tui_draw_procs(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                    int x, int y, int w, int h);
void tui_draw_ets(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                  int x, int y, int w, int h);
void tui_draw_ports(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                    int x, int y, int w, int h);
void tui_draw_cluster(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                      int x, int y, int w, int h, int64_t now);

#endif
