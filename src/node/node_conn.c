/* SPDX-License-Identifier: Apache-2.0 */
/*
 * node_conn.c - connecting to a node: names, libei handshake, error mapping.
 *
 * libei runs the epmd lookup and the distribution handshake.  It is given
 * socket callbacks (ei_connect_xinit_ussi) that do the TCP I/O with
 * deadlines and watch the handshake messages go by, because libei reports
 * every handshake failure as the same EIO: the watcher tells a cookie
 * mismatch (the node closes after our challenge reply) from a refused name
 * (status "alive"/"nok"/"not_allowed") and from a TLS-only node (TLS record
 * bytes instead of a status), so each gets its own clear message.
 *
 * beamprobe's own node name comes from a fixed pool (beamprobe_0..7): a
 * name already connected to the node is answered "alive" and the next one
 * is tried, so two beamprobes can attach at once while the node's atom
 * table only ever sees those eight names.
 */
#include "node/node_int.h"
#include "node/node_net.h"
#include "util/clock.h"
#include "util/xalloc.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/uio.h>
#include <unistd.h>

#define NAME_POOL 8

/* ---------------------------------------------------------------------
 * Handshake watcher: splits each direction's byte stream into the 2-byte
 * length-prefixed handshake messages and remembers what matters.
 */

struct hs_stream {
    unsigned char hdr[2];
    int hdr_got;
    size_t body_len, body_got;
    unsigned char body[320];
};

struct hs_watch {
    struct hs_stream in, out;
    int connect_errno;   /* errno of the TCP connect, 0 if it succeeded */
    int connected;
    int tls;             /* the peer answered with TLS record bytes */
    int first_in;        /* no inbound byte seen yet */
    char status[32];     /* the 's' message: ok, nok, not_allowed, alive ... */
    char peer[256];      /* the node's name from its challenge */
    int got_challenge;
    int sent_reply;      /* our challenge reply ('r') went out */
    int got_ack;
    int bad_msg;         /* a handshake message with a wrong tag or size */
    int nmsg_in;         /* complete inbound handshake messages */
    int eof;             /* the peer closed the connection */
    int timed_out;
    int done;            /* handshake complete: stop watching */
    int64_t deadline;
};

static void hs_message_in(struct hs_watch *w, const unsigned char *m, size_t n,
                          size_t full)
{
    size_t off, nl;

    if (n == 0) {
        w->bad_msg = 1;
        return;
    }
    /* The order is fixed: status, challenge, acknowledgement. */
    if ((w->nmsg_in == 1 && m[0] != 's') ||
        (w->nmsg_in == 2 && m[0] != 'N' && m[0] != 'n') || (w->nmsg_in == 3 && m[0] != 'a')) {
        w->bad_msg = 1;
        return;
    }
    switch (m[0]) {
    case 's':
        nl = n - 1 < sizeof(w->status) - 1 ? n - 1 : sizeof(w->status) - 1;
        memcpy(w->status, m + 1, nl);
        w->status[nl] = '\0';
        break;
    case 'N': /* flags 8, challenge 4, creation 4, name length 2, name */
        if (full < 19)
            w->bad_msg = 1;
        if (n >= 19) {
            nl = ((size_t)m[17] << 8) | m[18];
            off = 19;
            if (nl > n - off)
                nl = n - off;
            if (nl >= sizeof(w->peer))
                nl = sizeof(w->peer) - 1;
            memcpy(w->peer, m + off, nl);
            w->peer[nl] = '\0';
        }
        w->got_challenge = 1;
        break;
    case 'n': /* version 2, flags 4, challenge 4, name (rest) */
        if (full < 11)
            w->bad_msg = 1;
        if (n >= 11) {
            nl = (full < sizeof(w->peer) + 11 ? full : n) - 11;
            if (nl > n - 11)
                nl = n - 11;
            if (nl >= sizeof(w->peer))
                nl = sizeof(w->peer) - 1;
            memcpy(w->peer, m + 11, nl);
            w->peer[nl] = '\0';
        }
        w->got_challenge = 1;
        break;
    case 'a':
        w->got_ack = 1;
        if (full != 17)
            w->bad_msg = 1;
        break;
    default:
        w->bad_msg = 1;
        break;
    }
}

static void hs_message_out(struct hs_watch *w, const unsigned char *m, size_t n)
{
    if (n > 0 && m[0] == 'r')
        w->sent_reply = 1;
}

