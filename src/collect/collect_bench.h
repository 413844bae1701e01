/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_bench.h - message latency and throughput, measured from beamprobe
 * and inside the node (src/remote/bench_keeper.erl).
 *
 * What is asked of the node: one erl_eval round trip starts a Keeper (it
 * monitors beamprobe and has a hard lifetime) with an Echo, an idle
 * gen_event manager; the Keeper runs the in-node halves in compiled code and
 * kills the Echo when it ends, so nothing is left behind whatever happens to
 * beamprobe.  Every request is sys's {debug, {statistics, get}} query, which
 * OTP processes answer from their loop without touching their state.
 *
 * Cost on the node: what the user asked for - N round trips, or up to N
 * messages into one process, never more than max_queue waiting in its
 * mailbox (the senders pause), for a bounded time.
 *
 * Ownership: terms and arrays filled in live in the caller's arena.
 */
#ifndef BP_COLLECT_BENCH_H
#define BP_COLLECT_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/node.h"
#include "term/term.h"
#include "util/arena.h"

enum bench_which {
    BENCH_ECHO,   /* the Echo beamprobe started */
    BENCH_TARGET  /* the user's TARGET */
};

struct bench_keeper {
    struct term *keeper, *echo, *target;  /* target NULL when none */
    bool target_is_otp;        /* a proc_lib process: it answers sys requests */
    struct term *request;      /* sys statistics request whose From is a dead pid */
    int64_t native_per_sec;    /* the node's native time unit */
    unsigned call_timeout_ms;  /* per request */
};

/*
 * Start the Keeper (and Echo) for at most max_ms.  target may be NULL.
 * Errors: BP_ENOPROC (target dead or not on this node), BP_ETIMEDOUT,
 * BP_EBADRPC, BP_ENODEGONE.
 */
int collect_bench_open(struct node_conn *c, struct arena *a, const struct term *target,
                       int64_t max_ms, int64_t max_queue, struct bench_keeper *out,
                       struct bp_err *err);

/* Stop the Keeper (it kills the Echo).  Never blocks. */
int collect_bench_close(struct node_conn *c, const struct bench_keeper *k, struct bp_err *err);

/* The pid of which (the Echo or the target). */
const struct term *collect_bench_dest(const struct bench_keeper *k, enum bench_which which);

/*
 * Round trips beamprobe -> which -> beamprobe: warmup uncounted ones, then
 * n timed ones (clock_ns around each send and its reply) into ns[0..n).
 * A request unanswered within the call timeout counts in *timeouts; after
 * 10 of them the run ends.  *got receives the number of samples.
 */
int collect_bench_rtt(struct node_conn *c, const struct bench_keeper *k,
                      enum bench_which which, size_t n, size_t warmup, int64_t *ns,
                      size_t *got, int64_t *timeouts, struct bp_err *err);

/*
 * n round trips Keeper -> which inside the node (sys:statistics/3, timed
 * with erlang:monotonic_time in compiled code): samples in ns, an arena
 * array, *got of them.
 */
int collect_bench_node_rtt(struct node_conn *c, const struct bench_keeper *k, struct arena *a,
                           enum bench_which which, size_t n, int64_t **ns, size_t *got,
                           struct bp_err *err);

/*
 * Throughput from beamprobe: up to n copies of msg (a term; NULL: the
 * default for which) sent with node_send_buffered for at most duration_ms,
 * keeping which's mailbox under max_queue; the Keeper times it on the node
 * from the first message's arrival until which has handled the last.
 */
int collect_bench_push(struct node_conn *c, const struct bench_keeper *k,
                       enum bench_which which, const struct term *msg, int64_t n,
                       int64_t duration_ms, int64_t max_queue, int64_t *sent,
                       int64_t *elapsed_ns, struct bp_err *err);

/* Throughput inside the node: the Keeper sends (see bench_keeper.erl). */
int collect_bench_flood(struct node_conn *c, const struct bench_keeper *k,
                        enum bench_which which, const struct term *msg, int64_t n,
                        int64_t duration_ms, int64_t *sent, int64_t *elapsed_ns,
                        struct bp_err *err);

/* The message sent to which when the user gives none. */
const struct term *collect_bench_default_msg(const struct bench_keeper *k, struct arena *a,
                                             enum bench_which which);

#endif
