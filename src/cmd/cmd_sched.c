/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_sched.c - `beamprobe sched`: run queues and scheduler utilization.
 *
 * The guide's Quick Diagnostics 4: run queue per scheduler with its label,
 * total/max/average, scheduler counts, and utilization per scheduler from
 * scheduler_wall_time over --interval (or between --watch rounds).  The
 * flag is held on by a guard process on the node (collect_swt_acquire)
 * that is stopped on every exit path, and dies by itself when beamprobe's
 * connection goes away, so the node is left as it was found.
 */
#include "analyze/sched.h"
#include "cmd/cmd.h"
#include "cmd/cmd_cluster.h"
#include "cmd/cmd_common.h"
#include "render/table.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/sig.h"
#include "util/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sched_args {
    int64_t interval_ms;
    int watching;
};

/* Per node, across rounds: the guard and the previous sample. */
struct sched_state {
    struct arena a;
    struct term *guard;
    struct sched_sample prev;
    int have_prev;
};

struct sched_view {
    struct sched_sample s;
    double *util;        /* per scheduler id - 1, NULL if unavailable */
    int64_t interval_ms; /* what the utilization covers */
};

static void copy_sample(struct arena *a, struct sched_sample *dst, const struct sched_sample *src)
{
    *dst = *src;
    dst->run_queues = arena_alloc(a, (src->n_run_queues + 1) * sizeof(int64_t));
    memcpy(dst->run_queues, src->run_queues, src->n_run_queues * sizeof(int64_t));
    if (src->active) {
        dst->active = arena_alloc(a, (src->n_wall + 1) * sizeof(int64_t));
        dst->total = arena_alloc(a, (src->n_wall + 1) * sizeof(int64_t));
        memcpy(dst->active, src->active, src->n_wall * sizeof(int64_t));
        memcpy(dst->total, src->total, src->n_wall * sizeof(int64_t));
    }
}

static int sched_node(struct bp_ctx *ctx, struct cluster_job *job, void *arg)
{
    struct sched_args *sa = arg;
    struct sched_state *st = job->state;
    struct sched_view *v;
    struct sched_sample cur;
    size_t i;
    int rc;

    if (!st) {
        st = xcalloc(1, sizeof(*st));
        arena_init(&st->a);
        job->state = st;
    }
    if (!st->guard) {
        int64_t max_ms = sa->watching ? -1 : sa->interval_ms + 2 * (int64_t)node_timeout(job->conn);
        rc = collect_swt_acquire(job->conn, &st->a, max_ms, &st->guard, &job->err);
        if (rc)
            return rc;
        st->have_prev = 0;
    }
    if (!st->have_prev) {
        rc = collect_sched_sample(job->conn, &job->arena, &cur, &job->err);
        if (rc)
            return rc;
        copy_sample(&st->a, &st->prev, &cur);
        st->have_prev = 1;
        rc = node_wait(job->conn, clock_ms() + sa->interval_ms, &job->err);
        if (rc)
            return rc;
    }
    rc = collect_sched_sample(job->conn, &job->arena, &cur, &job->err);
    if (rc)
        return rc;
    v = arena_zalloc(&job->arena, sizeof(*v));
    v->s = cur;
    v->interval_ms = (cur.at_us - st->prev.at_us) / 1000;
    if (cur.active && st->prev.active && cur.n_wall == st->prev.n_wall) {
        v->util = arena_zalloc(&job->arena, (cur.n_wall + 1) * sizeof(double));
        for (i = 0; i < cur.n_wall; i++)
            v->util[i] = sched_util(st->prev.active[i], st->prev.total[i], cur.active[i],
                                    cur.total[i]);
    }
    /* The previous sample lives in the state arena; keep it small. */
    arena_clear(&st->a);
    copy_sample(&st->a, &st->prev, &cur);
    job->result = v;
    return 0;
}

static void release_all(struct cluster *cl)
{
    size_t i;
    for (i = 0; i < cl->n; i++) {
        struct sched_state *st = cl->jobs[i].state;
        if (!st)
            continue;
        if (st->guard && cl->jobs[i].conn)
            collect_swt_release(cl->jobs[i].conn, st->guard, NULL);
        arena_release(&st->a);
        free(st);
        cl->jobs[i].state = NULL;
    }
}

/* Average and max utilization of schedulers [from, to). */
static void util_range(const struct sched_view *v, size_t from, size_t to, double *avg,
                       double *max)
{
    size_t i, n = 0;
    *avg = *max = 0;
    for (i = from; v->util && i < to && i < v->s.n_wall; i++, n++) {
        *avg += v->util[i];
        if (v->util[i] > *max)
            *max = v->util[i];
    }
    if (n)
        *avg /= (double)n;
}

