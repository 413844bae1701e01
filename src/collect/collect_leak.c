/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_leak.c - readings for the leak detector: node memory by type and
 * the memory of a few processes, taken in one round trip
 * (src/remote/leak_sample.erl).  The series and verdicts are
 * analyze/trend.h's business.
 */
#include "collect/collect_debug.h"
#include "remote_exprs.h"

#include <string.h>

int collect_leak_sample(struct node_conn *c, struct arena *a, struct term *const *pids,
                        size_t n, struct leak_reading *out, struct bp_err *err)
{
    struct arena tmp = ARENA_INIT;
    struct node_binding b[1];
    struct term *plist = term_list_of(&tmp, pids, n), *r = NULL;
    const struct term *procs;
    size_t i;
    int rc;

    b[0].name = "Pids";
    b[0].value = plist;
    rc = node_eval(c, &remote_leak_sample, b, 1, 0, &tmp, &r, err);
    if (rc)
        goto out;
    procs = term_elem(r, 2);
    if (!r || r->kind != TERM_TUPLE || r->u.tuple.n != 3 || term_list_len(procs) != n) {
        rc = bp_error(err, BP_EDECODE, "leak: unexpected reply");
        goto out;
    }
    memset(out, 0, sizeof(*out));
    out->at_us = term_int_or(term_elem(r, 0), 0);
    collect_parse_memory(term_elem(r, 1), &out->mem);
    out->procs = arena_zalloc(a, (n + 1) * sizeof(*out->procs));
    out->n = n;
    for (i = 0; i < n; i++) {
        const struct term *e = procs->u.list.items[i];
        struct leak_proc_point *p = &out->procs[i];
        if (!e || e->kind != TERM_TUPLE || e->u.tuple.n != 5)
            continue;
        p->alive = true;
        p->memory = term_int_or(term_elem(e, 0), 0);
        p->bin_words = term_int_or(term_elem(e, 1), 0);
        p->message_queue_len = term_int_or(term_elem(e, 2), 0);
        p->total_heap_size = term_int_or(term_elem(e, 3), 0);
        p->used_words = term_int_or(term_elem(e, 4), 0);
    }
out:
    arena_release(&tmp);
    return rc;
}
