/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_bench.c - message benchmarks; see collect_bench.h and
 * src/remote/bench_keeper.erl.
 */
#include "collect/collect_bench.h"
#include "remote_exprs.h"
#include "util/clock.h"

#include <ei.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nanoseconds of a duration in the node's native unit. */
static int64_t native_ns(int64_t v, int64_t per_sec)
{
    long double x;
    if (per_sec == 1000000000)
        return v;
    x = (long double)v * 1e9L / (long double)per_sec;
    return (int64_t)(x < 0 ? x - 0.5L : x + 0.5L);
}

/* Tags of Keeper commands: unique within this beamprobe. */
static int64_t next_tag = 1;

static int by_name(const void *x, const void *y)
{
    return strcmp(((const struct node_binding *)x)->name, ((const struct node_binding *)y)->name);
}

int collect_bench_open(struct node_conn *c, struct arena *a, const struct term *target,
                       int64_t max_ms, int64_t max_queue, struct bench_keeper *out,
                       struct bp_err *err)
{
    struct node_binding b[6];
    struct term *r = NULL;
    unsigned call = node_timeout(c);
    int rc;

    b[0].name = "Owner";
    b[0].value = node_self_pid(c, a);
    b[1].name = "Target";
    b[1].value = target ? target : term_atom(a, "undefined");
    b[2].name = "MaxMs";
    b[2].value = term_int(a, max_ms);
    b[3].name = "MaxQueue";
    b[3].value = term_int(a, max_queue);
    b[4].name = "HeapWords";
    b[4].value = term_int(a, 4 * 1024 * 1024);
    b[5].name = "CallTimeout";
    b[5].value = term_int(a, call);
    qsort(b, 6, sizeof(*b), by_name);
    rc = node_eval(c, &remote_bench_keeper, b, 6, call > 7000 ? call : 7000, a, &r, err);
    if (rc)
        return rc;
    if (term_is_tagged(r, "error", 2)) {
        if (term_is_atom(term_elem(r, 1), "noproc"))
            return bp_error(err, BP_ENOPROC, "the target is not a live process on '%s'",
                            node_name(c));
        if (term_is_atom(term_elem(r, 1), "timeout"))
            return bp_error(err, BP_ETIMEDOUT, "the bench helpers did not start on '%s'",
                            node_name(c));
        return bp_error(err, BP_EBADRPC, "the bench helpers failed to start on '%s'",
                        node_name(c));
    }
    memset(out, 0, sizeof(*out));
    if (!term_is_tagged(r, "ok", 6) || term_elem(r, 1)->kind != TERM_PID ||
        term_elem(r, 2)->kind != TERM_PID ||
        term_get_int(term_elem(r, 5), &out->native_per_sec) || out->native_per_sec <= 0)
        return bp_error(err, BP_EDECODE, "bench_keeper: unexpected reply");
    out->keeper = (struct term *)term_elem(r, 1);
    out->echo = (struct term *)term_elem(r, 2);
    out->target = (struct term *)target;
    out->target_is_otp = term_is_atom(term_elem(r, 3), "true");
    out->request = (struct term *)term_elem(r, 4);
    out->call_timeout_ms = call;
    return 0;
}

int collect_bench_close(struct node_conn *c, const struct bench_keeper *k, struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    struct term *m = term_tuple3(&a, term_atom(&a, "beamprobe_bench"), term_int(&a, 0),
                                 term_atom(&a, "stop"));
    int rc = 0;

    if (k->keeper)
        rc = node_send(c, &k->keeper->u.pid, m, err);
    arena_release(&a);
    return rc;
}

const struct term *collect_bench_dest(const struct bench_keeper *k, enum bench_which which)
{
    return which == BENCH_TARGET ? k->target : k->echo;
}

const struct term *collect_bench_default_msg(const struct bench_keeper *k, struct arena *a,
                                             enum bench_which which)
{
    if (which == BENCH_TARGET)
        return k->request;
    /* gen_event:notify/2's message: the Echo has no handlers to run. */
    return term_tuple2(a, term_atom(a, "notify"), term_int(a, 0));
}

static struct term *which_atom(struct arena *a, enum bench_which w)
{
    return term_atom(a, w == BENCH_TARGET ? "target" : "echo");
}

/* Send {beamprobe_bench, Tag, Cmd} to the Keeper; *tag receives Tag. */
static int keeper_send(struct node_conn *c, const struct bench_keeper *k, struct term *cmd,
                       int64_t *tag, struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    int rc;

    *tag = next_tag++;
    rc = node_send(c, &k->keeper->u.pid,
                   term_tuple3(&a, term_atom(&a, "beamprobe_bench"), term_int(&a, *tag), cmd),
                   err);
    arena_release(&a);
    return rc;
}