static void json_doubles(struct sbuf *sb, const double *d, size_t from, size_t to, size_t cap)
{
    size_t i;
    sbuf_addch(sb, '[');
    for (i = from; i < to && i < cap; i++) {
        if (i > from)
            sbuf_addch(sb, ',');
        json_double(sb, d[i]);
    }
    sbuf_addch(sb, ']');
}

static void print_json(struct bp_ctx *ctx, const char *node, const struct sched_view *v,
                       const char *iso)
{
    struct sbuf sb = SBUF_INIT;
    const struct sched_sample *s = &v->s;
    int64_t total, max;
    double avg;
    size_t i, ns = (size_t)s->schedulers, nd = (size_t)s->dirty_cpu;
    int first = 1;

    sched_rq_stats(s->run_queues, s->n_run_queues, &total, &max, &avg);
    cmd_json_open(&sb, &first, iso, node);
    json_key(&sb, "run_queue_lengths_all", &first);
    sbuf_addch(&sb, '[');
    for (i = 0; i < s->n_run_queues; i++)
        sbuf_addf(&sb, "%s%" PRId64, i ? "," : "", s->run_queues[i]);
    sbuf_addch(&sb, ']');
    json_key(&sb, "run_queue_total", &first);
    json_int(&sb, total);
    json_key(&sb, "run_queue_max", &first);
    json_int(&sb, max);
    json_key(&sb, "run_queue_avg", &first);
    json_double(&sb, avg);
    json_key(&sb, "schedulers", &first);
    json_int(&sb, s->schedulers);
    json_key(&sb, "schedulers_online", &first);
    json_int(&sb, s->schedulers_online);
    json_key(&sb, "dirty_cpu_schedulers", &first);
    json_int(&sb, s->dirty_cpu);
    json_key(&sb, "dirty_cpu_schedulers_online", &first);
    json_int(&sb, s->dirty_cpu_online);
    json_key(&sb, "dirty_io_schedulers", &first);
    json_int(&sb, s->dirty_io);
    if (v->util) {
        json_key(&sb, "interval_ms", &first);
        json_int(&sb, v->interval_ms);
        json_key(&sb, "utilization", &first);
        json_doubles(&sb, v->util, 0, ns, s->n_wall);
        json_key(&sb, "dirty_cpu_utilization", &first);
        json_doubles(&sb, v->util, ns, ns + nd, s->n_wall);
        json_key(&sb, "dirty_io_utilization", &first);
        json_doubles(&sb, v->util, ns + nd, s->n_wall, s->n_wall);
    }
    sbuf_addch(&sb, '}');
    cmd_json_line(ctx, &sb);
    sbuf_release(&sb);
}

static void print_table(struct bp_ctx *ctx, const char *node, const struct sched_view *v,
                        const char *clk)
{
    const struct sched_sample *s = &v->s;
    const char *hdr[] = { "SCHEDULER", "RUN QUEUE", "STATUS", "UTILIZATION" };
    struct table *t = table_new(hdr, "lrll");
    size_t i, ns = (size_t)s->schedulers, nd = (size_t)s->dirty_cpu;
    int64_t total, max;
    double avg, uavg, umax;

    fprintf(ctx->out, "%s=== Schedulers: %s · %s ===%s\n", style_bold(&ctx->style), node, clk,
            style_off(&ctx->style));
    for (i = 0; i < s->n_run_queues; i++) {
        char name[32], rq[32], status[64], util[64];
        const char *cells[4];
        int64_t len = s->run_queues[i];
        enum level lv = sched_rq_level(len);

        if (i < ns)
            snprintf(name, sizeof(name), "%zu", i + 1);
        else
            snprintf(name, sizeof(name), "%s", i == ns ? "dirty cpu" : "dirty io");
        snprintf(rq, sizeof(rq), "%" PRId64, len);
        snprintf(status, sizeof(status), "%s %s", style_mark(&ctx->style, lv),
                 sched_rq_label(len));
        util[0] = '\0';
        if (v->util && i < ns && i < s->n_wall) {
            snprintf(util, sizeof(util), "%5.1f%%", 100.0 * v->util[i]);
        } else if (v->util && i == ns) {
            util_range(v, ns, ns + nd, &uavg, &umax);
            snprintf(util, sizeof(util), "%5.1f%% avg, %.1f%% max of %zu", 100 * uavg,
                     100 * umax, nd);
        } else if (v->util && i == ns + 1) {
            util_range(v, ns + nd, s->n_wall, &uavg, &umax);
            snprintf(util, sizeof(util), "%5.1f%% avg, %.1f%% max of %zu", 100 * uavg,
                     100 * umax, s->n_wall - ns - nd);
        }
        cells[0] = name;
        cells[1] = rq;
        cells[2] = status;
        cells[3] = util;
        table_row(t, cells);
    }
    table_print(t, ctx->out, &ctx->style);
    table_free(t);
    sched_rq_stats(s->run_queues, s->n_run_queues, &total, &max, &avg);
    fprintf(ctx->out, "\nTotal run queue: %" PRId64 " processes (max %" PRId64 ", avg %.1f)\n",
            total, max, avg);
    fprintf(ctx->out, "Schedulers online: %d of %d · dirty CPU: %d (%d online) · dirty IO: %d\n",
            s->schedulers_online, s->schedulers, s->dirty_cpu, s->dirty_cpu_online, s->dirty_io);
    if (v->util) {
        util_range(v, 0, ns, &uavg, &umax);
        fprintf(ctx->out, "Utilization over %.2f s: schedulers %.1f%% avg, %.1f%% max\n",
                (double)v->interval_ms / 1000.0, 100 * uavg, 100 * umax);
    }
}

