/* SPDX-License-Identifier: Apache-2.0 */
/*
 * loadgen.h - the sending side of `load` and `loadtest`: lanes of events.
 *
 * A lane is one connection to one node sending its share of the events at
 * its share of the rate, paced by load/pacer.h, built from a compiled
 * template (load/template.h).  Each lane runs in its own thread; `load
 * --connections K --cluster` makes K lanes per node.  Events of all lanes
 * share one numbering ($seq): lane j of L sends events j+1, j+1+L, ...
 *
 * A lane sends either one message per event straight to the target's pid
 * (--to), or batches (one message holding a list of argument lists, one
 * per event due in that tick) to the caller process of --call.  Messages
 * are encoded once per event into a buffer and queued with
 * node_send_buffered, which writes 64 KiB per system call; the lane
 * flushes whenever it has sent what is due and waits for the next event.
 * Batches to a caller are flow-controlled: at most 0.1 s of the lane's
 * rate (at least 1,024 events, at most 65,536) is unacknowledged, so a caller that cannot
 * keep up slows the lane (which then falls behind its schedule and says
 * so) instead of queueing on the node.
 *
 * The run stops when every lane has sent its share, when the duration is
 * over, or when load_run_stop() is called (Ctrl-C, a mailbox guard, a dead
 * target): the first reason given is the one reported.  Lanes never read
 * the terminal or print; the command shows progress from load_run_sent().
 *
 * Ownership: the caller owns the lanes' connections and the template; the
 * run borrows them until load_run_join() returns.
 */
#ifndef BP_LOAD_LOADGEN_H
#define BP_LOAD_LOADGEN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "collect/collect_load.h"
#include "load/template.h"
#include "node/node.h"
#include "util/err.h"

enum load_stop {
    LOAD_RUNNING = 0,
    LOAD_DONE,         /* every lane sent its count */
    LOAD_DURATION,     /* the duration is over */
    LOAD_INTERRUPTED,  /* Ctrl-C */
    LOAD_GUARD,        /* a watched mailbox passed its limit */
    LOAD_TARGET_GONE,  /* the target (or the caller process) died */
    LOAD_CALL_FAILED,  /* --call raised before any call succeeded */
    LOAD_FAILED        /* a lane lost its connection or could not write */
};

/* "done", "duration", "interrupted", "mailbox_guard", ... for JSON. */
const char *load_stop_name(enum load_stop s);

struct load_lane {
    /* Set by the caller. */
    struct node_conn *conn;      /* borrowed; one lane per connection */
    const struct tpl *tpl;       /* borrowed: the event (--to) or argument list (--call) */
    struct term_pid to;          /* the target, or the --call caller process */
    int batch;                   /* 1: send batches to a caller (--call) */
    double rate;                 /* this lane's events per second */
    uint64_t limit;              /* this lane's events */
    uint64_t seq_first;          /* $seq of its first event */
    uint64_t seq_stride;         /* and the step between its events */
    uint64_t seed;               /* $rand / $pick */

    /* Results. */
    _Atomic uint64_t sent;
    uint64_t behind;             /* events given up by the pacer (fell behind) */
    int64_t first_ns;            /* when its first event was queued */
    int64_t last_ns;             /* when its last event was queued */
    int rc;                      /* 0, or why the lane failed */
    struct bp_err err;
    _Atomic int call_error;      /* the caller reported an error */
    char call_error_text[200];
    int64_t call_error_applied;  /* calls that had succeeded before it */
    _Atomic int finished;
    int caller_pending;          /* the caller was asked to stop, no answer yet */
    uint64_t batched;            /* events sent to the caller */
    uint64_t window;             /* most events unacknowledged by the caller */
    struct load_caller_news news; /* acknowledged batches, errors */
};

struct load_run {
    int64_t start_ns;            /* common start (monotonic) */
    int64_t duration_ns;         /* the duration bound (0: none) */
    int64_t end_ns;              /* start_ns + duration_ns */
    int64_t max_lag_ns;          /* bound of a catch-up burst (0: 1 s) */
    struct load_lane *lanes;
    size_t nlanes;

    _Atomic int stop;            /* enum load_stop, first reason wins */
    pthread_t *threads;
    int *started;
};

/*
 * Start one thread per lane.  r->lanes, nlanes, duration_ns and max_lag_ns
 * must be set; start_ns and end_ns are set here (now, plus a few ms so
 * that every lane starts on the same schedule).  Returns 0 or
 * BP_EINTERNAL.
 */
int load_run_start(struct load_run *r, struct bp_err *err);

/* Ask every lane to stop; the first reason given is kept. */
void load_run_stop(struct load_run *r, enum load_stop why);

/* The reason the run stopped (LOAD_RUNNING while it runs). */
enum load_stop load_run_reason(const struct load_run *r);

/* True when every lane's thread has finished. */
int load_run_finished(const struct load_run *r);

/* Wait for every lane's thread; sets the reason to DONE or DURATION if none
 * was given. */
void load_run_join(struct load_run *r);

/* Events sent so far by all lanes. */
uint64_t load_run_sent(const struct load_run *r);

/* Release the thread bookkeeping (not the lanes). */
void load_run_release(struct load_run *r);

#endif
