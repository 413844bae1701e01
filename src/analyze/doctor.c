/* SPDX-License-Identifier: Apache-2.0 */
/*
 * doctor.c - thresholds and advice of the guide's checks; see doctor.h.
 *
 * Where the numbers come from:
 *   mailbox        guide Quick 1 / Lasso alerts: > 100 warning, > 500 critical
 *   on-heap queue  guide Quick 5: an on-heap mailbox makes every GC scan the
 *                  queue; warning with a queue > 100, critical > 500
 *   minor GCs      Lasso alerts: > 10/s.  A warning only: the fixed design
 *                  under the worst load still collects ~120 times a second
 *                  and is healthy (lasso_target README, O4)
 *   process memory Lasso alerts: > 10 MB (a LiveView) warning, > 100 MB critical
 *   run queue      guide Quick 4 / Lasso: total > 10 warning, > 20 critical
 *   utilization    Lasso: > 80 % warning; > 95 % (saturated) critical
 *   memory trend   guide Debugging 3: growth > 10 % warning, > 20 % critical,
 *                  with a significant trend (analyze/trend.h)
 */
#include "analyze/doctor.h"

#include <inttypes.h>
#include <math.h>

const struct doctor_limits doctor_limits[DOC_NCHECKS] = {
    [DOC_MAILBOX] = { 100, 500 },
    [DOC_ONHEAP] = { 100, 500 },
    [DOC_GC] = { 10, INFINITY },
    [DOC_PROC_MEMORY] = { 10.0 * 1024 * 1024, 100.0 * 1024 * 1024 },
    [DOC_RUN_QUEUE] = { 10, 20 },
    [DOC_SCHED_UTIL] = { 0.80, 0.95 },
    [DOC_NODE_MEMORY] = { 10, 20 },
    [DOC_BINARY] = { 10, 20 },
};

enum level doctor_level(enum doctor_check c, double value)
{
    if (c < 0 || c >= DOC_NCHECKS)
        return LEVEL_INFO;
    if (value > doctor_limits[c].crit)
        return LEVEL_CRIT;
    if (value > doctor_limits[c].warn)
        return LEVEL_WARN;
    return LEVEL_OK;
}

const char *doctor_check_name(enum doctor_check c)
{
    switch (c) {
    case DOC_MAILBOX: return "mailbox";
    case DOC_ONHEAP: return "on_heap_mailbox";
    case DOC_GC: return "minor_gcs";
    case DOC_PROC_MEMORY: return "process_memory";
    case DOC_RUN_QUEUE: return "run_queue";
    case DOC_SCHED_UTIL: return "scheduler_utilization";
    case DOC_NODE_MEMORY: return "memory_growth";
    case DOC_BINARY: return "binary_growth";
    default: return "?";
    }
}

const char *doctor_check_title(enum doctor_check c)
{
    switch (c) {
    case DOC_MAILBOX: return "Process mailboxes";
    case DOC_ONHEAP: return "On-heap mailboxes with a long queue";
    case DOC_GC: return "Minor GCs per second";
    case DOC_PROC_MEMORY: return "Process memory";
    case DOC_RUN_QUEUE: return "Run queue";
    case DOC_SCHED_UTIL: return "Scheduler utilization";
    case DOC_NODE_MEMORY: return "Node memory trend";
    case DOC_BINARY: return "Refc binary memory trend";
    default: return "?";
    }
}

static void off_heap(struct sbuf *sb, bool elixir)
{
    sbuf_addstr(sb, elixir ? "Process.flag(:message_queue_data, :off_heap)"
                           : "process_flag(message_queue_data, off_heap)");
}

void doctor_advice(struct sbuf *sb, enum doctor_check c, const struct doctor_ctx *ctx)
{
    bool ex = ctx && ctx->elixir;

    switch (c) {
    case DOC_MAILBOX:
        sbuf_addstr(sb, "messages arrive faster than the process handles them: batch the "
                        "work, cap pending events (shed while the mailbox is long), or spread "
                        "the load over more processes");
        if (ctx && ctx->on_heap) {
            sbuf_addstr(sb, "; set message_queue_data to off_heap (");
            off_heap(sb, ex);
            sbuf_addstr(sb, " in init)");
        }
        break;
    case DOC_ONHEAP:
        if (ctx && ctx->mailbox > 0)
            sbuf_addf(sb, "every garbage collection of this process scans its %" PRId64
                          " queued messages: ", ctx->mailbox);
        else
            sbuf_addstr(sb, "every garbage collection of this process scans its queue: ");
        sbuf_addstr(sb, "set message_queue_data to off_heap (");
        off_heap(sb, ex);
        sbuf_addstr(sb, " in init, or the spawn option)");
        break;
    case DOC_GC:
        sbuf_addstr(sb, "frequent minor GCs: an on-heap mailbox or many short-lived "
                        "allocations; move the mailbox off the heap, raise min_heap_size (");
        sbuf_addstr(sb, ex ? "Process.flag(:min_heap_size, words)"
                           : "process_flag(min_heap_size, Words)");
        sbuf_addstr(sb, "), avoid O(n) work per message such as length/1 of a growing list");
        break;
    case DOC_PROC_MEMORY:
        sbuf_addstr(sb, "a large process: cap what it keeps (pending events, windows, "
                        "caches); 'beamprobe leak TARGET' tells steady growth from a "
                        "plateau, 'beamprobe memory TARGET' shows heap against mailbox");
        break;
    case DOC_RUN_QUEUE:
        sbuf_addstr(sb, "more runnable work than the schedulers can serve: find who burns "
                        "reductions ('beamprobe top --sort reductions --window 1s'), avoid "
                        "delivering each event to many processes, batch");
        break;
    case DOC_SCHED_UTIL:
        sbuf_addstr(sb, "the schedulers are saturated, no CPU headroom is left: reduce the "
                        "work per message or the fan-out, or give the node more cores");
        break;
    case DOC_NODE_MEMORY:
        sbuf_addstr(sb, "the node's memory grows steadily: 'beamprobe leak --all' ranks the "
                        "processes that grow and breaks memory down by type");
        break;
    case DOC_BINARY:
        sbuf_addstr(sb, "refc binaries grow: processes keep references to large binaries "
                        "(slices of big messages); 'beamprobe top --sort binary' finds them; "
                        "copy long-lived slices with binary:copy/1, or hibernate idle "
                        "holders");
        break;
    default:
        break;
    }
}

enum level doctor_worst(enum level a, enum level b)
{
    /* INFO ranks with OK. */
    int ra = a == LEVEL_CRIT ? 2 : a == LEVEL_WARN ? 1 : 0;
    int rb = b == LEVEL_CRIT ? 2 : b == LEVEL_WARN ? 1 : 0;
    return ra >= rb ? (ra ? a : LEVEL_OK) : b;
}

const char *doctor_level_name(enum level l)
{
    switch (l) {
    case LEVEL_OK: return "ok";
    case LEVEL_WARN: return "warning";
    case LEVEL_CRIT: return "critical";
    default: return "info";
    }
}
