/* SPDX-License-Identifier: Apache-2.0 */
/*
 * loadgen.c - lanes of paced events; see loadgen.h.
 *
 * The loop of a lane: ask the pacer how many events are due; if none,
 * flush what is buffered and wait (servicing the connection) until the
 * next event is due, at least a millisecond so that high rates go out in
 * batches of one tick; otherwise build and queue the due events in chunks,
 * checking between chunks whether the run was stopped.  A run at an
 * impossible rate never waits: node_send_buffered writes 64 KiB at a time
 * and the socket's back-pressure sets the pace.
 */
#include "load/loadgen.h"
#include "collect/collect_load.h"
#include "load/pacer.h"
#include "util/clock.h"
#include "util/sig.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_TICK_NS 1000000     /* 1 ms: events due sooner go in one batch */
#define MAX_SLEEP_NS 100000000  /* wake at least every 100 ms to look at the flags */
#define DIRECT_CHUNK 512        /* events between two looks at the flags */
#define BATCH_MAX 256           /* events in one --call message */
#define WINDOW_MIN 1024         /* events in flight to a caller: 0.1 s of the */
#define WINDOW_MAX 65536        /* lane's rate, within these bounds */
#define WINDOW_S 0.1

const char *load_stop_name(enum load_stop s)
{
    switch (s) {
    case LOAD_RUNNING: return "running";
    case LOAD_DONE: return "done";
    case LOAD_DURATION: return "duration";
    case LOAD_INTERRUPTED: return "interrupted";
    case LOAD_GUARD: return "mailbox_guard";
    case LOAD_TARGET_GONE: return "target_gone";
    case LOAD_CALL_FAILED: return "call_failed";
    case LOAD_FAILED: return "failed";
    }
    return "?";
}

struct lane_arg {
    struct load_run *run;
    struct load_lane *lane;
};

static int stopped(struct load_run *r)
{
    return atomic_load_explicit(&r->stop, memory_order_relaxed) != LOAD_RUNNING;
}

/* Queue k events as one message each. */
static int send_direct(struct load_run *r, struct load_lane *l, struct tpl_ctx *cx,
                       struct tpl_buf *buf, uint64_t first, uint64_t k)
{
    uint64_t i;
    int rc;

    for (i = 0; i < k; i++) {
        cx->seq = l->seq_first + (first + i) * l->seq_stride;
        buf->len = 0;
        *tpl_buf_grow(buf, 1) = 131;
        buf->len = 1;
        tpl_emit(l->tpl, cx, buf);
        rc = node_send_buffered(l->conn, &l->to, NULL, buf->p, buf->len, &l->err);
        if (rc)
            return rc;
    }
    return 0;
}

/* Queue k events as one list of argument lists. */
static int send_batch(struct load_run *r, struct load_lane *l, struct tpl_ctx *cx,
                      struct tpl_buf *buf, uint64_t first, uint64_t k)
{
    unsigned char *h;
    uint64_t i;

    buf->len = 0;
    h = tpl_buf_grow(buf, 6);
    h[0] = 131;
    h[1] = 108; /* LIST_EXT */
    h[2] = (unsigned char)(k >> 24);
    h[3] = (unsigned char)(k >> 16);
    h[4] = (unsigned char)(k >> 8);
    h[5] = (unsigned char)k;
    buf->len = 6;
    for (i = 0; i < k; i++) {
        cx->seq = l->seq_first + (first + i) * l->seq_stride;
        tpl_emit(l->tpl, cx, buf);
    }
    *tpl_buf_grow(buf, 1) = 106; /* NIL_EXT */
    buf->len++;
    return node_send_buffered(l->conn, &l->to, NULL, buf->p, buf->len, &l->err);
}

static void fail(struct load_run *r, struct load_lane *l, int rc)
{
    l->rc = rc;
    if (rc == BP_EINTR)
        load_run_stop(r, LOAD_INTERRUPTED);
    else
        load_run_stop(r, LOAD_FAILED);
}

/* What the caller said: acknowledgements and its first error.  wait_ms 0
 * only takes what is queued. */
