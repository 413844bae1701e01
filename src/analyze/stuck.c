/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stuck.c - the stuck-process heuristics; see stuck.h.
 */
#include "analyze/stuck.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct mfa_name {
    const char *mod, *fun;
    int64_t arity; /* -1: any */
};

/* Where a process waits when it has nothing to do. */
static const struct mfa_name idle_funs[] = {
    { "gen_server", "loop", -1 },
    { "gen_statem", "loop_receive", -1 },
    { "gen_statem", "loop", -1 },
    { "gen_event", "fetch_msg", -1 },
    { "gen_fsm", "loop", -1 },
    { "erlang", "hibernate", 3 },
    { "proc_lib", "wake_up", 3 },
    { "sys", "suspend_loop", -1 },
    { NULL, NULL, 0 }
};

/* Where a process waits for someone else. */
static const struct mfa_name blocking_funs[] = {
    { "gen", "do_call", 4 },
    { "gen", "wait_resp_mon", 3 },
    { "gen", "do_call", 3 },
    { "gen_statem", "call_dirty", -1 },
    { "gen_statem", "call_clean", -1 },
    { "timer", "sleep", 1 },
    { "erpc", "call", -1 },
    { "erpc", "receive_response", -1 },
    { "erpc", "execute_call", 3 },
    { "rpc", "do_call", -1 },
    { "global", "trans", -1 },
    { "global", "set_lock", -1 },
    { "io", "wait_io_mon_reply", 2 },
    { "io", "execute_request", -1 },
    { "proc_lib", "sync_start", -1 },
    { "proc_lib", "sync_start_link", -1 },
    { "gen_tcp", "recv", -1 },
    { "prim_inet", "recv0", -1 },
    { "prim_inet", "accept0", -1 },
    { NULL, NULL, 0 }
};

static const char *const otp_modules[] = {
    "gen_server", "gen_statem", "gen_event", "gen_fsm", "gen", "sys", "supervisor",
    "supervisor_bridge", NULL
};

static bool match(const struct mfa_name *t, const char *mod, const char *fun, int64_t arity)
{
    if (!mod || !fun)
        return false;
    for (; t->mod; t++)
        if (strcmp(t->mod, mod) == 0 && strcmp(t->fun, fun) == 0 &&
            (t->arity < 0 || t->arity == arity))
            return true;
    return false;
}

bool stuck_is_idle_function(const char *mod, const char *fun, int64_t arity)
{
    return match(idle_funs, mod, fun, arity);
}

bool stuck_is_blocking_function(const char *mod, const char *fun, int64_t arity)
{
    return match(blocking_funs, mod, fun, arity);
}

bool stuck_is_otp_module(const char *mod)
{
    size_t i;
    if (!mod)
        return false;
    for (i = 0; otp_modules[i]; i++)
        if (strcmp(otp_modules[i], mod) == 0)
            return true;
    return false;
}

void stuck_count_status(struct stuck_obs *o, const char *status)
{
    o->samples++;
    if (!status)
        o->other++;
    else if (strcmp(status, "running") == 0)
        o->running++;
    else if (strcmp(status, "runnable") == 0)
        o->runnable++;
    else if (strcmp(status, "waiting") == 0)
        o->waiting++;
    else if (strcmp(status, "garbage_collecting") == 0)
        o->garbage_collecting++;
    else if (strcmp(status, "suspended") == 0)
        o->suspended++;
    else
        o->other++;
}

const char *stuck_kind_name(enum stuck_kind k)
{
    switch (k) {
    case STUCK_OK_RESPONSIVE: return "responsive";
    case STUCK_OK_IDLE: return "idle";
    case STUCK_OK_WORKING: return "working";
    case STUCK_UNMATCHED: return "unmatched";
    case STUCK_BACKLOG: return "backlog";
    case STUCK_BUSY: return "busy";
    case STUCK_BLOCKED: return "blocked";
    case STUCK_OVERLOADED: return "overloaded";
    case STUCK_STALLED: return "stalled";
    default: return "unresponsive";
    }
}

static void set(struct stuck_verdict *v, enum stuck_kind k, enum level l, double score)
{
    v->kind = k;
    v->level = l;
    v->score = score;
}

