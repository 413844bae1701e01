/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_doctor.c - `beamprobe doctor`: every check of the guide at once.
 *
 * The guide's Summary as a health check: process mailboxes (> 100 warning,
 * > 500 critical), on-heap mailboxes with a long queue, minor GCs per
 * second (> 10), process memory (> 10 MB, > 100 MB), the total run queue
 * (> 10, > 20), scheduler utilization (> 80 %, > 95 % saturated), and
 * whether node memory and refc binaries grow over the window.  Each finding
 * names the process in the node's syntax and gives the guide's advice
 * (analyze/doctor.h).  Exit 0 when nothing is red, 6 when something is.
 *
 * Cost: one round trip per node (collect_doctor_scan: 4 process_info/2 per
 * process, ranked on the node, only the top N cross the wire) and a
 * scheduler_wall_time guard held for the window only.
 */
#include "analyze/doctor.h"
#include "analyze/sched.h"
#include "analyze/trend.h"
#include "cmd/cmd.h"
#include "cmd/cmd_cluster.h"
#include "cmd/cmd_common.h"
#include "collect/collect_debug.h"
#include "render/format.h"
#include "util/json.h"
#include "util/sig.h"
#include "util/xalloc.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Growth below these absolute amounts over the window is not a finding
 * (a 50 KB binary heap growing by 20 KB is noise, not a leak). */
#define DOC_MIN_MEMORY_GROWTH (8.0 * 1024 * 1024)
#define DOC_MIN_BINARY_GROWTH (2.0 * 1024 * 1024)

struct doc_args {
    int64_t window_ms;
    size_t limit;
};

struct finding {
    const struct doctor_proc *p; /* NULL for node-wide checks */
    double value;
    enum level level;
};

struct check {
    enum doctor_check id;
    enum level level;
    double value;                /* the node-wide value, or the largest */
    const struct doctor_proc *top; /* the process of the largest value */
    struct finding *f;
    size_t nf;
    char detail[200];            /* node-wide checks: what was measured */
};