static void hs_feed(struct hs_watch *w, int inbound, const unsigned char *p,
                    size_t n)
{
    struct hs_stream *s = inbound ? &w->in : &w->out;

    if (w->done)
        return;
    if (inbound && w->first_in && n > 0) {
        w->first_in = 0;
        /* TLS records start with content type 0x14..0x17, version 3.x. */
        if (p[0] >= 0x14 && p[0] <= 0x17 && (n < 2 || p[1] == 0x03))
            w->tls = 1;
    }
    while (n > 0) {
        if (s->hdr_got < 2) {
            s->hdr[s->hdr_got++] = *p++;
            n--;
            if (s->hdr_got == 2) {
                s->body_len = ((size_t)s->hdr[0] << 8) | s->hdr[1];
                s->body_got = 0;
                if (s->body_len == 0) {
                    s->hdr_got = 0;
                    if (inbound)
                        w->bad_msg = 1; /* an empty handshake message */
                }
            }
            continue;
        }
        {
            size_t want = s->body_len - s->body_got;
            size_t take = n < want ? n : want;
            if (s->body_got < sizeof(s->body)) {
                size_t keep = sizeof(s->body) - s->body_got;
                if (keep > take)
                    keep = take;
                memcpy(s->body + s->body_got, p, keep);
            }
            s->body_got += take;
            p += take;
            n -= take;
            if (s->body_got == s->body_len) {
                size_t kept = s->body_len < sizeof(s->body) ? s->body_len : sizeof(s->body);
                if (inbound) {
                    w->nmsg_in++;
                    hs_message_in(w, s->body, kept, s->body_len);
                }
                else
                    hs_message_out(w, s->body, kept);
                s->hdr_got = 0;
            }
        }
    }
}

/* ---------------------------------------------------------------------
 * Socket callbacks (EI_SCLBK_FLG_FULL_IMPL: we implement the timeouts).
 */

struct sock_ctx {
    int fd;
    struct hs_watch *w;
};

static int64_t cb_deadline(struct sock_ctx *s, unsigned tmo)
{
    int64_t d = s->w->deadline;
    if (tmo != EI_SCLBK_INF_TMO) {
        int64_t t = clock_ms() + (int64_t)tmo;
        if (t < d)
            d = t;
    }
    return d;
}

static int cb_socket(void **ctx, void *setup_ctx)
{
    struct sock_ctx *s = xcalloc(1, sizeof(*s));
    s->fd = -1;
    s->w = setup_ctx;
    *ctx = s;
    return 0;
}

static int cb_close(void *ctx)
{
    struct sock_ctx *s = ctx;
    if (s->fd >= 0)
        close(s->fd);
    free(s);
    return 0;
}

static int cb_listen(void *ctx, void *addr, int *len, int backlog)
{
    return EOPNOTSUPP;
}

static int cb_accept(void **ctx, void *addr, int *len, unsigned tmo)
{
    return EOPNOTSUPP;
}

static int cb_connect(void *ctx, void *addr, int len, unsigned tmo)
{
    struct sock_ctx *s = ctx;
    int rc = net_connect(addr, (socklen_t)len, cb_deadline(s, tmo), &s->fd);
    if (rc < 0) {
        s->w->connect_errno = -rc;
        if (rc == -ETIMEDOUT)
            s->w->timed_out = 1;
        return -rc;
    }
    s->w->connected = 1;
    return 0;
}

static int cb_wait(struct sock_ctx *s, short ev, unsigned tmo)
{
    int r = net_wait(s->fd, ev, cb_deadline(s, tmo));
    if (r == 0) {
        s->w->timed_out = 1;
        return ETIMEDOUT;
    }
    return r < 0 ? -r : 0;
}

static int cb_write(void *ctx, const char *buf, ssize_t *len, unsigned tmo)
{
    struct sock_ctx *s = ctx;
    ssize_t r;
    int e;

    if ((e = cb_wait(s, POLLOUT, tmo)) != 0)
        return e;
    r = send(s->fd, buf, (size_t)*len, MSG_NOSIGNAL);
    if (r < 0)
        return errno;
    if (!s->w->done)
        hs_feed(s->w, 0, (const unsigned char *)buf, (size_t)r);
    *len = r;
    return 0;
}

