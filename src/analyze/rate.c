/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rate.c - counter deltas and rates; see rate.h.
 */
#include "analyze/rate.h"

int64_t rate_delta(int64_t prev, int64_t cur, bool *reset)
{
    if (cur < prev) {
        if (reset)
            *reset = true;
        return cur < 0 ? 0 : cur;
    }
    if (reset)
        *reset = false;
    return cur - prev;
}

double rate_per_sec(int64_t delta, int64_t interval_ms)
{
    if (interval_ms <= 0)
        return 0.0;
    return (double)delta * 1000.0 / (double)interval_ms;
}
