/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rate.h - deltas and rates between two readings of a counter.
 * Pure functions: no I/O, unit-tested without a node.
 */
#ifndef BP_RATE_H
#define BP_RATE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Delta of a counter that may restart from zero (minor_gcs counts only
 * since the last fullsweep).  When cur < prev the counter was reset and
 * at least cur events happened since: the delta is cur and *reset is set.
 * Never negative.
 */
int64_t rate_delta(int64_t prev, int64_t cur, bool *reset);

/* delta / seconds, 0 when the interval is not positive. */
double rate_per_sec(int64_t delta, int64_t interval_ms);

#endif
