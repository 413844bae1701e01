/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tui_proc.c - the process view: everything `info`, `memory` and `gc`
 * show about one process, refreshed live, with mailbox, memory and
 * reductions sparklines over the time the view has been open.
 *
 * The lines are built at each draw from the process_info proplist of the
 * snapshot (lists already cut on the node), printed in the node's syntax.
 */
#include "render/tui/tui_draw.h"
#include "render/format.h"

#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------------
 * Process view
 */

struct kv {
    const char *k, *v;
    int role;
};

struct kvs {
    struct kv *e;
    size_t n, cap;
    struct arena *a;
};

static void kv_add(struct kvs *l, const char *k, const char *v, int role)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct kv *n = arena_alloc(l->a, cap * sizeof(*n));
        if (l->n)
            memcpy(n, l->e, l->n * sizeof(*n));
        l->e = n;
        l->cap = cap;
    }
    l->e[l->n++] = (struct kv){ k, v, role };
}

static const char *tstr(struct arena *a, const struct ui_snap *s, const struct term *t,
                        int limit, size_t max)
{
    struct sbuf sb = SBUF_INIT;
    struct term_print_opts po = s->po;
    const char *r;
    if (!t)
        return "";
    po.limit = limit;
    po.printable_limit = 200;
    po.max_len = max;
    term_print(&sb, t, &po);
    r = arena_strdup(a, sbuf_str(&sb));
    sbuf_release(&sb);
    return r;
}

static const char *mfa(struct arena *a, const struct ui_snap *s, const struct term *t)
{
    const struct term *m = term_elem(t, 0), *f = term_elem(t, 1);
    int64_t ar;
    if (t && t->kind == TERM_TUPLE && t->u.tuple.n >= 3 && m && f && m->kind == TERM_ATOM &&
        f->kind == TERM_ATOM && term_get_int(term_elem(t, 2), &ar) == 0) {
        struct sbuf sb = SBUF_INIT;
        const char *r;
        term_print_mfa(&sb, m->u.atom.name, f->u.atom.name, (int)ar, s->po.syntax);
        r = arena_strdup(a, sbuf_str(&sb));
        sbuf_release(&sb);
        return r;
    }
    return tstr(a, s, t, 8, 200);
}

/* {M, F, A, [{file, F}, {line, L}]} as mod:fun/1 (file.erl:12). */
static const char *frame_str(struct arena *a, const struct ui_snap *s, const struct term *fr)
{
    const struct term *loc = term_elem(fr, 3), *file = term_prop(loc, "file");
    struct sbuf sb = SBUF_INIT;
    const char *r;
    size_t k;

    if (!file || file->kind != TERM_LIST)
        return mfa(a, s, fr);
    for (k = 0; k < file->u.list.n && k < 200; k++) {
        int64_t ch = term_int_or(file->u.list.items[k], '?');
        sbuf_addch(&sb, ch > 31 && ch < 127 ? (char)ch : '?');
    }
    r = arena_printf(a, "%s  (%s:%lld)", mfa(a, s, fr), sbuf_str(&sb),
                     (long long)term_prop_int(loc, "line", 0));
    sbuf_release(&sb);
    return r;
}

static const char *words(struct arena *a, int64_t w, int ws)
{
    char c[32], b[32];
    fmt_count(c, sizeof(c), w);
    fmt_bytes(b, sizeof(b), (double)(w * ws));
    return arena_printf(a, "%s words (%s)", c, b);
}

/* {Count, FirstN} from ui_proc.erl: "N: a, b, ..." */
static const char *cut_list(struct arena *a, const struct ui_snap *s, const struct term *t,
                            size_t max)
{
    int64_t n = term_int_or(term_elem(t, 0), -1);
    const struct term *l = term_elem(t, 1);
    if (n < 0)
        return tstr(a, s, t, 10, max);
    if (n == 0)
        return "0";
    return arena_printf(a, "%lld: %s%s", (long long)n, tstr(a, s, l, 20, max),
                        (size_t)n > term_list_len(l) ? " (first shown)" : "");
}

