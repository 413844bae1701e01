/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_trace.c - message tracing through a relay on the node; see
 * collect_trace.h and src/remote/trace_start.erl.
 */
#include "collect/collect_trace.h"
#include "remote_exprs.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void trace_opts_defaults(struct trace_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->recv = true;
    o->mode = TRACE_STREAM;
    o->duration_ms = 10000;
    o->max_events = 1000;
    o->rate_ms = 1000;
    o->max_bytes = 4096;
    o->max_queue = 100000;
    o->max_memory = 64 * 1024 * 1024;
    o->heap_words = 4 * 1024 * 1024;
    o->batch = 5000;
    o->max_types = 500;
}

/* An arena array of the pids in a proper list term. */
static int pids_of(struct arena *a, const struct term *l, struct term ***out, size_t *n)
{
    size_t i, k = 0, len;
    struct term **v;

    if (!l || l->kind != TERM_LIST || l->u.list.tail)
        return BP_EDECODE;
    len = l->u.list.n;
    v = arena_zalloc(a, (len + 1) * sizeof(*v));
    for (i = 0; i < len; i++)
        if (l->u.list.items[i]->kind == TERM_PID)
            v[k++] = l->u.list.items[i];
    *out = v;
    *n = k;
    return 0;
}

static void print_short(struct sbuf *sb, const struct term *t, const char *node)
{
    struct term_print_opts po = term_print_defaults;
    po.local_node = node;
    po.limit = 8;
    po.max_len = 160;
    term_print(sb, t, &po);
}

static int start_error(struct node_conn *c, const struct term *why, struct bp_err *err)
{
    struct sbuf a = SBUF_INIT, b = SBUF_INIT;
    const char *node = node_info(c)->name;
    int rc;

    if (term_is_tagged(why, "tracer_exists", 3)) {
        print_short(&a, term_elem(why, 1), node);
        print_short(&b, term_elem(why, 2), node);
        rc = bp_error(err, BP_EBADRPC,
                      "process %s is already traced by %s; beamprobe does not replace "
                      "another tracer (OTP %d has one tracer per process; OTP 27 trace "
                      "sessions avoid this)", sbuf_str(&a), sbuf_str(&b),
                      node_info(c)->otp_major);
    } else if (term_is_atom(why, "no_targets")) {
        rc = bp_error(err, BP_ENOPROC, "no target process is alive on '%s'", node_name(c));
    } else if (term_is_atom(why, "timeout")) {
        rc = bp_error(err, BP_ETIMEDOUT, "the trace relay did not start on '%s' within 5 s",
                      node_name(c));
    } else {
        print_short(&a, why, node);
        rc = bp_error(err, BP_EBADRPC, "cannot trace on '%s': %s", node_name(c), sbuf_str(&a));
    }
    sbuf_release(&a);
    sbuf_release(&b);
    return rc;
}

int collect_trace_start(struct node_conn *c, struct arena *a, const struct trace_opts *o,
                        struct trace_run *run, struct bp_err *err)
{
    struct node_binding b[15];
    struct term *flags, *r = NULL;
    size_t nb = 0, nf = 0;
    unsigned tmo;
    int rc;

