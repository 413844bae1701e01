/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_ui.c - the dashboard's collectors; see collect_ui.h.
 *
 * Each runs one expression of src/remote/ui_*.erl (costs are stated there
 * and in collect_ui.h), checks the shape of the reply and turns it into
 * plain C rows whose text fields are printed once, here, in the node's
 * syntax.  Unexpected elements are skipped, never trusted.  Nothing here
 * prints or keeps state, except the rate memo (pure).
 */
#include "collect/collect_ui.h"
#include "util/xalloc.h"
#include "remote_exprs.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------
 * Printing helpers
 */

static const char *print_term(struct arena *a, const struct term_print_opts *po,
                              const struct term *t, size_t max_len)
{
    struct sbuf sb = SBUF_INIT;
    struct term_print_opts o = *po;
    const char *s;

    if (!t)
        return "";
    o.limit = 8;
    o.printable_limit = 200;
    o.max_len = max_len;
    term_print(&sb, t, &o);
    s = arena_strdup(a, sbuf_str(&sb));
    sbuf_release(&sb);
    return s;
}

static const char *print_mfa(struct arena *a, const struct term_print_opts *po,
                             const struct term *mfa)
{
    const struct term *m = term_elem(mfa, 0), *f = term_elem(mfa, 1);
    int64_t arity = 0;

    if (mfa && mfa->kind == TERM_TUPLE && mfa->u.tuple.n == 3 && m && f &&
        m->kind == TERM_ATOM && f->kind == TERM_ATOM &&
        term_get_int(term_elem(mfa, 2), &arity) == 0) {
        struct sbuf sb = SBUF_INIT;
        const char *s;
        term_print_mfa(&sb, m->u.atom.name, f->u.atom.name, (int)arity, po->syntax);
        s = arena_strdup(a, sbuf_str(&sb));
        sbuf_release(&sb);
        return s;
    }
    return print_term(a, po, mfa, 120);
}

static const char *print_atom(struct arena *a, const struct term_print_opts *po,
                              const struct term *t)
{
    struct sbuf sb = SBUF_INIT;
    const char *s;

    if (!t || t->kind != TERM_ATOM)
        return print_term(a, po, t, 120);
    term_print_atom(&sb, t->u.atom.name, po->syntax);
    s = arena_strdup(a, sbuf_str(&sb));
    sbuf_release(&sb);
    return s;
}

const char *ui_pid_text(struct arena *a, const struct term_print_opts *po,
                        const struct term_pid *pid)
{
    struct term t;
    t.kind = TERM_PID;
    t.u.pid = *pid;
    return print_term(a, po, &t, 80);
}

/* Copy a pid term with its node name into a. */
static void copy_pid(struct arena *a, struct term_pid *dst, const struct term *t)
{
    *dst = t->u.pid;
    dst->node = t->u.pid.node ? arena_strdup(a, t->u.pid.node) : NULL;
}

/* The filter's patterns: as typed, lower-case and capitalised. */
static struct term *patterns(struct arena *a, const char *filter)
{
    char v[3][128];
    struct term *l = term_list(a, 3);
    size_t i, k, n = 0, len = strlen(filter);

    if (len >= sizeof(v[0]))
        len = sizeof(v[0]) - 1;
    for (k = 0; k < 3; k++) {
        memcpy(v[k], filter, len);
        v[k][len] = '\0';
    }
    for (i = 0; i < len; i++)
        v[1][i] = (char)tolower((unsigned char)v[1][i]);
    v[2][0] = (char)toupper((unsigned char)v[2][0]);
    for (k = 0; k < 3; k++) {
        size_t j;
        int dup = 0;
        for (j = 0; j < k; j++)
            dup |= strcmp(v[j], v[k]) == 0;
        if (!dup)
            l->u.list.items[n++] = term_binstr(a, v[k]);
    }
    l->u.list.n = n;
    return l;
}

/* ---------------------------------------------------------------------
 * Process table
 */

