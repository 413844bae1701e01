/* SPDX-License-Identifier: Apache-2.0 */
/*
 * node_int.h - the connection structure shared by the files of node/.
 * Not for use outside node/.
 */
#ifndef BP_NODE_INT_H
#define BP_NODE_INT_H

#include <ei.h>
#include <stdint.h>

#include "node/node.h"

/* A message for beamprobe's pid, kept undecoded until node_recv. */
struct node_qmsg {
    unsigned char *data; /* starts at 131 */
    size_t len;
};

struct node_conn {
    ei_cnode ec;              /* holds the cookie: never print */
    int fd;
    char name[MAXNODELEN + 1];
    char host[256];
    struct node_info info;
    unsigned timeout_ms;
    size_t max_frame;

    /* Bytes read from the socket, not yet parsed into frames. */
    unsigned char *in;
    size_t in_len, in_cap;

    /* Messages for node_recv: a ring buffer, bounded in count and bytes. */
    struct node_qmsg *q;
    size_t q_head, q_len, q_cap, q_bytes;
    uint64_t dropped;
    uint64_t stale;

    /* The rpc in flight: its reference and, once it arrives, its reply. */
    int rpc_waiting;
    erlang_ref rpc_ref;
    unsigned char *reply;
    size_t reply_len;

    int gone; /* the connection was lost */

    /* Liveness (node_watch_liveness): when anything last arrived, and the
     * ping to net_kernel in flight (ping_sent 0: none). */
    int live_check;
    int64_t last_rx;
    int64_t ping_sent;
    erlang_ref ping_ref;

    /* Buffered sends (node_send_buffered): frames waiting for node_flush,
     * and the encoded SEND control of the last destination. */
    unsigned char *out;
    size_t out_len, out_cap;
    char *ctl_cache;
    size_t ctl_cache_len;
    erlang_pid ctl_pid;
    char ctl_name[256];
};

/* Queue limits. */
#define NODE_QUEUE_MAX_MSGS 1000000u
#define NODE_QUEUE_MAX_BYTES (256u * 1024 * 1024)

/*
 * Service the connection until done(c) is true, the deadline passes, a
 * signal arrives or the connection is lost: read, split frames, answer
 * ticks and I/O requests, match the rpc reply, queue other messages.
 * Returns 0 (done), BP_ETIMEDOUT, BP_EINTR or BP_ENODEGONE, and
 * BP_ENOANSWER when liveness is watched and the node stopped answering.
 */
int node_pump(struct node_conn *c, int64_t deadline,
              int (*done)(struct node_conn *c), struct bp_err *err);

/* Write a control-only frame (no message) built from an encoded control. */
int node_write_control(struct node_conn *c, const char *ctl, size_t len,
                       struct bp_err *err);

/*
 * Send an encoded message (starting with 131) to pid `to`, or to the
 * registered name `name` when to is NULL.
 */
int node_send_raw(struct node_conn *c, const erlang_pid *to, const char *name,
                  const char *msg, size_t msg_len, struct bp_err *err);

/* Start a new buffer with the head of a gen_server call from beamprobe:
 * {'$gen_call', {Self, Ref}, and the request is encoded next. */
void node_encode_call_head(const struct node_conn *c, ei_x_buff *x, const erlang_ref *ref);

/* Pop the oldest queued message; returns 1 and hands *data to the caller
 * (free it), or 0 when the queue is empty. */
int node_dequeue(struct node_conn *c, unsigned char **data, size_t *len);

/* Probe the node's facts into c->info (node_probe.c). */
int node_probe(struct node_conn *c, struct bp_err *err);

/* Our pid in libei's form. */
const erlang_pid *node_self_erl(const struct node_conn *c);

#endif