struct doc_result {
    struct doctor_scan scan;
    struct check checks[DOC_NCHECKS];
    enum level status;
    size_t ncrit, nwarn;
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

static void proc_check(struct arena *a, struct check *c, enum doctor_check id,
                       const struct doctor_scan *s, const size_t *idx, size_t n)
{
    size_t i;

    c->id = id;
    c->level = LEVEL_OK;
    c->f = arena_zalloc(a, (n + 1) * sizeof(*c->f));
    for (i = 0; i < n; i++) {
        const struct doctor_proc *p = &s->procs[idx[i]];
        double v = id == DOC_MAILBOX || id == DOC_ONHEAP ? (double)p->message_queue_len
                   : id == DOC_GC ? p->minor_gcs_per_sec
                   : (double)p->memory;
        enum level lv;
        if (id == DOC_ONHEAP && !p->on_heap)
            continue;
        if (!c->top || v > c->value) {
            c->top = p;
            c->value = v;
        }
        lv = doctor_level(id, v);
        if (lv == LEVEL_OK)
            continue;
        c->f[c->nf].p = p;
        c->f[c->nf].value = v;
        c->f[c->nf].level = lv;
        c->nf++;
        c->level = doctor_worst(c->level, lv);
    }
}

static enum level trend_check(struct check *c, enum doctor_check id, const struct doctor_scan *s,
                              bool binary)
{
    double *t = xcalloc(s->nreadings + 1, sizeof(double));
    double *y = xcalloc(s->nreadings + 1, sizeof(double));
    struct trend tr;
    size_t i;
    char b1[32], b2[32];

    c->id = id;
    c->level = LEVEL_OK;
    for (i = 0; i < s->nreadings; i++) {
        t[i] = (double)(s->readings[i].at_us - s->readings[0].at_us) / 1e6;
        y[i] = (double)(binary ? s->readings[i].mem.binary : s->readings[i].mem.total);
    }
    if (trend_compute(t, y, s->nreadings, &tr) == 0) {
        enum trend_verdict v = trend_judge(&tr);
        double span = t[s->nreadings - 1] - t[0];
        double grew = tr.slope * span;
        c->value = tr.growth_pct;
        if (grew >= (binary ? DOC_MIN_BINARY_GROWTH : DOC_MIN_MEMORY_GROWTH))
            c->level = trend_level(v);
        fmt_bytes(b1, sizeof(b1), y[s->nreadings - 1]);
        fmt_bytes(b2, sizeof(b2), fabs(tr.slope * 60.0));
        snprintf(c->detail, sizeof(c->detail),
                 "%s now, %s%s/min, growth %+.1f%% between halves, trend confidence %.0f%%", b1,
                 tr.slope < 0 ? "-" : "+", b2, tr.growth_pct, 100 * tr.confidence);
    } else {
        snprintf(c->detail, sizeof(c->detail), "too few readings");
    }
    free(t);
    free(y);
    return c->level;
}

static void analyse(struct arena *a, struct doc_result *r)
{
    const struct doctor_scan *s = &r->scan;
    struct check *c;
    size_t i;

    proc_check(a, &r->checks[DOC_MAILBOX], DOC_MAILBOX, s, s->top_mailbox, s->n_mailbox);
    proc_check(a, &r->checks[DOC_ONHEAP], DOC_ONHEAP, s, s->top_mailbox, s->n_mailbox);
    proc_check(a, &r->checks[DOC_GC], DOC_GC, s, s->top_gc, s->n_gc);
    proc_check(a, &r->checks[DOC_PROC_MEMORY], DOC_PROC_MEMORY, s, s->top_memory, s->n_memory);

    /* Run queue: the median total over the readings (one reading is noisy). */
    c = &r->checks[DOC_RUN_QUEUE];
    c->id = DOC_RUN_QUEUE;
    if (s->nreadings) {
        double *tot = xcalloc(s->nreadings, sizeof(double)), med, mx = 0;
        for (i = 0; i < s->nreadings; i++) {
            int64_t t, m;
            double avg;
            sched_rq_stats(s->readings[i].run_queues, s->readings[i].n_run_queues, &t, &m, &avg);
            tot[i] = (double)t;
            if (tot[i] > mx)
                mx = tot[i];
        }
        qsort(tot, s->nreadings, sizeof(double), cmp_double);
        med = s->nreadings % 2 ? tot[s->nreadings / 2]
                               : (tot[s->nreadings / 2 - 1] + tot[s->nreadings / 2]) / 2;
        free(tot);
        c->value = med;
        c->level = doctor_level(DOC_RUN_QUEUE, med);
        snprintf(c->detail, sizeof(c->detail), "%.0f runnable (median of %zu readings, max %.0f)",
                 med, s->nreadings, mx);
    }

    /* Utilization of the normal schedulers over the window. */
    c = &r->checks[DOC_SCHED_UTIL];
    c->id = DOC_SCHED_UTIL;
    if (s->nreadings >= 2 && s->readings[0].active && s->readings[s->nreadings - 1].active) {
        const struct doctor_reading *r0 = &s->readings[0], *r1 = &s->readings[s->nreadings - 1];
        size_t n = (size_t)(s->schedulers_online > 0 ? s->schedulers_online : 1), k = 0;
        double sum = 0, mx = 0;
        for (i = 0; i < n && i < r0->n_wall && i < r1->n_wall; i++, k++) {
            double u = sched_util(r0->active[i], r0->total[i], r1->active[i], r1->total[i]);
            sum += u;
            if (u > mx)
                mx = u;
        }
        c->value = k ? sum / (double)k : 0;
        c->level = doctor_level(DOC_SCHED_UTIL, c->value);
        snprintf(c->detail, sizeof(c->detail), "%.0f%% average over %zu schedulers (max %.0f%%)",
                 100 * c->value, k, 100 * mx);
    } else {
        c->level = LEVEL_INFO;
        snprintf(c->detail, sizeof(c->detail), "not measured (scheduler_wall_time unavailable)");
    }

    trend_check(&r->checks[DOC_NODE_MEMORY], DOC_NODE_MEMORY, s, false);
    trend_check(&r->checks[DOC_BINARY], DOC_BINARY, s, true);

    r->status = LEVEL_OK;
    for (i = 0; i < DOC_NCHECKS; i++) {
        c = &r->checks[i];
        r->status = doctor_worst(r->status, c->level);
        if (c->nf) {
            size_t k;
            for (k = 0; k < c->nf; k++) {
                if (c->f[k].level == LEVEL_CRIT)
                    r->ncrit++;
                else if (c->f[k].level == LEVEL_WARN)
                    r->nwarn++;
            }
        } else if (c->level == LEVEL_CRIT) {
            r->ncrit++;
        } else if (c->level == LEVEL_WARN) {
            r->nwarn++;
        }
    }
}

static int doctor_node(struct bp_ctx *ctx, struct cluster_job *job, void *arg)
{
    struct doc_args *da = arg;
    struct doc_result *r = arena_zalloc(&job->arena, sizeof(*r));
    struct term *guard = NULL;
    int rc, steps;

    /* Utilization needs scheduler_wall_time for the window only; the guard
     * exits by itself after the window, or when the connection goes. */
    rc = collect_swt_acquire(job->conn, &job->arena,
                             da->window_ms + 4 * (int64_t)node_timeout(job->conn), &guard,
                             &job->err);
    if (rc == BP_EINTR || rc == BP_ENODEGONE)
        return rc;
    steps = (int)(da->window_ms / 250);
    if (steps < 4)
        steps = 4;
    if (steps > 40)
        steps = 40;
    rc = collect_doctor_scan(job->conn, &job->arena, da->window_ms, steps,
                             da->limit < 50 ? 50 : da->limit, &r->scan, &job->err);
    if (guard && job->conn)
        collect_swt_release(job->conn, guard, NULL);
    if (rc)
        return rc;
    analyse(&job->arena, r);
    job->result = r;
    return 0;
}

static const char *who(const struct bp_ctx *ctx, struct arena *a, const struct doctor_proc *p)
{
    const char *name = cmd_proc_name(ctx, a, p->registered_name, NULL, p->proc_lib_call,
                                     p->initial_call);
    return arena_printf(a, "%s %s", name, cmd_term_str(ctx, a, p->pid));
}

static void value_str(char *buf, size_t n, enum doctor_check id, double v)
{
    switch (id) {
    case DOC_MAILBOX:
    case DOC_ONHEAP: {
        char c[32];
        fmt_count(c, sizeof(c), (int64_t)v);
        snprintf(buf, n, "%s messages", c);
        break;
    }
    case DOC_GC:
        snprintf(buf, n, "%.1f minor GCs/s", v);
        break;
    case DOC_PROC_MEMORY:
        fmt_bytes(buf, n, v);
        break;
    default:
        snprintf(buf, n, "%g", v);
        break;
    }
}

static const char *limit_str(struct arena *a, enum doctor_check id)
{
    const struct doctor_limits *l = &doctor_limits[id];
    switch (id) {
    case DOC_MAILBOX:
    case DOC_ONHEAP:
        return arena_printf(a, "> %.0f warning, > %.0f critical", l->warn, l->crit);
    case DOC_GC:
        return arena_printf(a, "> %.0f/s warning", l->warn);
    case DOC_PROC_MEMORY:
        return arena_printf(a, "> %.0f MB warning, > %.0f MB critical", l->warn / 1048576,
                            l->crit / 1048576);
    case DOC_RUN_QUEUE:
        return arena_printf(a, "> %.0f warning, > %.0f critical", l->warn, l->crit);
    case DOC_SCHED_UTIL:
        return arena_printf(a, "> %.0f%% warning, > %.0f%% saturated", 100 * l->warn,
                            100 * l->crit);
    default:
        return "growth > 10% warning, > 20% critical, with a steady trend";
    }
}

static void print_table(struct bp_ctx *ctx, struct arena *a, const char *node,
                        const struct doc_result *r, size_t limit)
{
    FILE *f = ctx->out;
    const struct style *st = &ctx->style;
    struct doctor_ctx dctx = { node_info(ctx->conn)->elixir, false, 0 };
    char pc[32];
    size_t i, k;

    fmt_count(pc, sizeof(pc), r->scan.process_count);
    fprintf(f, "%s=== beamprobe doctor: %s · %.1f s window · %s processes ===%s\n",
            style_bold(st), node,
            (double)(r->scan.readings && r->scan.nreadings
                         ? r->scan.readings[r->scan.nreadings - 1].at_us - r->scan.readings[0].at_us
                         : 0) / 1e6,
            pc, style_off(st));
    for (i = 0; i < DOC_NCHECKS; i++) {
        const struct check *c = &r->checks[i];
        struct sbuf adv = SBUF_INIT;
        char v[64];

        if (c->nf) {
            fprintf(f, "%s%s %s: %zu process%s (%s)%s\n", style_on(st, c->level),
                    style_mark(st, c->level), doctor_check_title(c->id), c->nf,
                    c->nf == 1 ? "" : "es", limit_str(a, c->id), style_off(st));
            dctx.on_heap = false;
            dctx.mailbox = 0;
            for (k = 0; k < c->nf; k++) {
                if (c->f[k].p->on_heap)
                    dctx.on_heap = true;
                if (c->f[k].p->message_queue_len > dctx.mailbox)
                    dctx.mailbox = c->f[k].p->message_queue_len;
                if (k >= limit)
                    continue;
                value_str(v, sizeof(v), c->id, c->f[k].value);
                fprintf(f, "   %s %-48s %s%s\n", style_mark(st, c->f[k].level),
                        who(ctx, a, c->f[k].p), v,
                        c->id == DOC_MAILBOX && c->f[k].p->on_heap ? " (on_heap)" : "");
            }
            if (c->nf > limit)
                fprintf(f, "   ... and %zu more (--limit)\n", c->nf - limit);
            doctor_advice(&adv, c->id, &dctx);
            fprintf(f, "   -> %s\n", sbuf_str(&adv));
        } else if (c->id <= DOC_PROC_MEMORY) {
            if (c->top) {
                value_str(v, sizeof(v), c->id, c->value);
                fprintf(f, "%s %s: largest %s (%s)\n", style_mark(st, LEVEL_OK),
                        doctor_check_title(c->id), v, who(ctx, a, c->top));
            } else {
                fprintf(f, "%s %s: none\n", style_mark(st, LEVEL_OK), doctor_check_title(c->id));
            }
        } else {
            fprintf(f, "%s%s %s: %s%s\n", style_on(st, c->level), style_mark(st, c->level),
                    doctor_check_title(c->id), c->detail, style_off(st));
            if (c->level == LEVEL_WARN || c->level == LEVEL_CRIT) {
                doctor_advice(&adv, c->id, &dctx);
                fprintf(f, "   -> %s\n", sbuf_str(&adv));
            }
        }
        sbuf_release(&adv);
    }
    /* Healthy means nothing critical (exit 0); warnings are worth a look. */
    if (r->status == LEVEL_CRIT)
        fprintf(f, "%sStatus: %s critical%s (%zu critical, %zu warning%s)\n",
                style_on(st, LEVEL_CRIT), style_mark(st, LEVEL_CRIT), style_off(st), r->ncrit,
                r->nwarn, r->nwarn == 1 ? "" : "s");
    else if (r->nwarn)
        fprintf(f, "%sStatus: %s healthy%s, nothing critical (%zu warning%s)\n",
                style_on(st, LEVEL_OK), style_mark(st, LEVEL_OK), style_off(st), r->nwarn,
                r->nwarn == 1 ? "" : "s");
    else
        fprintf(f, "%sStatus: %s healthy%s\n", style_on(st, LEVEL_OK), style_mark(st, LEVEL_OK),
                style_off(st));
}

static void print_json(struct bp_ctx *ctx, struct arena *a, const char *node,
                       const struct doc_result *r, const char *iso)
{
    struct sbuf sb = SBUF_INIT;
    struct doctor_ctx dctx = { node_info(ctx->conn)->elixir, false, 0 };
    size_t i, k;
    int first = 1, f2 = 1;

    cmd_json_open(&sb, &first, iso, node);
    json_key(&sb, "status", &first);
    json_cstr(&sb, r->status == LEVEL_CRIT ? "critical" : "healthy");
    json_key(&sb, "level", &first);
    json_cstr(&sb, doctor_level_name(r->status));
    json_key(&sb, "critical", &first);
    json_int(&sb, (int64_t)r->ncrit);
    json_key(&sb, "warnings", &first);
    json_int(&sb, (int64_t)r->nwarn);
    json_key(&sb, "process_count", &first);
    json_int(&sb, r->scan.process_count);
    json_key(&sb, "scan_ms", &first);
    json_double(&sb, (double)r->scan.elapsed_us / 1000.0);
    json_key(&sb, "checks", &first);
    sbuf_addch(&sb, '[');
    for (i = 0; i < DOC_NCHECKS; i++) {
        const struct check *c = &r->checks[i];
        int f3 = 1;
        if (i)
            sbuf_addch(&sb, ',');
        sbuf_addch(&sb, '{');
        json_key(&sb, "check", &f3);
        json_cstr(&sb, doctor_check_name(c->id));
        json_key(&sb, "level", &f3);
        json_cstr(&sb, doctor_level_name(c->level));
        json_key(&sb, "value", &f3);
        json_double(&sb, c->value);
        json_key(&sb, "warn_above", &f3);
        json_double(&sb, doctor_limits[c->id].warn);
        json_key(&sb, "critical_above", &f3);
        json_double(&sb, doctor_limits[c->id].crit); /* no limit: null */
        if (c->detail[0]) {
            json_key(&sb, "detail", &f3);
            json_cstr(&sb, c->detail);
        }
        if (c->top) {
            json_key(&sb, "largest", &f3);
            json_cstr(&sb, who(ctx, a, c->top));
        }
        if (!c->nf && (c->level == LEVEL_WARN || c->level == LEVEL_CRIT)) {
            struct sbuf adv = SBUF_INIT;
            doctor_advice(&adv, c->id, &dctx);
            json_key(&sb, "advice", &f3);
            json_cstr(&sb, sbuf_str(&adv));
            sbuf_release(&adv);
        }
        json_key(&sb, "findings", &f3);
        sbuf_addch(&sb, '[');
        for (k = 0; k < c->nf; k++) {
            const struct doctor_proc *p = c->f[k].p;
            struct doctor_ctx pctx = { dctx.elixir, p->on_heap, p->message_queue_len };
            struct sbuf adv = SBUF_INIT;
            int f4 = 1;
            if (k)
                sbuf_addch(&sb, ',');
            sbuf_addch(&sb, '{');
            json_key(&sb, "pid", &f4);
            json_cstr(&sb, cmd_term_str(ctx, a, p->pid));
            json_key(&sb, "name", &f4);
            json_cstr(&sb, cmd_proc_name(ctx, a, p->registered_name, NULL, p->proc_lib_call,
                                         p->initial_call));
            json_key(&sb, "registered_name", &f4);
            json_cstr_or_null(&sb, p->registered_name ? p->registered_name->u.atom.name : NULL);
            json_key(&sb, "level", &f4);
            json_cstr(&sb, doctor_level_name(c->f[k].level));
            json_key(&sb, "value", &f4);
            json_double(&sb, c->f[k].value);
            json_key(&sb, "message_queue_len", &f4);
            json_int(&sb, p->message_queue_len);
            json_key(&sb, "memory", &f4);
            json_int(&sb, p->memory);
            json_key(&sb, "message_queue_data", &f4);
            json_cstr(&sb, p->on_heap ? "on_heap" : "off_heap");
            json_key(&sb, "current_function", &f4);
            json_cstr(&sb, cmd_mfa_str(ctx, a, p->current_function));
            doctor_advice(&adv, c->id, &pctx);
            json_key(&sb, "advice", &f4);
            json_cstr(&sb, sbuf_str(&adv));
            sbuf_release(&adv);
            sbuf_addch(&sb, '}');
        }
        sbuf_addch(&sb, ']');
        sbuf_addch(&sb, '}');
    }
    sbuf_addch(&sb, ']');
    (void)f2;
    sbuf_addch(&sb, '}');
    cmd_json_line(ctx, &sb);
    sbuf_release(&sb);
}

int cmd_doctor(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "doctor", "doctor [--window D] [--limit N] [--cluster] [--json]",
        "Every check of the guide at once: process mailboxes (> 100 warning, > 500\n"
        "critical), on-heap mailboxes with a long queue, minor GCs per second (> 10),\n"
        "process memory (> 10 MB, > 100 MB), the total run queue (> 10, > 20), scheduler\n"
        "utilization (> 80%, > 95% saturated), and whether node memory and refc binaries\n"
        "grow over the window.  Each finding names the process and gives the guide's\n"
        "advice.  Exit status 0 when nothing is critical, 6 when something is.",
        "Measured over --window (default 2s) in one round trip per node: mailboxes,\n"
        "memory and GC rates are ranked on the node and only the largest cross the\n"
        "wire.  scheduler_wall_time is enabled for the window only, by a guard that\n"
        "restores the node's previous state.  Cost: 4 process_info/2 calls per process."
    };
    int64_t window_ms = 2000, limit = 25;
    bool cluster = false;
    struct opt opts[] = {
        OPT_DURATION("window", 'W', &window_ms, "D", "measure over D (default 2s)"),
        OPT_INT("limit", 'l', &limit, "N", "processes listed per check (default 25)"),
        OPT_FLAG("cluster", 'c', &cluster, "every node of the cluster"),
        OPT_END
    };
    struct doc_args da;
    struct cluster cl;
    char *pos[1];
    char iso[40];
    size_t i;
    bool red = false;
    int npos, rc;