static const struct {
    const char *name;
    const char *item;
    const char *alias;
} psort_keys[UI_PSORT_COUNT] = {
    [UI_PSORT_MEMORY] = { "memory", "memory", "mem" },
    [UI_PSORT_MAILBOX] = { "mailbox", "message_queue_len", "mbox" },
    [UI_PSORT_REDUCTIONS] = { "reductions", "reductions", "reds" },
    [UI_PSORT_REDS_RATE] = { "reds/s", "reductions", "rate" },
    [UI_PSORT_GC_RATE] = { "gc/s", "garbage_collection", "gc" },
};

const char *ui_psort_name(enum ui_psort k)
{
    return (unsigned)k < UI_PSORT_COUNT ? psort_keys[k].name : "?";
}

int ui_psort_parse(const char *s, enum ui_psort *out)
{
    size_t i;
    for (i = 0; i < UI_PSORT_COUNT; i++)
        if (strcmp(s, psort_keys[i].name) == 0 || strcmp(s, psort_keys[i].alias) == 0 ||
            (i != UI_PSORT_REDS_RATE && strcmp(s, psort_keys[i].item) == 0)) {
            *out = (enum ui_psort)i;
            return 0;
        }
    return BP_EUSAGE;
}

static int64_t minor_gcs_of(const struct term *gc)
{
    return term_prop_int(gc, "minor_gcs", 0);
}

int collect_ui_top(struct node_conn *c, struct arena *a, const struct term_print_opts *po,
                   const struct ui_top_query *q, struct ui_procs *out, struct bp_err *err)
{
    struct node_binding b[5];
    struct term *r = NULL, *filter, *fitems;
    const struct term *rows;
    struct term_pid fpid;
    bool rate = q->sort == UI_PSORT_REDS_RATE || q->sort == UI_PSORT_GC_RATE;
    int64_t window = rate ? q->window_ms : 0;
    size_t i, k = 0;
    int rc;

    if (!q->filter || !*q->filter)
        filter = term_atom(a, "none");
    else if (term_parse_pid(q->filter, &fpid, a, NULL) == 0)
        filter = term_tuple2(a, term_atom(a, "pid"),
                             term_pidv(a, fpid.node, fpid.num, fpid.serial, fpid.creation));
    else
        filter = patterns(a, q->filter);
    fitems = term_list(a, 4);
    fitems->u.list.items[0] = term_atom(a, "registered_name");
    fitems->u.list.items[1] = term_atom(a, "initial_call");
    fitems->u.list.items[2] = term_atom(a, "current_function");
    fitems->u.list.items[3] = term_tuple2(a, term_atom(a, "dictionary"),
                                          term_atom(a, "$initial_call"));
    fitems->u.list.n = q->dict_filter ? 4 : 3;

    b[0].name = "Item";
    b[0].value = term_atom(a, psort_keys[q->sort].item);
    b[1].name = "N";
    b[1].value = term_int(a, (int64_t)(q->n ? q->n : 1));
    b[2].name = "Window";
    b[2].value = term_int(a, window);
    b[3].name = "Filter";
    b[3].value = filter;
    b[4].name = "FilterItems";
    b[4].value = fitems;
    rc = node_eval(c, &remote_rank_procs, b, 5, node_timeout(c) + (unsigned)window, a, &r, err);
    if (rc)
        return rc;
    rows = term_elem(r, 3);
    if (!r || r->kind != TERM_TUPLE || r->u.tuple.n != 4 || !rows || rows->kind != TERM_LIST)
        return bp_error(err, BP_EDECODE, "process table: unexpected reply");
    memset(out, 0, sizeof(*out));
    out->process_count = term_int_or(term_elem(r, 0), 0);
    out->matching = term_int_or(term_elem(r, 1), 0);
    out->node_elapsed_us = term_int_or(term_elem(r, 2), 0);
    out->window_ms = window;
    out->sort = q->sort;
    snprintf(out->filter, sizeof(out->filter), "%s", q->filter ? q->filter : "");
    out->rows = arena_zalloc(a, (rows->u.list.n + 1) * sizeof(*out->rows));
    for (i = 0; i < rows->u.list.n; i++) {
        const struct term *row = rows->u.list.items[i];
        const struct term *pid = term_elem(row, 0), *info = term_elem(row, 2);
        const struct term *rn, *label, *plc;
        struct ui_proc_row *o = &out->rows[k];
        int64_t score;

        if (!pid || pid->kind != TERM_PID || !info || info->kind != TERM_LIST)
            continue;
        copy_pid(a, &o->pid, pid);
        o->pid_text = print_term(a, po, pid, 80);
        o->memory = term_prop_int(info, "memory", 0);
        o->mailbox = term_prop_int(info, "message_queue_len", 0);
        o->reductions = term_prop_int(info, "reductions", 0);
        o->heap_words = term_prop_int(info, "total_heap_size", 0);
        o->minor_gcs = minor_gcs_of(term_prop(info, "garbage_collection"));
        o->status = print_atom(a, po, term_prop(info, "status"));
        o->initial = print_mfa(a, po, term_prop(info, "initial_call"));
        o->current = print_mfa(a, po, term_prop(info, "current_function"));
        rn = term_prop(info, "registered_name");
        label = term_elem(row, 4);
        plc = collect_proc_lib_call(term_elem(row, 3));
        if (rn && rn->kind == TERM_ATOM && !term_is_nil(rn))
            o->name = print_atom(a, po, rn);
        else if (label && !term_is_atom(label, "undefined"))
            o->name = print_term(a, po, label, 120);
        else if (plc)
            o->name = print_mfa(a, po, plc);
        else
            o->name = o->initial;
        o->reds_rate = o->gc_rate = -1;
        score = term_int_or(term_elem(row, 1), 0);
        if (window > 0 && q->sort == UI_PSORT_REDS_RATE)
            o->reds_rate = (double)score * 1000.0 / (double)window;
        else if (window > 0 && q->sort == UI_PSORT_GC_RATE)
            o->gc_rate = (double)score * 1000.0 / (double)window;
        /* Show the value the ranking used, not the later reading. */
        else if (q->sort == UI_PSORT_MEMORY)
            o->memory = score;
        else if (q->sort == UI_PSORT_MAILBOX)
            o->mailbox = score;
        else if (q->sort == UI_PSORT_REDUCTIONS)
            o->reductions = score;
        k++;
    }
    out->n = k;
    return 0;
}