static void proc_lines(struct kvs *L, const struct tui_state *st, const struct ui_snap *s,
                       const struct ui_proc_detail *d, size_t vmax)
{
    struct arena *a = L->a;
    const struct term *info = d->info, *t, *dict = term_prop(info, "dictionary");
    int ws = s->have_info && s->info.wordsize ? s->info.wordsize : 8;
    char b1[32], b2[32];

    kv_add(L, NULL, "identity", TUI_TITLE);
    t = term_prop(info, "registered_name");
    if (t && t->kind == TERM_ATOM)
        kv_add(L, "registered_name", tstr(a, s, t, 5, vmax), TUI_BOLD);
    {
        const char *ic = mfa(a, s, term_prop(info, "initial_call"));
        const struct term *plc = term_elem(dict, 2);
        if (plc && plc->kind == TERM_TUPLE)
            ic = arena_printf(a, "%s  ($initial_call %s)", ic, mfa(a, s, plc));
        kv_add(L, "initial_call", ic, TUI_NORMAL);
    }
    kv_add(L, "current_function", mfa(a, s, term_prop(info, "current_function")), TUI_NORMAL);
    kv_add(L, "current_location", frame_str(a, s, term_prop(info, "current_location")),
           TUI_NORMAL);
    kv_add(L, "status", tstr(a, s, term_prop(info, "status"), 5, vmax), TUI_NORMAL);
    kv_add(L, "priority", tstr(a, s, term_prop(info, "priority"), 5, vmax), TUI_NORMAL);
    kv_add(L, "trap_exit", tstr(a, s, term_prop(info, "trap_exit"), 5, vmax), TUI_NORMAL);
    kv_add(L, "group_leader", tstr(a, s, term_prop(info, "group_leader"), 5, vmax), TUI_NORMAL);
    fmt_count(b1, sizeof(b1), d->reductions);
    kv_add(L, "reductions", arena_strdup(a, b1), TUI_NORMAL);

    kv_add(L, NULL, "memory", TUI_TITLE);
    fmt_bytes(b1, sizeof(b1), (double)d->memory);
    kv_add(L, "memory", arena_strdup(a, b1), TUI_BOLD);
    kv_add(L, "heap_size", words(a, term_prop_int(info, "heap_size", 0), ws), TUI_NORMAL);
    kv_add(L, "stack_size", words(a, term_prop_int(info, "stack_size", 0), ws), TUI_NORMAL);
    kv_add(L, "total_heap_size", words(a, term_prop_int(info, "total_heap_size", 0), ws),
           TUI_NORMAL);
    if (d->bin_count >= 0) {
        fmt_count(b1, sizeof(b1), d->bin_count);
        fmt_bytes(b2, sizeof(b2), (double)d->bin_bytes);
        kv_add(L, "binary", arena_printf(a, "%s refc binaries, %s", b1, b2), TUI_NORMAL);
    }

    kv_add(L, NULL, "mailbox", TUI_TITLE);
    {
        enum level lv = level_mailbox(d->mailbox);
        const struct term *mqd = term_prop(info, "message_queue_data");
        fmt_count(b1, sizeof(b1), d->mailbox);
        kv_add(L, "message_queue_len",
               arena_printf(a, "%s %s", b1, tui_mark(st->utf8, lv)), tui_level_role(lv));
        if (mqd && mqd->kind == TERM_ATOM) {
            bool on = strcmp(mqd->u.atom.name, "on_heap") == 0;
            kv_add(L, "message_queue_data",
                   arena_printf(a, "%s %s", mqd->u.atom.name,
                                on ? "(GC scans queued messages: for a process that may queue "
                                     "many, process_flag(message_queue_data, off_heap))"
                                   : "(GC skips queued messages)"),
                   on && d->mailbox > 100 ? TUI_WARN : TUI_NORMAL);
        }
    }

    kv_add(L, NULL, "garbage collection", TUI_TITLE);
    {
        const struct term *gc = term_prop(info, "garbage_collection");
        const struct term *gci = term_prop(info, "garbage_collection_info");
        const struct term *mh = term_prop(gc, "max_heap_size");
        size_t i;
        kv_add(L, "minor_gcs", arena_printf(a, "%lld", (long long)d->minor_gcs), TUI_NORMAL);
        kv_add(L, "fullsweep_after",
               arena_printf(a, "%lld", (long long)term_prop_int(gc, "fullsweep_after", 0)),
               TUI_NORMAL);
        kv_add(L, "min_heap_size", words(a, term_prop_int(info, "min_heap_size", 0), ws),
               TUI_NORMAL);
        kv_add(L, "min_bin_vheap_size",
               words(a, term_prop_int(info, "min_bin_vheap_size", 0), ws), TUI_NORMAL);
        if (mh) {
            int64_t sz = mh->kind == TERM_MAP ? term_int_or(term_map_get(mh, "size"), 0)
                                              : term_int_or(mh, 0);
            kv_add(L, "max_heap_size", sz ? words(a, sz, ws) : "unlimited", TUI_NORMAL);
        }
        for (i = 0; gci && gci->kind == TERM_LIST && i < gci->u.list.n; i++) {
            const struct term *k = term_elem(gci->u.list.items[i], 0);
            if (k && k->kind == TERM_ATOM)
                kv_add(L, arena_strdup(a, k->u.atom.name),
                       tstr(a, s, term_elem(gci->u.list.items[i], 1), 5, vmax), TUI_DIM);
        }
    }

    kv_add(L, NULL, "relations", TUI_TITLE);
    kv_add(L, "links", cut_list(a, s, term_prop(info, "links"), vmax), TUI_NORMAL);
    kv_add(L, "monitors", cut_list(a, s, term_prop(info, "monitors"), vmax), TUI_NORMAL);
    kv_add(L, "monitored_by", cut_list(a, s, term_prop(info, "monitored_by"), vmax),
           TUI_NORMAL);
    kv_add(L, "dictionary keys", cut_list(a, s, dict, vmax), TUI_NORMAL);

    kv_add(L, NULL, "other", TUI_TITLE);
    kv_add(L, "trace", tstr(a, s, term_prop(info, "trace"), 5, vmax), TUI_NORMAL);
    kv_add(L, "catchlevel", tstr(a, s, term_prop(info, "catchlevel"), 5, vmax), TUI_NORMAL);
    kv_add(L, "error_handler", tstr(a, s, term_prop(info, "error_handler"), 5, vmax),
           TUI_NORMAL);
    kv_add(L, "suspending", tstr(a, s, term_prop(info, "suspending"), 5, vmax), TUI_NORMAL);

    t = term_prop(info, "current_stacktrace");
    if (t && t->kind == TERM_LIST) {
        size_t i;
        kv_add(L, NULL, "current_stacktrace", TUI_TITLE);
        for (i = 0; i < t->u.list.n; i++)
            kv_add(L, "", frame_str(a, s, t->u.list.items[i]), TUI_NORMAL);
    }
}