static void check_caller(struct load_run *r, struct load_lane *l, int64_t wait_ms)
{
    if (!l->batch)
        return;
    collect_load_caller_poll(l->conn, wait_ms ? clock_ms() + wait_ms : clock_ms() - 1,
                             &l->news);
    if (l->news.error && !atomic_load(&l->call_error)) {
        snprintf(l->call_error_text, sizeof(l->call_error_text), "%s", l->news.error_text);
        l->call_error_applied = l->news.error_applied;
        atomic_store(&l->call_error, 1);
        /* Nothing ever succeeded: the call is wrong, stop at once. */
        if (l->news.error_applied == 0)
            load_run_stop(r, LOAD_CALL_FAILED);
    }
}

/* Flow control: wait while k more events would overfill the window of
 * unacknowledged events.  Returns 0 when they may go, 1 when the run
 * stopped or the time is over. */
static int window_open(struct load_run *r, struct load_lane *l, uint64_t k)
{
    while (l->batched - l->news.acked + k > l->window) {
        int rc;
        if (stopped(r) || sig_pending() || clock_ns() >= r->end_ns)
            return 1;
        rc = node_flush(l->conn, &l->err);
        if (rc) {
            fail(r, l, rc);
            return 1;
        }
        check_caller(r, l, 20);
        if (l->conn && node_fd(l->conn) < 0) {
            fail(r, l, BP_ENODEGONE);
            return 1;
        }
    }
    return 0;
}

static void *lane_main(void *p)
{
    struct lane_arg *la = p;
    struct load_run *r = la->run;
    struct load_lane *l = la->lane;
    struct tpl_rng rng;
    struct tpl_ctx cx;
    struct tpl_buf buf = TPL_BUF_INIT;
    struct pacer pc;
    uint64_t final_max;
    int rc;

    tpl_rng_seed(&rng, l->seed);
    cx.rng = &rng;
    cx.seq = 0;
    cx.now_ms = 0;
    pacer_init(&pc, l->rate, l->limit, r->start_ns, r->max_lag_ns);
    /* Events of the last 10 ms (at least one tick's worth). */
    final_max = (uint64_t)(l->rate / 100.0) + 2;
    while (!stopped(r)) {
        int64_t now = clock_ns();
        uint64_t due;
        int over;

        if (sig_pending()) {
            load_run_stop(r, LOAD_INTERRUPTED);
            break;
        }
        if (pacer_done(&pc))
            break;
        /* At the end of the duration, what was due before it still goes. */
        over = now >= r->end_ns;
        due = pacer_due(&pc, over ? r->end_ns - 1 : now);
        if (over) {
            /* The last tick's events still go; a backlog of a sender that
             * could not keep up does not. */
            if (due > final_max) {
                pc.behind += due;
                due = 0;
            }
            if (due == 0) {
                if (!pacer_done(&pc))
                    load_run_stop(r, LOAD_DURATION);
                break;
            }
        }
        if (due == 0) {
            int64_t wake = pacer_next_ns(&pc);
            if (wake < now + MIN_TICK_NS)
                wake = now + MIN_TICK_NS;
            if (wake > now + MAX_SLEEP_NS)
                wake = now + MAX_SLEEP_NS;
            if (wake > r->end_ns)
                wake = r->end_ns;
            rc = node_flush(l->conn, &l->err);
            if (rc == 0)
                rc = node_wait(l->conn, (wake + 999999) / 1000000, &l->err);
            if (rc) {
                fail(r, l, rc);
                break;
            }
            check_caller(r, l, 0);
            continue;
        }
        cx.now_ms = wall_ms();
        while (due > 0 && !stopped(r)) {
            uint64_t k = due;
            if (l->batch && k > BATCH_MAX)
                k = BATCH_MAX;
            else if (!l->batch && k > DIRECT_CHUNK)
                k = DIRECT_CHUNK;
            if (l->batch && window_open(r, l, k))
                goto out;
            rc = l->batch ? send_batch(r, l, &cx, &buf, pc.sent, k)
                          : send_direct(r, l, &cx, &buf, pc.sent, k);
            if (l->batch)
                l->batched += k;
            if (rc) {
                fail(r, l, rc);
                goto out;
            }
            pacer_sent(&pc, k);
            l->last_ns = clock_ns();
            if (!l->first_ns)
                l->first_ns = l->last_ns;
            atomic_fetch_add_explicit(&l->sent, k, memory_order_relaxed);
            due -= k;
            if (sig_pending() || (!over && clock_ns() >= r->end_ns))
                break;
        }
        if (over) {
            if (!pacer_done(&pc))
                load_run_stop(r, LOAD_DURATION);
            break;
        }
    }
out:
    /* Ended by the clock with events still owed: the sender fell behind. */
    if (!l->rc && !pacer_done(&pc) && clock_ns() >= r->end_ns)
        pc.behind += pacer_due(&pc, r->end_ns - 1);
    if (!l->rc) {
        rc = node_flush(l->conn, &l->err);
        if (rc)
            fail(r, l, rc);
    }
    if (!l->rc)
        check_caller(r, l, 0);
    l->behind = pc.behind;
    tpl_buf_release(&buf);
    atomic_store(&l->finished, 1);
    free(la);
    return NULL;
}

