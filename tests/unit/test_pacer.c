/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_pacer.c - unit tests for load/pacer.c: the schedule at exact
 * times, catch-up after a late wake-up, bounded bursts, the end of a run,
 * and whole simulated runs at rates from 1/s to 100,000/s with a sleeping
 * loop that wakes late (the achieved rate is exact whatever the jitter).
 */
#include "load/pacer.h"
#include "unit.h"

#include <math.h>
#include <stdint.h>

#define MS 1000000LL
#define S 1000000000LL

TEST(pacer_schedule_exact)
{
    struct pacer p;

    pacer_init(&p, 400, 2000, 10 * S, 0);
    /* Nothing before the start; event 0 at the start. */
    ASSERT_EQ(pacer_due(&p, 10 * S - 1), 0);
    ASSERT_EQ(pacer_next_ns(&p), 10 * S);
    ASSERT_EQ(pacer_due(&p, 10 * S), 1);
    pacer_sent(&p, 1);
    /* Event 1 at 2.5 ms. */
    ASSERT_EQ(pacer_next_ns(&p), 10 * S + 2500000);
    ASSERT_EQ(pacer_due(&p, 10 * S + 2499999), 0);
    ASSERT_EQ(pacer_due(&p, 10 * S + 2500000), 1);
    /* 100 ms later: floor(0.1 * 400) + 1 = 41 due in all, 1 sent. */
    ASSERT_EQ(pacer_due(&p, 10 * S + 100 * MS), 40);
    pacer_sent(&p, 40);
    ASSERT_EQ(pacer_due(&p, 10 * S + 100 * MS), 0);
    ASSERT_EQ(pacer_next_ns(&p), 10 * S + 41 * 2500000LL);
}

TEST(pacer_catch_up_after_late_wakeup)
{
    struct pacer p;

    pacer_init(&p, 1000, 100000, 0, 0);
    ASSERT_EQ(pacer_due(&p, 0), 1);
    pacer_sent(&p, 1);
    /* Slept 300 ms instead of 1: everything owed goes now. */
    ASSERT_EQ(pacer_due(&p, 300 * MS), 300);
    pacer_sent(&p, 300);
    ASSERT_EQ(p.behind, 0);
    ASSERT_EQ(pacer_next_ns(&p), 301 * MS);
}

TEST(pacer_bounded_burst)
{
    struct pacer p;
    uint64_t n;

    /* Max lag 100 ms at 1000/s: at most 101 owed at once (the events due
     * within 100 ms, both ends included). */
    pacer_init(&p, 1000, 1000000, 0, 100 * MS);
    ASSERT_EQ(p.max_lag, 101);
    pacer_sent(&p, pacer_due(&p, 0));
    ASSERT_EQ(pacer_due(&p, 100 * MS), 100); /* exactly at the bound: no loss */
    ASSERT_EQ(p.behind, 0);
    n = pacer_due(&p, 5 * S); /* a 5 s stall */
    ASSERT_EQ(n, 101);
    ASSERT_EQ(p.behind, 5001 - 1 - 101);
    pacer_sent(&p, n);
    /* The schedule goes on from there at the same rate. */
    ASSERT_EQ(pacer_due(&p, 5 * S), 0);
    ASSERT_EQ(pacer_due(&p, 5 * S + 10 * MS), 10);
    /* max_lag of almost no time still allows one event. */
    pacer_init(&p, 0.5, 10, 0, 1);
    ASSERT_EQ(p.max_lag, 1);
}

TEST(pacer_limit_and_done)
{
    struct pacer p;

    pacer_init(&p, 100, 5, 0, 0);
    ASSERT_EQ(pacer_due(&p, 10 * S), 5);
    pacer_sent(&p, 5);
    ASSERT(pacer_done(&p));
    ASSERT_EQ(pacer_due(&p, 20 * S), 0);
    ASSERT_EQ(pacer_next_ns(&p), INT64_MAX);
}

TEST(pacer_fractional_rates)
{
    struct pacer p;

    /* 0.5/s: events at 0, 2 s, 4 s. */
    pacer_init(&p, 0.5, 3, 0, 0);
    pacer_sent(&p, pacer_due(&p, 0));
    ASSERT_EQ(pacer_next_ns(&p), 2 * S);
    ASSERT_EQ(pacer_due(&p, 2 * S - 1), 0);
    ASSERT_EQ(pacer_due(&p, 2 * S), 1);
    /* A rate that is not a whole number of events per millisecond. */
    pacer_init(&p, 3000, 90000, 0, 60 * S);
    ASSERT_EQ(pacer_due(&p, 1 * S), 3001);
    ASSERT_EQ(pacer_due(&p, 30 * S - 1), 90000);
    ASSERT_EQ(pacer_due(&p, 31 * S), 90000); /* never more than the limit */
}

/*
 * Simulate a sender that sleeps until the next event is due (at least
 * 1 ms), waking up late by a pseudo-random 0..3 ms, for `seconds`.  The
 * last event must be due within the run and the rate between the first
 * and the last event exact.
 */
static void simulate(double rate, double seconds)
{
    struct pacer p;
    uint64_t limit = (uint64_t)ceil(rate * seconds - 1e-9), jitter = 12345;
    int64_t now = 0, first = -1, last = 0;

    pacer_init(&p, rate, limit, 0, 0);
    while (!pacer_done(&p)) {
        uint64_t n = pacer_due(&p, now);
        int64_t next;
        if (n) {
            /* Events are stamped with their due time: the receiving end sees
             * each tick's batch at once, but on average on schedule. */
            if (first < 0)
                first = now;
            pacer_sent(&p, n);
            last = now;
        }
        if (pacer_done(&p))
            break;
        next = pacer_next_ns(&p);
        if (next < now + MS)
            next = now + MS;
        jitter = jitter * 6364136223846793005ULL + 1442695040888963407ULL;
        now = next + (int64_t)((jitter >> 33) % (3 * MS));
    }
    ASSERT_EQ(p.sent, limit);
    ASSERT_EQ(p.behind, 0);
    /* The last event went out within 4 ms of its due time. */
    {
        double due_last = (double)(limit - 1) / rate * 1e9;
        ASSERT((double)last >= due_last);
        ASSERT((double)last <= due_last + 4.0 * MS);
    }
    /* Achieved rate over the run, as a sink would measure it. */
    if (limit > 1) {
        double achieved = (double)(limit - 1) / ((double)(last - first) / 1e9);
        double err = fabs(achieved - rate) / rate;
        /* 4 ms of jitter over `seconds`: well under 1 %. */
        ASSERT(err < 0.01);
    }
}

TEST(pacer_simulated_runs)
{
    simulate(1, 5);
    simulate(50, 5);
    simulate(400, 5);
    simulate(3000, 5);
    simulate(10000, 5);
    simulate(20000, 5);
    simulate(100000, 5);
}