/* ---------------------------------------------------------------------
 * Rate memo
 */

static int entry_cmp(const void *x, const void *y)
{
    const struct ui_rate_entry *a = x, *b = y;
    if (a->num != b->num)
        return a->num < b->num ? -1 : 1;
    if (a->serial != b->serial)
        return a->serial < b->serial ? -1 : 1;
    return 0;
}

void ui_rate_memo_apply(struct ui_rate_memo *m, struct ui_proc_row *rows, size_t n,
                        int64_t now_ms)
{
    double secs = m->n && now_ms > m->at_ms ? (double)(now_ms - m->at_ms) / 1000.0 : 0;
    size_t i;

    for (i = 0; secs > 0 && i < n; i++) {
        struct ui_rate_entry key = { rows[i].pid.num, rows[i].pid.serial, 0, 0 };
        const struct ui_rate_entry *p = bsearch(&key, m->e, m->n, sizeof(*m->e), entry_cmp);
        if (!p)
            continue;
        if (rows[i].reds_rate < 0 && rows[i].reductions >= p->reductions)
            rows[i].reds_rate = (double)(rows[i].reductions - p->reductions) / secs;
        if (rows[i].gc_rate < 0) {
            /* minor_gcs restarts at a fullsweep: then at least the new count. */
            int64_t d = rows[i].minor_gcs - p->minor_gcs;
            rows[i].gc_rate = (double)(d >= 0 ? d : rows[i].minor_gcs) / secs;
        }
    }
    if (n > m->cap) {
        m->e = xreallocarray(m->e, n, sizeof(*m->e));
        m->cap = n;
    }
    for (i = 0; i < n; i++) {
        m->e[i].num = rows[i].pid.num;
        m->e[i].serial = rows[i].pid.serial;
        m->e[i].reductions = rows[i].reductions;
        m->e[i].minor_gcs = rows[i].minor_gcs;
    }
    m->n = n;
    m->at_ms = now_ms;
    if (n)
        qsort(m->e, n, sizeof(*m->e), entry_cmp);
}

