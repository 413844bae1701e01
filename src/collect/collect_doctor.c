/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_doctor.c - the one round trip behind doctor
 * (src/remote/doctor_scan.erl): node readings over the window, and the
 * largest mailboxes, memory and GC rates, ranked on the node.
 */
#include "collect/collect_debug.h"
#include "remote_exprs.h"

#include <string.h>

static void parse_reading(struct arena *a, const struct term *t, struct doctor_reading *rd)
{
    const struct term *wall = term_elem(t, 3);
    size_t i;

    memset(rd, 0, sizeof(*rd));
    rd->at_us = term_int_or(term_elem(t, 0), 0);
    rd->run_queues = term_int_array(a, term_elem(t, 1), &rd->n_run_queues);
    collect_parse_memory(term_elem(t, 2), &rd->mem);
    if (wall && wall->kind == TERM_LIST && wall->u.list.n) {
        size_t n = wall->u.list.n;
        rd->active = arena_zalloc(a, (n + 1) * sizeof(int64_t));
        rd->total = arena_zalloc(a, (n + 1) * sizeof(int64_t));
        rd->n_wall = n;
        for (i = 0; i < n; i++) {
            const struct term *e = wall->u.list.items[i];
            int64_t id = term_int_or(term_elem(e, 0), 0);
            if (id < 1 || (size_t)id > n)
                continue;
            rd->active[id - 1] = term_int_or(term_elem(e, 1), 0);
            rd->total[id - 1] = term_int_or(term_elem(e, 2), 0);
        }
    }
}

static ssize_t find_proc(const struct doctor_scan *s, const struct term *pid)
{
    size_t i;
    for (i = 0; i < s->nprocs; i++)
        if (term_equal(s->procs[i].pid, pid))
            return (ssize_t)i;
    return -1;
}

/* [{Score, Pid}] -> indices into procs; *score_out receives the scores. */
static size_t *top_list(struct arena *a, struct doctor_scan *s, const struct term *l,
                        size_t *n, int64_t **scores)
{
    size_t i, len = term_list_len(l);
    size_t *idx = arena_zalloc(a, (len + 1) * sizeof(size_t));
    int64_t *sc = arena_zalloc(a, (len + 1) * sizeof(int64_t));

    *n = 0;
    for (i = 0; i < len; i++) {
        const struct term *e = l->u.list.items[i];
        ssize_t k = find_proc(s, term_elem(e, 1));
        if (k < 0)
            continue;
        sc[*n] = term_int_or(term_elem(e, 0), 0);
        idx[(*n)++] = (size_t)k;
    }
    *scores = sc;
    return idx;
}

int collect_doctor_scan(struct node_conn *c, struct arena *a, int64_t window_ms, int steps,
                        size_t n, struct doctor_scan *out, struct bp_err *err)
{
    struct node_binding b[3];
    struct term *r = NULL;
    const struct term *rd, *desc;
    int64_t *scores;
    size_t i;
    int rc;

    b[0].name = "Window";
    b[0].value = term_int(a, window_ms);
    b[1].name = "Steps";
    b[1].value = term_int(a, steps < 1 ? 1 : steps);
    b[2].name = "N";
    b[2].value = term_int(a, (int64_t)n);
    rc = node_eval(c, &remote_doctor_scan, b, 3,
                   (unsigned)(window_ms + 4 * (int64_t)node_timeout(c)), a, &r, err);
    if (rc)
        return rc;
    if (!r || r->kind != TERM_TUPLE || r->u.tuple.n != 9)
        return bp_error(err, BP_EDECODE, "doctor: unexpected reply");
    memset(out, 0, sizeof(*out));
    out->process_count = term_int_or(term_elem(r, 0), 0);
    out->elapsed_us = term_int_or(term_elem(r, 1), 0);
    out->gc_window_us = term_int_or(term_elem(r, 2), 0);
    out->schedulers_online = (int)term_int_or(term_elem(r, 3), 0);
    rd = term_elem(r, 4);
    out->nreadings = term_list_len(rd);
    out->readings = arena_zalloc(a, (out->nreadings + 1) * sizeof(*out->readings));
    for (i = 0; i < out->nreadings; i++)
        parse_reading(a, rd->u.list.items[i], &out->readings[i]);

    desc = term_elem(r, 8);
    out->procs = arena_zalloc(a, (term_list_len(desc) + 1) * sizeof(*out->procs));
    for (i = 0; i < term_list_len(desc); i++) {
        const struct term *e = desc->u.list.items[i], *info = term_elem(e, 1), *rn, *pl;
        struct doctor_proc *p = &out->procs[out->nprocs];
        if (!e || term_elem(e, 0) == NULL || term_elem(e, 0)->kind != TERM_PID ||
            !info || info->kind != TERM_LIST)
            continue;
        p->node = node_name(c);
        p->pid = e->u.tuple.items[0];
        rn = term_prop(info, "registered_name");
        p->registered_name = rn && rn->kind == TERM_ATOM ? rn : NULL;
        p->initial_call = term_prop(info, "initial_call");
        p->current_function = term_prop(info, "current_function");
        pl = term_elem(e, 2);
        p->proc_lib_call = pl && pl->kind == TERM_TUPLE && pl->u.tuple.n == 3 ? pl : NULL;
        p->memory = term_prop_int(info, "memory", 0);
        p->message_queue_len = term_prop_int(info, "message_queue_len", 0);
        p->total_heap_size = term_prop_int(info, "total_heap_size", 0);
        p->on_heap = term_is_atom(term_prop(info, "message_queue_data"), "on_heap");
        out->nprocs++;
    }
    /* The ranked values are those of the scan (what was compared); the
     * described values are a moment later. */
    out->top_mailbox = top_list(a, out, term_elem(r, 5), &out->n_mailbox, &scores);
    for (i = 0; i < out->n_mailbox; i++)
        out->procs[out->top_mailbox[i]].message_queue_len = scores[i];
    out->top_memory = top_list(a, out, term_elem(r, 6), &out->n_memory, &scores);
    for (i = 0; i < out->n_memory; i++)
        out->procs[out->top_memory[i]].memory = scores[i];
    out->top_gc = top_list(a, out, term_elem(r, 7), &out->n_gc, &scores);
    for (i = 0; i < out->n_gc; i++)
        out->procs[out->top_gc[i]].minor_gcs_per_sec =
            out->gc_window_us > 0 ? (double)scores[i] * 1e6 / (double)out->gc_window_us : 0;
    return 0;
}
