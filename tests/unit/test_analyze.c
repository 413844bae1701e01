/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_analyze.c - unit tests for analyze/: counter deltas and rates,
 * run-queue labels, scheduler utilization; and render/ number formats.
 */
#include "analyze/rate.h"
#include "analyze/sched.h"
#include "render/format.h"
#include "render/table.h"
#include "unit.h"

#include <math.h>

TEST(rate_delta_handles_resets)
{
    bool reset = true;
    ASSERT_EQ(rate_delta(10, 15, &reset), 5);
    ASSERT(!reset);
    /* minor_gcs restarts at a fullsweep: at least the new count happened. */
    ASSERT_EQ(rate_delta(40, 3, &reset), 3);
    ASSERT(reset);
    ASSERT_EQ(rate_delta(5, 5, NULL), 0);
    ASSERT(fabs(rate_per_sec(5, 500) - 10.0) < 1e-9);
    ASSERT(rate_per_sec(5, 0) == 0.0);
    ASSERT(rate_per_sec(5, -10) == 0.0);
}

TEST(run_queue_labels_follow_the_guide)
{
    ASSERT_STREQ(sched_rq_label(0), "idle");
    ASSERT_STREQ(sched_rq_label(1), "light");
    ASSERT_STREQ(sched_rq_label(4), "light");
    ASSERT_STREQ(sched_rq_label(5), "busy");
    ASSERT_STREQ(sched_rq_label(19), "busy");
    ASSERT_STREQ(sched_rq_label(20), "overloaded");
    ASSERT_EQ(sched_rq_level(4), LEVEL_OK);
    ASSERT_EQ(sched_rq_level(5), LEVEL_WARN);
    ASSERT_EQ(sched_rq_level(20), LEVEL_CRIT);
}

TEST(scheduler_utilization)
{
    int64_t rq[] = { 3, 0, 7, 1 }, total, max;
    double avg;

    ASSERT(fabs(sched_util(100, 1000, 600, 2000) - 0.5) < 1e-9);
    ASSERT(sched_util(0, 1000, 0, 1000) == 0.0);       /* offline */
    ASSERT(sched_util(500, 1000, 400, 2000) == 0.0);   /* counter went back */
    ASSERT(sched_util(0, 0, 2000, 1000) == 1.0);       /* capped */
    sched_rq_stats(rq, 4, &total, &max, &avg);
    ASSERT_EQ(total, 11);
    ASSERT_EQ(max, 7);
    ASSERT(fabs(avg - 2.75) < 1e-9);
}

TEST(number_formats)
{
    char b[32];
    fmt_bytes(b, sizeof(b), 512);
    ASSERT_STREQ(b, "512 B");
    fmt_bytes(b, sizeof(b), 1536);
    ASSERT_STREQ(b, "1.50 KB");
    fmt_bytes(b, sizeof(b), 52428800);
    ASSERT_STREQ(b, "50.00 MB");
    fmt_count(b, sizeof(b), 0);
    ASSERT_STREQ(b, "0");
    fmt_count(b, sizeof(b), 1234567);
    ASSERT_STREQ(b, "1,234,567");
    fmt_count(b, sizeof(b), -1000);
    ASSERT_STREQ(b, "-1,000");
    fmt_count(b, sizeof(b), 999);
    ASSERT_STREQ(b, "999");
    fmt_rate(b, sizeof(b), 12.34);
    ASSERT_STREQ(b, "12.3/s");
    fmt_rate(b, sizeof(b), 2500000);
    ASSERT_STREQ(b, "2.50M/s");
}

TEST(display_width_counts_columns)
{
    ASSERT_EQ(display_width("abc"), 3);
    ASSERT_EQ(display_width("\xe2\x9c\x85"), 2);                 /* check mark */
    ASSERT_EQ(display_width("\xe2\x9a\xa0\xef\xb8\x8f"), 2);     /* warning + VS16 */
    ASSERT_EQ(display_width("\xf0\x9f\x94\xb4 x"), 4);           /* red circle */
    ASSERT_EQ(display_width("\033[1;31mred\033[0m"), 3);        /* escapes */
    ASSERT_EQ(display_width("\xff"), 1);                         /* invalid byte */
}
