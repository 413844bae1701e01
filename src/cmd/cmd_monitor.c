/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_monitor.c - `beamprobe monitor TARGET...`: the guide's
 * AggregatorMonitor line (Load Testing 2) without an IEx session, plus the
 * node's total run queue, for one or several processes, and the
 * AggregatorMetrics log line (Production Monitoring 2) with --format log.
 *
 * Each sample is one erl_eval round trip for all targets of a node
 * (collect_mon_sample): process_info of each, the total run queue.  The
 * GC rate is the change of minor_gcs over the node's own clock between
 * two samples; minor_gcs drops back at a fullsweep, which never gives a
 * negative rate.  --fail-on ends the watch with exit 6 at the first sample
 * that crosses a threshold, after printing it.
 */
#include "cmd/cmd.h"
#include "cmd/cmd_cluster.h"
#include "cmd/cmd_common.h"
#include "cmd/cmd_load_common.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TARGETS 256
#define MAX_THRESHOLDS 16

struct mon_args {
    char **specs;
    int n;
    int cluster;
};

/* Per node, across rounds. */
struct mon_state {
    struct arena a;
    struct mon_target *tg;
    int *found;
    struct term **pids;
    int npids;
    int wordsize;
    int64_t run_queue;
    int rounds;
};

static void state_free(struct mon_state *st)
{
    if (!st)
        return;
    arena_release(&st->a);
    free(st);
}

static int resolve(struct bp_ctx *ctx, struct cluster_job *job, struct mon_args *ma,
                   struct mon_state *st)
{
    struct target *tg = arena_zalloc(&st->a, (size_t)ma->n * sizeof(*tg));
    const char **pids = arena_zalloc(&st->a, (size_t)ma->n * sizeof(*pids));
    int i, rc;

    st->tg = arena_zalloc(&st->a, (size_t)ma->n * sizeof(*st->tg));
    st->found = arena_zalloc(&st->a, (size_t)ma->n * sizeof(int));
    st->pids = arena_zalloc(&st->a, (size_t)ma->n * sizeof(*st->pids));
    st->wordsize = node_info(job->conn)->wordsize ? node_info(job->conn)->wordsize : 8;
    rc = cmd_resolve_on(ctx, job->conn, &st->a, ma->specs, ma->n, ma->cluster, tg, st->found,
                        pids, &job->err);
    if (rc)
        return rc;
    for (i = 0; i < ma->n; i++) {
        struct mon_target *t = &st->tg[i];
        if (!st->found[i])
            continue; /* not on this node */
        t->t = tg[i];
        t->pid_str = pids[i];
        t->label = ma->cluster ? arena_printf(&st->a, "%s %s", job->node, ma->specs[i])
                               : ma->specs[i];
        st->pids[st->npids++] = t->t.pid;
    }
    return 0;
}

static int mon_node(struct bp_ctx *ctx, struct cluster_job *job, void *arg)
{
    struct mon_args *ma = arg;
    struct mon_state *st = job->state;
    struct mon_sample s;
    int i, k, rc;

    if (st && st->rounds && job->conn && node_fd(job->conn) < 0) {
        state_free(st);
        job->state = st = NULL;
    }
    if (!st) {
        st = xcalloc(1, sizeof(*st));
        arena_init(&st->a);
        job->state = st;
        rc = resolve(ctx, job, ma, st);
        if (rc) {
            state_free(st);
            job->state = NULL;
            return rc;
        }
    }
    if (st->npids) {
        rc = collect_mon_sample(job->conn, &job->arena, st->pids, (size_t)st->npids, NULL, &s,
                                &job->err);
        if (rc)
            return rc;
        for (i = 0, k = 0; i < ma->n; i++)
            if (st->found[i])
                mon_target_update(&st->tg[i], &s.procs[k++], s.node_us);
        st->run_queue = s.run_queue;
    }
    st->rounds++;
    job->result = st;
    return 0;
}

