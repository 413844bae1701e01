/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pacer.c - time-based catch-up pacing; see pacer.h.
 *
 * The schedule is kept as (start_ns, base): event base + k is due at
 * start_ns + k / rate.  Without rebases base is 0 and start_ns the start
 * of the run.  Products of rate and elapsed time are computed in long
 * double, exact for any count a run can reach.
 */
#include "load/pacer.h"

#include <math.h>

void pacer_init(struct pacer *p, double rate, uint64_t limit, int64_t start_ns,
                int64_t max_lag_ns)
{
    long double lag;

    p->rate = rate > 0 ? rate : 1;
    p->limit = limit;
    p->start_ns = start_ns;
    p->sent = 0;
    p->base = 0;
    p->behind = 0;
    if (max_lag_ns <= 0)
        max_lag_ns = 1000000000;
    /* The events due within max_lag_ns, both ends included. */
    lag = floorl((long double)p->rate * (long double)max_lag_ns / 1e9L) + 1;
    p->max_lag = lag > 1e18L ? (uint64_t)1e18 : (uint64_t)lag;
}

/* Events due by now_ns since the schedule's base, counting event 0. */
static uint64_t due_total(const struct pacer *p, int64_t now_ns)
{
    long double n;

    if (now_ns < p->start_ns)
        return 0;
    n = floorl((long double)(now_ns - p->start_ns) * (long double)p->rate / 1e9L) + 1;
    if (n > 1e18L)
        n = 1e18L;
    return p->base + (uint64_t)n;
}

uint64_t pacer_due(struct pacer *p, int64_t now_ns)
{
    uint64_t due, owed;

    if (p->sent >= p->limit)
        return 0;
    due = due_total(p, now_ns);
    if (due > p->limit)
        due = p->limit;
    if (due <= p->sent)
        return 0;
    owed = due - p->sent;
    if (owed > p->max_lag) {
        /* Too far behind: give up the excess and restart the schedule so
         * that exactly max_lag events are owed now. */
        uint64_t skip = owed - p->max_lag;
        long double back = (long double)(p->max_lag - 1) * 1e9L / (long double)p->rate;
        p->behind += skip;
        p->base = p->sent;
        p->start_ns = now_ns - (int64_t)ceill(back);
        owed = p->max_lag;
        if (owed > p->limit - p->sent)
            owed = p->limit - p->sent;
    }
    return owed;
}

void pacer_sent(struct pacer *p, uint64_t n)
{
    p->sent += n;
}

int64_t pacer_next_ns(const struct pacer *p)
{
    long double at;

    if (p->sent >= p->limit)
        return INT64_MAX;
    /* Event number `sent` is due at start + (sent - base) / rate. */
    at = (long double)p->start_ns +
         ceill((long double)(p->sent - p->base) * 1e9L / (long double)p->rate);
    if (at > (long double)INT64_MAX / 2)
        return INT64_MAX / 2;
    return (int64_t)at;
}

int pacer_done(const struct pacer *p)
{
    return p->sent >= p->limit;
}
