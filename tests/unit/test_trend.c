/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_trend.c - unit tests for analyze/trend.c: the guide's halves, the
 * Theil-Sen slope and its interval, the Mann-Kendall confidence, and the
 * verdicts for a steady leak, an idle process, a GC sawtooth and a single
 * outlier.
 */
#include "analyze/trend.h"
#include "unit.h"

#include <math.h>

#define NEAR(a, b, eps) (fabs((a) - (b)) <= (eps))

static void times(double *t, size_t n, double step)
{
    size_t i;
    for (i = 0; i < n; i++)
        t[i] = (double)i * step;
}

TEST(trend_halves_follow_the_guide)
{
    /* 20 samples: 10 at 100, then 10 at 125 -> growth 25 %. */
    double t[20], y[20];
    struct trend tr;
    size_t i;

    times(t, 20, 5);
    for (i = 0; i < 20; i++)
        y[i] = i < 10 ? 100 : 125;
    ASSERT_OK(trend_compute(t, y, 20, &tr));
    ASSERT(NEAR(tr.first_avg, 100, 1e-9));
    ASSERT(NEAR(tr.second_avg, 125, 1e-9));
    ASSERT(NEAR(tr.growth_pct, 25, 1e-9));
    ASSERT_EQ(tr.drops, 0);
    /* Never falls: a trend by itself, and > 20 % is the guide's leak. */
    ASSERT_EQ(trend_judge(&tr), TREND_LEAK);
    ASSERT_EQ(trend_level(TREND_LEAK), LEVEL_CRIT);

    /* An odd count: the second half has one more sample (the guide divides
     * by n/2 for both halves, which overstates the second). */
    {
        double t5[5] = { 0, 1, 2, 3, 4 }, y5[5] = { 10, 10, 20, 20, 20 };
        ASSERT_OK(trend_compute(t5, y5, 5, &tr));
        ASSERT(NEAR(tr.first_avg, 10, 1e-9));
        ASSERT(NEAR(tr.second_avg, 20, 1e-9));
    }
}

TEST(trend_steady_leak_is_red_with_its_slope)
{
    /* 200 KB/s of growth over 20 samples 0.25 s apart, with noise. */
    double t[20], y[20];
    struct trend tr;
    size_t i;

    times(t, 20, 0.25);
    for (i = 0; i < 20; i++)
        y[i] = 1e6 + 200e3 * t[i] + (i % 3 == 0 ? 5e3 : -3e3);
    ASSERT_OK(trend_compute(t, y, 20, &tr));
    ASSERT(NEAR(tr.slope, 200e3, 10e3));
    ASSERT(tr.slope_lo > 150e3 && tr.slope_lo <= tr.slope);
    ASSERT(tr.slope_hi < 250e3 && tr.slope_hi >= tr.slope);
    ASSERT(tr.confidence > 0.999);
    ASSERT_EQ(trend_judge(&tr), TREND_LEAK);
}

TEST(trend_idle_process_is_stable)
{
    double t[20], y[20];
    struct trend tr;
    size_t i;

    times(t, 20, 5);
    for (i = 0; i < 20; i++)
        y[i] = 2688;
    ASSERT_OK(trend_compute(t, y, 20, &tr));
    ASSERT(NEAR(tr.slope, 0, 1e-12));
    ASSERT(NEAR(tr.growth_pct, 0, 1e-12));
    ASSERT(NEAR(tr.confidence, 0.5, 1e-12));
    ASSERT_EQ(trend_judge(&tr), TREND_STABLE);
    ASSERT_STREQ(trend_verdict_name(TREND_STABLE), "stable");
}

