/* SPDX-License-Identifier: Apache-2.0 */
/*
 * clock.h - monotonic and wall clocks, durations and timestamps.
 *
 * Deadlines everywhere in beamprobe are absolute monotonic milliseconds
 * (clock_ms() + timeout), so a wait that is interrupted and resumed never
 * extends its budget.
 */
#ifndef BP_CLOCK_H
#define BP_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

int64_t clock_ms(void);   /* monotonic milliseconds */
int64_t clock_us(void);   /* monotonic microseconds */
int64_t clock_ns(void);   /* monotonic nanoseconds */
int64_t wall_ms(void);    /* milliseconds since the Unix epoch */

/*
 * Parse a duration: a number with unit us, ms, s, m or h ("500ms", "5s",
 * "2m", "1.5s"); a bare number is in default_unit_ms milliseconds per unit.
 * Returns 0 and sets *ms, or BP_EUSAGE.
 */
int duration_parse(const char *s, int64_t default_unit_ms, int64_t *ms,
                   struct bp_err *err);

/* "2026-11-26T00:24:55.123Z" for a wall time in ms; buf >= 32 bytes. */
void timestamp_iso(int64_t wall, char *buf, size_t n);
/* "00:24:55.123" (UTC time of day); buf >= 16 bytes. */
void timestamp_clock(int64_t wall, char *buf, size_t n);

#endif
