/* SPDX-License-Identifier: Apache-2.0 */
/*
 * node.h - one connection to one BEAM node, as a hidden C node.
 *
 * node_open() resolves the host, finds the node through epmd (or goes
 * straight to --port), runs the distribution handshake with libei under a
 * deadline, and probes the node's facts once (OTP release, word size,
 * creation, Elixir).  After the handshake beamprobe reads the socket itself
 * with a bounded frame reader (node_frame.h), answers ticks, answers I/O
 * requests from code it runs, and never blocks longer than its deadline or
 * a quarter of the tick time.
 *
 * Remote work goes through the node's `rex` server with the gen_server call
 * protocol and a fresh reference per call, so a late reply is never taken
 * for another call's answer.  Nothing is loaded on the node: node_eval()
 * evaluates a pre-parsed expression with erl_eval (stdlib).
 *
 * The cookie is held only inside libei's ei_cnode and is never printed.
 * Ownership: node_open returns a connection the caller frees with
 * node_close; terms returned by calls live in the caller's arena.
 */
#ifndef BP_NODE_H
#define BP_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/remote.h"
#include "term/term.h"
#include "util/arena.h"
#include "util/err.h"

enum node_names {
    NODE_NAMES_AUTO,  /* long names if the host part has a dot or is an IP */
    NODE_NAMES_SHORT,
    NODE_NAMES_LONG
};

struct node_opts {
    const char *node;      /* NAME@HOST */
    int port;              /* > 0: the node's distribution port, no epmd */
    const char *cookie;    /* borrowed; never printed or logged */
    unsigned timeout_ms;   /* connect deadline and default call deadline */
    enum node_names names;
    size_t max_frame;      /* largest frame accepted; 0: 256 MiB */
};

/* Facts probed once at attach. */
struct node_info {
    char name[256];          /* the node's own name */
    int otp_major;           /* e.g. 25 */
    char otp_release[16];
    char erts_version[32];
    int wordsize;            /* bytes per word */
    uint32_t creation;
    bool elixir;             /* the elixir application is loaded */
    char elixir_version[32];
    int64_t process_count;
    int64_t process_limit;
    int schedulers;
    int schedulers_online;
    int dirty_cpu_schedulers;
    int dirty_io_schedulers;
    int64_t uptime_ms;
};

struct node_conn;

/*
 * Connect, handshake and probe.  Blocks at most o->timeout_ms for the
 * connection plus o->timeout_ms for the probe.  On failure returns a
 * BP_E* code with a one-line message in err: BP_EHOST, BP_ENOEPMD,
 * BP_ENONODE (the message lists the names epmd knows on that host),
 * BP_ECONNREFUSED, BP_EAUTH, BP_EHANDSHAKE, BP_ETIMEDOUT, BP_ENAMEMODE
 * (through epmd, a short name asked of a long-name node or the reverse).
 */
int node_open(const struct node_opts *o, struct node_conn **out,
              struct bp_err *err);

/* Close the connection (the node sees beamprobe go) and free it. */
void node_close(struct node_conn *c);

const struct node_info *node_info(const struct node_conn *c);
/* The node's name as given to node_open. */
const char *node_name(const struct node_conn *c);
/* beamprobe's own node name on this connection (from the fixed pool). */
const char *node_self_name(const struct node_conn *c);
/* beamprobe's pid on this connection (messages to it reach node_recv). */
struct term *node_self_pid(const struct node_conn *c, struct arena *a);
/* Default call deadline in milliseconds. */
unsigned node_timeout(const struct node_conn *c);
/* Context to encode pids parsed as <0.N.S> for this node. */
void node_encode_ctx(const struct node_conn *c, struct term_encode_ctx *ctx);
/* Socket, for poll(2) in event loops (the TUI); -1 when closed. */
int node_fd(const struct node_conn *c);
/* Messages dropped because the local queue was full. */
uint64_t node_dropped(const struct node_conn *c);
/* Late or unmatched rpc replies discarded so far. */
uint64_t node_stale_replies(const struct node_conn *c);

/*
 * apply(Mod, Fun, Args) on the node through rex.  args is a proper list
 * term (NULL for no arguments).  timeout_ms 0 uses the default.  The reply
 * is decoded into arena a.  Errors: BP_ETIMEDOUT, BP_ENODEGONE, BP_EINTR,
 * BP_EBADRPC ({badrpc, Reason} or an exception, message shows the reason),
 * BP_EDECODE/BP_ETOOBIG for an unreadable reply.
 */
