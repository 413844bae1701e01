/* SPDX-License-Identifier: Apache-2.0 */
/*
 * err.h - error codes and the caller-owned error detail buffer.
 *
 * Lower layers (util, term, node, collect, analyze, render) return 0 on
 * success and a negative BP_E* code on failure, filling an optional
 * struct bp_err with a one-line, lower-case detail message.  They never
 * print and never exit: only cmd/ and cli/ report errors, once, at the top.
 * bp_exit_code() maps a code to the documented process exit status.
 */
#ifndef BP_ERR_H
#define BP_ERR_H

#include <stddef.h>

enum {
    BP_OK = 0,
    BP_EUSAGE = -1,       /* malformed argument or option */
    BP_ENOMEM = -2,
    BP_EIO = -3,          /* local I/O error (file, socket) */
    BP_ENOEPMD = -10,     /* epmd not reachable on the host */
    BP_ENONODE = -11,     /* node name not registered with epmd */
    BP_EAUTH = -12,       /* handshake refused: cookie mismatch */
    BP_ECONNREFUSED = -13,/* the distribution port refused the connection */
    BP_EHOST = -14,       /* host name cannot be resolved */
    BP_ENODEGONE = -15,   /* the connection to the node was lost */
    BP_EHANDSHAKE = -16,  /* handshake failed for another reason */
    BP_ECOOKIE = -17,     /* no usable cookie (missing, unsafe permissions) */
    BP_ENAMEMODE = -18,   /* short name asked of a long-name node, or the reverse */
    BP_ENOPROC = -20,     /* process not found, or it died */
    BP_ETIMEDOUT = -30,   /* a remote call outlasted its deadline */
    BP_ENOANSWER = -31,   /* the node stopped answering liveness pings */
    BP_EBADRPC = -40,     /* the node answered with an error (badrpc, exception) */
    BP_EUNSUPPORTED = -41,/* the node lacks a feature this command needs */
    BP_EDECODE = -50,     /* malformed or unexpected term from the node */
    BP_ETOOBIG = -51,     /* a reply or frame exceeded its configured limit */
    BP_EINTR = -60,       /* interrupted by SIGINT/SIGTERM */
    BP_ETHRESHOLD = -70,  /* a --fail-on style threshold was crossed */
    BP_EINTERNAL = -99
};

/* Process exit statuses (DESIGN.md section 5; documented in the man page). */
enum {
    BP_EXIT_OK = 0,
    BP_EXIT_USAGE = 1,
    BP_EXIT_CONNECT = 2,
    BP_EXIT_NOPROC = 3,
    BP_EXIT_TIMEOUT = 4,
    BP_EXIT_REMOTE = 5,
    BP_EXIT_THRESHOLD = 6,
    BP_EXIT_INTERNAL = 70
};

/* Optional detail for an error: code plus a one-line message. */
struct bp_err {
    int code;
    char msg[256];
};

/*
 * Record code and a printf-style message in err (which may be NULL) and
 * return code, so callers can write `return bp_error(err, BP_EIO, ...)`.
 */
int bp_error(struct bp_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix the existing message of err with context ("top: %s"). */
void bp_err_prefix(struct bp_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Static text for a code. */
const char *bp_strerror(int code);

/* Exit status for an error code (0 for BP_OK). */
int bp_exit_code(int code);

#endif
