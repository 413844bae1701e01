/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_stuck.c - what a process does over a window, whether it answers,
 * and which processes look stuck.
 *
 * One process: src/remote/stuck_one.erl samples it on the node and probes
 * it from a short-lived helper (bounded by its timeout; a late answer is
 * dropped with the helper).  All processes: src/remote/stuck_all.erl takes
 * three compiled snapshots over the window and returns the candidates;
 * src/remote/stuck_probe.erl probes several at once.  Nothing stays on the
 * node after a call returns.
 */
#include "collect/collect_debug.h"
#include "remote_exprs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *atom_name(const struct term *t)
{
    return t && t->kind == TERM_ATOM ? t->u.atom.name : NULL;
}

/* {Us, [Status, CurrentFunction, Mq, Reds, Memory]} */
static int parse_point(const struct term *t, struct stuck_point *p)
{
    const struct term *v = term_elem(t, 1);
    if (!t || t->kind != TERM_TUPLE || term_list_len(v) != 5)
        return -1;
    memset(p, 0, sizeof(*p));
    p->at_us = term_int_or(term_elem(t, 0), 0);
    p->status = atom_name(v->u.list.items[0]);
    p->current_function = v->u.list.items[1];
    p->message_queue_len = term_int_or(v->u.list.items[2], 0);
    p->reductions = term_int_or(v->u.list.items[3], 0);
    p->memory = term_int_or(v->u.list.items[4], 0);
    return 0;
}

static const struct term *frames(const struct term *st)
{
    const struct term *f = term_elem(st, 1);
    return term_is_tagged(st, "current_stacktrace", 2) && f && f->kind == TERM_LIST ? f : NULL;
}

int collect_stuck_one(struct node_conn *c, struct arena *a, const struct term *pid,
                      int64_t window_ms, int samples, enum stuck_probe_mode mode,
                      const struct term *request, int64_t probe_timeout_ms,
                      struct stuck_one *out, struct bp_err *err)
{
    struct node_binding b[7];
    struct term *r = NULL;
    const struct term *rest, *info, *pr, *mqd;
    const char *mname = mode == STUCK_PROBE_ALWAYS ? "always"
                        : mode == STUCK_PROBE_NEVER ? "never" : "auto";
    int64_t wait;
    size_t i;
    int rc;

    b[0].name = "Pid";
    b[0].value = pid;
    b[1].name = "Window";
    b[1].value = term_int(a, window_ms);
    b[2].name = "Samples";
    b[2].value = term_int(a, samples < 2 ? 2 : samples);
    b[3].name = "Probe";
    b[3].value = term_atom(a, mname);
    b[4].name = "Request";
    b[4].value = request ? term_tuple2(a, term_atom(a, "call"), (struct term *)request)
                         : term_atom(a, "undefined");
    b[5].name = "ProbeTimeout";
    b[5].value = term_int(a, probe_timeout_ms);
    b[6].name = "MaxReply";
    b[6].value = term_int(a, 64 * 1024);
    wait = (window_ms > probe_timeout_ms ? window_ms : probe_timeout_ms) + 2000 +
           (int64_t)node_timeout(c);
    rc = node_eval(c, &remote_stuck_one, b, 7, (unsigned)wait, a, &r, err);
    if (rc)
        return rc;
    if (!r || r->kind != TERM_TUPLE || r->u.tuple.n != 8)
        return bp_error(err, BP_EDECODE, "stuck: unexpected reply");
    memset(out, 0, sizeof(*out));
    if (term_is_atom(term_elem(r, 0), "undefined"))
        return bp_error(err, BP_ENOPROC, "process <0.%u.%u> on '%s' is not alive",
                        pid->u.pid.num, pid->u.pid.serial, node_name(c));
    rest = term_elem(r, 1);
    out->points = arena_zalloc(a, (term_list_len(rest) + 2) * sizeof(*out->points));
    if (parse_point(term_elem(r, 0), &out->points[0]) != 0)
        return bp_error(err, BP_EDECODE, "stuck: unexpected sample");
    out->n = 1;
    for (i = 0; i < term_list_len(rest); i++) {
        const struct term *p = rest->u.list.items[i];
        if (term_is_atom(p, "undefined")) {
            out->died = true;
            break;
        }
        if (parse_point(p, &out->points[out->n]) == 0)
            out->n++;
    }
    out->stack_start = frames(term_elem(r, 2));
    out->stack_end = frames(term_elem(r, 3));
    if (!out->stack_end)
        out->stack_end = out->stack_start;
    info = term_elem(r, 4);
    if (info && info->kind == TERM_LIST) {
        const struct term *rn = term_prop(info, "registered_name");
        out->registered_name = rn && rn->kind == TERM_ATOM ? rn : NULL;
        out->initial_call = term_prop(info, "initial_call");
        mqd = term_prop(info, "message_queue_data");
        snprintf(out->message_queue_data, sizeof(out->message_queue_data), "%s",
                 atom_name(mqd) ? atom_name(mqd) : "?");
        out->total_heap_size = term_prop_int(info, "total_heap_size", 0);
        out->heap_size = term_prop_int(info, "heap_size", 0);
        collect_parse_gc(term_prop(info, "garbage_collection"), &out->gc);
    }
    out->otp = term_is_atom(term_elem(r, 5), "true");
    pr = term_elem(r, 6);
    if (term_is_atom(pr, "timeout")) {
        out->probe = PROBE_TIMEOUT;
    } else if (term_is_tagged(pr, "ok", 3)) {
        out->probe = PROBE_OK;
        out->probe_us = term_int_or(term_elem(pr, 1), 0);
        out->reply = term_elem(pr, 2);
    } else if (term_is_tagged(pr, "down", 2)) {
        out->probe = PROBE_DOWN;
        out->down_reason = term_elem(pr, 1);
    } else {
        out->probe = PROBE_NONE;
    }
    out->step_ms = term_int_or(term_elem(r, 7), 0);
    return 0;
}

