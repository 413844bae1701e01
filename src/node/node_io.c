/* SPDX-License-Identifier: Apache-2.0 */
/*
 * node_io.c - the receive loop and the frame writer of a connection.
 *
 * After the handshake beamprobe owns the socket.  node_pump() reads what
 * is there, splits 4-byte-length frames (refusing any longer than
 * max_frame), answers ticks with a tock, acknowledges UNLINK_ID, answers
 * io_request messages from code it runs (their output is discarded), hands
 * the reply of the rpc in flight to node_rpc, and queues other messages for
 * node_recv (bounded: past the cap they are dropped and counted).
 *
 * Frames are written here too, with the empty cookie atom real nodes use:
 * libei's ei_send/ei_reg_send put the cookie itself into every SEND
 * control message, i.e. on the wire in clear text, so beamprobe does not
 * use them.  The control tuple is still encoded by libei.
 */
#include "node/node_frame.h"
#include "node/node_int.h"
#include "node/node_net.h"
#include "util/clock.h"
#include "util/sig.h"
#include "util/xalloc.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static int lost(struct node_conn *c, struct bp_err *err)
{
    c->gone = 1;
    return bp_error(err, BP_ENODEGONE, "connection to '%s' lost", c->name);
}

/* Write all iov within the deadline. */
static int write_all(struct node_conn *c, struct iovec *v, int n, struct bp_err *err)
{
    int64_t deadline = clock_ms() + c->timeout_ms;

    if (c->gone)
        return lost(c, err);
    while (n > 0) {
        ssize_t r = writev(c->fd, v, n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                int w = net_wait(c->fd, POLLOUT, deadline);
                if (w == 0)
                    return bp_error(err, BP_ETIMEDOUT,
                                    "writing to '%s' timed out (node not reading)", c->name);
                if (w < 0 && w != -EINTR)
                    return lost(c, err);
                continue;
            }
            return lost(c, err);
        }
        while (n > 0 && (size_t)r >= v->iov_len) {
            r -= (ssize_t)v->iov_len;
            v++;
            n--;
        }
        if (n > 0) {
            v->iov_base = (char *)v->iov_base + r;
            v->iov_len -= (size_t)r;
        }
    }
    return 0;
}

static int write_frame(struct node_conn *c, const char *ctl, size_t ctl_len,
                       const char *msg, size_t msg_len, struct bp_err *err)
{
    unsigned char hdr[5];
    size_t total = 1 + ctl_len + msg_len;
    struct iovec v[3];

    if (total > 0xffffffffu)
        return bp_error(err, BP_ETOOBIG, "message of %zu bytes is too big to send", msg_len);
    /* Frames keep their order: what node_send_buffered queued goes first. */
    if (c->out_len) {
        int rc = node_flush(c, err);
        if (rc)
            return rc;
    }
    hdr[0] = (unsigned char)(total >> 24);
    hdr[1] = (unsigned char)(total >> 16);
    hdr[2] = (unsigned char)(total >> 8);
    hdr[3] = (unsigned char)total;
    hdr[4] = 112; /* pass-through */
    v[0].iov_base = hdr;
    v[0].iov_len = sizeof(hdr);
    v[1].iov_base = (void *)ctl;
    v[1].iov_len = ctl_len;
    v[2].iov_base = (void *)msg;
    v[2].iov_len = msg_len;
    return write_all(c, v, msg_len ? 3 : 2, err);
}

int node_write_control(struct node_conn *c, const char *ctl, size_t len,
                       struct bp_err *err)
{
    return write_frame(c, ctl, len, NULL, 0, err);
}

/* SEND {2, '', To} or REG_SEND {6, From, '', Name} followed by msg. */
int node_send_raw(struct node_conn *c, const erlang_pid *to, const char *name,
                  const char *msg, size_t msg_len, struct bp_err *err)
{
    ei_x_buff x;
    int rc;

    ei_x_new_with_version(&x);
    if (to) {
        ei_x_encode_tuple_header(&x, 3);
        ei_x_encode_long(&x, DOP_SEND);
        ei_x_encode_atom(&x, "");
        ei_x_encode_pid(&x, to);
    } else {
        ei_x_encode_tuple_header(&x, 4);
        ei_x_encode_long(&x, DOP_REG_SEND);
        ei_x_encode_pid(&x, node_self_erl(c));
        ei_x_encode_atom(&x, "");
        ei_x_encode_atom(&x, name);
    }
    rc = write_frame(c, x.buff, (size_t)x.index, msg, msg_len, err);
    ei_x_free(&x);
    return rc;
}

/* ---------------------------------------------------------------------
 * Buffered sends
 */