int node_rpc(struct node_conn *c, const char *mod, const char *fun,
             const struct term *args, unsigned timeout_ms, struct arena *a,
             struct term **out, struct bp_err *err);

struct node_binding {
    const char *name;          /* an Erlang variable name, e.g. "Pid" */
    const struct term *value;
};

/*
 * Evaluate a pre-parsed expression (src/remote/NAME.erl) on the node with
 * erl_eval, binding its free variables.  Returns its value as node_rpc.
 */
int node_eval(struct node_conn *c, const struct remote_expr *e,
              const struct node_binding *b, size_t nb, unsigned timeout_ms,
              struct arena *a, struct term **out, struct bp_err *err);

/* Send msg to a pid / a registered name on the node. */
int node_send(struct node_conn *c, const struct term_pid *to,
              const struct term *msg, struct bp_err *err);
int node_send_reg(struct node_conn *c, const char *name,
                  const struct term *msg, struct bp_err *err);

/*
 * Buffered sending for high message rates (load generation): append one
 * message, already encoded with its 131 version byte, as a frame to an
 * output buffer; the buffer is written with one system call when it passes
 * 64 KiB or on node_flush.  The SEND control for a destination is encoded
 * once and reused while the destination stays the same.  to: a pid, or
 * NULL with name set for a registered name.
 */
int node_send_buffered(struct node_conn *c, const struct term_pid *to, const char *name,
                       const void *msg, size_t len, struct bp_err *err);
/* Write what node_send_buffered queued (blocks at most the call timeout). */
int node_flush(struct node_conn *c, struct bp_err *err);
/* Bytes queued and not yet written. */
size_t node_pending(const struct node_conn *c);

/*
 * Next message sent to beamprobe's pid (not an rpc reply), decoded into a.
 * Waits until the absolute monotonic deadline (ms; < 0 waits forever).
 * Returns 0, BP_ETIMEDOUT at the deadline, BP_EINTR on a signal,
 * BP_ENODEGONE when the connection is lost.
 */
int node_recv(struct node_conn *c, int64_t deadline, struct arena *a,
              struct term **msg, struct bp_err *err);

/*
 * Keep the connection serviced (ticks, I/O requests; messages are queued)
 * until the absolute monotonic deadline.  Returns 0 at the deadline,
 * BP_EINTR on a signal, BP_ENODEGONE when the connection is lost.
 */
int node_wait(struct node_conn *c, int64_t deadline, struct bp_err *err);

/*
 * Watch the node's liveness while waiting (node_recv, node_wait, calls):
 * when it has sent nothing for a second, ask its net_kernel whether we
 * are authorised, as net_adm:ping does, and when that gets no answer
 * within the call timeout, fail with BP_ENOANSWER (node frozen, swamped
 * or cut off), long before the distribution tick time notices.  For the
 * commands that otherwise only listen (trace, telemetry) or only send
 * (load), and for watches.
 */
void node_watch_liveness(struct node_conn *c, int on);

/* ---------------------------------------------------------------------
 * Cookies
 */

/*
 * Find the cookie: explicit (--cookie), then --cookie-file,
 * $BEAMPROBE_COOKIE_FILE, $BEAMPROBE_COOKIE, ~/.erlang.cookie.  A cookie
 * file readable or writable by group/others is refused (BP_ECOOKIE).
 * buf receives the cookie; the message in err never contains it.
 */
int node_cookie_find(const char *explicit_cookie, const char *cookie_file,
                     char *buf, size_t n, struct bp_err *err);

/* ---------------------------------------------------------------------
 * epmd
 */

/*
 * Ask epmd on host for the names it knows: "name a at port 1234\n..." is
 * turned into "a, b, c" in buf.  Returns 0 or BP_ENOEPMD.
 */
int node_epmd_names(const char *host, unsigned timeout_ms, char *buf,
                    size_t n, struct bp_err *err);

/* The distribution port epmd on host has for alive name. */
int node_epmd_port(const char *host, const char *alive, unsigned timeout_ms, int *port,
                   struct bp_err *err);

#endif
