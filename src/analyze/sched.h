/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sched.h - run-queue labels and scheduler utilization.
 * Pure functions on collected samples; no I/O.
 */
#ifndef BP_ANALYZE_SCHED_H
#define BP_ANALYZE_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "render/style.h"

/* The guide's labels: idle 0, light < 5, busy < 20, overloaded >= 20. */
const char *sched_rq_label(int64_t len);
enum level sched_rq_level(int64_t len);

/*
 * Utilization of scheduler i between two scheduler_wall_time readings:
 * (active1 - active0) / (total1 - total0), in 0..1; 0 when the total did
 * not move (scheduler offline).
 */
double sched_util(int64_t active0, int64_t total0, int64_t active1, int64_t total1);

/* Total, max and average of run queue lengths (avg over n entries). */
void sched_rq_stats(const int64_t *rq, size_t n, int64_t *total, int64_t *max, double *avg);

#endif
