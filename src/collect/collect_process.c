/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_process.c - process_info readings of one or many processes.
 *
 * Single processes use erlang:process_info/2 straight through rex (no
 * evaluation on the node).  Many processes use one erl_eval round trip
 * (src/remote/proc_info_many.erl) instead of one call each.  Item lists
 * are explicit and never include `messages` except in
 * collect_proc_messages, which is bounded.
 */
#include "collect/collect.h"
#include "remote_exprs.h"
#include "util/clock.h"

#include <stdio.h>
#include <string.h>

void collect_parse_gc(const struct term *list, struct proc_gc *gc)
{
    const struct term *mh = term_prop(list, "max_heap_size");

    memset(gc, 0, sizeof(*gc));
    gc->minor_gcs = term_prop_int(list, "minor_gcs", 0);
    gc->fullsweep_after = term_prop_int(list, "fullsweep_after", 0);
    gc->min_heap_size = term_prop_int(list, "min_heap_size", 0);
    gc->min_bin_vheap_size = term_prop_int(list, "min_bin_vheap_size", 0);
    if (mh && mh->kind == TERM_MAP) {
        term_get_int(term_map_get(mh, "size"), &gc->max_heap_size);
        gc->max_heap_kill = term_is_atom(term_map_get(mh, "kill"), "true");
        gc->max_heap_error_logger = term_is_atom(term_map_get(mh, "error_logger"), "true");
    } else {
        term_get_int(mh, &gc->max_heap_size);
    }
}

static int dead(struct node_conn *c, const struct term *pid, struct bp_err *err)
{
    return bp_error(err, BP_ENOPROC, "process <0.%u.%u> on '%s' is not alive",
                    pid->u.pid.num, pid->u.pid.serial, node_name(c));
}

int collect_proc_items(struct node_conn *c, struct arena *a, const struct term *pid,
                       const char *const *items, size_t nitems, struct term **out,
                       struct bp_err *err)
{
    struct term *args = term_list(a, 2), *r = NULL;
    int rc;

    args->u.list.items[0] = (struct term *)pid;
    args->u.list.items[1] = term_atom_list(a, items, nitems);
    rc = node_rpc(c, "erlang", "process_info", args, 0, a, &r, err);
    if (rc)
        return rc;
    if (term_is_atom(r, "undefined"))
        return dead(c, pid, err);
    if (r->kind != TERM_LIST)
        return bp_error(err, BP_EDECODE, "unexpected process_info reply");
    *out = r;
    return 0;
}

static const char *const sample_items[] = {
    "memory", "heap_size", "stack_size", "total_heap_size", "message_queue_len",
    "reductions", "garbage_collection", "message_queue_data",
};

int collect_proc_sample(struct node_conn *c, const struct term *pid,
                        struct proc_sample *out, struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    struct term *r = NULL;
    const struct term *mqd;
    int rc;

    rc = collect_proc_items(c, &a, pid, sample_items,
                            sizeof(sample_items) / sizeof(*sample_items), &r, err);
    if (rc)
        goto out;
    memset(out, 0, sizeof(*out));
    out->at_ms = clock_ms();
    out->memory = term_prop_int(r, "memory", 0);
    out->heap_size = term_prop_int(r, "heap_size", 0);
    out->stack_size = term_prop_int(r, "stack_size", 0);
    out->total_heap_size = term_prop_int(r, "total_heap_size", 0);
    out->message_queue_len = term_prop_int(r, "message_queue_len", 0);
    out->reductions = term_prop_int(r, "reductions", 0);
    collect_parse_gc(term_prop(r, "garbage_collection"), &out->gc);
    mqd = term_prop(r, "message_queue_data");
    snprintf(out->message_queue_data, sizeof(out->message_queue_data), "%s",
             mqd && mqd->kind == TERM_ATOM ? mqd->u.atom.name : "?");
out:
    arena_release(&a);
    return rc;
}

int collect_proc_info_many(struct node_conn *c, struct arena *a, struct term *const *pids,
                           size_t n, const char *const *items, size_t nitems,
                           struct term **out, struct bp_err *err)
{
    struct node_binding b[2];
    struct term *r = NULL;
    int rc;

    b[0].name = "Pids";
    b[0].value = term_list_of(a, pids, n);
    b[1].name = "Items";
    b[1].value = term_atom_list(a, items, nitems);
    rc = node_eval(c, &remote_proc_info_many, b, 2, 0, a, &r, err);
    if (rc)
        return rc;
    if (term_list_len(r) != n)
        return bp_error(err, BP_EDECODE, "unexpected reply to process_info of %zu processes", n);
    *out = r;
    return 0;
}

int collect_mailboxes(struct node_conn *c, struct term *const *pids, size_t n,
                      int64_t *lens, struct bp_err *err)
{
    static const char *const item[] = { "message_queue_len" };
    struct arena a = ARENA_INIT;
    struct term *r = NULL;
    size_t i;
    int rc;

    if (n == 1) {
        rc = collect_proc_items(c, &a, pids[0], item, 1, &r, err);
        if (rc == BP_ENOPROC) {
            lens[0] = -1;
            rc = 0;
        } else if (rc == 0) {
            lens[0] = term_prop_int(r, "message_queue_len", 0);
        }
        goto out;
    }
    rc = collect_proc_info_many(c, &a, pids, n, item, 1, &r, err);
    if (rc)
        goto out;
    for (i = 0; i < n; i++) {
        const struct term *e = r->u.list.items[i];
        lens[i] = term_is_atom(e, "undefined") ? -1 : term_prop_int(e, "message_queue_len", 0);
    }
out:
    arena_release(&a);
    return rc;
}

int collect_proc_messages(struct node_conn *c, struct arena *a, const struct term *pid,
                          int64_t max_msgs, int64_t max_queue, int64_t *queue_len,
                          struct term **out, struct bp_err *err)
{
    struct node_binding b[3];
    struct term *r = NULL;
    int rc;

    b[0].name = "Pid";
    b[0].value = pid;
    b[1].name = "Max";
    b[1].value = term_int(a, max_msgs);
    b[2].name = "MaxQueue";
    b[2].value = term_int(a, max_queue);
    rc = node_eval(c, &remote_proc_messages, b, 3, 0, a, &r, err);
    if (rc)
        return rc;
    *out = NULL;
    if (term_is_atom(r, "undefined"))
        return dead(c, pid, err);
    if (term_is_tagged(r, "too_long", 2)) {
        term_get_int(term_elem(r, 1), queue_len);
        return 0;
    }
    if (!term_is_tagged(r, "ok", 3))
        return bp_error(err, BP_EDECODE, "unexpected reply reading messages");
    term_get_int(term_elem(r, 1), queue_len);
    *out = (struct term *)term_elem(r, 2);
    return 0;
}