void ui_rate_memo_clear(struct ui_rate_memo *m)
{
    m->n = 0;
    m->at_ms = 0;
}

void ui_rate_memo_release(struct ui_rate_memo *m)
{
    free(m->e);
    memset(m, 0, sizeof(*m));
}

/* ---------------------------------------------------------------------
 * One process
 */

const char *const ui_proc_items[] = {
    "registered_name", "initial_call", "current_function", "current_location",
    "status", "priority", "group_leader", "trap_exit", "reductions",
    "memory", "heap_size", "stack_size", "total_heap_size", "message_queue_len",
    "message_queue_data", "garbage_collection", "garbage_collection_info",
    "min_heap_size", "min_bin_vheap_size", "links", "monitors", "monitored_by",
    "dictionary", "trace", "catchlevel", "error_handler", "suspending",
    "current_stacktrace",
};
const size_t ui_proc_nitems = sizeof(ui_proc_items) / sizeof(*ui_proc_items);

int collect_ui_proc(struct node_conn *c, struct arena *a, const struct term_print_opts *po,
                    const struct term_pid *pid, int max, struct ui_proc_detail *out,
                    struct bp_err *err)
{
    struct node_binding b[3];
    struct term *r = NULL, *items = term_list(a, ui_proc_nitems);
    const struct term *info, *bin;
    size_t i;
    int rc;