int cmd_monitor(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "monitor",
        "monitor TARGET... [--interval D] [--count N] [--duration D]\n"
        "       [--fail-on mailbox>N,gc_rate>R,memory>MB] [--format line|log] [--cluster]",
        "The guide's monitor line for one or more processes, every interval: time,\n"
        "status (ok up to 100 messages, warning above 100, critical above 1000),\n"
        "mailbox, memory MB, heap MB, minor GCs per second, and the node's total run\n"
        "queue.  --json prints JSON lines; --format log prints the guide's periodic\n"
        "AggregatorMetrics log line (default interval then 60s).",
        "--fail-on takes comma-separated thresholds: mailbox>N (messages), gc_rate>R\n"
        "(minor GCs per second), memory>MB, heap>MB, run_queue>N.  The first sample\n"
        "that crosses one is printed and the command exits 6.  A target that dies is\n"
        "reported (\"Process died!\"); when all have died the command exits 3.  Ctrl-C\n"
        "ends it with 0.  Effects on the node: one process_info/2 per target and\n"
        "sample, read-only."
    };
    int64_t interval_ms = 0, count = 0, duration_ms = 0;
    const char *fail_on = NULL, *format = NULL, *tag = "AggregatorMetrics";
    bool cluster = false;
    struct opt opts[] = {
        OPT_DURATION("interval", 'i', &interval_ms, "D",
                     "sample every D (default 1s; 60s with --format log)"),
        OPT_INT("count", 'n', &count, "N", "stop after N samples"),
        OPT_DURATION("duration", 'd', &duration_ms, "D", "stop after D"),
        OPT_STRING("fail-on", 0, &fail_on, "LIST",
                   "exit 6 when a threshold is crossed: mailbox>N,gc_rate>R,memory>MB"),
        OPT_STRING("format", 'f', &format, "FORMAT",
                   "line (the guide's monitor line, default) or log (AggregatorMetrics)"),
        OPT_STRING("tag", 0, &tag, "TAG", "the tag of log lines (default AggregatorMetrics)"),
        OPT_FLAG("cluster", 'c', &cluster, "look TARGETs up on every node of the cluster"),
        OPT_END
    };
    struct mon_threshold th[MAX_THRESHOLDS];
    size_t nth = 0, j;
    enum mon_format fmt = MON_FORMAT_LINE;
    char *pos[MAX_TARGETS];
    int npos, rc, i;
    struct mon_args ma;
    struct cluster cl;
    struct watch w;
    int64_t end_ms = 0;

    rc = cli_parse(ctx, &help, opts, argc, argv, pos, MAX_TARGETS, &npos, err);
    if (rc)
        return rc < 0 ? rc : 0;
    if (npos == 0)
        return bp_error(err, BP_EUSAGE, "monitor: at least one TARGET is needed");
    if (interval_ms < 0 || count < 0 || duration_ms < 0)
        return bp_error(err, BP_EUSAGE, "monitor: --interval, --count and --duration must be "
                                         "positive");
    if (format && strcmp(format, "log") == 0)
        fmt = MON_FORMAT_LOG;
    else if (format && strcmp(format, "line") != 0)
        return bp_error(err, BP_EUSAGE, "monitor: --format must be line or log");
    if (!interval_ms)
        interval_ms = fmt == MON_FORMAT_LOG ? 60000 : 1000;
    if (fail_on && (rc = mon_fail_on_parse(fail_on, th, MAX_THRESHOLDS, &nth, err)) < 0)
        return rc;
    ma.specs = pos;
    ma.n = npos;
    ma.cluster = cluster;
    rc = load_attach(ctx, err);
    if (rc == 0)
        rc = cluster_open(ctx, !cluster, &cl, err);
    else
        memset(&cl, 0, sizeof(cl));
    if (rc)
        goto out;
    watch_init(&w, interval_ms, count);
    if (duration_ms)
        end_ms = clock_ms() + duration_ms;
    while ((rc = cluster_watch_next(&cl, &w)) == 0) {
        int alive = 0, breach = 0;
        char msg[300];

        if (end_ms && clock_ms() > end_ms)
            break;
        cluster_round(ctx, &cl, mon_node, &ma);
        rc = cluster_status(&cl, err);
        if (rc)
            goto out;
        for (j = 0; j < cl.n; j++) {
            struct mon_state *st = cl.jobs[j].result;
            if (!st)
                continue;
            if (st->rounds == 1 && !ctx->json && fmt == MON_FORMAT_LINE && npos == 1 &&
                !cluster && st->found[0]) {
                /* The guide's header for a single target. */
                fprintf(ctx->out, "Monitoring %s\nPID: %s\n\n", pos[0], st->tg[0].pid_str);
            }
            for (i = 0; i < npos; i++) {
                struct mon_target *t = &st->tg[i];
                if (!st->found[i] || t->reported_dead)
                    continue;
                if (!t->cur.alive)
                    t->reported_dead = 1;
                else
                    alive++;
                if (ctx->json) {
                    struct sbuf sb = SBUF_INIT;
                    char iso[40];
                    int first = 1;
                    cmd_now(NULL, 0, iso, sizeof(iso));
                    cmd_json_open(&sb, &first, iso, cluster ? cl.jobs[j].node : NULL);
                    mon_json_fields(&sb, &first, t, st->wordsize);
                    json_key(&sb, "run_queue", &first);
                    json_int(&sb, st->run_queue);
                    sbuf_addch(&sb, '}');
                    cmd_json_line(ctx, &sb);
                    sbuf_release(&sb);
                } else {
                    mon_print_line(ctx, ctx->out, fmt, tag,
                                   npos > 1 || cluster ? t->label : NULL, t, st->run_queue,
                                   st->wordsize, NULL);
                }
                if (!breach && nth &&
                    mon_check(th, nth, t, st->run_queue, st->wordsize, msg, sizeof(msg)))
                    breach = 1;
            }
        }
        cluster_print_errors(ctx, &cl);
        fflush(ctx->out);
        if (breach) {
            rc = bp_error(err, BP_ETHRESHOLD, "monitor: %s", msg);
            goto out;
        }
        if (!alive && !cluster) {
            rc = bp_error(err, BP_ENOPROC, "monitor: every watched process died");
            goto out;
        }
    }
    if (rc == 1)
        rc = 0;
out:
    for (j = 0; j < cl.n; j++)
        state_free(cl.jobs[j].state);
    cluster_close(&cl);
    return rc;
}
