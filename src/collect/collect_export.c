/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_export.c - the per-process items export publishes, for a few
 * watched processes in one round trip (src/remote/proc_info_many.erl).
 * Node-wide values come from collect_node_stats and collect_sched_sample.
 */
#include "collect/collect_debug.h"
#include "remote_exprs.h"

#include <string.h>

static const char *const export_items[] = {
    "message_queue_len", "memory", "heap_size", "total_heap_size", "reductions",
    "garbage_collection",
};

int collect_export_procs(struct node_conn *c, struct term *const *pids, size_t n,
                         struct export_proc *out, struct bp_err *err)
{
    const size_t nitems = sizeof(export_items) / sizeof(*export_items);
    struct arena a = ARENA_INIT;
    struct term *r = NULL;
    size_t i;
    int rc;

    memset(out, 0, n * sizeof(*out));
    if (n == 0)
        return 0;
    rc = collect_proc_info_many(c, &a, pids, n, export_items, nitems, &r, err);
    if (rc)
        goto out;
    for (i = 0; i < n; i++) {
        const struct term *e = r->u.list.items[i];
        struct proc_gc gc;
        if (!e || e->kind != TERM_LIST)
            continue;
        out[i].alive = true;
        out[i].message_queue_len = term_prop_int(e, "message_queue_len", 0);
        out[i].memory = term_prop_int(e, "memory", 0);
        out[i].heap_size = term_prop_int(e, "heap_size", 0);
        out[i].total_heap_size = term_prop_int(e, "total_heap_size", 0);
        out[i].reductions = term_prop_int(e, "reductions", 0);
        collect_parse_gc(term_prop(e, "garbage_collection"), &gc);
        out[i].minor_gcs = gc.minor_gcs;
    }
out:
    arena_release(&a);
    return rc;
}