static int cb_writev(void *ctx, const void *iov, int iovcnt, ssize_t *len,
                     unsigned tmo)
{
    struct sock_ctx *s = ctx;
    const struct iovec *v = iov;
    ssize_t r;
    int e, i;

    if ((e = cb_wait(s, POLLOUT, tmo)) != 0)
        return e;
    r = writev(s->fd, v, iovcnt);
    if (r < 0)
        return errno;
    if (!s->w->done) {
        ssize_t left = r;
        for (i = 0; i < iovcnt && left > 0; i++) {
            size_t take = v[i].iov_len < (size_t)left ? v[i].iov_len : (size_t)left;
            hs_feed(s->w, 0, v[i].iov_base, take);
            left -= (ssize_t)take;
        }
    }
    *len = r;
    return 0;
}

static int cb_read(void *ctx, char *buf, ssize_t *len, unsigned tmo)
{
    struct sock_ctx *s = ctx;
    ssize_t r;
    int e;

    if ((e = cb_wait(s, POLLIN, tmo)) != 0)
        return e;
    r = recv(s->fd, buf, (size_t)*len, 0);
    if (r < 0)
        return errno;
    if (r == 0)
        s->w->eof = 1;
    else if (!s->w->done)
        hs_feed(s->w, 1, (const unsigned char *)buf, (size_t)r);
    *len = r;
    return 0;
}

static int cb_hs_header_size(void *ctx, int *sz)
{
    *sz = 2;
    return 0;
}

static int cb_connect_complete(void *ctx)
{
    struct sock_ctx *s = ctx;
    s->w->done = 1;
    return 0;
}

static int cb_accept_complete(void *ctx)
{
    return 0;
}

static int cb_get_fd(void *ctx, int *fd)
{
    struct sock_ctx *s = ctx;
    if (s->fd < 0)
        return EBADF;
    *fd = s->fd;
    return 0;
}

static ei_socket_callbacks callbacks = {
    .flags = EI_SCLBK_FLG_FULL_IMPL,
    .socket = cb_socket,
    .close = cb_close,
    .listen = cb_listen,
    .EI_ACCEPT_NAME = cb_accept,
    .connect = cb_connect,
    .writev = cb_writev,
    .write = cb_write,
    .read = cb_read,
    .handshake_packet_header_size = cb_hs_header_size,
    .connect_handshake_complete = cb_connect_complete,
    .accept_handshake_complete = cb_accept_complete,
    .get_fd = cb_get_fd,
};

/* ---------------------------------------------------------------------
 * Names
 */

static int valid_part(const char *s, size_t n)
{
    size_t i;
    if (n == 0 || n > 255)
        return 0;
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!(isalnum(ch) || ch == '_' || ch == '-' || ch == '.' || ch == ':' || ch >= 0x80))
            return 0;
    }
    return 1;
}

static int is_ip_literal(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;
    return inet_pton(AF_INET, host, &a4) == 1 || inet_pton(AF_INET6, host, &a6) == 1;
}

/* Long-name host parts have a dot or are address literals, as OTP's
 * net_kernel tells them apart. */
static int is_long_host(const char *host)
{
    return strchr(host, '.') != NULL || is_ip_literal(host);
}

/* Through epmd, the name asked for and the name the node gives in its
 * challenge must be of the same kind: an Erlang node would refuse to
 * reach a -name node by a short name (and the other way round), and the
 * operator has the wrong node name in hand.  Through --port (a tunnel)
 * the host part is expected to differ. */
static int check_name_mode(const struct node_opts *o, int longnames,
                           const char *peer, struct bp_err *err)
{
    const char *at = strchr(peer, '@');
    int peer_long;

    if (o->port > 0 || !at)
        return 0;
    peer_long = is_long_host(at + 1);
    if (peer_long == longnames)
        return 0;
    return bp_error(err, BP_ENAMEMODE,
                    "cannot attach to '%s': the node is '%s' and runs with %s names (%s); "
                    "use -N %s", o->node, peer, peer_long ? "long" : "short",
                    peer_long ? "-name" : "-sname", peer);
}

/* Our host part: the short host name, or for long names a name with a
 * dot (FQDN) or else our IPv4 address towards the node. */