/* Wait for {beamprobe_bench, Tag, Result}; Result in *out (arena a). */
static int keeper_wait(struct node_conn *c, int64_t tag, int64_t deadline, struct arena *a,
                       const struct term **out, struct bp_err *err)
{
    for (;;) {
        struct term *m = NULL;
        int64_t t;
        int rc = node_recv(c, deadline, a, &m, err);
        if (rc == BP_ETIMEDOUT)
            return bp_error(err, BP_ETIMEDOUT, "the bench keeper did not answer in time");
        if (rc)
            return rc;
        if (term_is_tagged(m, "beamprobe_bench", 3) && term_get_int(term_elem(m, 1), &t) == 0 &&
            t == tag) {
            *out = term_elem(m, 2);
            return 0;
        }
    }
}

static int keeper_call(struct node_conn *c, const struct bench_keeper *k, struct term *cmd,
                       int64_t wait_ms, struct arena *a, const struct term **out,
                       struct bp_err *err)
{
    int64_t tag;
    int rc = keeper_send(c, k, cmd, &tag, err);
    if (rc)
        return rc;
    return keeper_wait(c, tag, clock_ms() + wait_ms, a, out, err);
}

/* {error, Why} from the Keeper as a message. */
static int keeper_error(struct node_conn *c, const char *what, const struct term *r,
                        struct bp_err *err)
{
    const struct term *why = term_elem(r, 1);

    if (term_is_atom(why, "timeout"))
        return bp_error(err, BP_ETIMEDOUT, "%s: the process did not answer a sys request "
                                           "within %u ms", what, node_timeout(c));
    if (term_is_atom(why, "noproc"))
        return bp_error(err, BP_ENOPROC, "%s: the process died", what);
    if (term_is_atom(why, "no_mark"))
        return bp_error(err, BP_EINTERNAL, "%s: the start mark was lost", what);
    return bp_error(err, BP_EBADRPC, "%s: failed on '%s'", what, node_name(c));
}

int collect_bench_rtt(struct node_conn *c, const struct bench_keeper *k,
                      enum bench_which which, size_t n, size_t warmup, int64_t *ns,
                      size_t *got, int64_t *timeouts, struct bp_err *err)
{
    const struct term *dest = collect_bench_dest(k, which);
    struct arena a = ARENA_INIT;
    struct term *self;
    int64_t id = next_tag * 1000000;
    size_t i, k2 = 0;
    int rc = 0;

    *got = 0;
    *timeouts = 0;
    next_tag++;
    for (i = 0; i < n + warmup && rc == 0; i++) {
        struct term *req, *m = NULL;
        int64_t t0, deadline, want = ++id, v;

        arena_clear(&a);
        self = node_self_pid(c, &a);
        /* {system, {Self, Id}, {debug, {statistics, get}}} */
        req = term_tuple3(&a, term_atom(&a, "system"), term_tuple2(&a, self, term_int(&a, want)),
                          term_tuple2(&a, term_atom(&a, "debug"),
                                      term_tuple2(&a, term_atom(&a, "statistics"),
                                                  term_atom(&a, "get"))));
        t0 = clock_ns();
        rc = node_send(c, &dest->u.pid, req, err);
        if (rc)
            break;
        deadline = clock_ms() + k->call_timeout_ms;
        for (;;) {
            rc = node_recv(c, deadline, &a, &m, err);
            if (rc)
                break;
            if (m->kind == TERM_TUPLE && m->u.tuple.n == 2 &&
                term_get_int(m->u.tuple.items[0], &v) == 0 && v == want)
                break;
        }
        if (rc == BP_ETIMEDOUT) {
            rc = 0;
            if (++*timeouts >= 10)
                break;
            continue;
        }
        if (rc)
            break;
        if (i >= warmup)
            ns[k2++] = clock_ns() - t0;
    }
    arena_release(&a);
    *got = k2;
    return rc;
}

int collect_bench_node_rtt(struct node_conn *c, const struct bench_keeper *k, struct arena *a,
                           enum bench_which which, size_t n, int64_t **ns, size_t *got,
                           struct bp_err *err)
{
    const struct term *r = NULL;
    struct term *cmd = term_tuple3(a, term_atom(a, "latency"), which_atom(a, which),
                                   term_int(a, (int64_t)n));
    size_t i, m = 0;
    int64_t *out;
    /* Each round trip is bounded by the call timeout on the node; the
     * Keeper also stops at its own end of life. */
    int rc = keeper_call(c, k, cmd, 120000, a, &r, err);

    if (rc)
        return rc;
    if (term_is_tagged(r, "error", 2))
        return keeper_error(c, "in-node latency", r, err);
    if (!term_is_tagged(r, "ok", 2) || term_elem(r, 1)->kind != TERM_LIST)
        return bp_error(err, BP_EDECODE, "bench_keeper: unexpected latency reply");
    r = term_elem(r, 1);
    out = arena_zalloc(a, (r->u.list.n + 1) * sizeof(*out));
    for (i = 0; i < r->u.list.n; i++) {
        int64_t v;
        if (term_get_int(r->u.list.items[i], &v) == 0)
            out[m++] = native_ns(v, k->native_per_sec);
    }
    *ns = out;
    *got = m;
    return 0;
}

