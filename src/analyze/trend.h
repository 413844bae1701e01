/* SPDX-License-Identifier: Apache-2.0 */
/*
 * trend.h - is a series of memory readings growing, and how surely?
 *
 * The guide's MemoryLeakDetector compares the average of the first half of
 * the samples with the average of the second half (growth > 20 %: possible
 * leak, > 10 %: growing).  On its own that calls the rising edge of a GC
 * sawtooth a leak, so trend_compute() adds a robust slope and a test:
 *
 *   - Theil-Sen slope: the median of the slopes between every pair of
 *     samples, with Sen's 95 % confidence interval.  One GC drop, or a few
 *     outliers, barely move it.
 *   - Mann-Kendall test: how sure we are that the series goes up at all
 *     (one-sided, ties corrected), reported as a confidence in 0..1.
 *
 * trend_judge() combines them: a verdict needs both the guide's growth and
 * a significant upward trend.  Pure functions: no I/O, no allocation
 * beyond the caller's arrays; unit-tested without a node.
 */
#ifndef BP_ANALYZE_TREND_H
#define BP_ANALYZE_TREND_H

#include <stddef.h>

#include "render/style.h"

/* The guide's thresholds, in percent. */
#define TREND_LEAK_PCT 20.0
#define TREND_GROW_PCT 10.0
/* Confidence needed to call growth a trend. */
#define TREND_CONFIDENCE 0.95

/* At most this many samples are analysed (the Theil-Sen pairs are n^2/2). */
#define TREND_MAX_SAMPLES 4096

struct trend {
    size_t n;
    double first_avg, second_avg; /* averages of the halves (first n/2, the rest) */
    double growth_pct;            /* (second - first) / first * 100; 0 when first <= 0 */
    double slope;                 /* Theil-Sen, units per second */
    double slope_lo, slope_hi;    /* Sen's 95 % confidence interval of the slope */
    double intercept;             /* median of y - slope * t */
    double mk_s;                  /* Mann-Kendall S */
    double mk_z;                  /* its normal score (continuity corrected) */
    double confidence;            /* P(upward trend), 0..1 (one-sided) */
    size_t drops;                 /* falls between consecutive samples */
    double max_drop_pct;          /* largest such fall, in % of the value before it */
    double min, max;
};

enum trend_verdict {
    TREND_STABLE,   /* ✅ the guide's "Memory stable" */
    TREND_SAWTOOTH, /* ✅ the halves differ by > 10 % but there is no steady trend */
    TREND_GROWING,  /* ⚠️ growth > 10 % and a significant upward trend */
    TREND_LEAK      /* 🔴 growth > 20 % and a significant upward trend */
};

/*
 * Analyse n samples y[i] taken at times t[i] (seconds, increasing).
 * Returns 0, or -1 when n < 3 or n > TREND_MAX_SAMPLES (out untouched).
 * Allocates a scratch array of n(n-1)/2 doubles on the heap and frees it.
 */
int trend_compute(const double *t, const double *y, size_t n, struct trend *out);

/* The verdict for a computed trend, and its level (✅ / ⚠️ / 🔴). */
enum trend_verdict trend_judge(const struct trend *tr);
enum level trend_level(enum trend_verdict v);
/* "possible memory leak", "memory growing", "stable", "stable (GC sawtooth)". */
const char *trend_verdict_text(enum trend_verdict v);
/* JSON name: "leak", "growing", "stable", "sawtooth". */
const char *trend_verdict_name(enum trend_verdict v);

/* Standard normal cumulative distribution. */
double trend_norm_cdf(double z);

#endif