    if (!o->recv && !o->send)
        return bp_error(err, BP_EUSAGE, "trace: nothing to trace (--receive or --send)");
    if (o->npids == 0)
        return bp_error(err, BP_EUSAGE, "trace: no target");
    if (o->duration_ms <= 0 || o->max_events <= 0 || o->max_bytes <= 0 || o->max_queue <= 0 ||
        o->max_memory <= 0 || o->heap_words <= 0 || o->batch <= 0 || o->max_types <= 0 ||
        o->rate_n < 0 || (o->rate_n > 0 && o->rate_ms <= 0))
        return bp_error(err, BP_EUSAGE, "trace: limits must be positive");
    flags = term_list(a, (o->recv ? 1 : 0) + (o->send ? 1 : 0));
    if (o->recv)
        flags->u.list.items[nf++] = term_atom(a, "receive");
    if (o->send)
        flags->u.list.items[nf++] = term_atom(a, "send");

#define BIND(n, v) (b[nb].name = (n), b[nb].value = (v), nb++)
    BIND("Owner", node_self_pid(c, a));
    BIND("Pids", term_list_of(a, o->pids, o->npids));
    BIND("Flags", flags);
    BIND("Mode", term_atom(a, o->mode == TRACE_COUNT ? "count" : "stream"));
    BIND("Max", term_int(a, o->max_events));
    BIND("RateN", term_int(a, o->rate_n));
    BIND("RateMs", term_int(a, o->rate_ms > 0 ? o->rate_ms : 1000));
    BIND("DurationMs", term_int(a, o->duration_ms));
    BIND("Match", o->match ? o->match : term_atom(a, "undefined"));
    BIND("MaxBytes", term_int(a, o->max_bytes));
    BIND("MaxQueue", term_int(a, o->max_queue));
    BIND("MaxMemory", term_int(a, o->max_memory));
    BIND("HeapWords", term_int(a, o->heap_words));
    BIND("Batch", term_int(a, o->batch));
    BIND("MaxTypes", term_int(a, o->max_types));
#undef BIND
    /* The expression waits up to 5 s for the Janitor to set the trace up. */
    tmo = node_timeout(c) > 7000 ? node_timeout(c) : 7000;
    rc = node_eval(c, &remote_trace_start, b, nb, tmo, a, &r, err);
    if (rc)
        return rc;
    if (term_is_tagged(r, "error", 2))
        return start_error(c, term_elem(r, 1), err);
    if (!term_is_tagged(r, "ok", 8) || term_elem(r, 1)->kind != TERM_PID ||
        term_elem(r, 2)->kind != TERM_PID)
        return bp_error(err, BP_EDECODE, "trace_start: unexpected reply");
    memset(run, 0, sizeof(*run));
    run->relay = (struct term *)term_elem(r, 1);
    run->janitor = (struct term *)term_elem(r, 2);
    if (pids_of(a, term_elem(r, 3), &run->traced, &run->ntraced) ||
        pids_of(a, term_elem(r, 4), &run->skipped, &run->nskipped) ||
        term_get_int(term_elem(r, 5), &run->mono0_ns) ||
        term_get_int(term_elem(r, 6), &run->sys0_ns))
        return bp_error(err, BP_EDECODE, "trace_start: unexpected reply");
    run->session = term_is_atom(term_elem(r, 7), "true");
    return 0;
}

int64_t collect_trace_wall_ns(const struct trace_run *run, int64_t ts_ns)
{
    return run->sys0_ns + (ts_ns - run->mono0_ns);
}

static bool same_pid(const struct term *x, const struct term *y)
{
    return x && y && x->kind == TERM_PID && y->kind == TERM_PID && term_equal(x, y);
}

/* One trace message as the VM wrote it: {trace_ts, Pid, 'receive', Msg,
 * Ts} or {trace_ts, Pid, send | send_to_non_existing_process, Msg, To, Ts},
 * possibly wrapped as {beamprobe_cut, Bytes, TraceMessage}. */
static int parse_event(const struct term *e, struct trace_event *ev)
{
    const struct term *dir;
    size_t n;

    memset(ev, 0, sizeof(*ev));
    if (term_is_tagged(e, "beamprobe_cut", 3)) {
        ev->cut_from = term_int_or(term_elem(e, 1), 0);
        e = term_elem(e, 2);
    }
    if (!e || e->kind != TERM_TUPLE || !term_is_atom(term_elem(e, 0), "trace_ts"))
        return BP_EDECODE;
    n = e->u.tuple.n;
    dir = term_elem(e, 2);
    if (!dir || dir->kind != TERM_ATOM || trace_dir_parse(dir->u.atom.name, &ev->dir))
        return BP_EDECODE;
    if (ev->dir == TRACE_RECEIVE ? n != 5 : n != 6)
        return BP_EDECODE;
    if (term_get_int(term_elem(e, n - 1), &ev->ts_ns))
        return BP_EDECODE;
    ev->pid = term_elem(e, 1);
    ev->msg = term_elem(e, 3);
    ev->to = n == 6 ? term_elem(e, 4) : NULL;
    return 0;
}

static int parse_events(struct arena *a, const struct term *list, struct trace_batch *out)
{
    size_t i, k = 0, n;

    if (!list || list->kind != TERM_LIST)
        return BP_EDECODE;
    n = list->u.list.n;
    out->ev = arena_zalloc(a, (n + 1) * sizeof(*out->ev));
    for (i = 0; i < n; i++)
        if (parse_event(list->u.list.items[i], &out->ev[k]) == 0)
            k++; /* a shape this version does not know is skipped */
    out->n = k;
    return 0;
}