int collect_bench_push(struct node_conn *c, const struct bench_keeper *k,
                       enum bench_which which, const struct term *msg, int64_t n,
                       int64_t duration_ms, int64_t max_queue, int64_t *sent,
                       int64_t *elapsed_ns, struct bp_err *err)
{
    const struct term *dest = collect_bench_dest(k, which), *r = NULL;
    struct arena a = ARENA_INIT;
    struct term_encode_ctx ectx;
    ei_x_buff x;
    int64_t chunk = max_queue / 4 > 0 ? max_queue / 4 : 1, done = 0, bound = 0, stop, tag;
    int rc;

    if (chunk > 2000)
        chunk = 2000;
    *sent = 0;
    *elapsed_ns = 0;
    if (!msg)
        msg = collect_bench_default_msg(k, &a, which);
    node_encode_ctx(c, &ectx);
    ei_x_new_with_version(&x);
    rc = term_encode(&x, msg, &ectx, err);
    if (rc)
        goto out;

    /* Let the receiver finish what it had, then mark the start. */
    rc = keeper_call(c, k, term_tuple2(&a, term_atom(&a, "tp_begin"), which_atom(&a, which)),
                     k->call_timeout_ms + 2000, &a, &r, err);
    if (rc)
        goto out;
    if (!term_is_atom(r, "ready")) {
        rc = keeper_error(c, "throughput", r, err);
        goto out;
    }
    rc = keeper_send(c, k, term_atom(&a, "mark"), &tag, err);
    if (rc)
        goto out;
    stop = clock_ms() + duration_ms;
    while (done < n && clock_ms() < stop) {
        int64_t i, m;
        if (bound + chunk > max_queue) {
            /* Ask how much the receiver still has before sending more. */
            int64_t q;
            arena_clear(&a);
            rc = keeper_call(c, k, term_tuple2(&a, term_atom(&a, "qlen"), which_atom(&a, which)),
                             k->call_timeout_ms, &a, &r, err);
            if (rc)
                goto out;
            if (term_get_int(r, &q) || q < 0) {
                rc = bp_error(err, BP_ENOPROC, "throughput: the receiving process died");
                goto out;
            }
            bound = q;
            if (bound + chunk > max_queue) {
                rc = node_wait(c, clock_ms() + 1, err);
                if (rc)
                    goto out;
                continue;
            }
        }
        m = n - done < chunk ? n - done : chunk;
        for (i = 0; i < m && rc == 0; i++)
            rc = node_send_buffered(c, &dest->u.pid, NULL, x.buff, (size_t)x.index, err);
        if (rc == 0)
            rc = node_flush(c, err);
        if (rc)
            goto out;
        done += m;
        bound += m;
    }
    *sent = done;
    arena_clear(&a);
    rc = keeper_call(c, k, term_tuple2(&a, term_atom(&a, "tp_end"), which_atom(&a, which)),
                     k->call_timeout_ms + 5000, &a, &r, err);
    if (rc)
        goto out;
    if (term_is_tagged(r, "ok", 2) && term_get_int(term_elem(r, 1), elapsed_ns) == 0)
        *elapsed_ns = native_ns(*elapsed_ns, k->native_per_sec);
    else
        rc = keeper_error(c, "throughput", r, err);
out:
    ei_x_free(&x);
    arena_release(&a);
    return rc;
}

int collect_bench_flood(struct node_conn *c, const struct bench_keeper *k,
                        enum bench_which which, const struct term *msg, int64_t n,
                        int64_t duration_ms, int64_t *sent, int64_t *elapsed_ns,
                        struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    const struct term *r = NULL;
    struct term *cmd = term_tuple(&a, 6);
    int rc;

    *sent = 0;
    *elapsed_ns = 0;
    if (!msg)
        msg = collect_bench_default_msg(k, &a, which);
    cmd->u.tuple.items[0] = term_atom(&a, "flood");
    cmd->u.tuple.items[1] = which_atom(&a, which);
    cmd->u.tuple.items[2] = term_int(&a, n);
    cmd->u.tuple.items[3] = term_int(&a, duration_ms);
    cmd->u.tuple.items[4] = (struct term *)msg;
    cmd->u.tuple.items[5] = term_int(&a, 1000);
    rc = keeper_call(c, k, cmd, duration_ms + 2 * (int64_t)k->call_timeout_ms + 5000, &a, &r,
                     err);
    if (rc == 0) {
        if (term_is_tagged(r, "ok", 3) && term_get_int(term_elem(r, 1), sent) == 0 &&
            term_get_int(term_elem(r, 2), elapsed_ns) == 0)
            *elapsed_ns = native_ns(*elapsed_ns, k->native_per_sec);
        else
            rc = keeper_error(c, "in-node throughput", r, err);
    }
    arena_release(&a);
    return rc;
}