#define OUT_FLUSH_AT (64u * 1024)

static int same_pid(const erlang_pid *a, const erlang_pid *b)
{
    return a->num == b->num && a->serial == b->serial && a->creation == b->creation &&
           strcmp(a->node, b->node) == 0;
}

static void cache_control(struct node_conn *c, const erlang_pid *to, const char *name)
{
    ei_x_buff x;

    if (c->ctl_cache && ((to && !c->ctl_name[0] && same_pid(&c->ctl_pid, to)) ||
                         (!to && strcmp(c->ctl_name, name) == 0)))
        return;
    ei_x_new_with_version(&x);
    if (to) {
        ei_x_encode_tuple_header(&x, 3);
        ei_x_encode_long(&x, DOP_SEND);
        ei_x_encode_atom(&x, "");
        ei_x_encode_pid(&x, to);
        c->ctl_pid = *to;
        c->ctl_name[0] = '\0';
    } else {
        ei_x_encode_tuple_header(&x, 4);
        ei_x_encode_long(&x, DOP_REG_SEND);
        ei_x_encode_pid(&x, node_self_erl(c));
        ei_x_encode_atom(&x, "");
        ei_x_encode_atom(&x, name);
        snprintf(c->ctl_name, sizeof(c->ctl_name), "%s", name);
    }
    free(c->ctl_cache);
    c->ctl_cache = xmalloc((size_t)x.index);
    memcpy(c->ctl_cache, x.buff, (size_t)x.index);
    c->ctl_cache_len = (size_t)x.index;
    ei_x_free(&x);
}

int node_flush(struct node_conn *c, struct bp_err *err)
{
    struct iovec v;
    int rc;

    if (!c->out_len)
        return 0;
    v.iov_base = c->out;
    v.iov_len = c->out_len;
    rc = write_all(c, &v, 1, err);
    c->out_len = 0;
    return rc;
}

size_t node_pending(const struct node_conn *c)
{
    return c->out_len;
}

int node_send_buffered(struct node_conn *c, const struct term_pid *to, const char *name,
                       const void *msg, size_t len, struct bp_err *err)
{
    erlang_pid p;
    size_t total, need;
    unsigned char *o;

    if (to) {
        memset(&p, 0, sizeof(p));
        snprintf(p.node, sizeof(p.node), "%s", to->node ? to->node : c->info.name);
        p.num = to->num;
        p.serial = to->serial;
        p.creation = to->node ? to->creation : c->info.creation;
    } else if (!name || strlen(name) >= sizeof(c->ctl_name)) {
        return bp_error(err, BP_EUSAGE, "bad destination name");
    }
    cache_control(c, to ? &p : NULL, name);
    total = 1 + c->ctl_cache_len + len;
    if (total > 0xffffffffu)
        return bp_error(err, BP_ETOOBIG, "message of %zu bytes is too big to send", len);
    need = 4 + total;
    if (c->out_cap - c->out_len < need) {
        size_t ncap = c->out_cap ? c->out_cap : OUT_FLUSH_AT * 2;
        while (ncap - c->out_len < need)
            ncap *= 2;
        c->out = xrealloc(c->out, ncap);
        c->out_cap = ncap;
    }
    o = c->out + c->out_len;
    o[0] = (unsigned char)(total >> 24);
    o[1] = (unsigned char)(total >> 16);
    o[2] = (unsigned char)(total >> 8);
    o[3] = (unsigned char)total;
    o[4] = 112;
    memcpy(o + 5, c->ctl_cache, c->ctl_cache_len);
    memcpy(o + 5 + c->ctl_cache_len, msg, len);
    c->out_len += need;
    if (c->out_len >= OUT_FLUSH_AT)
        return node_flush(c, err);
    return 0;
}

static int tock(struct node_conn *c, struct bp_err *err)
{
    static const unsigned char zero[4] = { 0, 0, 0, 0 };
    struct iovec v = { (void *)zero, sizeof(zero) };
    return write_all(c, &v, 1, err);
}

/* ---------------------------------------------------------------------
 * Incoming messages
 */

static const struct term_limits peek_limits = {
    .max_depth = 8, .max_atom_len = 1020, .max_big_bytes = 64,
    .max_items = 64, .max_arena = 64 * 1024,
};

static const struct term_limits io_limits = {
    .max_depth = 64, .max_atom_len = 1020, .max_big_bytes = 4096,
    .max_items = 100000, .max_arena = 4 * 1024 * 1024,
};