int collect_stuck_all(struct node_conn *c, struct arena *a, int64_t window_ms,
                      size_t max_rows, struct stuck_all *out, struct bp_err *err)
{
    struct node_binding b[2];
    struct term *r = NULL;
    const struct term *rows;
    size_t i, n;
    int rc;

    b[0].name = "Window";
    b[0].value = term_int(a, window_ms);
    b[1].name = "N";
    b[1].value = term_int(a, (int64_t)max_rows);
    rc = node_eval(c, &remote_stuck_all, b, 2,
                   (unsigned)(window_ms + 4 * (int64_t)node_timeout(c)), a, &r, err);
    if (rc)
        return rc;
    if (!r || r->kind != TERM_TUPLE || r->u.tuple.n != 4)
        return bp_error(err, BP_EDECODE, "stuck --all: unexpected reply");
    memset(out, 0, sizeof(*out));
    out->process_count = term_int_or(term_elem(r, 0), 0);
    out->elapsed_us = term_int_or(term_elem(r, 1), 0);
    out->window_us = term_int_or(term_elem(r, 2), 0);
    rows = term_elem(r, 3);
    n = term_list_len(rows);
    out->rows = arena_zalloc(a, (n + 1) * sizeof(*out->rows));
    for (i = 0; i < n; i++) {
        /* {Pid, {Mq0, Mq2, DR}, {St0, St1, St2}, {Cf0, Cf1, Cf2}, Info,
         *  PlCall, Stack, IsOtp} */
        const struct term *e = rows->u.list.items[i], *m, *st, *cf, *info, *pl, *rn, *mqd;
        struct stuck_row *row = &out->rows[out->n];
        int k;

        if (!e || e->kind != TERM_TUPLE || e->u.tuple.n != 8 ||
            term_elem(e, 0)->kind != TERM_PID)
            continue;
        row->node = node_name(c);
        row->pid = e->u.tuple.items[0];
        m = term_elem(e, 1);
        row->mq0 = term_int_or(term_elem(m, 0), 0);
        row->mq2 = term_int_or(term_elem(m, 1), 0);
        row->reds_delta = term_int_or(term_elem(m, 2), 0);
        st = term_elem(e, 2);
        cf = term_elem(e, 3);
        for (k = 0; k < 3; k++) {
            row->status[k] = atom_name(term_elem(st, (size_t)k));
            row->cf[k] = term_elem(cf, (size_t)k);
        }
        info = term_elem(e, 4);
        rn = term_prop(info, "registered_name");
        row->registered_name = rn && rn->kind == TERM_ATOM ? rn : NULL;
        row->initial_call = term_prop(info, "initial_call");
        row->memory = term_prop_int(info, "memory", 0);
        mqd = term_prop(info, "message_queue_data");
        snprintf(row->message_queue_data, sizeof(row->message_queue_data), "%s",
                 atom_name(mqd) ? atom_name(mqd) : "?");
        pl = term_elem(e, 5);
        row->proc_lib_call = pl && pl->kind == TERM_TUPLE && pl->u.tuple.n == 3 ? pl : NULL;
        row->stack = term_elem(e, 6);
        row->otp = term_is_atom(term_elem(e, 7), "true");
        out->n++;
    }
    return 0;
}

int collect_stuck_probe(struct node_conn *c, struct stuck_row *rows, const size_t *idx,
                        size_t n, int64_t timeout_ms, struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    struct node_binding b[2];
    struct term *pids, *r = NULL;
    size_t i, k;
    int rc;

    if (n == 0)
        return 0;
    pids = term_list(&a, n);
    for (i = 0; i < n; i++)
        pids->u.list.items[i] = rows[idx[i]].pid;
    b[0].name = "Pids";
    b[0].value = pids;
    b[1].name = "Timeout";
    b[1].value = term_int(&a, timeout_ms);
    rc = node_eval(c, &remote_stuck_probe, b, 2,
                   (unsigned)(timeout_ms + 2000 + (int64_t)node_timeout(c)), &a, &r, err);
    if (rc)
        goto out;
    for (i = 0; i < term_list_len(r); i++) {
        const struct term *e = r->u.list.items[i], *res = term_elem(e, 1);
        for (k = 0; k < n; k++) {
            struct stuck_row *row = &rows[idx[k]];
            if (!term_equal(term_elem(e, 0), row->pid))
                continue;
            if (term_is_tagged(res, "ok", 2)) {
                row->probe = PROBE_OK;
                row->probe_us = term_int_or(term_elem(res, 1), 0);
            } else if (term_is_atom(res, "timeout")) {
                row->probe = PROBE_TIMEOUT;
            } else if (term_is_tagged(res, "down", 2)) {
                row->probe = PROBE_DOWN;
            }
            break;
        }
    }
out:
    arena_release(&a);
    return rc;
}
