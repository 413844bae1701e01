/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stuck.h - is a process stuck, overloaded, blocked, or fine?
 *
 * The guide's Debugging 1 asks three things of a process: does it answer
 * (a call with a timeout), what is it executing (current_function), and is
 * it in GC (the stacktrace).  stuck_judge() turns what beamprobe observed
 * over a window - status samples, the current function at each sample, the
 * mailbox and reductions at both ends, the result of a bounded probe - into
 * one verdict with a level and a score for ranking:
 *
 *   unresponsive  the probe got no answer within its timeout (🔴)
 *   stalled       the mailbox grows while reductions stall (🔴)
 *   overloaded    the mailbox grows while it works flat out in the same
 *                 function (⚠️: it runs, but cannot keep up)
 *   blocked       it waits for the whole window in a blocking call
 *                 (gen:do_call, timer:sleep, erpc ...) (⚠️, 🔴 if messages
 *                 pile up meanwhile)
 *   busy          it runs the same function, never waiting, the whole
 *                 window (⚠️: a long computation or a loop)
 *   backlog       the mailbox grows although it keeps handling messages (⚠️)
 *   unmatched     messages sit in the mailbox while it waits in a receive
 *                 that does not take them (⚠️: a selective receive)
 *   responsive / idle / working  nothing wrong (✅)
 *
 * Pure functions: no I/O; unit-tested without a node.
 */
#ifndef BP_ANALYZE_STUCK_H
#define BP_ANALYZE_STUCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render/style.h"

enum stuck_probe {
    PROBE_NONE,    /* not probed: not an OTP process, or --probe never */
    PROBE_OK,      /* answered */
    PROBE_TIMEOUT, /* no answer within the timeout */
    PROBE_DOWN     /* died while probed */
};

/* Reductions per second below which a process counts as stalled. */
#define STUCK_STALL_REDS_PER_SEC 1000.0
/* A mailbox "grows" when it gained at least this many messages and holds
 * at least this many (a message arriving at the last instant is not a
 * backlog). */
#define STUCK_MIN_BACKLOG 5

struct stuck_obs {
    int64_t window_ms;
    size_t samples;            /* status samples taken */
    size_t running, runnable, waiting, garbage_collecting, suspended, other;
    bool same_function;        /* one current_function at every sample */
    bool idle_function;        /* it is a known idle loop (gen_server:loop/7 ...) */
    bool blocking_function;    /* it is a known blocking call (gen:do_call/4 ...) */
    bool gc_frames;            /* the guide's check: erts_internal/erlang frames on top */
    int64_t mq_first, mq_last, mq_max;
    int64_t reds_delta;        /* reductions over the window */
    enum stuck_probe probe;
    int64_t probe_us;          /* answer latency when PROBE_OK */
    int64_t probe_timeout_ms;
};

enum stuck_kind {
    STUCK_OK_RESPONSIVE,
    STUCK_OK_IDLE,
    STUCK_OK_WORKING,
    STUCK_UNMATCHED,
    STUCK_BACKLOG,
    STUCK_BUSY,
    STUCK_BLOCKED,
    STUCK_OVERLOADED,
    STUCK_STALLED,
    STUCK_UNRESPONSIVE
};

struct stuck_verdict {
    enum stuck_kind kind;
    enum level level;
    double score;        /* higher is worse; for ranking --all */
    char why[256];       /* one line, e.g. "mailbox +1,200 while reductions stalled (+0)" */
};

void stuck_judge(const struct stuck_obs *o, struct stuck_verdict *v);

/* "stalled", "unresponsive", ... (also the JSON name). */
const char *stuck_kind_name(enum stuck_kind k);

/* Is module:function/arity a known idle loop / blocking call? */
bool stuck_is_idle_function(const char *mod, const char *fun, int64_t arity);
bool stuck_is_blocking_function(const char *mod, const char *fun, int64_t arity);

/* Is a module one whose processes answer OTP system messages
 * (gen_server, gen_statem, gen_event, gen, sys, supervisor ...)? */
bool stuck_is_otp_module(const char *mod);

/* Tally a status atom name into o's counters. */
void stuck_count_status(struct stuck_obs *o, const char *status);

#endif
