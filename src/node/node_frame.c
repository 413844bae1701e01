/* SPDX-License-Identifier: Apache-2.0 */
/*
 * node_frame.c - distribution frame parser; see node_frame.h.
 */
#include "node/node_frame.h"

/* Control tuples are small: pids, refs, atoms, a trace token at most. */
static const struct term_limits control_limits = {
    .max_depth = 16,
    .max_atom_len = 1020,
    .max_big_bytes = 64,
    .max_items = 64,
    .max_arena = 256 * 1024,
};

bool node_frame_is_send(int op)
{
    switch (op) {
    case DOP_SEND:
    case DOP_SEND_TT:
    case DOP_REG_SEND:
    case DOP_REG_SEND_TT:
    case DOP_SEND_SENDER:
    case DOP_SEND_SENDER_TT:
    case DOP_ALIAS_SEND:
    case DOP_ALIAS_SEND_TT:
        return true;
    default:
        return false;
    }
}

int node_frame_parse(struct arena *a, const unsigned char *buf, size_t len,
                     struct dist_frame *out, struct bp_err *err)
{
    struct term *ctl = NULL;
    size_t idx = 1;
    int64_t op;
    size_t saved_limit = a->limit;
    int rc;

    if (len < 1 || buf[0] != 112)
        return bp_error(err, BP_EDECODE, "distribution frame without pass-through marker");
    if (control_limits.max_arena)
        a->limit = a->used + control_limits.max_arena;
    rc = term_decode_versioned(a, buf, len, &idx, &control_limits, &ctl, err);
    a->limit = saved_limit;
    if (rc) {
        bp_err_prefix(err, "control message: ");
        return rc;
    }
    if (ctl->kind != TERM_TUPLE || ctl->u.tuple.n < 1 ||
        term_get_int(ctl->u.tuple.items[0], &op) != 0)
        return bp_error(err, BP_EDECODE, "control message is not a tuple with an operation");
    out->op = (int)op;
    out->control = ctl;
    if (idx < len) {
        if (buf[idx] != 131)
            return bp_error(err, BP_EDECODE, "message at offset %zu lacks version byte", idx);
        out->msg = buf + idx;
        out->msg_len = len - idx;
    } else {
        out->msg = NULL;
        out->msg_len = 0;
    }
    return 0;
}

int node_frame_next(const unsigned char *buf, size_t len, size_t max_frame, size_t *off,
                    size_t *flen, size_t *used)
{
    size_t n;

    if (len < 4)
        return 0;
    n = ((size_t)buf[0] << 24) | ((size_t)buf[1] << 16) | ((size_t)buf[2] << 8) | buf[3];
    if (n > max_frame)
        return BP_ETOOBIG;
    if (len - 4 < n)
        return 0;
    *off = 4;
    *flen = n;
    *used = 4 + n;
    return 1;
}
