/* SPDX-License-Identifier: Apache-2.0 */
/*
 * node_frame.h - parse one distribution frame (after the handshake).
 *
 * A frame is `112 (pass-through), 131 Control [131 Message]` once its
 * 4-byte length has been stripped.  The control tuple is decoded with tight
 * limits; the message, when present, is left as a byte range for the caller
 * to decode (or copy to a queue) only if it wants it.  Pure function: no
 * I/O, fuzzed by tests/fuzz/fuzz_dist_frame.c.
 */
#ifndef BP_NODE_FRAME_H
#define BP_NODE_FRAME_H

#include <stdbool.h>
#include <stddef.h>

#include "term/term.h"

/* Control message operations of the distribution protocol. */
enum dist_op {
    DOP_LINK = 1,
    DOP_SEND = 2,
    DOP_EXIT = 3,
    DOP_UNLINK = 4,
    DOP_REG_SEND = 6,
    DOP_GROUP_LEADER = 7,
    DOP_EXIT2 = 8,
    DOP_SEND_TT = 12,
    DOP_EXIT_TT = 13,
    DOP_REG_SEND_TT = 16,
    DOP_EXIT2_TT = 18,
    DOP_MONITOR_P = 19,
    DOP_DEMONITOR_P = 20,
    DOP_MONITOR_P_EXIT = 21,
    DOP_SEND_SENDER = 22,
    DOP_SEND_SENDER_TT = 23,
    DOP_SPAWN_REQUEST = 29,
    DOP_ALIAS_SEND = 33,
    DOP_ALIAS_SEND_TT = 34,
    DOP_UNLINK_ID = 35,
    DOP_UNLINK_ID_ACK = 36
};

struct dist_frame {
    int op;                       /* first element of the control tuple */
    const struct term *control;   /* the whole control tuple */
    const unsigned char *msg;     /* message bytes starting at 131, or NULL */
    size_t msg_len;
};

/*
 * Parse frame buf[0..len) into *out (control decoded into arena a).
 * Returns 0, BP_EDECODE or BP_ETOOBIG.  out->msg points into buf.
 */
int node_frame_parse(struct arena *a, const unsigned char *buf, size_t len,
                     struct dist_frame *out, struct bp_err *err);

/*
 * Split a byte stream into frames.  Looks at buf[0..len): returns 1 with
 * the next frame's body at buf + *off, *flen bytes long (*flen 0 is a
 * tick), and the bytes it takes in *used; 0 when more bytes are needed;
 * BP_ETOOBIG when the announced length exceeds max_frame.
 */
int node_frame_next(const unsigned char *buf, size_t len, size_t max_frame, size_t *off,
                    size_t *flen, size_t *used);

/* True for operations whose frame carries a message to a process. */
bool node_frame_is_send(int op);

#endif