static void self_host(int longnames, const struct in_addr *peer, char *buf,
                      size_t n)
{
    char h[256] = "localhost";
    char *dot;

    gethostname(h, sizeof(h) - 1);
    h[sizeof(h) - 1] = '\0';
    if (!longnames) {
        if ((dot = strchr(h, '.')) != NULL)
            *dot = '\0';
        snprintf(buf, n, "%.190s", h);
        return;
    }
    if (strchr(h, '.') && !is_ip_literal(h)) {
        snprintf(buf, n, "%.190s", h);
        return;
    }
    {
        struct addrinfo hints, *res = NULL;
        memset(&hints, 0, sizeof(hints));
        hints.ai_flags = AI_CANONNAME;
        hints.ai_family = AF_INET;
        if (getaddrinfo(h, NULL, &hints, &res) == 0 && res && res->ai_canonname &&
            strchr(res->ai_canonname, '.')) {
            snprintf(buf, n, "%.190s", res->ai_canonname);
            freeaddrinfo(res);
            return;
        }
        if (res)
            freeaddrinfo(res);
    }
    {
        /* The local address the kernel would use to reach the node. */
        struct sockaddr_in sa, me;
        socklen_t ml = sizeof(me);
        int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        memset(&sa, 0, sizeof(sa));
        sa.sin_family = AF_INET;
        sa.sin_port = htons(9);
        sa.sin_addr = *peer;
        if (s >= 0 && connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
            getsockname(s, (struct sockaddr *)&me, &ml) == 0) {
            inet_ntop(AF_INET, &me.sin_addr, buf, (socklen_t)n);
        } else {
            snprintf(buf, n, "127.0.0.1");
        }
        if (s >= 0)
            close(s);
    }
}

static uint32_t random_creation(void)
{
    uint32_t v = 0;
    if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
        v = (uint32_t)(clock_ns() ^ ((int64_t)getpid() << 16));
    return v < 4 ? v + 4 : v; /* 0..3 are the classic creations */
}

/* ---------------------------------------------------------------------
 * Opening
 */

/* Could the node be listening on IPv6 only?  Try ::1 / the host's v6. */
static int listens_on_ipv6(const char *host, int port, int64_t deadline)
{
    struct addrinfo hints, *res = NULL, *p;
    char ps[16];
    int found = 0;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET6;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(ps, sizeof(ps), "%d", port);
    if (getaddrinfo(host, ps, &hints, &res) != 0) {
        /* A name that only resolves to IPv4 may still be local. */
        if (getaddrinfo("::1", ps, &hints, &res) != 0)
            return 0;
    }
    for (p = res; p && !found; p = p->ai_next) {
        int fd;
        if (net_connect(p->ai_addr, p->ai_addrlen, deadline, &fd) == 0) {
            close(fd);
            found = 1;
        }
    }
    freeaddrinfo(res);
    return found;
}

