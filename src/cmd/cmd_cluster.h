/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_cluster.h - run one collection on every node of a cluster at once.
 *
 * `--cluster` discovers the entry node's connected nodes, attaches to each
 * as a hidden node (same cookie and options) and runs the command's
 * per-node function in one thread per node.  A node that is down or
 * refuses keeps its error in its job and is reported on its own line; the
 * others answer.  Jobs persist across --watch rounds: a failed node is
 * retried each round, so a restarted node comes back by itself.  Every
 * CLUSTER_REDISCOVER_MS of a watch the entry node is asked again, and
 * members (visible nodes) that joined since get a job; nodes that left
 * keep theirs and are reported down, so that an alert on them holds.
 */
#ifndef BP_CMD_CLUSTER_H
#define BP_CMD_CLUSTER_H

#include "cli/cli.h"
#include "cmd/cmd_common.h"
#include "util/arena.h"

struct cluster_job {
    const char *node;         /* the node's name (arena of the job set) */
    struct node_conn *conn;   /* NULL while not connected */
    int owned;                /* conn is ours to close (not ctx->conn) */
    int rc;                   /* result of the last round */
    struct bp_err err;
    struct arena arena;       /* the round's results; cleared each round */
    void *result;             /* set by the per-node function */
    void *state;              /* kept across rounds; the command owns it */
};

struct cluster {
    struct cluster_job *jobs;
    size_t n;
    struct arena names;
    struct bp_ctx *ctx;       /* for rediscovery */
    int single;               /* no --cluster: never rediscover */
    int64_t discovered_ms;    /* when the members were last asked for */
};

#define CLUSTER_REDISCOVER_MS 10000

/* Per-node work: fill job->result (from job->arena); return 0 or BP_E*. */
typedef int (*cluster_fn)(struct bp_ctx *ctx, struct cluster_job *job, void *arg);

/*
 * Attach to the entry node, discover the cluster and prepare one job per
 * node (the entry node first, on ctx->conn).  Without --cluster (single),
 * the cluster is just the entry node.
 */
int cluster_open(struct bp_ctx *ctx, int single, struct cluster *cl, struct bp_err *err);

/* One round: connect where needed, run fn on every node in parallel. */
void cluster_round(struct bp_ctx *ctx, struct cluster *cl, cluster_fn fn, void *arg);

/*
 * Keep every connection serviced until the deadline (ticks answered), one
 * thread per node.  Returns 0, or BP_EINTR when interrupted.
 */
int cluster_wait(struct cluster *cl, int64_t deadline);

/* The --watch loop step for a cluster: wait until the next round is due
 * (and rediscover the members when it is time). */
int cluster_watch_next(struct cluster *cl, struct watch *w);

/*
 * Report the nodes whose last round failed, one line each: a JSON object
 * {"node", "error"} with --json, else a marked line.
 */
void cluster_print_errors(struct bp_ctx *ctx, const struct cluster *cl);

/* Close the connections opened for the cluster (not ctx->conn). */
void cluster_close(struct cluster *cl);

/*
 * The status of a round for the command: 0 when at least one node
 * answered; otherwise the first node's error (copied into err).  An
 * interrupt anywhere is BP_EINTR.
 */
int cluster_status(const struct cluster *cl, struct bp_err *err);

#endif
