/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pacer.h - exact event rates by time-based catch-up.
 *
 * Event i (from 0) of a run is due at start + i / rate.  Each tick the
 * sender asks how many events are due by now, floor(rate x elapsed) + 1 -
 * sent, and sends them; between ticks it sleeps until the next event is
 * due.  A late wake-up, a slow write or a busy machine therefore never
 * lowers the rate: the next tick sends what is owed.  That is the
 * difference with the guide's loop, which sleeps round(1000 / rate) ms
 * after each event and so sends 47.6/s when asked for 50 and 250/s when
 * asked for 400.
 *
 * Bursts are bounded: when the sender falls further behind than max_lag
 * (a stalled connection, a suspended process), the schedule is moved
 * forward so that at most max_lag worth of events go out at once; the
 * events given up that way are counted in `behind` and the achieved rate
 * shows it.  Times are nanoseconds of a monotonic clock, passed in: the
 * pacer does no I/O and reads no clock, so it is unit-tested with made-up
 * times.
 */
#ifndef BP_LOAD_PACER_H
#define BP_LOAD_PACER_H

#include <stdint.h>

struct pacer {
    double rate;        /* events per second, > 0 */
    uint64_t limit;     /* events in the whole run */
    int64_t start_ns;   /* when event 0 is due (moves forward on a rebase) */
    uint64_t sent;      /* events sent so far */
    uint64_t base;      /* events sent before the last rebase */
    uint64_t max_lag;   /* most events owed at once */
    uint64_t behind;    /* events given up by rebases (should stay 0) */
};

/*
 * Start a run of limit events at rate per second from start_ns.  max_lag_ns
 * bounds a catch-up burst to that much time's worth of events (at least
 * one event); 0 means one second.
 */
void pacer_init(struct pacer *p, double rate, uint64_t limit, int64_t start_ns,
                int64_t max_lag_ns);

/* Events due at now_ns and not sent yet (0 when none or the run is done). */
uint64_t pacer_due(struct pacer *p, int64_t now_ns);

/* Record n events as sent. */
void pacer_sent(struct pacer *p, uint64_t n);

/* When the next event is due (INT64_MAX when all limit events are sent). */
int64_t pacer_next_ns(const struct pacer *p);

/* True when all limit events were sent. */
int pacer_done(const struct pacer *p);

#endif