static int classify(struct node_conn *c, const struct node_opts *o, int rc,
                    const struct hs_watch *w, const char *alive, struct bp_err *err)
{
    char names[1024];

    if (rc == ERL_NO_DAEMON)
        return bp_error(err, BP_ENOEPMD,
                        "cannot connect to '%s': epmd not reachable on '%s' port %d",
                        o->node, c->host, net_epmd_port());
    if (rc == ERL_NO_PORT) {
        /* libei says "no port" whether epmd answered or not: ask it. */
        struct bp_err e2;
        if (node_epmd_names(c->host, o->timeout_ms, names, sizeof(names), &e2) != 0)
            return bp_error(err, BP_ENOEPMD,
                            "cannot connect to '%s': epmd not reachable on '%s' port %d",
                            o->node, c->host, net_epmd_port());
        if (names[0])
            return bp_error(err, BP_ENONODE,
                            "cannot connect to '%s': no node '%s' registered with epmd on "
                            "'%s' (known: %s)", o->node, alive, c->host, names);
        return bp_error(err, BP_ENONODE,
                        "cannot connect to '%s': no node '%s' registered with epmd on '%s' "
                        "(no names known)", o->node, alive, c->host);
    }
    if (w->tls)
        return bp_error(err, BP_EHANDSHAKE,
                        "cannot connect to '%s': the node expects TLS distribution "
                        "(inet_tls); beamprobe speaks plain TCP distribution only", o->node);
    if (!w->connected && w->connect_errno) {
        if (w->connect_errno == ECONNREFUSED) {
            int port = o->port;
            if (port <= 0 && node_epmd_port(c->host, alive, 1000, &port, NULL) != 0)
                port = 0;
            if (port > 0 && listens_on_ipv6(c->host, port, clock_ms() + 1000))
                return bp_error(err, BP_ECONNREFUSED,
                                "cannot connect to '%s': its distribution port %d accepts "
                                "IPv6 only (-proto_dist inet6_tcp); beamprobe speaks IPv4 "
                                "distribution (inet_tcp)", o->node, port);
            return bp_error(err, BP_ECONNREFUSED,
                            "cannot connect to '%s': the distribution port refused the "
                            "connection (node stopped, stale epmd entry, or an IPv6-only "
                            "distribution)", o->node);
        }
        if (w->connect_errno == ETIMEDOUT)
            return bp_error(err, BP_ETIMEDOUT,
                            "cannot connect to '%s': connecting timed out after %u ms",
                            o->node, o->timeout_ms);
        return bp_error(err, BP_ECONNREFUSED, "cannot connect to '%s': %s", o->node,
                        strerror(w->connect_errno));
    }
    if (w->status[0] && strcmp(w->status, "ok") != 0 &&
        strcmp(w->status, "ok_simultaneous") != 0) {
        if (strcmp(w->status, "not_allowed") == 0)
            return bp_error(err, BP_EHANDSHAKE,
                            "cannot connect to '%s': the node does not allow connections "
                            "from '%s' (net_kernel:allow/1)", o->node, c->ec.thisnodename);
        if (strncmp(w->status, "named", 5) == 0)
            return bp_error(err, BP_EHANDSHAKE,
                            "cannot connect to '%s': unexpected dynamic-name status",
                            o->node);
        return bp_error(err, BP_EHANDSHAKE, "cannot connect to '%s': the node refused the "
                        "connection (status '%s')", o->node, w->status);
    }
    if (w->got_ack)
        return bp_error(err, BP_EHANDSHAKE,
                        "cannot connect to '%s': the node's acknowledgement does not prove it "
                        "knows the cookie (wrong digest): not the node you think, or its "
                        "cookie differs", o->node);
    if (w->bad_msg)
        return bp_error(err, BP_EHANDSHAKE,
                        "cannot connect to '%s': the peer sent a malformed handshake message "
                        "(is this an Erlang distribution port?)", o->node);
    if (w->sent_reply && !w->got_ack && !w->timed_out)
        return bp_error(err, BP_EAUTH,
                        "cannot connect to '%s': authentication failed (cookie mismatch)",
                        o->node);
    if (rc == ERL_TIMEOUT || w->timed_out)
        return bp_error(err, BP_ETIMEDOUT,
                        "cannot connect to '%s': the handshake timed out after %u ms "
                        "(node frozen or overloaded?)", o->node, o->timeout_ms);
    if (w->eof && (w->in.hdr_got > 0 || w->in.body_got > 0))
        return bp_error(err, BP_EHANDSHAKE,
                        "cannot connect to '%s': the peer closed the connection in the middle "
                        "of a handshake message", o->node);
    if (w->connected && !w->status[0] && (w->eof || w->first_in))
        return bp_error(err, BP_EHANDSHAKE,
                        "cannot connect to '%s': the node closed the connection before "
                        "answering the handshake (a TLS-only distribution, or a node that "
                        "refuses connections from this host?)", o->node);
    return bp_error(err, BP_EHANDSHAKE, "cannot connect to '%s': handshake failed",
                    o->node);
}

int node_open(const struct node_opts *o, struct node_conn **out,
              struct bp_err *err)
{
    struct node_conn *c;
    struct in_addr addr;
    const char *at;
    char alive[256], selfhost[200];
    int longnames, rc = 0, i, fd = -1, retried_alive = 0;
    char busy_status[32] = "";
    uint32_t creation;
    int64_t deadline;
    struct hs_watch w;

    at = o->node ? strchr(o->node, '@') : NULL;
    if (!at || !valid_part(o->node, (size_t)(at - o->node)) ||
        !valid_part(at + 1, strlen(at + 1)))
        return bp_error(err, BP_EUSAGE, "invalid node name '%s' (expected NAME@HOST)",
                        o->node ? o->node : "");
    c = xcalloc(1, sizeof(*c));
    c->fd = -1;
    snprintf(c->name, sizeof(c->name), "%s", o->node);
    snprintf(alive, sizeof(alive), "%.*s", (int)(at - o->node), o->node);
    snprintf(c->host, sizeof(c->host), "%s", at + 1);
    c->timeout_ms = o->timeout_ms ? o->timeout_ms : 5000;
    c->max_frame = o->max_frame ? o->max_frame : 256u * 1024 * 1024;

    rc = net_resolve4(c->host, &addr, err);
    if (rc) {
        bp_err_prefix(err, "cannot connect to '%s': ", o->node);
        goto fail;
    }
    longnames = o->names == NODE_NAMES_LONG ||
                (o->names == NODE_NAMES_AUTO && is_long_host(c->host));
    self_host(longnames, &addr, selfhost, sizeof(selfhost));
    creation = random_creation();
    deadline = clock_ms() + c->timeout_ms;

