/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tui_state.c - what each key does to the dashboard, and what the
 * dashboard then asks of the feeds; see tui.h.
 *
 * Pure: keys change struct tui_state; tui_state_request turns the state
 * into the request of one node's feed (the selected node collects what
 * the view shows, the others only their counters for the cluster view and
 * the charts).  Enter acts on what the last draw recorded as the selected
 * row (st->pick), so it opens exactly what is highlighted on screen.
 */
#include "render/tui/tui.h"
#include "util/clock.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const view_names[] = { "load", "processes", "schedulers", "memory",
                                          "applications", "ets", "ports", "cluster",
                                          "process" };

int tui_view_parse(const char *s)
{
    size_t i, n = strlen(s);
    if (n == 0)
        return -1;
    for (i = 0; i < TUI_V_PROC; i++)
        if (strncmp(view_names[i], s, n) == 0)
            return (int)i;
    if (strcmp(s, "procs") == 0 || strcmp(s, "sched") == 0 || strcmp(s, "apps") == 0)
        return strcmp(s, "procs") == 0 ? TUI_V_PROCS
               : strcmp(s, "sched") == 0 ? TUI_V_SCHED
                                          : TUI_V_APPS;
    return -1;
}

void tui_state_init(struct tui_state *st)
{
    memset(st, 0, sizeof(*st));
    st->view = st->back = TUI_V_LOAD;
    st->interval_ms = 1000;
    st->nprocs = 100;
    st->psort = UI_PSORT_MEMORY;
    st->ets_sort = UI_ETS_MEMORY;
    st->port_sort = UI_PORT_IO;
    snprintf(st->dump_dir, sizeof(st->dump_dir), ".");
    st->req_dirty = true;
}

void tui_state_msg(struct tui_state *st, int64_t now, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->msg, sizeof(st->msg), fmt, ap);
    va_end(ap);
    st->msg_error = error;
    st->msg_until = now + (error ? 8000 : 4000);
}

void tui_state_request(const struct tui_state *st, size_t i, struct ui_req *r)
{
    bool selected = i == st->node;
    size_t k;

    memset(r, 0, sizeof(*r));
    r->interval_ms = st->interval_ms;
    r->paused = st->paused;
    r->psort = st->psort;
    r->nprocs = st->nprocs;
    snprintf(r->filter, sizeof(r->filter), "%s", st->filter);
    r->ets_sort = st->ets_sort;
    snprintf(r->ets_filter, sizeof(r->ets_filter), "%s", st->ets_filter);
    r->port_sort = st->port_sort;
    for (k = 0; k < st->n_expand && k < UI_MAX_EXPAND; k++)
        snprintf(r->expand[k], sizeof(r->expand[k]), "%s", st->expand[k]);
    r->n_expand = st->n_expand;
    r->refresh = st->refresh;
    r->dump_seq = st->dump_seq;
    r->types_seq = st->types_seq;
    if (!selected)
        return;
    switch (st->view) {
    case TUI_V_PROCS: r->want = UI_WANT_PROCS; break;
    case TUI_V_PROC: r->want = UI_WANT_PROC; break;
    case TUI_V_MEMORY: r->want = UI_WANT_MEMORY; break;
    case TUI_V_APPS: r->want = UI_WANT_APPS; break;
    case TUI_V_ETS: r->want = UI_WANT_ETS; break;
    case TUI_V_PORTS: r->want = UI_WANT_PORTS; break;
    default: r->want = 0; break;
    }
    if (st->have_proc && i < st->n_nodes && strcmp(st->proc_node, st->nodes[i].name) == 0) {
        r->have_proc = true;
        r->proc = st->proc;
        r->proc.node = NULL;
        r->dump_pid = st->dump_pid;
        r->dump_pid.node = NULL;
        snprintf(r->dump_path, sizeof(r->dump_path), "%s", st->dump_path);
        r->types_here = true;
        r->types_pid = st->types_pid;
        r->types_pid.node = NULL;
    }
}

static void set_view(struct tui_state *st, enum tui_view v)
{
    if (v == TUI_V_PROC && !st->have_proc)
        return;
    if (v != st->view && st->view != TUI_V_PROC)
        st->back = st->view;
    st->view = v;
    st->req_dirty = true;
}

static void open_proc(struct tui_state *st)
{
    st->have_proc = true;
    st->proc = st->pick_pid;
    st->proc.node = NULL;
    snprintf(st->proc_node, sizeof(st->proc_node), "%s",
             st->node < st->n_nodes ? st->nodes[st->node].name : "");
    snprintf(st->proc_text, sizeof(st->proc_text), "%s", st->pick_text);
    snprintf(st->proc_name, sizeof(st->proc_name), "%s", st->pick_name);
    if (st->view != TUI_V_PROC)
        st->back = st->view;
    st->view = TUI_V_PROC;
    st->sel[TUI_V_PROC] = 0;
    st->req_dirty = true;
}