static void enqueue(struct node_conn *c, const unsigned char *msg, size_t len)
{
    struct node_qmsg *slot;

    if (c->q_len >= NODE_QUEUE_MAX_MSGS || c->q_bytes + len > NODE_QUEUE_MAX_BYTES) {
        c->dropped++;
        return;
    }
    if (c->q_len == c->q_cap) {
        size_t ncap = c->q_cap ? c->q_cap * 2 : 64, i;
        struct node_qmsg *nq = xcalloc(ncap, sizeof(*nq));
        for (i = 0; i < c->q_len; i++)
            nq[i] = c->q[(c->q_head + i) % c->q_cap];
        free(c->q);
        c->q = nq;
        c->q_cap = ncap;
        c->q_head = 0;
    }
    slot = &c->q[(c->q_head + c->q_len) % c->q_cap];
    slot->data = xmalloc(len);
    memcpy(slot->data, msg, len);
    slot->len = len;
    c->q_len++;
    c->q_bytes += len;
}

int node_dequeue(struct node_conn *c, unsigned char **data, size_t *len)
{
    struct node_qmsg *slot;

    if (c->q_len == 0)
        return 0;
    slot = &c->q[c->q_head];
    *data = slot->data;
    *len = slot->len;
    slot->data = NULL;
    c->q_head = (c->q_head + 1) % c->q_cap;
    c->q_len--;
    c->q_bytes -= *len;
    return 1;
}

static int ref_is_ours(const struct node_conn *c, const struct term *t)
{
    return t && t->kind == TERM_REF && t->u.ref.node &&
           strcmp(t->u.ref.node, c->ec.thisnodename) == 0;
}

static int ref_matches(const erlang_ref *r, const struct term *t);
static int read_some(struct node_conn *c, struct bp_err *err);

/* ---------------------------------------------------------------------
 * Liveness
 */

#define LIVENESS_IDLE_MS 1000

void node_watch_liveness(struct node_conn *c, int on)
{
    c->live_check = on;
    c->ping_sent = 0;
    c->last_rx = clock_ms();
}

void node_encode_call_head(const struct node_conn *c, ei_x_buff *x, const erlang_ref *ref)
{
    ei_x_new_with_version(x);
    ei_x_encode_tuple_header(x, 3);
    ei_x_encode_atom(x, "$gen_call");
    ei_x_encode_tuple_header(x, 2);
    ei_x_encode_pid(x, node_self_erl(c));
    ei_x_encode_ref(x, ref);
}

/* {'$gen_call', {Self, Ref}, {is_auth, SelfNode}} to net_kernel: the
 * question net_adm:ping asks, answered {Ref, yes} by a live node. */
static int send_ping(struct node_conn *c, struct bp_err *err)
{
    ei_x_buff x;
    int rc;

    if (ei_make_ref(&c->ec, &c->ping_ref) < 0)
        return bp_error(err, BP_EINTERNAL, "cannot make a reference");
    node_encode_call_head(c, &x, &c->ping_ref);
    ei_x_encode_tuple_header(&x, 2);
    ei_x_encode_atom(&x, "is_auth");
    ei_x_encode_atom(&x, c->ec.thisnodename);
    rc = node_send_raw(c, NULL, "net_kernel", x.buff, (size_t)x.index, err);
    ei_x_free(&x);
    return rc;
}

/* Ping when the node has been silent; fail when the ping goes
 * unanswered.  *wake: when to look again. */
static int liveness(struct node_conn *c, int64_t now, int64_t *wake, struct bp_err *err)
{
    int64_t timeout = (int64_t)c->timeout_ms;
    int rc;

    if (!c->live_check)
        return 0;
    if (c->ping_sent && now - c->ping_sent >= timeout) {
        /* Read what may be waiting first: a connection that failed once
         * must see the node when it comes back. */
        if ((rc = read_some(c, err)) != 0)
            return rc;
        if (c->last_rx < c->ping_sent)
            return bp_error(err, BP_ENOANSWER,
                            "'%s' has not answered for %lld ms (node frozen, overloaded or cut off)",
                            c->name, (long long)(now - c->last_rx));
    }
    if (c->ping_sent && c->last_rx >= c->ping_sent)
        c->ping_sent = 0; /* the node said something since: alive */
    if (!c->ping_sent) {
        if (now - c->last_rx < LIVENESS_IDLE_MS) {
            *wake = c->last_rx + LIVENESS_IDLE_MS;
            return 0;
        }
        if ((rc = send_ping(c, err)) != 0)
            return rc;
        c->ping_sent = now;
    }
    *wake = c->ping_sent + timeout;
    return 0;
}

