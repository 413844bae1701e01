/* SPDX-License-Identifier: Apache-2.0 */
/*
 * err.c - error codes to text and to exit statuses.
 *
 * Pure functions; no I/O.  The mapping here is the single source of the
 * exit codes listed in docs/beamprobe.1 and `beamprobe --help`.
 */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int bp_error(struct bp_err *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->code = code;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
    }
    return code;
}

void bp_err_prefix(struct bp_err *err, const char *fmt, ...)
{
    char pre[128];
    char old[sizeof(err->msg)];
    va_list ap;

    if (!err)
        return;
    va_start(ap, fmt);
    vsnprintf(pre, sizeof(pre), fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof(old));
    {
        size_t pl = strlen(pre), ol = strlen(old);
        if (pl > sizeof(err->msg) - 1)
            pl = sizeof(err->msg) - 1;
        if (ol > sizeof(err->msg) - 1 - pl)
            ol = sizeof(err->msg) - 1 - pl;
        memcpy(err->msg, pre, pl);
        memcpy(err->msg + pl, old, ol);
        err->msg[pl + ol] = '\0';
    }
}

const char *bp_strerror(int code)
{
    switch (code) {
    case BP_OK: return "success";
    case BP_EUSAGE: return "invalid argument";
    case BP_ENOMEM: return "out of memory";
    case BP_EIO: return "input/output error";
    case BP_ENOEPMD: return "epmd not reachable";
    case BP_ENONODE: return "node not registered with epmd";
    case BP_EAUTH: return "authentication failed (cookie mismatch)";
    case BP_ECONNREFUSED: return "connection refused";
    case BP_EHOST: return "unknown host";
    case BP_ENODEGONE: return "connection lost";
    case BP_EHANDSHAKE: return "distribution handshake failed";
    case BP_ECOOKIE: return "no usable cookie";
    case BP_ENAMEMODE: return "long/short node name mismatch";
    case BP_ENOPROC: return "no such process";
    case BP_ETIMEDOUT: return "timed out";
    case BP_ENOANSWER: return "node not answering";
    case BP_EBADRPC: return "remote error";
    case BP_EUNSUPPORTED: return "not supported by this node";
    case BP_EDECODE: return "malformed term";
    case BP_ETOOBIG: return "too big";
    case BP_EINTR: return "interrupted";
    case BP_ETHRESHOLD: return "threshold crossed";
    default: return "internal error";
    }
}

int bp_exit_code(int code)
{
    switch (code) {
    case BP_OK:
    case BP_EINTR:
        return BP_EXIT_OK;
    case BP_EUSAGE:
        return BP_EXIT_USAGE;
    case BP_ENOEPMD:
    case BP_ENONODE:
    case BP_EAUTH:
    case BP_ECONNREFUSED:
    case BP_EHOST:
    case BP_ENODEGONE:
    case BP_EHANDSHAKE:
    case BP_ECOOKIE:
    case BP_ENAMEMODE:
        return BP_EXIT_CONNECT;
    case BP_ENOPROC:
        return BP_EXIT_NOPROC;
    case BP_ETIMEDOUT:
    case BP_ENOANSWER:
        return BP_EXIT_TIMEOUT;
    case BP_EBADRPC:
    case BP_EUNSUPPORTED:
    case BP_EDECODE:
    case BP_ETOOBIG:
        return BP_EXIT_REMOTE;
    case BP_ETHRESHOLD:
        return BP_EXIT_THRESHOLD;
    default:
        return BP_EXIT_INTERNAL;
    }
}
