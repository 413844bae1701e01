/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_export.c - `beamprobe export`: the guide's metrics for Prometheus
 * and StatsD.
 *
 * The guide's Production Monitoring 2 without code on the node: every
 * --interval, one refresh reads each node (node_stats, sched_sample and
 * the watched processes: three round trips) and renders the metrics once
 * (export/metrics.h).  The HTTP endpoint (--listen) serves that cached
 * text, so scrapers never reach the node and any number of them cost it
 * nothing more; --statsd pushes the same samples over UDP after each
 * refresh.  A node that cannot be reached reads beam_up 0 while the
 * endpoint keeps serving; it is reconnected at the next refreshes.
 *
 * Scheduler utilization needs scheduler_wall_time: a guard process per
 * node holds it on while export runs and exits, restoring the node's
 * previous state, when export stops or its connection goes away.
 */
#include "cmd/cmd.h"
#include "cmd/cmd_cluster.h"
#include "cmd/cmd_common.h"
#include "collect/collect_debug.h"
#include "analyze/rate.h"
#include "analyze/sched.h"
#include "export/http.h"
#include "export/metrics.h"
#include "export/statsd.h"
#include "util/clock.h"
#include "util/sig.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PROCS 1024

struct exp_target {
    const char *label; /* the process label */
    const char *spec;  /* the TARGET */
};

struct exp_args {
    struct exp_target *t;
    size_t n;
};

/* Per node, kept across refreshes; reset when the connection changes. */
struct exp_state {
    struct node_conn *conn;
    struct arena a;          /* resolved pids */
    struct term *guard;
    struct term **pids;      /* NULL: not resolved (yet) */
    int64_t *prev_gc, *prev_gc_ms;
    double *gc_total;
    bool *have_gc;
    struct node_stats prev_ns;
    int64_t prev_ns_ms;
    bool have_ns;
    int64_t *prev_active, *prev_total;
    size_t prev_nwall;
};

static void state_reset(struct exp_state *st, size_t n)
{
    arena_release(&st->a);
    free(st->prev_gc);
    free(st->prev_gc_ms);
    free(st->gc_total);
    free(st->have_gc);
    free(st->prev_active);
    free(st->prev_total);
    memset(st, 0, sizeof(*st));
    arena_init(&st->a);
    st->pids = arena_zalloc(&st->a, (n + 1) * sizeof(*st->pids));
    st->prev_gc = xcalloc(n + 1, sizeof(int64_t));
    st->prev_gc_ms = xcalloc(n + 1, sizeof(int64_t));
    st->gc_total = xcalloc(n + 1, sizeof(double));
    st->have_gc = xcalloc(n + 1, sizeof(bool));
}

static void state_free(struct exp_state *st)
{
    if (!st)
        return;
    state_reset(st, 0);
    arena_release(&st->a);
    free(st->prev_gc);
    free(st->prev_gc_ms);
    free(st->gc_total);
    free(st->have_gc);
    free(st);
}

static const char *pid_str(struct arena *a, const struct term *pid)
{
    return arena_printf(a, "<0.%u.%u>", pid->u.pid.num, pid->u.pid.serial);
}