static int ref_matches(const erlang_ref *r, const struct term *t)
{
    unsigned i;
    if (!t || t->kind != TERM_REF || !t->u.ref.node || strcmp(t->u.ref.node, r->node) != 0 ||
        t->u.ref.creation != r->creation || (int)t->u.ref.len != r->len)
        return 0;
    for (i = 0; i < t->u.ref.len; i++)
        if (t->u.ref.ids[i] != r->n[i])
            return 0;
    return 1;
}

/* {io_request, From, ReplyAs, Request}: answer {io_reply, ReplyAs, R}. */
static int answer_io(struct node_conn *c, const unsigned char *msg, size_t len,
                     struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    struct term *t = NULL;
    const struct term *from, *req;
    size_t idx = 0;
    ei_x_buff x;
    erlang_pid to;
    int rc = 0;

    if (term_decode_versioned(&a, msg, len, &idx, &io_limits, &t, NULL) != 0)
        goto out; /* oversized output of remote code: ignore it */
    from = term_elem(t, 1);
    req = term_elem(t, 3);
    if (!from || from->kind != TERM_PID || !from->u.pid.node)
        goto out;
    memset(&to, 0, sizeof(to));
    snprintf(to.node, sizeof(to.node), "%s", from->u.pid.node);
    to.num = from->u.pid.num;
    to.serial = from->u.pid.serial;
    to.creation = from->u.pid.creation;
    ei_x_new_with_version(&x);
    ei_x_encode_tuple_header(&x, 3);
    ei_x_encode_atom(&x, "io_reply");
    if (term_encode(&x, term_elem(t, 2), NULL, NULL) == 0) {
        /* Output ({put_chars, ...}, {requests, [...]}) is accepted and
         * discarded; input requests get an error instead of a hang. */
        const struct term *kind = term_elem(req, 0);
        if (term_is_atom(kind, "put_chars") || term_is_atom(kind, "requests")) {
            ei_x_encode_atom(&x, "ok");
        } else {
            ei_x_encode_tuple_header(&x, 2);
            ei_x_encode_atom(&x, "error");
            ei_x_encode_atom(&x, "enotsup");
        }
        rc = node_send_raw(c, &to, NULL, x.buff, (size_t)x.index, err);
    }
    ei_x_free(&x);
out:
    arena_release(&a);
    return rc;
}

/* The message of a SEND-like frame: rpc reply, io request, or queued. */
static int on_message(struct node_conn *c, const unsigned char *msg, size_t len,
                      struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    struct term *first = NULL;
    size_t idx = 3;
    int rc = 0;

    /* Peek at {First, ...}: a small tuple's first element. */
    if (len >= 4 && msg[1] == 104 /* SMALL_TUPLE_EXT */ && msg[2] >= 2 &&
        term_decode(&a, msg, len, &idx, &peek_limits, &first, NULL) == 0) {
        if (msg[2] == 2 && ref_is_ours(c, first)) {
            if (c->rpc_waiting && ref_matches(&c->rpc_ref, first)) {
                free(c->reply);
                c->reply = xmalloc(len);
                memcpy(c->reply, msg, len);
                c->reply_len = len;
                c->rpc_waiting = 0;
            } else if (!ref_matches(&c->ping_ref, first)) { /* not a ping's answer */
                c->stale++; /* a late reply to an rpc that timed out */
            }
            goto out;
        }
        if (msg[2] == 4 && term_is_atom(first, "io_request")) {
            rc = answer_io(c, msg, len, err);
            goto out;
        }
    }
    enqueue(c, msg, len);
out:
    arena_release(&a);
    return rc;
}

static int ack_unlink_id(struct node_conn *c, const struct term *ctl,
                         struct bp_err *err)
{
    /* {35, Id, From, To} -> {36, Id, To, From} */
    ei_x_buff x;
    int rc = 0;

    if (!ctl || ctl->kind != TERM_TUPLE || ctl->u.tuple.n != 4)
        return 0;
    ei_x_new_with_version(&x);
    ei_x_encode_tuple_header(&x, 4);
    ei_x_encode_long(&x, DOP_UNLINK_ID_ACK);
    if (term_encode(&x, ctl->u.tuple.items[1], NULL, NULL) == 0 &&
        term_encode(&x, ctl->u.tuple.items[3], NULL, NULL) == 0 &&
        term_encode(&x, ctl->u.tuple.items[2], NULL, NULL) == 0)
        rc = node_write_control(c, x.buff, (size_t)x.index, err);
    ei_x_free(&x);
    return rc;
}

/*
 * $BEAMPROBE_RECORD_FRAMES=DIR writes every frame received (with its
 * length prefix) to DIR/frame-PID-N.bin: real node output for the fuzz
 * corpora and tests/data.  Development aid; frames hold no cookie.
 */