TEST(trend_gc_sawtooth_is_not_a_leak)
{
    /* Ramps of 5 samples that fall back after each GC; the window ends
     * near the top of a ramp, so the second half averages higher. */
    double t[22], y[22];
    struct trend tr;
    size_t i;

    times(t, 22, 0.25);
    for (i = 0; i < 22; i++)
        y[i] = 100e3 + 100e3 * (double)((i + 1) % 5);
    ASSERT_OK(trend_compute(t, y, 22, &tr));
    ASSERT(tr.drops >= 4);
    ASSERT(tr.max_drop_pct > 50);
    ASSERT(tr.confidence < 0.95);
    ASSERT(tr.slope_lo <= 0);
    ASSERT(trend_judge(&tr) == TREND_STABLE || trend_judge(&tr) == TREND_SAWTOOTH);
    ASSERT_EQ(trend_level(trend_judge(&tr)), LEVEL_OK);

    /* The same sawtooth riding on a steady leak is a leak. */
    for (i = 0; i < 22; i++)
        y[i] += 400e3 * t[i] * 4;
    ASSERT_OK(trend_compute(t, y, 22, &tr));
    ASSERT(tr.confidence > 0.99);
    ASSERT_EQ(trend_judge(&tr), TREND_LEAK);
}

TEST(trend_growth_without_a_trend_is_a_sawtooth)
{
    /* Halves differ by > 20 % only because of where the window cut the
     * cycles: not a steady trend. */
    double t[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    double y[10] = { 100, 300, 100, 300, 100, 300, 300, 100, 300, 300 };
    struct trend tr;

    ASSERT_OK(trend_compute(t, y, 10, &tr));
    ASSERT(tr.growth_pct > 20);
    ASSERT(tr.confidence < 0.95);
    ASSERT_EQ(trend_judge(&tr), TREND_SAWTOOTH);
    ASSERT_STREQ(trend_verdict_name(TREND_SAWTOOTH), "sawtooth");
}

TEST(trend_one_outlier_barely_moves_theil_sen)
{
    double t[15], y[15];
    struct trend tr;
    size_t i;

    times(t, 15, 1);
    for (i = 0; i < 15; i++)
        y[i] = 1000 + 10 * t[i];
    y[7] = 1e6; /* one wild reading */
    ASSERT_OK(trend_compute(t, y, 15, &tr));
    ASSERT(NEAR(tr.slope, 10, 1.0));
    ASSERT(NEAR(tr.intercept, 1000, 15));
}

TEST(trend_growing_between_10_and_20_percent_warns)
{
    double t[20], y[20];
    struct trend tr;
    size_t i;

    times(t, 20, 1);
    for (i = 0; i < 20; i++)
        y[i] = 1000 + 15 * t[i];
    ASSERT_OK(trend_compute(t, y, 20, &tr));
    ASSERT(tr.growth_pct > 10 && tr.growth_pct < 20);
    ASSERT_EQ(trend_judge(&tr), TREND_GROWING);
    ASSERT_EQ(trend_level(TREND_GROWING), LEVEL_WARN);
}

TEST(trend_rejects_too_few_samples_and_handles_ties)
{
    double t[3] = { 0, 1, 2 }, y[3] = { 1, 2, 3 };
    double t2[6] = { 0, 1, 2, 3, 4, 5 }, y2[6] = { 5, 5, 5, 6, 6, 6 };
    struct trend tr = { 0 };

    ASSERT_EQ(trend_compute(t, y, 2, &tr), -1);
    ASSERT_EQ(tr.n, 0);
    ASSERT_OK(trend_compute(t, y, 3, &tr));
    ASSERT_EQ(tr.n, 3);
    /* Ties reduce the variance of S; the interval stays ordered. */
    ASSERT_OK(trend_compute(t2, y2, 6, &tr));
    ASSERT(tr.slope_lo <= tr.slope && tr.slope <= tr.slope_hi);
    ASSERT(tr.confidence > 0.9);
    ASSERT(NEAR(trend_norm_cdf(0), 0.5, 1e-12));
    ASSERT(NEAR(trend_norm_cdf(1.959964), 0.975, 1e-5));
}