static int expanded(const struct tui_state *st, const char *app)
{
    size_t i;
    for (i = 0; i < st->n_expand; i++)
        if (strcmp(st->expand[i], app) == 0)
            return (int)i;
    return -1;
}

static void toggle_app(struct tui_state *st, const char *app, int want, int64_t now)
{
    int i = expanded(st, app);
    if (i >= 0 && want <= 0) {
        memmove(st->expand[i], st->expand[i + 1],
                (st->n_expand - (size_t)i - 1) * sizeof(st->expand[0]));
        st->n_expand--;
    } else if (i < 0 && want >= 0) {
        if (st->n_expand >= UI_MAX_EXPAND) {
            tui_state_msg(st, now, true, "at most %d applications open at once",
                          UI_MAX_EXPAND);
            return;
        }
        snprintf(st->expand[st->n_expand++], sizeof(st->expand[0]), "%s", app);
    }
    st->req_dirty = true;
}

static void move_sel(struct tui_state *st, int delta, bool abs)
{
    int *sel = &st->sel[st->view];
    int len = st->list_len;
    if (abs)
        *sel = delta;
    else
        *sel += delta;
    if (st->view == TUI_V_PROC) {
        /* A text page: sel is the first line shown. */
        if (*sel > len - st->page)
            *sel = len - st->page;
    } else if (*sel > len - 1) {
        *sel = len - 1;
    }
    if (*sel < 0)
        *sel = 0;
}

static void default_dump_path(struct tui_state *st, char *buf, size_t n)
{
    char iso[40], compact[40];
    size_t i, o = 0;

    timestamp_iso(wall_ms(), iso, sizeof(iso));
    for (i = 0; iso[i] && o + 1 < sizeof(compact); i++)
        if (iso[i] != '-' && iso[i] != ':' && iso[i] != '.')
            compact[o++] = iso[i];
    compact[o] = '\0';
    snprintf(buf, n, "%s/process_dump_0.%u.%u_%s.txt", st->dump_dir, st->proc.num,
             st->proc.serial, compact);
}

static void sort_key(struct tui_state *st, int dir, int64_t now)
{
    switch (st->view) {
    case TUI_V_PROCS:
        st->psort = (enum ui_psort)(((int)st->psort + dir + UI_PSORT_COUNT) % UI_PSORT_COUNT);
        tui_state_msg(st, now, false, "processes sorted by %s", ui_psort_name(st->psort));
        break;
    case TUI_V_ETS:
        st->ets_sort = (enum ui_ets_sort)(((int)st->ets_sort + dir + UI_ETS_COUNT) %
                                          UI_ETS_COUNT);
        tui_state_msg(st, now, false, "tables sorted by %s", ui_ets_sort_name(st->ets_sort));
        break;
    case TUI_V_PORTS:
        st->port_sort = (enum ui_port_sort)(((int)st->port_sort + dir + UI_PORT_COUNT) %
                                            UI_PORT_COUNT);
        tui_state_msg(st, now, false, "ports sorted by %s", ui_port_sort_name(st->port_sort));
        break;
    default:
        tui_state_msg(st, now, false, "s, < and > sort the Processes, ETS and Ports views");
        return;
    }
    st->sel[st->view] = 0;
    st->req_dirty = true;
}

static void input_key(struct tui_state *st, int key, int64_t now)
{
    int r = tui_line_key(&st->line, key);
    char *dst = st->view == TUI_V_ETS ? st->ets_filter : st->filter;

    if (st->input == TUI_IN_FILTER) {
        if (r == TUI_LINE_CANCEL) {
            dst[0] = '\0';
            st->input = TUI_IN_NONE;
        } else {
            /* The filter applies as it is typed. */
            snprintf(dst, sizeof(st->filter), "%s", st->line.buf);
            if (r == TUI_LINE_DONE)
                st->input = TUI_IN_NONE;
        }
        st->sel[st->view] = 0;
        st->req_dirty = true;
        return;
    }
    if (r == TUI_LINE_CANCEL) {
        st->input = TUI_IN_NONE;
        tui_state_msg(st, now, false, "dump cancelled");
    } else if (r == TUI_LINE_DONE) {
        st->input = TUI_IN_NONE;
        if (!st->line.len) {
            tui_state_msg(st, now, true, "no file name: dump cancelled");
            return;
        }
        snprintf(st->dump_path, sizeof(st->dump_path), "%s", st->line.buf);
        st->dump_pid = st->proc;
        st->dump_seq++;
        st->req_dirty = true;
        tui_state_msg(st, now, false, "dumping %s to %s ...", st->proc_text, st->dump_path);
    }
}