static int export_node(struct bp_ctx *ctx, struct cluster_job *job, void *arg)
{
    struct exp_args *ea = arg;
    struct exp_state *st = job->state;
    struct metric_node *m = arena_zalloc(&job->arena, sizeof(*m));
    struct metric_proc *procs = arena_zalloc(&job->arena, (ea->n + 1) * sizeof(*procs));
    struct export_proc *vals = arena_zalloc(&job->arena, (ea->n + 1) * sizeof(*vals));
    struct term **live = arena_zalloc(&job->arena, (ea->n + 1) * sizeof(*live));
    size_t *live_idx = arena_zalloc(&job->arena, (ea->n + 1) * sizeof(size_t));
    struct node_stats *ns = arena_zalloc(&job->arena, sizeof(*ns));
    struct sched_sample *ss = arena_zalloc(&job->arena, sizeof(*ss));
    int64_t t0 = clock_us(), now_ms;
    size_t i, nlive = 0;
    int rc;

    if (!st) {
        st = xcalloc(1, sizeof(*st));
        job->state = st;
    }
    if (st->conn != job->conn) {
        /* A new connection (first round, or the node came back): pids and
         * the guard of the old one mean nothing now. */
        state_reset(st, ea->n);
        st->conn = job->conn;
    }
    if (!st->guard) {
        rc = collect_swt_acquire(job->conn, &st->a, -1, &st->guard, &job->err);
        if (rc == BP_ENODEGONE || rc == BP_EINTR)
            return rc;
    }
    /* Resolve what is not resolved; re-resolve the dead (a restarted
     * process has a new pid under the same name). */
    for (i = 0; i < ea->n; i++) {
        procs[i].label = ea->t[i].label;
        if (!st->pids[i]) {
            struct target tg;
            struct bp_err e2;
            rc = collect_target(job->conn, &st->a, ea->t[i].spec, &tg, &e2);
            if (rc == BP_ENODEGONE || rc == BP_EINTR || rc == BP_ETIMEDOUT) {
                job->err = e2;
                return rc;
            }
            if (rc == 0) {
                st->pids[i] = tg.pid;
                st->have_gc[i] = false;
            }
        }
        if (st->pids[i]) {
            procs[i].found = true;
            procs[i].pid = pid_str(&job->arena, st->pids[i]);
            live[nlive] = st->pids[i];
            live_idx[nlive++] = i;
        }
    }
    rc = collect_node_stats(job->conn, &job->arena, ns, &job->err);
    if (rc == 0)
        rc = collect_sched_sample(job->conn, &job->arena, ss, &job->err);
    if (rc == 0 && nlive)
        rc = collect_export_procs(job->conn, live, nlive, vals, &job->err);
    if (rc)
        return rc;
    now_ms = clock_ms();

    for (i = 0; i < nlive; i++) {
        size_t k = live_idx[i];
        struct metric_proc *p = &procs[k];
        p->alive = vals[i].alive;
        p->v = vals[i];
        p->minor_gcs_per_sec = NAN;
        if (!p->alive) {
            st->pids[k] = NULL; /* resolve again next time */
            continue;
        }
        if (st->have_gc[k]) {
            bool reset;
            int64_t d = rate_delta(st->prev_gc[k], vals[i].minor_gcs, &reset);
            st->gc_total[k] += (double)d;
            p->minor_gcs_per_sec = rate_per_sec(d, now_ms - st->prev_gc_ms[k]);
        }
        st->prev_gc[k] = vals[i].minor_gcs;
        st->prev_gc_ms[k] = now_ms;
        st->have_gc[k] = true;
        p->minor_gcs_total = st->gc_total[k];
    }

    m->node = job->node;
    m->up = true;
    m->wall_ms = wall_ms();
    m->ns = ns;
    m->ss = ss;
    m->wordsize = node_info(job->conn)->wordsize;
    m->reductions_per_sec = NAN;
    if (st->have_ns && ns->at_us > st->prev_ns.at_us)
        m->reductions_per_sec = (double)(ns->reductions - st->prev_ns.reductions) * 1e6 /
                                (double)(ns->at_us - st->prev_ns.at_us);
    st->prev_ns = *ns;
    st->prev_ns.run_queues = NULL;
    st->prev_ns.n_run_queues = 0;
    st->have_ns = true;
    if (ss->active && st->prev_active && st->prev_nwall == ss->n_wall) {
        double *u = arena_zalloc(&job->arena, (ss->n_wall + 1) * sizeof(double));
        for (i = 0; i < ss->n_wall; i++)
            u[i] = sched_util(st->prev_active[i], st->prev_total[i], ss->active[i],
                              ss->total[i]);
        m->util = u;
    }
    if (ss->active) {
        free(st->prev_active);
        free(st->prev_total);
        st->prev_active = xcalloc(ss->n_wall + 1, sizeof(int64_t));
        st->prev_total = xcalloc(ss->n_wall + 1, sizeof(int64_t));
        memcpy(st->prev_active, ss->active, ss->n_wall * sizeof(int64_t));
        memcpy(st->prev_total, ss->total, ss->n_wall * sizeof(int64_t));
        st->prev_nwall = ss->n_wall;
    }
    m->procs = procs;
    m->nprocs = ea->n;
    m->collect_seconds = (double)(clock_us() - t0) / 1e6;
    job->result = m;
    (void)ctx;
    return 0;
}