static void spark_row(struct tui_state *st, struct tui_canvas *cv, int x, int y, int w,
                      const char *label, const char *value, int role,
                      const struct ui_series *r)
{
    tui_put(cv, x, y, 10, TUI_DIM, label);
    tui_put(cv, x + 10, y, 16, role, value);
    if (w > 30 && r->n)
        tui_spark(cv, x + 27, y, w - 27, role == TUI_NORMAL ? TUI_C1 : role, r->v, r->n,
                  tui_nice_max(tui_series_max(r->v, r->n, (size_t)(w - 27))));
    (void)st;
}

void tui_draw_proc(struct tui_state *st, struct tui_canvas *cv, const struct ui_snap *s,
                      int x, int y, int w, int h)
{
    const struct ui_proc_detail *d = s ? s->proc : NULL;
    struct arena a = ARENA_INIT;
    struct kvs L = { NULL, 0, 0, &a };
    char b1[32], b2[96];
    int yy = y, kw = 20, top, rows, i;

    tui_put(cv, x, yy, w, TUI_TITLE, "Process ");
    {
        int xx = x + 8;
        xx += tui_put(cv, xx, yy, w - 8, TUI_BOLD, st->proc_text);
        xx += tui_put(cv, xx, yy, w - (xx - x), TUI_NORMAL, "  ");
        tui_put(cv, xx, yy, w - (xx - x), TUI_NORMAL, st->proc_name);
    }
    yy++;
    if (!d || d->pid.num != st->proc.num || d->pid.serial != st->proc.serial ||
        strcmp(st->proc_node, s->node) != 0) {
        tui_center_note(cv, x, yy, w, h - 1, TUI_DIM, "reading the process...");
        st->list_len = 0;
        return;
    }
    if (!d->alive) {
        tui_center_note(cv, x, yy, w, h - 1, TUI_WARN,
                        "the process is not alive (it exited, or the node restarted); Esc");
        st->list_len = 0;
        return;
    }
    {
        enum level lv = level_mailbox(d->mailbox);
        fmt_count(b1, sizeof(b1), d->mailbox);
        snprintf(b2, sizeof(b2), "%s %s", b1, tui_mark(st->utf8, lv));
        spark_row(st, cv, x, yy++, w, "mailbox", b2, tui_level_role(lv), tui_ser(s, UI_S_P_MBOX));
        fmt_bytes(b1, sizeof(b1), (double)d->memory);
        spark_row(st, cv, x, yy++, w, "memory", b1, TUI_NORMAL, tui_ser(s, UI_S_P_MEM));
        tui_fmt_si(b1, sizeof(b1), tui_ser_last(tui_ser(s, UI_S_P_REDS)));
        snprintf(b2, sizeof(b2), "%s/s", b1);
        spark_row(st, cv, x, yy++, w, "reds/s", b2, TUI_NORMAL, tui_ser(s, UI_S_P_REDS));
    }
    tui_fill(cv, x, yy++, w, TUI_NORMAL);
    proc_lines(&L, st, s, d, (size_t)(w > kw + 2 ? w - kw - 2 : 10));
    rows = y + h - yy;
    st->list_len = (int)L.n;
    st->page = rows;
    top = st->sel[TUI_V_PROC];
    if (top > (int)L.n - rows)
        top = (int)L.n - rows;
    if (top < 0)
        top = 0;
    st->sel[TUI_V_PROC] = top;
    for (i = 0; i < rows && top + i < (int)L.n; i++) {
        const struct kv *e = &L.e[top + i];
        if (!e->k) {
            tui_put(cv, x, yy + i, w, TUI_TITLE, e->v);
            continue;
        }
        tui_put(cv, x + 2, yy + i, kw, TUI_DIM, e->k);
        tui_put(cv, x + 2 + kw, yy + i, w - kw - 2, e->role, e->v);
    }
    if (top + rows < (int)L.n)
        tui_put_right(cv, x, y + h - 1, w, TUI_DIM, cv->utf8 ? "\xe2\x86\x93 more" : "v more");
    arena_release(&a);
}