    for (i = 0; i < ui_proc_nitems; i++)
        items->u.list.items[i] = term_atom(a, ui_proc_items[i]);
    b[0].name = "Pid";
    b[0].value = term_pidv(a, pid->node, pid->num, pid->serial, pid->creation);
    b[1].name = "Items";
    b[1].value = items;
    b[2].name = "Max";
    b[2].value = term_int(a, max > 0 ? max : 20);
    rc = node_eval(c, &remote_ui_proc, b, 3, 0, a, &r, err);
    if (rc)
        return rc;
    memset(out, 0, sizeof(*out));
    out->pid = *pid;
    out->pid.node = pid->node ? arena_strdup(a, pid->node) : NULL;
    out->pid_text = ui_pid_text(a, po, pid);
    out->bin_count = out->bin_bytes = -1;
    if (term_is_atom(r, "undefined"))
        return 0;
    info = term_elem(r, 0);
    if (!r || r->kind != TERM_TUPLE || !info || info->kind != TERM_LIST)
        return bp_error(err, BP_EDECODE, "process view: unexpected reply");
    out->alive = true;
    out->info = info;
    out->memory = term_prop_int(info, "memory", 0);
    out->mailbox = term_prop_int(info, "message_queue_len", 0);
    out->reductions = term_prop_int(info, "reductions", 0);
    out->minor_gcs = minor_gcs_of(term_prop(info, "garbage_collection"));
    bin = term_elem(r, 1);
    if (bin && bin->kind == TERM_TUPLE) {
        out->bin_count = term_int_or(term_elem(bin, 0), -1);
        out->bin_bytes = term_int_or(term_elem(bin, 1), -1);
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Memory and allocators
 */

int collect_ui_alloc(struct node_conn *c, struct arena *a, struct ui_memory *out,
                     struct bp_err *err)
{
    struct term *r = NULL;
    const struct term *mem, *al;
    size_t i, k = 0;
    int rc;

    rc = node_eval(c, &remote_ui_alloc, NULL, 0, 0, a, &r, err);
    if (rc)
        return rc;
    mem = term_elem(r, 0);
    al = term_elem(r, 1);
    if (!r || r->kind != TERM_TUPLE || !mem || mem->kind != TERM_LIST || !al ||
        al->kind != TERM_LIST)
        return bp_error(err, BP_EDECODE, "allocators: unexpected reply");
    memset(out, 0, sizeof(*out));
    collect_parse_memory(mem, &out->mem);
    out->rows = arena_zalloc(a, (al->u.list.n + 1) * sizeof(*out->rows));
    for (i = 0; i < al->u.list.n; i++) {
        const struct term *t = al->u.list.items[i], *name = term_elem(t, 0);
        struct ui_alloc_row *o = &out->rows[k];
        if (!name || name->kind != TERM_ATOM)
            continue;
        o->name = arena_strdup(a, name->u.atom.name);
        if (t->u.tuple.n == 5) {
            o->blocks = term_int_or(term_elem(t, 1), 0);
            o->carriers = term_int_or(term_elem(t, 2), 0);
            o->mbcs = term_int_or(term_elem(t, 3), 0);
            o->sbcs = term_int_or(term_elem(t, 4), 0);
        } else {
            o->disabled = true;
        }
        k++;
    }
    out->n = k;
    return 0;
}

/* ---------------------------------------------------------------------
 * Applications
 */

static const char *app_note(struct arena *a, const struct term *note)
{
    if (!note || term_is_atom(note, "ok"))
        return NULL;
    if (term_is_atom(note, "no_answer"))
        return "no answer (supervisor busy or hung)";
    if (term_is_atom(note, "budget"))
        return "not walked: time budget reached";
    if (term_is_tagged(note, "children", 2))
        return arena_printf(a, "%lld children (not listed)",
                            (long long)term_int_or(term_elem(note, 1), 0));
    return "?";
}

static const char *charlist_str(struct arena *a, const struct term *t)
{
    struct sbuf sb = SBUF_INIT;
    const char *s;
    size_t i;

    if (t && t->kind == TERM_BINARY)
        return arena_strndup(a, (const char *)t->u.bin.data, t->u.bin.len);
    for (i = 0; t && t->kind == TERM_LIST && i < t->u.list.n && i < 200; i++) {
        int64_t ch = term_int_or(t->u.list.items[i], '?');
        if (ch >= 32 && ch < 127)
            sbuf_addch(&sb, (char)ch);
        else
            sbuf_addch(&sb, '?');
    }
    s = arena_strdup(a, sbuf_str(&sb));
    sbuf_release(&sb);
    return s;
}

int collect_ui_apps(struct node_conn *c, struct arena *a, const struct term_print_opts *po,
                    const struct ui_apps_query *q, struct ui_apps *out, struct bp_err *err)
{
    struct node_binding b[6];
    struct term *r = NULL, *exp = term_list(a, q->n_expand);
    const struct term *apps, *trees;
    unsigned call_ms = q->call_ms ? q->call_ms : 500;
    unsigned budget = q->budget_ms ? q->budget_ms : 3000;
    size_t i, j, nl = 0, k = 0;
    int rc;

    for (i = 0; i < q->n_expand; i++)
        exp->u.list.items[i] = term_atom(a, q->expand[i]);
    b[0].name = "Expand";
    b[0].value = exp;
    b[1].name = "CallMs";
    b[1].value = term_int(a, call_ms);
    b[2].name = "MaxDepth";
    b[2].value = term_int(a, q->max_depth > 0 ? q->max_depth : 8);
    b[3].name = "MaxNodes";
    b[3].value = term_int(a, q->max_lines > 0 ? q->max_lines : 500);
    b[4].name = "MaxChildren";
    b[4].value = term_int(a, q->max_children > 0 ? q->max_children : 200);
    b[5].name = "BudgetMs";
    b[5].value = term_int(a, budget);
    rc = node_eval(c, &remote_ui_apps, b, 6, budget + node_timeout(c), a, &r, err);
    if (rc)
        return rc;
    memset(out, 0, sizeof(*out));
    if (term_is_atom(r, "timeout")) {
        out->timeout = true;
        return 0;
    }
    apps = term_elem(r, 1);
    trees = term_elem(r, 2);
    if (!term_is_tagged(r, "ok", 3) || !apps || apps->kind != TERM_LIST || !trees ||
        trees->kind != TERM_LIST)
        return bp_error(err, BP_EDECODE, "applications: unexpected reply");
    out->apps = arena_zalloc(a, (apps->u.list.n + 1) * sizeof(*out->apps));
    for (i = 0; i < apps->u.list.n; i++) {
        const struct term *t = apps->u.list.items[i], *name = term_elem(t, 0);
        if (!name || name->kind != TERM_ATOM)
            continue;
        out->apps[k].name = arena_strdup(a, name->u.atom.name);
        out->apps[k].description = charlist_str(a, term_elem(t, 1));
        out->apps[k].vsn = charlist_str(a, term_elem(t, 2));
        k++;
    }
    out->n_apps = k;
    out->walked = arena_zalloc(a, (trees->u.list.n + 1) * sizeof(*out->walked));
    for (i = 0; i < trees->u.list.n; i++) {
        const struct term *app = term_elem(trees->u.list.items[i], 0);
        nl += term_list_len(term_elem(trees->u.list.items[i], 1));
        if (app && app->kind == TERM_ATOM)
            out->walked[out->n_walked++] = arena_strdup(a, app->u.atom.name);
    }
    out->lines = arena_zalloc(a, (nl + 1) * sizeof(*out->lines));
    k = 0;
    for (i = 0; i < trees->u.list.n; i++) {
        const struct term *tr = trees->u.list.items[i], *app = term_elem(tr, 0);
        const struct term *lines = term_elem(tr, 1);
        if (!app || app->kind != TERM_ATOM || !lines || lines->kind != TERM_LIST)
            continue;
        for (j = 0; j < lines->u.list.n && k < nl; j++) {
            const struct term *l = lines->u.list.items[j];
            const struct term *id = term_elem(l, 1), *child = term_elem(l, 2);
            const struct term *type = term_elem(l, 3), *note = term_elem(l, 5), *mods;
            struct ui_app_line *o = &out->lines[k];
            if (!l || l->kind != TERM_TUPLE || l->u.tuple.n != 6)
                continue;
            o->app = arena_strdup(a, app->u.atom.name);
            o->depth = (int)term_int_or(term_elem(l, 0), 0);
            o->note = app_note(a, note);
            o->id = o->note ? "" : print_term(a, po, id, 100);
            if (child && child->kind == TERM_PID) {
                o->has_pid = true;
                copy_pid(a, &o->pid, child);
                o->pid_text = print_term(a, po, child, 80);
            } else {
                o->pid_text = child && !term_is_atom(child, "undefined")
                                  ? print_term(a, po, child, 40)
                                  : "";
            }
            o->type = type && type->kind == TERM_ATOM && !term_is_atom(type, "undefined")
                          ? arena_strdup(a, type->u.atom.name)
                          : "";
            mods = term_elem(l, 4);
            o->modules = mods && !term_is_nil(mods) ? print_term(a, po, mods, 100) : "";
            k++;
        }
    }
    out->n_lines = k;
    return 0;
}

/* ---------------------------------------------------------------------
 * ETS
 */

const char *ui_ets_sort_name(enum ui_ets_sort k)
{
    return k == UI_ETS_SIZE ? "size" : "memory";
}

int collect_ui_ets(struct node_conn *c, struct arena *a, const struct term_print_opts *po,
                   enum ui_ets_sort sort, size_t n, const char *filter, struct ui_ets *out,
                   struct bp_err *err)
{
    struct node_binding b[3];
    struct term *r = NULL;
    const struct term *rows;
    int ws = node_info(c)->wordsize ? node_info(c)->wordsize : 8;
    size_t i, k = 0;
    int rc;

    b[0].name = "Key";
    b[0].value = term_atom(a, sort == UI_ETS_SIZE ? "size" : "memory");
    b[1].name = "N";
    b[1].value = term_int(a, (int64_t)(n ? n : 1));
    b[2].name = "Filter";
    b[2].value = filter && *filter ? patterns(a, filter) : term_atom(a, "none");
    rc = node_eval(c, &remote_ui_ets, b, 3, 0, a, &r, err);
    if (rc)
        return rc;
    rows = term_elem(r, 3);
    if (!r || r->kind != TERM_TUPLE || r->u.tuple.n != 4 || !rows || rows->kind != TERM_LIST)
        return bp_error(err, BP_EDECODE, "ets: unexpected reply");
    memset(out, 0, sizeof(*out));
    out->sort = sort;
    out->count = term_int_or(term_elem(r, 0), 0);
    out->total_memory = term_int_or(term_elem(r, 1), 0) * ws;
    out->matching = term_int_or(term_elem(r, 2), 0);
    out->rows = arena_zalloc(a, (rows->u.list.n + 1) * sizeof(*out->rows));
    for (i = 0; i < rows->u.list.n; i++) {
        const struct term *t = rows->u.list.items[i], *owner, *oname;
        struct ui_ets_row *o = &out->rows[k];
        if (!t || t->kind != TERM_TUPLE || t->u.tuple.n != 8)
            continue;
        o->id = print_term(a, po, term_elem(t, 0), 80);
        o->name = print_atom(a, po, term_elem(t, 1));
        o->type = print_atom(a, po, term_elem(t, 2));
        o->size = term_int_or(term_elem(t, 3), 0);
        o->memory = term_int_or(term_elem(t, 4), 0) * ws;
        owner = term_elem(t, 5);
        if (owner && owner->kind == TERM_PID) {
            o->has_owner = true;
            copy_pid(a, &o->owner, owner);
        }
        o->owner_text = print_term(a, po, owner, 80);
        oname = term_elem(t, 6);
        o->owner_name = oname && oname->kind == TERM_ATOM && !term_is_nil(oname)
                            ? print_atom(a, po, oname)
                            : "";
        o->protection = print_atom(a, po, term_elem(t, 7));
        k++;
    }
    out->n = k;
    return 0;
}

/* ---------------------------------------------------------------------
 * Ports
 */

const char *ui_port_sort_name(enum ui_port_sort k)
{
    return k == UI_PORT_MEMORY ? "memory" : k == UI_PORT_QUEUE ? "queue" : "io";
}

int collect_ui_ports(struct node_conn *c, struct arena *a, const struct term_print_opts *po,
                     enum ui_port_sort sort, size_t n, struct ui_ports *out,
                     struct bp_err *err)
{
    static const char *const key[] = { "io", "memory", "queue_size" };
    struct node_binding b[2];
    struct term *r = NULL;
    const struct term *rows;
    size_t i, k = 0;
    int rc;

    b[0].name = "Key";
    b[0].value = term_atom(a, key[sort < UI_PORT_COUNT ? sort : 0]);
    b[1].name = "N";
    b[1].value = term_int(a, (int64_t)(n ? n : 1));
    rc = node_eval(c, &remote_ui_ports, b, 2, 0, a, &r, err);
    if (rc)
        return rc;
    rows = term_elem(r, 1);
    if (!r || r->kind != TERM_TUPLE || !rows || rows->kind != TERM_LIST)
        return bp_error(err, BP_EDECODE, "ports: unexpected reply");
    memset(out, 0, sizeof(*out));
    out->sort = sort;
    out->count = term_int_or(term_elem(r, 0), 0);
    out->rows = arena_zalloc(a, (rows->u.list.n + 1) * sizeof(*out->rows));
    for (i = 0; i < rows->u.list.n; i++) {
        const struct term *t = rows->u.list.items[i], *info = term_elem(t, 1);
        const struct term *owner, *oname, *name;
        struct ui_port_row *o = &out->rows[k];
        if (!t || t->kind != TERM_TUPLE || t->u.tuple.n != 5 || !info ||
            info->kind != TERM_LIST)
            continue;
        o->port_text = print_term(a, po, term_elem(t, 0), 60);
        name = term_prop(info, "name");
        o->name = charlist_str(a, name);
        owner = term_prop(info, "connected");
        if (owner && owner->kind == TERM_PID) {
            o->has_owner = true;
            copy_pid(a, &o->owner, owner);
        }
        o->owner_text = print_term(a, po, owner, 80);
        oname = term_elem(t, 4);
        o->owner_name = oname && oname->kind == TERM_ATOM && !term_is_nil(oname)
                            ? print_atom(a, po, oname)
                            : "";
        o->input = term_prop_int(info, "input", 0);
        o->output = term_prop_int(info, "output", 0);
        o->os_pid = term_prop_int(info, "os_pid", -1);
        o->memory = term_int_or(term_elem(t, 2), 0);
        o->queue = term_int_or(term_elem(t, 3), 0);
        k++;
    }
    out->n = k;
    return 0;
}