static void record_frame(const unsigned char *buf, size_t len)
{
    static const char *dir;
    static int checked;
    static unsigned long n;
    char path[4096];
    unsigned char hdr[4];
    FILE *f;

    if (!checked) {
        dir = getenv("BEAMPROBE_RECORD_FRAMES");
        checked = 1;
    }
    if (!dir || !*dir)
        return;
    snprintf(path, sizeof(path), "%s/frame-%d-%05lu.bin", dir, (int)getpid(), n++);
    f = fopen(path, "wb");
    if (!f)
        return;
    hdr[0] = (unsigned char)(len >> 24);
    hdr[1] = (unsigned char)(len >> 16);
    hdr[2] = (unsigned char)(len >> 8);
    hdr[3] = (unsigned char)len;
    fwrite(hdr, 1, 4, f);
    fwrite(buf, 1, len, f);
    fclose(f);
}

static int on_frame(struct node_conn *c, const unsigned char *buf, size_t len,
                    struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    struct dist_frame f;
    int rc;

    record_frame(buf, len);
    rc = node_frame_parse(&a, buf, len, &f, err);
    if (rc) {
        /* A frame we cannot read means the stream can't be trusted. */
        bp_err_prefix(err, "bad frame from '%s': ", c->name);
        c->gone = 1;
        goto out;
    }
    if (node_frame_is_send(f.op) && f.msg)
        rc = on_message(c, f.msg, f.msg_len, err);
    else if (f.op == DOP_UNLINK_ID)
        rc = ack_unlink_id(c, f.control, err);
    /* LINK, EXIT, MONITOR_P ...: nothing to do for a C node. */
out:
    arena_release(&a);
    return rc;
}

/* Parse every complete frame in the input buffer. */
static int drain(struct node_conn *c, size_t *off, struct bp_err *err)
{
    for (;;) {
        size_t foff, flen, used;
        int rc = node_frame_next(c->in + *off, c->in_len - *off, c->max_frame, &foff, &flen,
                                 &used);
        if (rc == 0)
            return 0;
        if (rc < 0) {
            c->gone = 1;
            return bp_error(err, BP_ETOOBIG,
                            "a frame from '%s' exceeds the limit of %zu bytes", c->name,
                            c->max_frame);
        }
        rc = flen == 0 ? tock(c, err) : on_frame(c, c->in + *off + foff, flen, err);
        *off += used;
        if (rc)
            return rc;
    }
}

static int process_input(struct node_conn *c, struct bp_err *err)
{
    size_t off = 0;
    int rc = drain(c, &off, err);
    if (off) {
        memmove(c->in, c->in + off, c->in_len - off);
        c->in_len -= off;
    }
    return rc;
}

static int read_some(struct node_conn *c, struct bp_err *err)
{
    ssize_t r;

    /* Grow by doubling as bytes arrive, never to an announced length at
     * once: a peer announcing a huge frame costs nothing until it sends. */
    if (c->in_cap - c->in_len < 65536) {
        size_t ncap = c->in_cap ? c->in_cap * 2 : 131072;
        c->in = xrealloc(c->in, ncap);
        c->in_cap = ncap;
    }
    r = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
    if (r == 0)
        return lost(c, err);
    if (r < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return 0;
        return lost(c, err);
    }
    c->in_len += (size_t)r;
    c->last_rx = clock_ms();
    return 0;
}

int node_pump(struct node_conn *c, int64_t deadline,
              int (*done)(struct node_conn *c), struct bp_err *err)
{
    for (;;) {
        struct pollfd pfd[2];
        int64_t left, now, wake = -1;
        int r, rc;

        rc = process_input(c, err);
        if (rc)
            return rc;
        if (done && done(c))
            return 0;
        if (c->gone)
            return lost(c, err);
        if (sig_pending())
            return bp_error(err, BP_EINTR, "interrupted");
        now = clock_ms();
        if ((rc = liveness(c, now, &wake, err)) != 0)
            return rc;
        left = deadline < 0 ? 60000 : deadline - now;
        if (left <= 0)
            return bp_error(err, BP_ETIMEDOUT, "timed out");
        if (wake >= 0 && wake - now < left)
            left = wake - now > 0 ? wake - now : 1;
        pfd[0].fd = c->fd;
        pfd[0].events = POLLIN;
        pfd[1].fd = sig_fd();
        pfd[1].events = POLLIN;
        r = poll(pfd, pfd[1].fd >= 0 ? 2 : 1, left > 60000 ? 60000 : (int)left);
        if (r < 0 && errno != EINTR)
            return lost(c, err);
        if (r > 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            rc = read_some(c, err);
            if (rc)
                return rc;
        }
    }
}
