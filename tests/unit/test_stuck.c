/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_stuck.c - unit tests for analyze/stuck.c: verdicts and their order
 * for a server that never answers, one whose mailbox grows while its
 * reductions stall, an overloaded one, a blocked caller, a busy loop, an
 * idle and a responsive process.
 */
#include "analyze/stuck.h"
#include "unit.h"

#include <string.h>

static struct stuck_obs obs(size_t waiting, size_t running, bool same)
{
    struct stuck_obs o;
    size_t i;
    memset(&o, 0, sizeof(o));
    o.window_ms = 2000;
    o.probe_timeout_ms = 1000;
    for (i = 0; i < waiting; i++)
        stuck_count_status(&o, "waiting");
    for (i = 0; i < running; i++)
        stuck_count_status(&o, "running");
    o.same_function = same;
    return o;
}

TEST(stuck_unresponsive_server_is_red_and_first)
{
    struct stuck_obs o = obs(10, 0, true);
    struct stuck_verdict v, w;

    o.mq_first = 10;
    o.mq_last = 30;
    o.reds_delta = 100;
    o.probe = PROBE_TIMEOUT;
    stuck_judge(&o, &v);
    ASSERT_EQ(v.kind, STUCK_UNRESPONSIVE);
    ASSERT_EQ(v.level, LEVEL_CRIT);
    ASSERT(strstr(v.why, "1000 ms") != NULL);
    ASSERT_STREQ(stuck_kind_name(v.kind), "unresponsive");

    /* Without the probe the same observation is "stalled", still red. */
    o.probe = PROBE_NONE;
    stuck_judge(&o, &w);
    ASSERT_EQ(w.kind, STUCK_STALLED);
    ASSERT_EQ(w.level, LEVEL_CRIT);
    ASSERT(v.score > w.score);
}

TEST(stuck_growing_mailbox_with_busy_same_function_is_overloaded)
{
    struct stuck_obs o = obs(0, 10, true);
    struct stuck_verdict v;

    o.mq_first = 1000;
    o.mq_last = 20000;
    o.reds_delta = 40000000;
    stuck_judge(&o, &v);
    ASSERT_EQ(v.kind, STUCK_OVERLOADED);
    ASSERT_EQ(v.level, LEVEL_WARN);
}

TEST(stuck_backlog_blocked_busy_and_unmatched)
{
    struct stuck_obs o;
    struct stuck_verdict v;

    o = obs(5, 5, false);
    o.mq_first = 0;
    o.mq_last = 50;
    o.reds_delta = 500000;
    stuck_judge(&o, &v);
    ASSERT_EQ(v.kind, STUCK_BACKLOG);

    o = obs(3, 0, true);
    o.blocking_function = true;
    stuck_judge(&o, &v);
    ASSERT_EQ(v.kind, STUCK_BLOCKED);
    ASSERT_EQ(v.level, LEVEL_WARN);

    o = obs(3, 0, true);
    o.blocking_function = true;
    o.mq_first = 10;
    o.mq_last = 40;
    o.reds_delta = 0;
    stuck_judge(&o, &v);
    /* Messages pile up while it waits and does nothing: stalled. */
    ASSERT_EQ(v.level, LEVEL_CRIT);

    o = obs(0, 3, true);
    o.reds_delta = 9000000;
    stuck_judge(&o, &v);
    ASSERT_EQ(v.kind, STUCK_BUSY);

    o = obs(3, 0, true);
    o.mq_first = o.mq_last = 2;
    stuck_judge(&o, &v);
    ASSERT_EQ(v.kind, STUCK_UNMATCHED);

    /* A message arriving at the last instant is no backlog. */
    o = obs(3, 0, false);
    o.mq_first = 0;
    o.mq_last = 1;
    o.reds_delta = 100;
    stuck_judge(&o, &v);
    ASSERT_EQ(v.level, LEVEL_OK);
}

TEST(stuck_idle_and_responsive_are_ok)
{
    struct stuck_obs o = obs(10, 0, true);
    struct stuck_verdict v;

    o.idle_function = true;
    stuck_judge(&o, &v);
    ASSERT_EQ(v.kind, STUCK_OK_IDLE);
    ASSERT_EQ(v.level, LEVEL_OK);

    o.probe = PROBE_OK;
    o.probe_us = 2500;
    stuck_judge(&o, &v);
    ASSERT_EQ(v.kind, STUCK_OK_RESPONSIVE);
    ASSERT(strstr(v.why, "2.5 ms") != NULL);

    o.probe = PROBE_DOWN;
    stuck_judge(&o, &v);
    ASSERT_EQ(v.level, LEVEL_CRIT);
}

TEST(stuck_function_tables)
{
    ASSERT(stuck_is_idle_function("gen_server", "loop", 7));
    ASSERT(stuck_is_idle_function("erlang", "hibernate", 3));
    ASSERT(!stuck_is_idle_function("gen", "do_call", 4));
    ASSERT(stuck_is_blocking_function("gen", "do_call", 4));
    ASSERT(stuck_is_blocking_function("timer", "sleep", 1));
    ASSERT(!stuck_is_blocking_function("timer", "sleep", 2));
    ASSERT(!stuck_is_blocking_function(NULL, "x", 1));
    ASSERT(stuck_is_otp_module("gen_statem"));
    ASSERT(!stuck_is_otp_module("lists"));
}
