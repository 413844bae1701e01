/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_stats.h - latency samples summarised honestly: percentiles, not a
 * divided average.
 *
 * The guide's MessageBench divides the elapsed time of a burst by the
 * message count and by two.  beamprobe times each round trip on its own and
 * reports the distribution (p50/p90/p99/max, and the mean for comparison);
 * the one-way figure is the median round trip halved and is labelled an
 * estimate, since the two directions need not cost the same.
 *
 * Pure functions on arrays of integers (nanoseconds): no I/O, no node.
 */
#ifndef BP_BENCH_STATS_H
#define BP_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

struct lat_summary {
    size_t n;                 /* samples */
    int64_t min, p50, p90, p99, max;   /* nanoseconds */
    double mean;              /* nanoseconds */
    double one_way_estimate;  /* p50 / 2, nanoseconds: an estimate */
};

/*
 * The value at percentile p (0 < p <= 100) of sorted[0..n) by the
 * nearest-rank method: the smallest sample such that at least p% of the
 * samples are less than or equal to it.  0 when n is 0.
 */
int64_t lat_percentile(const int64_t *sorted, size_t n, double p);

/*
 * Sort samples[0..n) in place (ascending) and summarise them into *out.
 * With n == 0 every field is 0.  Never fails.
 */
void lat_summarize(int64_t *samples, size_t n, struct lat_summary *out);

/*
 * Messages per second for count messages handled in elapsed_ns; 0 when
 * elapsed_ns is not positive.
 */
double bench_rate(int64_t count, int64_t elapsed_ns);

/*
 * Convert a duration in the node's native time unit to nanoseconds, given
 * the number of native units per second (erlang:convert_time_unit(1,
 * second, native)).  Rounds to the nearest nanosecond; 0 when
 * per_sec is not positive.
 */
int64_t bench_native_to_ns(int64_t native, int64_t per_sec);

#endif
