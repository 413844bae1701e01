/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_load.h - what load testing and monitoring ask of the node.
 *
 *  - the monitor sample: the guide's AggregatorMonitor items of several
 *    processes, the node's total run queue and memory, and the target's
 *    own counters when it has them, in one erl_eval round trip
 *    (src/remote/load_sample.erl);
 *  - the caller process that `load --call` needs on the node
 *    (src/remote/load_caller.erl): started, stopped, its results;
 *  - what the node says about itself for a recorded run
 *    (src/remote/load_probe.erl: the demo target's mode).
 *
 * None of these creates atoms the user did not write, beyond the fixed
 * beamprobe_load_* message tags of the caller.
 */
#ifndef BP_COLLECT_LOAD_H
#define BP_COLLECT_LOAD_H

#include <stdint.h>

#include "node/node.h"
#include "term/term.h"
#include "util/arena.h"

/* ---------------------------------------------------------------------
 * Monitor samples
 */

struct mon_proc {
    int alive;                 /* 0: the process is gone */
    int64_t memory;            /* bytes */
    int64_t heap_size;         /* words */
    int64_t total_heap_size;   /* words */
    int64_t message_queue_len;
    int64_t reductions;
    int64_t minor_gcs;         /* since the last fullsweep (resets!) */
};

struct mon_counter {
    const char *name;
    int64_t value;
};

struct mon_sample {
    int64_t at_ms;             /* local monotonic ms when the reply came */
    int64_t node_us;           /* the node's monotonic time of the reading */
    int64_t run_queue;         /* total run queue, dirty schedulers included */
    int64_t memory_total;      /* erlang:memory(total), bytes */
    struct mon_proc *procs;    /* one per pid asked, in order */
    size_t nprocs;
    struct mon_counter *counters; /* the target's counters; at most 64 */
    size_t ncounters;
};

/*
 * One sample of n processes (pids[i] TERM_PID terms), read by a process
 * at high priority so that a saturated node still answers.  counters names the
 * target's counter function as "mod:fun" (called only if it exists; its
 * value may be a map or proplist of name => integer), or NULL for none.
 * Everything lives in arena a.  Cost on the node: one process_info/2 per
 * process, a statistics/1 and erlang:memory(total), the counter function.
 */
int collect_mon_sample(struct node_conn *c, struct arena *a, struct term *const *pids,
                       size_t n, const char *counters, struct mon_sample *out,
                       struct bp_err *err);

/* Value of counter name in s, or -1 when s has none by that name. */
int64_t mon_counter(const struct mon_sample *s, const char *name);

/* ---------------------------------------------------------------------
 * The --call caller
 */

struct load_caller_opts {
    const char *module;     /* full atom names, as the user wrote them */
    const char *function;
    int arity;
    int64_t max_ms;         /* hard time limit of the process */
    int64_t max_queue;      /* batches waiting before new ones are dropped */
    int64_t max_heap_words; /* max_heap_size, kill */
    int normal_priority;    /* 0: the caller runs at high priority */
};

/*
 * Spawn a caller on the node, monitoring beamprobe's pid on this
 * connection.  *pid (in arena a) receives its pid.  One erl_eval round
 * trip.
 */
int collect_load_caller_start(struct node_conn *c, struct arena *a,
                              const struct load_caller_opts *o, struct term **pid,
                              struct bp_err *err);

struct load_caller_result {
    int64_t applied;  /* calls that returned */
    int64_t failed;   /* calls that raised (or events of a batch that raised) */
    int64_t dropped;  /* events dropped because the caller's queue was full */
};

/*
 * Ask the caller to stop after the events already sent and wait (at most
 * timeout_ms) for its counts.  Messages other than the answer that arrive
 * meanwhile are discarded.  BP_ETIMEDOUT if it does not answer (it is
 * then killed), BP_ENOPROC if it is gone.
 */
int collect_load_caller_stop(struct node_conn *c, const struct term *pid, int64_t timeout_ms,
                             struct load_caller_result *r, struct bp_err *err);

/* The two halves of collect_load_caller_stop: send the request; then wait
 * until deadline_ms (absolute monotonic ms; BP_ETIMEDOUT when the answer
 * has not come yet, and the caller keeps running: call again). */
int collect_load_caller_stop_send(struct node_conn *c, const struct term *pid,
                                  struct bp_err *err);
int collect_load_caller_stop_wait(struct node_conn *c, const struct term *pid,
                                  int64_t deadline_ms, struct load_caller_result *r,
                                  struct bp_err *err);

/* Kill the caller at once (Ctrl-C): exit(Pid, kill) through rex. */
int collect_load_caller_kill(struct node_conn *c, const struct term *pid, struct bp_err *err);

/* What a caller has said since the last look. */
struct load_caller_news {
    uint64_t acked;            /* events it has finished (highest ack seen) */
    int error;                 /* it reported an error (the first is kept) */
    char error_text[200];      /* Class:Reason, printed with limits */
    int64_t error_applied;     /* calls that had returned before it */
};

/*
 * Read the caller's messages on c: acknowledgements and error reports.
 * Waits until deadline_ms (absolute monotonic ms) for the first one when
 * none is queued (a deadline in the past only takes what is queued), then
 * takes whatever else is queued.  Returns how many were read.
 */
int collect_load_caller_poll(struct node_conn *c, int64_t deadline_ms,
                             struct load_caller_news *n);

/* ---------------------------------------------------------------------
 * The node's own description
 */

/* The bundled demo target's mode ("flawed", "fixed", "custom") or NULL. */
int collect_load_probe(struct node_conn *c, struct arena *a, const char **mode,
                       struct bp_err *err);

#endif
