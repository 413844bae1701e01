/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tui_apps.c - the Applications view: running applications, and the
 * supervision trees of those the user opened, drawn with tree guides.
 *
 * The trees come from collect_ui_apps (walked on the node with a deadline
 * per supervisor call); a supervisor that did not answer shows as such.
 */
#include "render/tui/tui_draw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------
 * Applications view
 */

struct app_entry {
    int app;   /* index in apps, or -1 */
    int line;  /* index in lines, or -1; -2: a note for the app above */
    bool last; /* last child among its siblings */
    unsigned bars; /* bit d: ancestor at depth d has siblings below */
};

static bool is_expanded(const struct tui_state *st, const char *app)
{
    size_t i;
    for (i = 0; i < st->n_expand; i++)
        if (strcmp(st->expand[i], app) == 0)
            return true;
    return false;
}

static size_t app_entries(const struct tui_state *st, const struct ui_apps *a,
                          struct app_entry *out)
{
    size_t i, j, n = 0;
    for (i = 0; i < a->n_apps; i++) {
        size_t first = n;
        out[n++] = (struct app_entry){ (int)i, -1, false, 0 };
        if (!is_expanded(st, a->apps[i].name))
            continue;
        for (j = 0; j < a->n_lines; j++)
            if (strcmp(a->lines[j].app, a->apps[i].name) == 0)
                out[n++] = (struct app_entry){ -1, (int)j, false, 0 };
        if (n == first + 1) {
            /* No tree: a library application, or not walked yet. */
            out[n++] = (struct app_entry){ (int)i, -2, false, 0 };
            continue;
        }
        /* Tree guides: backwards, a line is last when no sibling follows
         * before its parent's level ends. */
        {
            bool open[32];
            size_t k;
            memset(open, 0, sizeof(open));
            for (k = n; k-- > first + 1;) {
                int d = a->lines[out[k].line].depth;
                int dd;
                if (d < 0)
                    d = 0;
                if (d > 31)
                    d = 31;
                out[k].last = !open[d];
                open[d] = true;
                for (dd = d + 1; dd < 32; dd++)
                    open[dd] = false;
            }
            for (k = first + 1; k < n; k++) {
                int d = a->lines[out[k].line].depth, dd;
                unsigned bars = 0;
                /* Ancestors: the nearest earlier line of each smaller depth. */
                for (dd = d - 1; dd >= 0; dd--) {
                    size_t q;
                    for (q = k; q-- > first + 1;)
                        if (a->lines[out[q].line].depth == dd) {
                            if (!out[q].last && dd < 31)
                                bars |= 1u << dd;
                            break;
                        }
                }
                out[k].bars = bars;
            }
        }
    }
    return n;
}

