/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sched.c - run-queue labels and utilization; see sched.h.
 */
#include "analyze/sched.h"

const char *sched_rq_label(int64_t len)
{
    if (len <= 0)
        return "idle";
    if (len < 5)
        return "light";
    if (len < 20)
        return "busy";
    return "overloaded";
}

enum level sched_rq_level(int64_t len)
{
    if (len < 5)
        return LEVEL_OK;
    if (len < 20)
        return LEVEL_WARN;
    return LEVEL_CRIT;
}

double sched_util(int64_t active0, int64_t total0, int64_t active1, int64_t total1)
{
    int64_t dt = total1 - total0, da = active1 - active0;
    double u;
    if (dt <= 0 || da < 0)
        return 0.0;
    u = (double)da / (double)dt;
    return u > 1.0 ? 1.0 : u;
}

void sched_rq_stats(const int64_t *rq, size_t n, int64_t *total, int64_t *max, double *avg)
{
    size_t i;
    *total = 0;
    *max = 0;
    for (i = 0; i < n; i++) {
        *total += rq[i];
        if (rq[i] > *max)
            *max = rq[i];
    }
    *avg = n ? (double)*total / (double)n : 0.0;
}