    for (i = 0; i < NAME_POOL; i++) {
        char self_alive[32], self_node[MAXNODELEN + 1];
        unsigned left;

        snprintf(self_alive, sizeof(self_alive), "beamprobe_%d", i);
        snprintf(self_node, sizeof(self_node), "%s@%s", self_alive, selfhost);
        memset(&w, 0, sizeof(w));
        w.first_in = 1;
        w.deadline = deadline;
        if (ei_connect_xinit_ussi(&c->ec, selfhost, self_alive, self_node, NULL,
                                  o->cookie, creation, &callbacks, sizeof(callbacks),
                                  &w) < 0) {
            rc = bp_error(err, BP_EINTERNAL, "cannot initialise the C node");
            goto fail;
        }
        left = (unsigned)(deadline > clock_ms() ? deadline - clock_ms() : 1);
        if (o->port > 0)
            fd = ei_xconnect_host_port_tmo(&c->ec, &addr, o->port, left);
        else
            fd = ei_xconnect_tmo(&c->ec, &addr, alive, left);
        if (fd >= 0)
            break;
        if (strcmp(w.status, "alive") == 0 || strcmp(w.status, "nok") == 0) {
            /* That pool name is connected, or being connected right now,
             * by another beamprobe. */
            retried_alive = 1;
            snprintf(busy_status, sizeof(busy_status), "%s", w.status);
            if (clock_ms() < deadline)
                continue;
        }
        rc = classify(c, o, fd, &w, alive, err);
        if (retried_alive && rc != BP_EAUTH && err) {
            size_t l = strlen(err->msg);
            snprintf(err->msg + l, sizeof(err->msg) - l,
                     " (after the node answered '%s' for beamprobe_0..%d: names in use)",
                     busy_status, i - 1);
        }
        goto fail;
    }
    if (fd < 0) {
        rc = bp_error(err, BP_EHANDSHAKE,
                      "cannot connect to '%s': all %d beamprobe node names are in use on "
                      "that node", o->node, NAME_POOL);
        goto fail;
    }
    c->fd = fd;
    c->last_rx = clock_ms();
    /* The handshake is the only use of the cookie: forget our copy. */
    memset(c->ec.ei_connect_cookie, 0, sizeof(c->ec.ei_connect_cookie));
    snprintf(c->info.name, sizeof(c->info.name), "%s", w.peer[0] ? w.peer : o->node);
    rc = check_name_mode(o, longnames, c->info.name, err);
    if (rc)
        goto fail;
    rc = node_probe(c, err);
    if (rc)
        goto fail;
    *out = c;
    return 0;

fail:
    node_close(c);
    return rc;
}

void node_close(struct node_conn *c)
{
    size_t i;

    if (!c)
        return;
    if (c->fd >= 0)
        ei_close_connection(c->fd);
    for (i = 0; i < c->q_len; i++)
        free(c->q[(c->q_head + i) % c->q_cap].data);
    free(c->q);
    free(c->in);
    free(c->reply);
    free(c->out);
    free(c->ctl_cache);
    memset(&c->ec, 0, sizeof(c->ec));
    free(c);
}

const struct node_info *node_info(const struct node_conn *c)
{
    return &c->info;
}

const char *node_name(const struct node_conn *c)
{
    return c->name;
}

const char *node_self_name(const struct node_conn *c)
{
    return c->ec.thisnodename;
}

unsigned node_timeout(const struct node_conn *c)
{
    return c->timeout_ms;
}

int node_fd(const struct node_conn *c)
{
    return c->gone ? -1 : c->fd;
}

uint64_t node_dropped(const struct node_conn *c)
{
    return c->dropped;
}

uint64_t node_stale_replies(const struct node_conn *c)
{
    return c->stale;
}

const erlang_pid *node_self_erl(const struct node_conn *c)
{
    return &c->ec.self;
}

struct term *node_self_pid(const struct node_conn *c, struct arena *a)
{
    const erlang_pid *p = &c->ec.self;
    return term_pidv(a, arena_strdup(a, p->node), p->num, p->serial, p->creation);
}

void node_encode_ctx(const struct node_conn *c, struct term_encode_ctx *ctx)
{
    ctx->node = c->info.name;
    ctx->creation = c->info.creation;
}