int load_run_start(struct load_run *r, struct bp_err *err)
{
    size_t i;

    atomic_store(&r->stop, LOAD_RUNNING);
    /* Every lane on one schedule, a little ahead so the threads are up. */
    r->start_ns = clock_ns() + 2000000;
    r->end_ns = r->duration_ns > 0 ? r->start_ns + r->duration_ns : INT64_MAX;
    r->threads = xcalloc(r->nlanes ? r->nlanes : 1, sizeof(*r->threads));
    r->started = xcalloc(r->nlanes ? r->nlanes : 1, sizeof(*r->started));
    for (i = 0; i < r->nlanes; i++) {
        struct lane_arg *la = xmalloc(sizeof(*la));
        atomic_store(&r->lanes[i].sent, 0);
        atomic_store(&r->lanes[i].finished, 0);
        atomic_store(&r->lanes[i].call_error, 0);
        memset(&r->lanes[i].news, 0, sizeof(r->lanes[i].news));
        r->lanes[i].batched = 0;
        r->lanes[i].window = (uint64_t)(r->lanes[i].rate * WINDOW_S);
        if (r->lanes[i].window < WINDOW_MIN)
            r->lanes[i].window = WINDOW_MIN;
        if (r->lanes[i].window > WINDOW_MAX)
            r->lanes[i].window = WINDOW_MAX;
        r->lanes[i].rc = 0;
        r->lanes[i].first_ns = r->lanes[i].last_ns = 0;
        la->run = r;
        la->lane = &r->lanes[i];
        if (pthread_create(&r->threads[i], NULL, lane_main, la) != 0) {
            free(la);
            load_run_stop(r, LOAD_FAILED);
            atomic_store(&r->lanes[i].finished, 1);
            return bp_error(err, BP_EINTERNAL, "cannot start a sending thread");
        }
        r->started[i] = 1;
    }
    return 0;
}

void load_run_stop(struct load_run *r, enum load_stop why)
{
    int expected = LOAD_RUNNING;
    atomic_compare_exchange_strong(&r->stop, &expected, (int)why);
}

enum load_stop load_run_reason(const struct load_run *r)
{
    return (enum load_stop)atomic_load(&r->stop);
}

int load_run_finished(const struct load_run *r)
{
    size_t i;
    for (i = 0; i < r->nlanes; i++)
        if (!atomic_load(&r->lanes[i].finished))
            return 0;
    return 1;
}

void load_run_join(struct load_run *r)
{
    size_t i;

    for (i = 0; i < r->nlanes; i++)
        if (r->started && r->started[i]) {
            pthread_join(r->threads[i], NULL);
            r->started[i] = 0;
        }
    {
        int all = 1;
        for (i = 0; i < r->nlanes; i++)
            if (atomic_load(&r->lanes[i].sent) < r->lanes[i].limit)
                all = 0;
        load_run_stop(r, all ? LOAD_DONE : LOAD_DURATION);
    }
}

uint64_t load_run_sent(const struct load_run *r)
{
    uint64_t n = 0;
    size_t i;
    for (i = 0; i < r->nlanes; i++)
        n += atomic_load_explicit(&r->lanes[i].sent, memory_order_relaxed);
    return n;
}

void load_run_release(struct load_run *r)
{
    free(r->threads);
    free(r->started);
    r->threads = NULL;
    r->started = NULL;
}