/* "NAME=TARGET" gives the label; otherwise the label is the TARGET. */
static void split_target(const char *s, struct exp_target *t)
{
    const char *eq = strchr(s, '=');
    const char *paren = strchr(s, '(');
    size_t i;

    t->spec = s;
    t->label = s;
    if (!eq || eq == s || (paren && paren < eq))
        return;
    for (i = 0; s + i < eq; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.')
            return;
    t->label = xstrdup(s);
    ((char *)t->label)[eq - s] = '\0';
    t->spec = eq + 1;
}

static void release_all(struct cluster *cl)
{
    size_t i;
    for (i = 0; i < cl->n; i++) {
        struct exp_state *st = cl->jobs[i].state;
        if (!st)
            continue;
        if (st->guard && cl->jobs[i].conn && cl->jobs[i].conn == st->conn)
            collect_swt_release(cl->jobs[i].conn, st->guard, NULL);
        state_free(st);
        cl->jobs[i].state = NULL;
    }
}

int cmd_export(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "export",
        "export --listen ADDR:PORT | --statsd HOST:PORT [--process [NAME=]TARGET]...\n"
        "       [--interval D] [--cluster] [--statsd-prefix P] [--statsd-tags] [--once]",
        "Publish the guide's metrics: per watched process (--process) mailbox, memory,\n"
        "heap, total heap, minor GCs per second, reductions; per node run queue (total\n"
        "and per scheduler), scheduler utilization, memory by type, process count,\n"
        "reductions per second and more, labelled by node and process.  --listen\n"
        "serves them in the Prometheus text format on /metrics; --statsd pushes them\n"
        "over UDP.  docs/grafana-dashboard.json charts them.",
        "Every --interval (default 10s) one refresh reads each node in three round\n"
        "trips; scrapes are answered from that cache and never reach the node.  A node\n"
        "that cannot be reached reads beam_up 0 and is reconnected at the next\n"
        "refreshes.  NAME=TARGET sets the process label (default: TARGET as written).\n"
        "--once prints one refresh in the text format and exits.  scheduler_wall_time is\n"
        "held on by a guard process while export runs, and restored when it stops."
    };
    const char *listen = NULL, *statsd_spec = NULL, *prefix = "beam";
    struct opt_list plist = { NULL, 0 };
    int64_t interval_ms = 10000;
    bool cluster = false, tags = false, once = false;
    struct opt opts[] = {
        OPT_STRING("listen", 'L', &listen, "ADDR:PORT", "serve /metrics over HTTP"),
        OPT_STRING("statsd", 0, &statsd_spec, "HOST:PORT", "push to StatsD over UDP"),
        OPT_LIST("process", 'p', &plist, "[NAME=]TARGET", "watch a process (repeatable)"),
        OPT_DURATION("interval", 'i', &interval_ms, "D", "refresh every D (default 10s)"),
        OPT_FLAG("cluster", 'c', &cluster, "every node of the cluster"),
        OPT_STRING("statsd-prefix", 0, &prefix, "P", "StatsD name prefix (default beam)"),
        OPT_FLAG("statsd-tags", 0, &tags, "DogStatsD tags instead of name segments"),
        OPT_FLAG("once", 0, &once, "print one refresh and exit"),
        OPT_END
    };
    struct exp_args ea = { NULL, 0 };
    struct http_server *http = NULL;
    struct statsd *sd = NULL;
    struct prom_set ps;
    struct sbuf body = SBUF_INIT;
    struct cluster cl;
    struct watch w;
    char *pos[MAX_PROCS];
    size_t i;
    int npos, rc, k;

    memset(&cl, 0, sizeof(cl));
    prom_set_init(&ps, metric_families, M_NFAMILIES);
    rc = cli_parse(ctx, &help, opts, argc, argv, pos, MAX_PROCS, &npos, err);
    if (rc) {
        prom_set_release(&ps);
        free((void *)plist.items);
        return rc < 0 ? rc : 0;
    }
    if (!listen && !statsd_spec && !once) {
        rc = bp_error(err, BP_EUSAGE, "export: give --listen ADDR:PORT, --statsd HOST:PORT "
                                      "or --once");
        goto out;
    }
    if (interval_ms < 100 || interval_ms > 3600000) {
        rc = bp_error(err, BP_EUSAGE, "export: --interval must be between 100ms and 1h");
        goto out;
    }
    ea.n = plist.n + (size_t)npos;
    ea.t = xcalloc(ea.n + 1, sizeof(*ea.t));
    for (i = 0; i < plist.n; i++)
        split_target(plist.items[i], &ea.t[i]);
    for (k = 0; k < npos; k++)
        split_target(pos[k], &ea.t[plist.n + (size_t)k]);
    if (listen) {
        rc = http_listen(listen, &http, err);
        if (rc)
            goto out;
    }
    if (statsd_spec) {
        rc = statsd_open(statsd_spec, prefix, tags, &sd, err);
        if (rc)
            goto out;
    }
    rc = cluster_open(ctx, !cluster, &cl, err);
    if (rc)
        goto out;
    if (http) {
        rc = http_start(http, err);
        if (rc)
            goto out;
    }
    if (!once) {
        fprintf(ctx->out, "beamprobe export: %zu node%s, %zu process%s, refresh every %.3g s%s%s%s%s\n",
                cl.n, cl.n == 1 ? "" : "s", ea.n, ea.n == 1 ? "" : "es",
                (double)interval_ms / 1000.0, http ? "; serving http://" : "",
                http ? http_address(http) : "", http ? "/metrics" : "",
                sd ? "; pushing to StatsD" : "");
        fflush(ctx->out);
    }
    watch_init(&w, once ? 0 : interval_ms, 0);
    while ((rc = cluster_watch_next(&cl, &w)) == 0) {
        cluster_round(ctx, &cl, export_node, &ea);
        for (i = 0; i < cl.n; i++)
            if (cl.jobs[i].rc == BP_EINTR)
                rc = BP_EINTR;
        if (rc)
            break;
        prom_set_clear(&ps);
        for (i = 0; i < cl.n; i++) {
            const struct cluster_job *j = &cl.jobs[i];
            if (j->rc == 0 && j->result) {
                metrics_add_node(&ps, j->result);
            } else {
                struct metric_node down;
                memset(&down, 0, sizeof(down));
                down.node = j->node;
                down.up = false;
                metrics_add_node(&ps, &down);
            }
        }
        sbuf_reset(&body);
        prom_render(&ps, &body);
        if (http)
            http_publish(http, sbuf_str(&body), body.len);
        if (sd)
            statsd_push(sd, &ps);
        if (once) {
            fputs(sbuf_str(&body), ctx->out);
            for (i = 0; i < cl.n; i++)
                if (cl.jobs[i].rc)
                    fprintf(stderr, "beamprobe: %s: %s\n", cl.jobs[i].node, cl.jobs[i].err.msg);
        }
        fflush(ctx->out);
    }
    if (rc == 1)
        rc = 0;
out:
    if (rc == BP_EINTR) {
        sig_clear();
        rc = 0;
    }
    release_all(&cl);
    if (cl.jobs)
        cluster_close(&cl);
    http_stop(http);
    statsd_close(sd);
    prom_set_release(&ps);
    sbuf_release(&body);
    for (i = 0; i < ea.n; i++)
        if (ea.t[i].label != ea.t[i].spec)
            free((char *)ea.t[i].label);
    free(ea.t);
    free((void *)plist.items); /* the list array is ours, its strings argv's */
    return rc;
}