void stuck_judge(const struct stuck_obs *o, struct stuck_verdict *v)
{
    double secs = o->window_ms > 0 ? (double)o->window_ms / 1000.0 : 1.0;
    double reds_rate = (double)o->reds_delta / secs;
    int64_t growth = o->mq_last - o->mq_first;
    bool grows = growth >= STUCK_MIN_BACKLOG && o->mq_last >= STUCK_MIN_BACKLOG;
    bool stalled = reds_rate < STUCK_STALL_REDS_PER_SEC;
    bool never_waits = o->samples > 0 && o->waiting == 0;
    bool always_waits = o->samples > 0 && o->waiting == o->samples;
    /* The score orders --all: level first, then how fast the mailbox grows,
     * then how long it already is. */
    double base = (double)(growth > 0 ? growth : 0) * 10.0 + (double)o->mq_last;

    memset(v, 0, sizeof(*v));
    if (o->probe == PROBE_TIMEOUT) {
        set(v, STUCK_UNRESPONSIVE, LEVEL_CRIT, 4e15 + base);
        snprintf(v->why, sizeof(v->why),
                 "no answer to a system message within %" PRId64 " ms (mailbox %" PRId64
                 "%s%" PRId64 ")", o->probe_timeout_ms, o->mq_last, growth >= 0 ? ", +" : ", ",
                 growth);
    } else if (grows && stalled) {
        set(v, STUCK_STALLED, LEVEL_CRIT, 3e15 + base);
        snprintf(v->why, sizeof(v->why),
                 "mailbox +%" PRId64 " (now %" PRId64 ") while reductions stall (+%" PRId64
                 " in %.1f s)", growth, o->mq_last, o->reds_delta, secs);
    } else if (o->same_function && o->blocking_function && always_waits && grows) {
        set(v, STUCK_BLOCKED, LEVEL_CRIT, 3e15 + base);
        snprintf(v->why, sizeof(v->why),
                 "waits in a blocking call for the whole window while its mailbox grows "
                 "(+%" PRId64 ")", growth);
    } else if (grows && o->same_function && never_waits) {
        set(v, STUCK_OVERLOADED, LEVEL_WARN, 2e15 + base);
        snprintf(v->why, sizeof(v->why),
                 "mailbox +%" PRId64 " (now %" PRId64 ") while it runs flat out in the same "
                 "function (%.0f reductions/s)", growth, o->mq_last, reds_rate);
    } else if (o->same_function && o->blocking_function && always_waits) {
        set(v, STUCK_BLOCKED, LEVEL_WARN, 1.5e15 + base);
        snprintf(v->why, sizeof(v->why),
                 "waits in a blocking call for the whole window (%.1f s)", secs);
    } else if (grows) {
        set(v, STUCK_BACKLOG, LEVEL_WARN, 1e15 + base);
        snprintf(v->why, sizeof(v->why),
                 "mailbox +%" PRId64 " (now %" PRId64 "): messages arrive faster than they "
                 "are handled (%.0f reductions/s)", growth, o->mq_last, reds_rate);
    } else if (o->same_function && never_waits && !o->idle_function) {
        set(v, STUCK_BUSY, LEVEL_WARN, 5e14 + base + reds_rate / 1e6);
        snprintf(v->why, sizeof(v->why),
                 "runs the same function for the whole window without waiting "
                 "(%.0f reductions/s)", reds_rate);
    } else if (always_waits && o->mq_last > 0 && o->reds_delta == 0 && o->same_function &&
               !o->idle_function) {
        set(v, STUCK_UNMATCHED, LEVEL_WARN, 1e14 + base);
        snprintf(v->why, sizeof(v->why),
                 "%" PRId64 " message%s wait in the mailbox while it waits in a receive that "
                 "does not take them", o->mq_last, o->mq_last == 1 ? "" : "s");
    } else if (o->probe == PROBE_OK) {
        set(v, STUCK_OK_RESPONSIVE, LEVEL_OK, base);
        snprintf(v->why, sizeof(v->why), "answered a system message in %.1f ms",
                 (double)o->probe_us / 1000.0);
    } else if (always_waits && o->mq_last == 0) {
        set(v, STUCK_OK_IDLE, LEVEL_OK, base);
        snprintf(v->why, sizeof(v->why), "idle: waiting for messages, mailbox empty");
    } else {
        set(v, STUCK_OK_WORKING, LEVEL_OK, base);
        snprintf(v->why, sizeof(v->why), "working: mailbox %" PRId64 ", %.0f reductions/s",
                 o->mq_last, reds_rate);
    }
    if (o->probe == PROBE_DOWN) {
        set(v, STUCK_UNRESPONSIVE, LEVEL_CRIT, 4e15 + base);
        snprintf(v->why, sizeof(v->why), "died while it was probed");
    }
}