static void parse_stats(struct arena *a, const struct term *st, struct trace_stats *s)
{
    const struct term *reason = term_prop(st, "reason"), *counts = term_prop(st, "counts");
    const struct term *ex = term_prop(st, "exit");
    size_t i, k = 0;

    memset(s, 0, sizeof(*s));
    snprintf(s->reason, sizeof(s->reason), "%s",
             reason && reason->kind == TERM_ATOM ? reason->u.atom.name : "unknown");
    s->reported = term_prop(st, "seen") != NULL;
    s->seen = term_prop_int(st, "seen", 0);
    s->shown = term_prop_int(st, "shown", 0);
    s->dropped = term_prop_int(st, "dropped", 0);
    s->after_limit = term_prop_int(st, "after_limit", 0);
    s->filtered = term_prop_int(st, "filtered", 0);
    s->truncated = term_prop_int(st, "truncated", 0);
    s->elapsed_ns = term_prop_int(st, "elapsed_ns", 0);
    s->reductions = term_prop_int(st, "reductions", 0);
    s->peak_queue = term_prop_int(st, "peak_queue", 0);
    s->batches = term_prop_int(st, "batches", 0);
    if (ex) {
        struct sbuf sb = SBUF_INIT;
        print_short(&sb, ex, NULL);
        snprintf(s->exit, sizeof(s->exit), "%s", sbuf_str(&sb));
        sbuf_release(&sb);
    }
    if (counts && counts->kind == TERM_LIST) {
        s->counts = arena_zalloc(a, (counts->u.list.n + 1) * sizeof(*s->counts));
        for (i = 0; i < counts->u.list.n; i++) {
            const struct term *kv = counts->u.list.items[i];
            int64_t n;
            if (!kv || kv->kind != TERM_TUPLE || kv->u.tuple.n != 2 ||
                term_get_int(kv->u.tuple.items[1], &n) ||
                msgtype_from_key(kv->u.tuple.items[0], &s->counts[k].type))
                continue;
            s->counts[k++].count = n;
        }
    }
    s->ncounts = k;
}

int collect_trace_next(struct node_conn *c, const struct trace_run *run, struct arena *a,
                       int64_t deadline, struct trace_batch *out, struct bp_err *err)
{
    for (;;) {
        struct term *m = NULL;
        int rc = node_recv(c, deadline, a, &m, err);

        if (rc)
            return rc;
        memset(out, 0, sizeof(*out));
        if (term_is_tagged(m, "beamprobe_trace", 3) && same_pid(term_elem(m, 1), run->relay)) {
            if (parse_events(a, term_elem(m, 2), out))
                return bp_error(err, BP_EDECODE, "trace: malformed event batch");
            return 0;
        }
        if (term_is_tagged(m, "beamprobe_trace_done", 3) &&
            same_pid(term_elem(m, 1), run->relay)) {
            out->done = true;
            parse_stats(a, term_elem(m, 2), &out->stats);
            return 0;
        }
        /* Something else (a late reply of another exchange): skip it. */
    }
}

int collect_trace_stop(struct node_conn *c, const struct trace_run *run, struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    int rc = node_send(c, &run->relay->u.pid, term_atom(&a, "stop"), err);
    arena_release(&a);
    return rc;
}

int collect_trace_all_of(struct node_conn *c, struct arena *a, const char *module,
                         size_t limit, struct term ***pids, size_t *n, int64_t *matching,
                         struct bp_err *err)
{
    struct node_binding b[2];
    struct term *r = NULL;
    int rc;

    b[0].name = "Limit";
    b[0].value = term_int(a, (int64_t)limit);
    b[1].name = "Module";
    b[1].value = term_binstr(a, module);
    rc = node_eval(c, &remote_trace_all_of, b, 2, 0, a, &r, err);
    if (rc)
        return rc;
    if (!r || r->kind != TERM_TUPLE || r->u.tuple.n != 2 ||
        term_get_int(term_elem(r, 0), matching) || pids_of(a, term_elem(r, 1), pids, n))
        return bp_error(err, BP_EDECODE, "trace_all_of: unexpected reply");
    return 0;
}