void tui_state_key(struct tui_state *st, int key, int64_t now)
{
    enum tui_action a;

    if (st->input != TUI_IN_NONE) {
        input_key(st, key, now);
        return;
    }
    if (st->help) {
        st->help = false;
        return;
    }
    a = tui_key_action(key);
    if (a >= TUI_A_VIEW1 && a <= TUI_A_VIEW8) {
        set_view(st, (enum tui_view)(a - TUI_A_VIEW1));
        return;
    }
    switch (a) {
    case TUI_A_QUIT:
        st->quit = true;
        break;
    case TUI_A_HELP:
        st->help = true;
        break;
    case TUI_A_NEXT_VIEW:
    case TUI_A_PREV_VIEW: {
        int v = st->view == TUI_V_PROC ? (int)st->back : (int)st->view;
        v = (v + (a == TUI_A_NEXT_VIEW ? 1 : TUI_V_PROC - 1)) % TUI_V_PROC;
        set_view(st, (enum tui_view)v);
        break;
    }
    case TUI_A_UP: move_sel(st, -1, false); break;
    case TUI_A_DOWN: move_sel(st, 1, false); break;
    case TUI_A_PGUP: move_sel(st, -(st->page > 1 ? st->page - 1 : 1), false); break;
    case TUI_A_PGDN: move_sel(st, st->page > 1 ? st->page - 1 : 1, false); break;
    case TUI_A_HOME: move_sel(st, 0, true); break;
    case TUI_A_END: move_sel(st, st->list_len, true); break;
    case TUI_A_SORT_NEXT: sort_key(st, 1, now); break;
    case TUI_A_SORT_PREV: sort_key(st, -1, now); break;
    case TUI_A_PAUSE:
        st->paused = !st->paused;
        st->req_dirty = true;
        tui_state_msg(st, now, false, st->paused ? "paused: p resumes" : "resumed");
        break;
    case TUI_A_FASTER:
    case TUI_A_SLOWER: {
        char b[16];
        st->interval_ms = tui_interval_step(st->interval_ms, a == TUI_A_FASTER ? -1 : 1);
        tui_fmt_interval(b, sizeof(b), st->interval_ms);
        tui_state_msg(st, now, false, "refresh every %s", b);
        st->req_dirty = true;
        break;
    }
    case TUI_A_FILTER:
        if (st->view != TUI_V_PROCS && st->view != TUI_V_ETS) {
            tui_state_msg(st, now, false, "/ filters the Processes and ETS views");
            break;
        }
        st->input = TUI_IN_FILTER;
        tui_line_set(&st->line, st->view == TUI_V_ETS ? st->ets_filter : st->filter);
        break;
    case TUI_A_ENTER:
    case TUI_A_RIGHT:
        if (st->pick == TUI_PICK_PID) {
            open_proc(st);
        } else if (st->pick == TUI_PICK_APP) {
            toggle_app(st, st->pick_app, a == TUI_A_RIGHT ? 1 : 0, now);
        } else if (st->pick == TUI_PICK_NODE && a == TUI_A_ENTER) {
            st->node = st->pick_node;
            st->view = st->back != TUI_V_CLUSTER ? st->back : TUI_V_LOAD;
            st->req_dirty = true;
        }
        break;
    case TUI_A_BACK:
        if (st->view == TUI_V_PROC) {
            st->view = st->back;
            st->req_dirty = true;
        } else if (st->view == TUI_V_APPS && st->pick == TUI_PICK_APP) {
            toggle_app(st, st->pick_app, -1, now);
        } else if (st->view == TUI_V_PROCS && st->filter[0]) {
            st->filter[0] = '\0';
            st->req_dirty = true;
        } else if (st->view == TUI_V_ETS && st->ets_filter[0]) {
            st->ets_filter[0] = '\0';
            st->req_dirty = true;
        }
        break;
    case TUI_A_DUMP:
        if (st->view != TUI_V_PROC || !st->have_proc) {
            tui_state_msg(st, now, false, "d dumps the process shown in the process view");
            break;
        }
        {
            char path[512];
            default_dump_path(st, path, sizeof(path));
            st->input = TUI_IN_DUMP;
            tui_line_set(&st->line, path);
        }
        break;
    case TUI_A_MSGTYPES:
        if (st->view != TUI_V_PROC || !st->have_proc) {
            tui_state_msg(st, now, false,
                          "m counts the message types of the process in the process view");
            break;
        }
        st->types_pid = st->proc;
        st->types_seq++;
        st->req_dirty = true;
        tui_state_msg(st, now, false, "counting message types of %s for %d s (bounded trace) ...",
                      st->proc_text, UI_TYPES_MS / 1000);
        break;
    case TUI_A_NODE_NEXT:
    case TUI_A_NODE_PREV:
        if (st->n_nodes < 2) {
            tui_state_msg(st, now, false, "one node: start with --cluster to switch nodes");
            break;
        }
        st->node = (st->node + (a == TUI_A_NODE_NEXT ? 1 : st->n_nodes - 1)) % st->n_nodes;
        if (st->view == TUI_V_PROC)
            st->view = st->back;
        tui_state_msg(st, now, false, "node %s", st->nodes[st->node].name);
        st->req_dirty = true;
        break;
    case TUI_A_REFRESH:
        st->refresh++;
        st->req_dirty = true;
        break;
    default:
        break;
    }
}
