/* SPDX-License-Identifier: Apache-2.0 */
/*
 * clock.c - clocks, duration parsing and timestamp formatting; see clock.h.
 */
#include "util/clock.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t clock_us(void)
{
    return clock_ns() / 1000;
}

int64_t clock_ms(void)
{
    return clock_ns() / 1000000;
}

int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int duration_parse(const char *s, int64_t default_unit_ms, int64_t *ms,
                   struct bp_err *err)
{
    char *end;
    double v, mul;

    if (!s || !*s)
        return bp_error(err, BP_EUSAGE, "empty duration");
    errno = 0;
    v = strtod(s, &end);
    if (end == s || errno || !isfinite(v) || v < 0)
        return bp_error(err, BP_EUSAGE, "invalid duration '%s' (use e.g. 500ms, 5s, 2m)", s);
    if (*end == '\0')
        mul = (double)default_unit_ms;
    else if (strcmp(end, "us") == 0)
        mul = 0.001;
    else if (strcmp(end, "ms") == 0)
        mul = 1;
    else if (strcmp(end, "s") == 0)
        mul = 1000;
    else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
        mul = 60000;
    else if (strcmp(end, "h") == 0)
        mul = 3600000;
    else
        return bp_error(err, BP_EUSAGE, "invalid duration unit in '%s' (use us, ms, s, m or h)", s);
    v *= mul;
    if (v > 9.0e15)
        return bp_error(err, BP_EUSAGE, "duration '%s' is too long", s);
    *ms = (int64_t)llround(v);
    return 0;
}

void timestamp_iso(int64_t wall, char *buf, size_t n)
{
    time_t secs = (time_t)(wall / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(wall % 1000));
}

void timestamp_clock(int64_t wall, char *buf, size_t n)
{
    time_t secs = (time_t)(wall / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    snprintf(buf, n, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(wall % 1000));
}