    rc = cli_parse(ctx, &help, opts, argc, argv, pos, 0, &npos, err);
    if (rc)
        return rc < 0 ? rc : 0;
    if (window_ms < 200 || window_ms > 600000)
        return bp_error(err, BP_EUSAGE, "doctor: --window must be between 200ms and 10m");
    if (limit < 1 || limit > 1000)
        return bp_error(err, BP_EUSAGE, "doctor: --limit must be between 1 and 1000");
    da.window_ms = window_ms;
    da.limit = (size_t)limit;
    rc = cluster_open(ctx, !cluster, &cl, err);
    if (rc)
        goto out;
    cluster_round(ctx, &cl, doctor_node, &da);
    rc = cluster_status(&cl, err);
    if (rc)
        goto out;
    cmd_now(NULL, 0, iso, sizeof(iso));
    for (i = 0; i < cl.n; i++) {
        struct cluster_job *j = &cl.jobs[i];
        const struct doc_result *r = j->result;
        if (j->rc || !r)
            continue;
        if (r->status == LEVEL_CRIT)
            red = true;
        if (ctx->json)
            print_json(ctx, &j->arena, j->node, r, iso);
        else {
            if (i)
                fputc('\n', ctx->out);
            print_table(ctx, &j->arena, j->node, r, da.limit);
        }
    }
    cluster_print_errors(ctx, &cl);
    fflush(ctx->out);
    for (i = 0; i < cl.n; i++)
        if (cl.jobs[i].rc && cl.jobs[i].rc != BP_EINTR)
            red = true; /* a node that cannot be checked is not healthy */
    if (red)
        rc = bp_error(err, BP_ETHRESHOLD, "%s", "");
out:
    if (rc == BP_EINTR)
        sig_clear();
    cluster_close(&cl);
    return rc;
}
