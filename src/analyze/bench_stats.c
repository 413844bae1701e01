/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_stats.c - percentiles and rates for `beamprobe bench`; see
 * bench_stats.h.
 */
#include "analyze/bench_stats.h"

#include <math.h>
#include <stdlib.h>

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

int64_t lat_percentile(const int64_t *sorted, size_t n, double p)
{
    double rank;
    size_t k;

    if (n == 0)
        return 0;
    if (!(p > 0))
        return sorted[0];
    if (p >= 100)
        return sorted[n - 1];
    /* Nearest rank: ceil(p/100 * n), 1-based.  The small epsilon keeps
     * 99% of 100 at rank 99 despite floating-point error. */
    rank = ceil(p / 100.0 * (double)n - 1e-9);
    k = rank < 1 ? 1 : (size_t)rank;
    if (k > n)
        k = n;
    return sorted[k - 1];
}

void lat_summarize(int64_t *samples, size_t n, struct lat_summary *out)
{
    double sum = 0;
    size_t i;

    out->n = n;
    out->min = out->p50 = out->p90 = out->p99 = out->max = 0;
    out->mean = out->one_way_estimate = 0;
    if (n == 0)
        return;
    qsort(samples, n, sizeof(*samples), cmp_i64);
    for (i = 0; i < n; i++)
        sum += (double)samples[i];
    out->min = samples[0];
    out->max = samples[n - 1];
    out->p50 = lat_percentile(samples, n, 50);
    out->p90 = lat_percentile(samples, n, 90);
    out->p99 = lat_percentile(samples, n, 99);
    out->mean = sum / (double)n;
    out->one_way_estimate = (double)out->p50 / 2.0;
}

double bench_rate(int64_t count, int64_t elapsed_ns)
{
    if (elapsed_ns <= 0)
        return 0;
    return (double)count * 1e9 / (double)elapsed_ns;
}

int64_t bench_native_to_ns(int64_t native, int64_t per_sec)
{
    long double v;

    if (per_sec <= 0)
        return 0;
    if (per_sec == 1000000000)
        return native;
    v = (long double)native * 1e9L / (long double)per_sec;
    return (int64_t)(v < 0 ? v - 0.5L : v + 0.5L);
}
