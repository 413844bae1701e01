/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_bench_stats.c - percentiles (nearest rank), summaries, rates and
 * native time units of analyze/bench_stats.c.
 */
#include "analyze/bench_stats.h"
#include "unit.h"

#include <stdlib.h>

TEST(bench_percentile_nearest_rank)
{
    int64_t s[100];
    int i;
    for (i = 0; i < 100; i++)
        s[i] = i + 1; /* 1..100 */
    ASSERT_EQ(lat_percentile(s, 100, 50), 50);
    ASSERT_EQ(lat_percentile(s, 100, 90), 90);
    ASSERT_EQ(lat_percentile(s, 100, 99), 99);
    ASSERT_EQ(lat_percentile(s, 100, 100), 100);
    ASSERT_EQ(lat_percentile(s, 100, 1), 1);
    ASSERT_EQ(lat_percentile(s, 100, 0.5), 1);
    /* Ten samples: p50 is the 5th, p90 the 9th, p99 the 10th. */
    ASSERT_EQ(lat_percentile(s, 10, 50), 5);
    ASSERT_EQ(lat_percentile(s, 10, 90), 9);
    ASSERT_EQ(lat_percentile(s, 10, 99), 10);
    ASSERT_EQ(lat_percentile(s, 1, 50), 1);
    ASSERT_EQ(lat_percentile(s, 0, 50), 0);
}

TEST(bench_summarize_sorts_and_orders)
{
    int64_t s[] = { 900, 100, 500, 300, 700, 200, 800, 400, 600, 100000 };
    struct lat_summary r;

    lat_summarize(s, 10, &r);
    ASSERT_EQ(r.n, 10);
    ASSERT_EQ(s[0], 100); /* sorted in place */
    ASSERT_EQ(r.min, 100);
    ASSERT_EQ(r.p50, 500);
    ASSERT_EQ(r.p90, 900);
    ASSERT_EQ(r.p99, 100000);
    ASSERT_EQ(r.max, 100000);
    ASSERT(r.mean > 10449.9 && r.mean < 10450.1); /* the outlier pulls the mean */
    ASSERT(r.one_way_estimate > 249.9 && r.one_way_estimate < 250.1);
    ASSERT(r.min <= r.p50 && r.p50 <= r.p90 && r.p90 <= r.p99 && r.p99 <= r.max);
}

TEST(bench_summarize_empty_and_single)
{
    int64_t one = 42;
    struct lat_summary r;

    lat_summarize(NULL, 0, &r);
    ASSERT_EQ(r.n, 0);
    ASSERT_EQ(r.p50, 0);
    ASSERT(r.mean == 0);
    lat_summarize(&one, 1, &r);
    ASSERT_EQ(r.min, 42);
    ASSERT_EQ(r.p99, 42);
    ASSERT_EQ(r.max, 42);
    ASSERT(r.mean == 42);
}

TEST(bench_summarize_random_is_ordered)
{
    enum { N = 1000 };
    int64_t *s = malloc(N * sizeof(*s));
    struct lat_summary r;
    unsigned x = 12345;
    int i;

    for (i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        s[i] = (int64_t)(x % 1000000);
    }
    lat_summarize(s, N, &r);
    for (i = 1; i < N; i++)
        ASSERT(s[i - 1] <= s[i]);
    ASSERT(r.min <= r.p50 && r.p50 <= r.p90 && r.p90 <= r.p99 && r.p99 <= r.max);
    ASSERT(r.mean >= (double)r.min && r.mean <= (double)r.max);
    free(s);
}

TEST(bench_rate_and_units)
{
    ASSERT(bench_rate(1000, 1000000000) == 1000.0);
    ASSERT(bench_rate(300000, 500000000) == 600000.0);
    ASSERT(bench_rate(5, 0) == 0);
    ASSERT(bench_rate(5, -1) == 0);
    ASSERT_EQ(bench_native_to_ns(1234, 1000000000), 1234);
    ASSERT_EQ(bench_native_to_ns(1234, 1000000), 1234000);
    ASSERT_EQ(bench_native_to_ns(3, 3000000000LL), 1); /* 1 ns */
    ASSERT_EQ(bench_native_to_ns(-5, 1000000), -5000);
    ASSERT_EQ(bench_native_to_ns(7, 0), 0);
}
