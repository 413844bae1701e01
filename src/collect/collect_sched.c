/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_sched.c - run queues, scheduler counts and scheduler wall time.
 *
 * A sample (src/remote/sched_sample.erl) reads statistics(run_queue_lengths_all)
 * and statistics(scheduler_wall_time_all) together.  Utilization needs the
 * scheduler_wall_time flag, which beamprobe turns on only through a guard
 * process on the node (src/remote/swt_guard.erl): the flag is counted per
 * process, so when the guard exits - released, beamprobe gone, or its time
 * limit - the node is back to exactly its previous state.
 */
#include "collect/collect.h"
#include "remote_exprs.h"

#include <string.h>

int collect_sched_sample(struct node_conn *c, struct arena *a, struct sched_sample *out,
                         struct bp_err *err)
{
    struct term *r = NULL;
    const struct term *rq, *wall;
    size_t i;
    int rc;

    rc = node_eval(c, &remote_sched_sample, NULL, 0, 0, a, &r, err);
    if (rc)
        return rc;
    if (!r || r->kind != TERM_TUPLE || r->u.tuple.n != 8)
        return bp_error(err, BP_EDECODE, "sched: unexpected reply");
    memset(out, 0, sizeof(*out));
    out->at_us = term_int_or(term_elem(r, 0), 0);
    rq = term_elem(r, 1);
    out->n_run_queues = term_list_len(rq);
    out->run_queues = arena_zalloc(a, (out->n_run_queues + 1) * sizeof(int64_t));
    for (i = 0; i < out->n_run_queues; i++)
        out->run_queues[i] = term_int_or(rq->u.list.items[i], 0);
    out->schedulers = (int)term_int_or(term_elem(r, 3), 0);
    out->schedulers_online = (int)term_int_or(term_elem(r, 4), 0);
    out->dirty_cpu = (int)term_int_or(term_elem(r, 5), 0);
    out->dirty_cpu_online = (int)term_int_or(term_elem(r, 6), 0);
    out->dirty_io = (int)term_int_or(term_elem(r, 7), 0);
    wall = term_elem(r, 2);
    if (wall && wall->kind == TERM_LIST) {
        size_t n = wall->u.list.n;
        out->active = arena_zalloc(a, (n + 1) * sizeof(int64_t));
        out->total = arena_zalloc(a, (n + 1) * sizeof(int64_t));
        out->n_wall = n;
        for (i = 0; i < n; i++) {
            const struct term *e = wall->u.list.items[i];
            int64_t id = term_int_or(term_elem(e, 0), 0);
            if (id < 1 || (size_t)id > n)
                continue;
            out->active[id - 1] = term_int_or(term_elem(e, 1), 0);
            out->total[id - 1] = term_int_or(term_elem(e, 2), 0);
        }
    }
    return 0;
}

int collect_swt_acquire(struct node_conn *c, struct arena *a, int64_t max_ms,
                        struct term **guard, struct bp_err *err)
{
    struct node_binding b[2];
    struct term *r = NULL;
    int rc;

    b[0].name = "Owner";
    b[0].value = node_self_pid(c, a);
    b[1].name = "MaxMs";
    b[1].value = max_ms < 0 ? term_atom(a, "infinity") : term_int(a, max_ms);
    rc = node_eval(c, &remote_swt_guard, b, 2, 0, a, &r, err);
    if (rc)
        return rc;
    if (!r || r->kind != TERM_PID)
        return bp_error(err, BP_EBADRPC, "could not enable scheduler_wall_time on '%s'",
                        node_name(c));
    *guard = r;
    return 0;
}

int collect_swt_release(struct node_conn *c, const struct term *guard, struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    int rc;

    if (!guard)
        return 0;
    rc = node_send(c, &guard->u.pid, term_atom(&a, "stop"), err);
    arena_release(&a);
    return rc;
}