void tui_draw_apps(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                      int x, int y, int w, int h)
{
    const struct ui_apps *a = s ? s->apps : NULL;
    struct app_entry *e;
    size_t n;
    int top, r, rows = h - 1;
    bool u = cv->utf8;

    if (!a) {
        tui_center_note(cv, x, y, w, h, TUI_DIM, "collecting applications...");
        return;
    }
    if (a->timeout && !a->n_apps) {
        tui_center_note(cv, x, y, w, h, TUI_WARN,
                        "the application walk did not finish in its time budget; r retries");
        return;
    }
    e = calloc(2 * a->n_apps + a->n_lines + 1, sizeof(*e));
    if (!e)
        return;
    n = app_entries(st, a, e);
    tui_putf(cv, x, y, w, TUI_NORMAL,
             "Applications %zu  %s Enter expands an application, opens a process; Esc collapses%s",
             a->n_apps, u ? "\xc2\xb7" : "|",
             a->timeout ? "  (walk cut by its time budget)" : "");
    top = tui_list_begin(st, TUI_V_APPS, (int)n, rows);
    for (r = 0; r < rows && (size_t)(top + r) < n; r++) {
        const struct app_entry *en = &e[top + r];
        int yy = y + 1 + r, xx = x;
        bool sel = top + r == st->sel[TUI_V_APPS];
        if (en->line == -2) {
            const char *name = a->apps[en->app].name;
            size_t k;
            bool walked = false;
            for (k = 0; k < a->n_walked; k++)
                walked |= strcmp(a->walked[k], name) == 0;
            tui_put(cv, xx + 4, yy, w - 4, TUI_DIM,
                    walked ? "no processes (a library application)" : "walking the tree...");
            if (sel) {
                st->pick = TUI_PICK_APP;
                snprintf(st->pick_app, sizeof(st->pick_app), "%s", name);
            }
        } else if (en->app >= 0) {
            const struct ui_app *ap = &a->apps[en->app];
            bool open = is_expanded(st, ap->name);
            xx += tui_put(cv, xx, yy, w, TUI_TITLE,
                          open ? (u ? "\xe2\x96\xbe " : "- ") : (u ? "\xe2\x96\xb8 " : "+ "));
            xx += tui_put(cv, xx, yy, w - (xx - x), TUI_BOLD, ap->name);
            xx += tui_put(cv, xx, yy, w - (xx - x), TUI_NORMAL, " ");
            xx += tui_put(cv, xx, yy, w - (xx - x), TUI_DIM, ap->vsn);
            xx += tui_put(cv, xx, yy, w - (xx - x), TUI_NORMAL, "  ");
            tui_put(cv, xx, yy, w - (xx - x), TUI_NORMAL, ap->description);
            if (sel) {
                st->pick = TUI_PICK_APP;
                snprintf(st->pick_app, sizeof(st->pick_app), "%s", ap->name);
            }
        } else {
            const struct ui_app_line *l = &a->lines[en->line];
            int d;
            xx += 2;
            for (d = 0; d < l->depth && d < 31; d++) {
                if (d == 0) /* depth 0 is the top supervisor: no guide above it */
                    continue;
                xx += tui_put(cv, xx, yy, w - (xx - x), TUI_DIM,
                              en->bars & (1u << d) ? (u ? "\xe2\x94\x82  " : "|  ") : "   ");
            }
            if (l->depth > 0)
                xx += tui_put(cv, xx, yy, w - (xx - x), TUI_DIM,
                              en->last ? (u ? "\xe2\x94\x94\xe2\x94\x80 " : "`- ")
                                       : (u ? "\xe2\x94\x9c\xe2\x94\x80 " : "|- "));
            if (l->note) {
                tui_put(cv, xx, yy, w - (xx - x),
                        strncmp(l->note, "no answer", 9) == 0 ? TUI_CRIT : TUI_DIM, l->note);
            } else {
                xx += tui_put(cv, xx, yy, w - (xx - x),
                              strcmp(l->type, "supervisor") == 0 ? TUI_BOLD : TUI_NORMAL, l->id);
                xx += tui_put(cv, xx, yy, w - (xx - x), TUI_NORMAL, " ");
                xx += tui_put(cv, xx, yy, w - (xx - x), TUI_INFO, l->pid_text);
                xx += tui_put(cv, xx, yy, w - (xx - x), TUI_NORMAL, " ");
                xx += tui_put(cv, xx, yy, w - (xx - x), TUI_DIM, l->type);
                xx += tui_put(cv, xx, yy, w - (xx - x), TUI_NORMAL, " ");
                tui_put(cv, xx, yy, w - (xx - x), TUI_DIM, l->modules);
            }
            if (sel) {
                st->pick = TUI_PICK_NONE;
                if (l->has_pid)
                    tui_pick_pid(st, &l->pid, l->pid_text, l->id);
                else {
                    st->pick = TUI_PICK_APP;
                    snprintf(st->pick_app, sizeof(st->pick_app), "%s", l->app);
                }
            }
        }
        if (sel)
            tui_restyle(cv, x, yy, w, TUI_SEL);
    }
    free(e);
}