/* The guide's SchedulerMonitor line, for --watch. */
static void print_line(struct bp_ctx *ctx, const char *node, const struct sched_view *v,
                       const char *clk, int cluster)
{
    int64_t total, max;
    double avg, uavg = 0, umax = 0;
    enum level lv;

    sched_rq_stats(v->s.run_queues, v->s.n_run_queues, &total, &max, &avg);
    util_range(v, 0, (size_t)v->s.schedulers, &uavg, &umax);
    lv = total > 20 ? LEVEL_CRIT : sched_rq_level(max);
    fprintf(ctx->out, "[%s]%s%s Total: %s%" PRId64 "%s, Max: %" PRId64 ", Avg: %.1f, "
                      "Utilization: %.1f%% avg, %.1f%% max %s\n",
            clk, cluster ? " " : "", cluster ? node : "", style_on(&ctx->style, lv), total,
            style_off(&ctx->style), max, avg, 100 * uavg, 100 * umax,
            style_mark(&ctx->style, lv));
}

int cmd_sched(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "sched", "sched [--interval DURATION] [--watch INTERVAL] [--count N] [--cluster]",
        "Run queue per scheduler with the guide's labels (idle 0, light < 5, busy < 20,\n"
        "overloaded >= 20), total, max and average; schedulers online and available,\n"
        "dirty CPU and IO; utilization per scheduler from scheduler_wall_time over\n"
        "--interval (default 1s), or between rounds with --watch.",
        "scheduler_wall_time is enabled only for the measurement, by a guard process\n"
        "on the node that exits when beamprobe finishes, is interrupted or loses its\n"
        "connection; the flag is counted per process, so the node returns exactly to\n"
        "its previous state."
    };
    int64_t interval_ms = 1000, watch_ms = 0, count = 0;
    bool cluster = false;
    struct opt opts[] = {
        OPT_DURATION("interval", 'i', &interval_ms, "DURATION",
                     "utilization measured over DURATION (default 1s)"),
        OPT_DURATION("watch", 'w', &watch_ms, "INTERVAL", "one line every INTERVAL"),
        OPT_INT("count", 'n', &count, "N", "stop after N rounds"),
        OPT_FLAG("cluster", 'c', &cluster, "every node of the cluster"),
        OPT_END
    };
    struct sched_args sa;
    struct cluster cl;
    struct watch w;
    char *pos[1];
    int npos, rc;

    rc = cli_parse(ctx, &help, opts, argc, argv, pos, 0, &npos, err);
    if (rc)
        return rc < 0 ? rc : 0;
    if (interval_ms <= 0 || watch_ms < 0 || count < 0)
        return bp_error(err, BP_EUSAGE, "sched: durations and counts must be positive");
    /* Watching: the first round measures over one watch interval. */
    sa.interval_ms = watch_ms > 0 ? watch_ms : interval_ms;
    sa.watching = watch_ms > 0;
    rc = cluster_open(ctx, !cluster, &cl, err);
    if (rc)
        goto out;
    watch_init(&w, watch_ms, count);
    while ((rc = cluster_watch_next(&cl, &w)) == 0) {
        char clk[16], iso[40];
        size_t i;

        cluster_round(ctx, &cl, sched_node, &sa);
        if (w.taken == 1)
            watch_restart(&w);
        rc = cluster_status(&cl, err);
        if (rc)
            break;
        cmd_now(clk, sizeof(clk), iso, sizeof(iso));
        for (i = 0; i < cl.n; i++) {
            const struct cluster_job *j = &cl.jobs[i];
            if (j->rc)
                continue;
            if (ctx->json)
                print_json(ctx, j->node, j->result, iso);
            else if (watch_ms)
                print_line(ctx, j->node, j->result, clk, cl.n > 1);
            else
                print_table(ctx, j->node, j->result, clk);
            if (!ctx->json && !watch_ms && i + 1 < cl.n)
                fputc('\n', ctx->out);
        }
        cluster_print_errors(ctx, &cl);
        fflush(ctx->out);
    }
    if (rc == 1)
        rc = 0;
out:
    /* Leave the node as found, also after Ctrl-C. */
    if (rc == BP_EINTR)
        sig_clear();
    release_all(&cl);
    cluster_close(&cl);
    return rc;
}
