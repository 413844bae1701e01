/* SPDX-License-Identifier: Apache-2.0 */
/*
 * trend.c - halves, Theil-Sen slope with Sen's interval, Mann-Kendall
 * test; see trend.h.
 */
#include "analyze/trend.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdlib.h>

double trend_norm_cdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

static double median_sorted(const double *v, size_t n)
{
    if (n == 0)
        return 0;
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* Variance of Mann-Kendall's S under no trend, corrected for ties in y. */
static double mk_variance(const double *y, size_t n, double *scratch)
{
    double nn = (double)n, var = nn * (nn - 1) * (2 * nn + 5);
    size_t i, j;

    for (i = 0; i < n; i++)
        scratch[i] = y[i];
    qsort(scratch, n, sizeof(double), cmp_double);
    for (i = 0; i < n; i = j) {
        double tp;
        for (j = i + 1; j < n && scratch[j] == scratch[i]; j++)
            ;
        tp = (double)(j - i);
        if (tp > 1)
            var -= tp * (tp - 1) * (2 * tp + 5);
    }
    return var / 18.0;
}

int trend_compute(const double *t, const double *y, size_t n, struct trend *out)
{
    struct trend tr = { 0 };
    double *slopes, sum1 = 0, sum2 = 0, var, c, m1, m2, s = 0;
    size_t i, j, h = n / 2, np = 0, lo, hi;

    if (n < 3 || n > TREND_MAX_SAMPLES)
        return -1;
    tr.n = n;
    tr.min = tr.max = y[0];
    for (i = 0; i < n; i++) {
        if (i < h)
            sum1 += y[i];
        else
            sum2 += y[i];
        if (y[i] < tr.min)
            tr.min = y[i];
        if (y[i] > tr.max)
            tr.max = y[i];
        if (i > 0 && y[i] < y[i - 1]) {
            double pct = y[i - 1] > 0 ? 100.0 * (y[i - 1] - y[i]) / y[i - 1] : 0;
            tr.drops++;
            if (pct > tr.max_drop_pct)
                tr.max_drop_pct = pct;
        }
    }
    tr.first_avg = sum1 / (double)h;
    tr.second_avg = sum2 / (double)(n - h);
    tr.growth_pct = tr.first_avg > 0 ? 100.0 * (tr.second_avg - tr.first_avg) / tr.first_avg : 0;

    slopes = xmalloc((n * (n - 1) / 2 + n) * sizeof(double));
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++) {
            double dy = y[j] - y[i];
            s += dy > 0 ? 1 : dy < 0 ? -1 : 0;
            if (t[j] != t[i])
                slopes[np++] = dy / (t[j] - t[i]);
        }
    tr.mk_s = s;
    qsort(slopes, np, sizeof(double), cmp_double);
    tr.slope = median_sorted(slopes, np);

    /* Sen's interval: ranks (N - C)/2 and (N + C)/2 + 1 of the sorted
     * slopes, C = z(0.975) * sqrt(Var S). */
    var = mk_variance(y, n, slopes + np);
    c = 1.959964 * sqrt(var > 0 ? var : 0);
    m1 = ((double)np - c) / 2.0;
    m2 = ((double)np + c) / 2.0;
    lo = m1 < 1 ? 0 : (size_t)floor(m1) - 1;
    hi = (size_t)ceil(m2);
    if (np == 0) {
        tr.slope_lo = tr.slope_hi = 0;
    } else {
        if (lo >= np)
            lo = np - 1;
        if (hi >= np)
            hi = np - 1;
        tr.slope_lo = slopes[lo];
        tr.slope_hi = slopes[hi];
    }

    if (var > 0) {
        tr.mk_z = s > 0 ? (s - 1) / sqrt(var) : s < 0 ? (s + 1) / sqrt(var) : 0;
        tr.confidence = trend_norm_cdf(tr.mk_z);
    } else {
        tr.mk_z = 0;
        tr.confidence = 0.5;
    }

    for (i = 0; i < n; i++)
        slopes[i] = y[i] - tr.slope * t[i];
    qsort(slopes, n, sizeof(double), cmp_double);
    tr.intercept = median_sorted(slopes, n);
    free(slopes);
    *out = tr;
    return 0;
}

enum trend_verdict trend_judge(const struct trend *tr)
{
    /* A series that never falls is a trend by itself (too few samples
     * for the test to reach its confidence must not hide it); one that
     * falls must show a significant upward trend to be called growing. */
    int steady = tr->drops == 0 ||
                 (tr->confidence >= TREND_CONFIDENCE && tr->slope_lo > 0);

    if (tr->growth_pct > TREND_LEAK_PCT && steady && tr->slope > 0)
        return TREND_LEAK;
    if (tr->growth_pct > TREND_GROW_PCT && steady && tr->slope > 0)
        return TREND_GROWING;
    if (tr->growth_pct > TREND_GROW_PCT)
        return TREND_SAWTOOTH;
    return TREND_STABLE;
}

enum level trend_level(enum trend_verdict v)
{
    switch (v) {
    case TREND_LEAK: return LEVEL_CRIT;
    case TREND_GROWING: return LEVEL_WARN;
    default: return LEVEL_OK;
    }
}

const char *trend_verdict_text(enum trend_verdict v)
{
    switch (v) {
    case TREND_LEAK: return "POSSIBLE MEMORY LEAK";
    case TREND_GROWING: return "Memory growing";
    case TREND_SAWTOOTH: return "Memory stable (GC sawtooth, no steady trend)";
    default: return "Memory stable";
    }
}

const char *trend_verdict_name(enum trend_verdict v)
{
    switch (v) {
    case TREND_LEAK: return "leak";
    case TREND_GROWING: return "growing";
    case TREND_SAWTOOTH: return "sawtooth";
    default: return "stable";
    }
}
