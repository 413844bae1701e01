/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_procs.c - the top processes, ranked on the node.
 *
 * Runs src/remote/rank_procs.erl (see there for how the ranking stays at
 * the speed of compiled code).  Cost: one process_info/2 per process per
 * snapshot; n rows back.  Default limit 10; the window sleeps on the node,
 * so the call's deadline is the window plus the connection timeout.
 */
#include "collect/collect.h"
#include "remote_exprs.h"

#include <string.h>

static const struct {
    const char *name;
    const char *item;
} keys[] = {
    [TOP_MEMORY] = { "memory", "memory" },
    [TOP_MAILBOX] = { "mailbox", "message_queue_len" },
    [TOP_REDUCTIONS] = { "reductions", "reductions" },
    [TOP_HEAP] = { "heap", "total_heap_size" },
    [TOP_BINARY] = { "binary", "binary" },
    [TOP_GC] = { "gc", "garbage_collection" },
};

int top_key_parse(const char *s, enum top_key *out)
{
    size_t i;
    for (i = 0; i < sizeof(keys) / sizeof(*keys); i++)
        if (strcmp(s, keys[i].name) == 0 || strcmp(s, keys[i].item) == 0) {
            *out = (enum top_key)i;
            return 0;
        }
    return BP_EUSAGE;
}

const char *top_key_name(enum top_key k)
{
    return keys[k].name;
}

const struct term *collect_proc_lib_call(const struct term *t)
{
    const struct term *m = term_elem(t, 0);
    if (!t || t->kind != TERM_TUPLE || t->u.tuple.n != 3 || !m || m->kind != TERM_ATOM)
        return NULL;
    if (term_is_atom(m, "proc_lib") && term_is_atom(term_elem(t, 1), "init_p"))
        return NULL;
    return t;
}

int collect_top(struct node_conn *c, struct arena *a, enum top_key key, size_t n,
                int64_t window_ms, struct top_result *out, struct bp_err *err)
{
    struct node_binding b[5];
    struct term *r = NULL;
    const struct term *rows;
    size_t i, k = 0;
    int rc;

    b[0].name = "Item";
    b[0].value = term_atom(a, keys[key].item);
    b[1].name = "N";
    b[1].value = term_int(a, (int64_t)n);
    b[2].name = "Window";
    b[2].value = term_int(a, window_ms);
    b[3].name = "Filter";
    b[3].value = term_atom(a, "none");
    b[4].name = "FilterItems";
    b[4].value = term_nil(a);
    rc = node_eval(c, &remote_rank_procs, b, 5, node_timeout(c) + (unsigned)window_ms, a, &r,
                   err);
    if (rc)
        return rc;
    rows = term_elem(r, 3);
    if (!r || r->kind != TERM_TUPLE || !rows || rows->kind != TERM_LIST)
        return bp_error(err, BP_EDECODE, "top: unexpected reply");
    memset(out, 0, sizeof(*out));
    term_get_int(term_elem(r, 0), &out->process_count);
    term_get_int(term_elem(r, 2), &out->node_elapsed_us);
    out->window_ms = window_ms;
    out->rows = arena_zalloc(a, (rows->u.list.n + 1) * sizeof(*out->rows));
    for (i = 0; i < rows->u.list.n; i++) {
        const struct term *row = rows->u.list.items[i];
        const struct term *info = term_elem(row, 2), *rn, *label;
        struct top_row *o = &out->rows[k];
        if (!info || info->kind != TERM_LIST || !term_elem(row, 0) ||
            term_elem(row, 0)->kind != TERM_PID)
            continue;
        o->node = node_info(c)->name;
        o->pid = (struct term *)term_elem(row, 0);
        term_get_int(term_elem(row, 1), &o->score);
        o->memory = term_prop_int(info, "memory", 0);
        o->message_queue_len = term_prop_int(info, "message_queue_len", 0);
        o->reductions = term_prop_int(info, "reductions", 0);
        o->total_heap_size = term_prop_int(info, "total_heap_size", 0);
        rn = term_prop(info, "registered_name");
        o->registered_name = rn && rn->kind == TERM_ATOM ? rn : NULL;
        o->initial_call = term_prop(info, "initial_call");
        o->current_function = term_prop(info, "current_function");
        o->proc_lib_call = collect_proc_lib_call(term_elem(row, 3));
        label = term_elem(row, 4);
        o->label = label && !term_is_atom(label, "undefined") ? label : NULL;
        /* Show the value the ranking used, not a later reading of it. */
        if (window_ms == 0) {
            if (key == TOP_MEMORY)
                o->memory = o->score;
            else if (key == TOP_MAILBOX)
                o->message_queue_len = o->score;
            else if (key == TOP_REDUCTIONS)
                o->reductions = o->score;
            else if (key == TOP_HEAP)
                o->total_heap_size = o->score;
        }
        k++;
    }
    out->n = k;
    return 0;
}
