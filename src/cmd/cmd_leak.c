/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_leak.c - `beamprobe leak TARGET... | --all`: is memory leaking?
 *
 * The guide's Debugging 3 (MemoryLeakDetector): --samples readings of each
 * process's memory every --interval, then the first-half / second-half
 * averages, the growth (🔴 > 20 %, ⚠️ > 10 %, ✅), plus a Theil-Sen slope in
 * bytes per minute with its 95 % interval and a Mann-Kendall confidence
 * (analyze/trend.h), so that a GC sawtooth is not called a leak.  --all
 * first finds the processes that grow fastest over one interval (ranked on
 * the node by collect_top), then follows them and node memory by type
 * (total, processes, binary, ets, atom, code, system) over the same samples,
 * ranks them by slope and flags refc-binary growth.  Ctrl-C analyses the
 * samples taken so far.  Read-only: nothing is changed on the node.
 */
#include "analyze/doctor.h"
#include "analyze/trend.h"
#include "cmd/cmd.h"
#include "cmd/cmd_common.h"
#include "collect/collect_debug.h"
#include "render/format.h"
#include "render/table.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/sig.h"
#include "util/xalloc.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TARGETS 256

/* Node memory types followed by --all. */
enum { NM_TOTAL, NM_PROCESSES, NM_BINARY, NM_ETS, NM_ATOM, NM_CODE, NM_SYSTEM, NM_N };
static const char *const nm_names[NM_N] = { "total", "processes", "binary", "ets", "atom",
                                            "code", "system" };

static double nm_value(const struct node_memory *m, int k)
{
    switch (k) {
    case NM_TOTAL: return (double)m->total;
    case NM_PROCESSES: return (double)m->processes;
    case NM_BINARY: return (double)m->binary;
    case NM_ETS: return (double)m->ets;
    case NM_ATOM: return (double)m->atom;
    case NM_CODE: return (double)m->code;
    default: return (double)m->system;
    }
}

/* One followed process. */
struct series {
    const char *label;        /* as shown */
    const char *pid;          /* printed pid */
    const struct term *pidt;
    const char *registered;   /* registered name or NULL */
    double *mem, *bin, *used; /* [samples] bytes: memory, refc binaries, heap in use */
    double *t;                /* seconds since the first sample */
    size_t n;                 /* samples while alive */
    bool died;
    struct trend tr, trb, tru;
    int have_tr, have_trb, have_tru;
    enum trend_verdict v, vb, vu;
};

struct leak_run {
    int64_t interval_ms, samples;
    int wordsize;
    struct series *s;
    size_t ns;
    double *node_t;
    double *node_mem[NM_N];
    size_t node_n;
    int64_t t0_us;
};

static double per_min(double per_sec)
{
    return per_sec * 60.0;
}

static void analyse(struct series *s)
{
    s->have_tr = trend_compute(s->t, s->mem, s->n, &s->tr) == 0;
    s->have_trb = trend_compute(s->t, s->bin, s->n, &s->trb) == 0;
    s->have_tru = trend_compute(s->t, s->used, s->n, &s->tru) == 0;
    s->v = s->have_tr ? trend_judge(&s->tr) : TREND_STABLE;
    s->vb = s->have_trb ? trend_judge(&s->trb) : TREND_STABLE;
    s->vu = s->have_tru ? trend_judge(&s->tru) : TREND_STABLE;
}

/*
 * Take run->samples readings of pids every interval.  Stops early on
 * Ctrl-C (returns BP_EINTR after storing what it has) or a lost node.
 */
static int sample(struct bp_ctx *ctx, struct leak_run *run, struct term **pids, size_t n,
                  bool progress, struct bp_err *err)
{
    int64_t next = clock_ms();
    int64_t k;
    size_t i;
    int rc = 0;

    for (k = 0; k < run->samples; k++) {
        struct arena a = ARENA_INIT;
        struct leak_reading rd;
        double t;

        if (k > 0) {
            next += run->interval_ms;
            rc = node_wait(ctx->conn, next, err);
            if (rc)
                break;
        }
        rc = collect_leak_sample(ctx->conn, &a, pids, n, &rd, err);
        if (rc) {
            arena_release(&a);
            break;
        }
        if (k == 0)
            run->t0_us = rd.at_us;
        t = (double)(rd.at_us - run->t0_us) / 1e6;
        run->node_t[run->node_n] = t;
        for (i = 0; i < NM_N; i++)
            run->node_mem[i][run->node_n] = nm_value(&rd.mem, (int)i);
        run->node_n++;
        for (i = 0; i < n; i++) {
            struct series *s = &run->s[i];
            if (s->died)
                continue;
            if (!rd.procs[i].alive) {
                s->died = true;
                continue;
            }
            s->t[s->n] = t;
            s->mem[s->n] = (double)rd.procs[i].memory;
            s->bin[s->n] = (double)rd.procs[i].bin_words * run->wordsize;
            s->used[s->n] = (double)rd.procs[i].used_words * run->wordsize;
            s->n++;
        }
        if (progress) {
            char clk[16], mb[32];
            cmd_now(clk, sizeof(clk), NULL, 0);
            if (n == 1 && !run->s[0].died) {
                fmt_bytes(mb, sizeof(mb), run->s[0].mem[run->s[0].n - 1]);
                fprintf(ctx->out, "[%s] sample %" PRId64 "/%" PRId64 ": %s\n", clk, k + 1,
                        run->samples, mb);
            } else {
                fmt_bytes(mb, sizeof(mb), run->node_mem[NM_TOTAL][run->node_n - 1]);
                fprintf(ctx->out, "[%s] sample %" PRId64 "/%" PRId64 ": node total %s\n", clk,
                        k + 1, run->samples, mb);
            }
            fflush(ctx->out);
        }
        arena_release(&a);
    }
    return rc;
}

static void alloc_series(struct series *s, int64_t samples)
{
    s->mem = xcalloc((size_t)samples + 1, sizeof(double));
    s->bin = xcalloc((size_t)samples + 1, sizeof(double));
    s->used = xcalloc((size_t)samples + 1, sizeof(double));
    s->t = xcalloc((size_t)samples + 1, sizeof(double));
}

static void free_run(struct leak_run *run)
{
    size_t i;
    for (i = 0; i < run->ns; i++) {
        free(run->s[i].mem);
        free(run->s[i].bin);
        free(run->s[i].used);
        free(run->s[i].t);
    }
    free(run->s);
    free(run->node_t);
    for (i = 0; i < NM_N; i++)
        free(run->node_mem[i]);
}

static void slope_str(char *buf, size_t n, double bytes_per_sec)
{
    char b[32];
    fmt_bytes(b, sizeof(b), fabs(per_min(bytes_per_sec)));
    snprintf(buf, n, "%s%s/min", bytes_per_sec < 0 ? "-" : "+", b);
}

static void json_trend(struct sbuf *sb, const char *prefix, const struct trend *tr, int have,
                       enum trend_verdict v, int *first)
{
    char k[64];
    if (!have)
        return;
    snprintf(k, sizeof(k), "%sfirst_half_avg", prefix);
    json_key(sb, k, first);
    json_double(sb, tr->first_avg);
    snprintf(k, sizeof(k), "%ssecond_half_avg", prefix);
    json_key(sb, k, first);
    json_double(sb, tr->second_avg);
    snprintf(k, sizeof(k), "%sgrowth_pct", prefix);
    json_key(sb, k, first);
    json_double(sb, tr->growth_pct);
    snprintf(k, sizeof(k), "%sslope_bytes_per_min", prefix);
    json_key(sb, k, first);
    json_double(sb, per_min(tr->slope));
    snprintf(k, sizeof(k), "%sslope_ci_bytes_per_min", prefix);
    json_key(sb, k, first);
    sbuf_addch(sb, '[');
    json_double(sb, per_min(tr->slope_lo));
    sbuf_addch(sb, ',');
    json_double(sb, per_min(tr->slope_hi));
    sbuf_addch(sb, ']');
    snprintf(k, sizeof(k), "%strend_confidence", prefix);
    json_key(sb, k, first);
    json_double(sb, tr->confidence);
    snprintf(k, sizeof(k), "%sdrops", prefix);
    json_key(sb, k, first);
    json_int(sb, (int64_t)tr->drops);
    snprintf(k, sizeof(k), "%sverdict", prefix);
    json_key(sb, k, first);
    json_cstr(sb, trend_verdict_name(v));
    snprintf(k, sizeof(k), "%slevel", prefix);
    json_key(sb, k, first);
    json_cstr(sb, doctor_level_name(trend_level(v)));
}

/* ---------------------------------------------------------------------
 * TARGET...
 */

static void print_target(struct bp_ctx *ctx, const struct leak_run *run, const struct series *s)
{
    FILE *f = ctx->out;
    const struct style *st = &ctx->style;
    enum level lv = trend_level(s->v);
    char b1[48], b2[48], b3[48];

    fprintf(f, "\n%s=== Memory Leak Detection: %s · %zu samples every %.3g s ===%s\n",
            style_bold(st), s->label, s->n, (double)run->interval_ms / 1000.0, style_off(st));
    if (!s->have_tr) {
        fprintf(f, "%s too few samples to judge (%zu; at least 3)%s\n",
                style_mark(st, LEVEL_INFO), s->n, s->died ? ": the process died" : "");
        return;
    }
    fprintf(f, "First half average: %.2f MB\n", to_mb(s->tr.first_avg));
    fprintf(f, "Second half average: %.2f MB\n", to_mb(s->tr.second_avg));
    fprintf(f, "Growth: %.1f%%\n", s->tr.growth_pct);
    slope_str(b1, sizeof(b1), s->tr.slope);
    slope_str(b2, sizeof(b2), s->tr.slope_lo);
    slope_str(b3, sizeof(b3), s->tr.slope_hi);
    fprintf(f, "Trend: %s (Theil-Sen; 95%% interval %s .. %s), upward-trend confidence "
               "%.1f%% (Mann-Kendall), %zu drop%s",
            b1, b2, b3, 100.0 * s->tr.confidence, s->tr.drops, s->tr.drops == 1 ? "" : "s");
    if (s->tr.drops)
        fprintf(f, " (largest -%.0f%%)", s->tr.max_drop_pct);
    fputc('\n', f);
    if (s->have_tru) {
        slope_str(b1, sizeof(b1), s->tru.slope);
        fmt_bytes(b2, sizeof(b2), s->used[s->n - 1]);
        fprintf(f, "Heap in use: %s, %s (confidence %.1f%%; `memory` follows it in heap-size "
                   "steps)\n", b2, b1, 100.0 * s->tru.confidence);
    }
    if (s->have_trb && (s->trb.max > 0 || s->trb.min > 0)) {
        slope_str(b1, sizeof(b1), s->trb.slope);
        fmt_bytes(b2, sizeof(b2), s->bin[s->n - 1]);
        fprintf(f, "Refc binaries referenced: %s, %s%s\n", b2, b1,
                s->vb == TREND_LEAK || s->vb == TREND_GROWING ? " (growing)" : "");
    }
    if (s->died)
        fprintf(f, "%s the process died during the sampling\n", style_mark(st, LEVEL_INFO));
    fprintf(f, "%s%s %s%s\n", style_on(st, lv), style_mark(st, lv),
            s->v == TREND_LEAK ? "POSSIBLE MEMORY LEAK" : trend_verdict_text(s->v),
            style_off(st));
}

static void json_target(struct bp_ctx *ctx, const struct leak_run *run, const struct series *s,
                        const char *spec)
{
    struct sbuf sb = SBUF_INIT;
    char iso[40];
    size_t i;
    int first = 1;

    cmd_now(NULL, 0, iso, sizeof(iso));
    cmd_json_open(&sb, &first, iso, node_info(ctx->conn)->name);
    json_key(&sb, "target", &first);
    json_cstr(&sb, spec);
    json_key(&sb, "pid", &first);
    json_cstr(&sb, s->pid);
    json_key(&sb, "interval_ms", &first);
    json_int(&sb, run->interval_ms);
    json_key(&sb, "samples", &first);
    json_int(&sb, (int64_t)s->n);
    json_key(&sb, "alive", &first);
    sbuf_addstr(&sb, s->died ? "false" : "true");
    json_key(&sb, "memory", &first);
    sbuf_addch(&sb, '[');
    for (i = 0; i < s->n; i++) {
        if (i)
            sbuf_addch(&sb, ',');
        json_int(&sb, (int64_t)s->mem[i]);
    }
    sbuf_addch(&sb, ']');
    json_key(&sb, "t_s", &first);
    sbuf_addch(&sb, '[');
    for (i = 0; i < s->n; i++) {
        if (i)
            sbuf_addch(&sb, ',');
        json_double(&sb, s->t[i]);
    }
    sbuf_addch(&sb, ']');
    json_trend(&sb, "", &s->tr, s->have_tr, s->v, &first);
    json_trend(&sb, "binary_", &s->trb, s->have_trb, s->vb, &first);
    json_trend(&sb, "heap_used_", &s->tru, s->have_tru, s->vu, &first);
    sbuf_addch(&sb, '}');
    cmd_json_line(ctx, &sb);
    sbuf_release(&sb);
}

static int run_targets(struct bp_ctx *ctx, char **specs, int n, struct leak_run *run, bool fail,
                       struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    struct target *tg;
    struct term **pids;
    bool crit = false, died = false;
    int i, rc;

    rc = cmd_targets(ctx, &a, specs, n, &tg, err);
    if (rc)
        goto out;
    run->ns = (size_t)n;
    run->s = xcalloc((size_t)n, sizeof(*run->s));
    pids = arena_zalloc(&a, (size_t)n * sizeof(*pids));
    for (i = 0; i < n; i++) {
        struct series *s = &run->s[i];
        alloc_series(s, run->samples);
        s->label = cmd_target_label(ctx, &a, &tg[i]);
        s->pid = cmd_term_str(ctx, &a, tg[i].pid);
        s->pidt = tg[i].pid;
        pids[i] = tg[i].pid;
    }
    if (!ctx->json)
        fprintf(ctx->out, "Watching for memory leaks: %d process%s, %" PRId64
                          " samples every %.3g s...\n",
                n, n == 1 ? "" : "es", run->samples, (double)run->interval_ms / 1000.0);
    rc = sample(ctx, run, pids, (size_t)n, !ctx->json, err);
    if (rc && rc != BP_EINTR)
        goto out;
    for (i = 0; i < n; i++) {
        struct series *s = &run->s[i];
        analyse(s);
        if (ctx->json)
            json_target(ctx, run, s, specs[i]);
        else
            print_target(ctx, run, s);
        if (s->v == TREND_LEAK)
            crit = true;
        if (s->died)
            died = true;
    }
    fflush(ctx->out);
    if (rc == BP_EINTR)
        goto out;
    if (died && n == 1)
        rc = bp_error(err, BP_ENOPROC, "process %s died during the sampling", run->s[0].label);
    else if (fail && crit)
        rc = bp_error(err, BP_ETHRESHOLD, "%s", "");
out:
    arena_release(&a);
    return rc;
}

/* ---------------------------------------------------------------------
 * --all
 */

static int by_slope(const void *a, const void *b)
{
    const struct series *x = *(const struct series *const *)a;
    const struct series *y = *(const struct series *const *)b;
    double sx = x->have_tru ? x->tru.slope : -1e300, sy = y->have_tru ? y->tru.slope : -1e300;
    /* Verdict first (leaks on top), then how fast the heap in use grows
     * (memory moves in heap-size steps, the heap in use smoothly). */
    if (x->v != y->v)
        return x->v == TREND_LEAK ? -1 : y->v == TREND_LEAK ? 1
               : x->v == TREND_GROWING ? -1 : y->v == TREND_GROWING ? 1 : 0;
    return sx < sy ? 1 : sx > sy ? -1 : 0;
}

/* Append the rows of b that a does not have. */
static void merge_top(struct arena *ar, struct top_result *a, const struct top_result *b)
{
    struct top_row *rows = arena_zalloc(ar, (a->n + b->n + 1) * sizeof(*rows));
    size_t i, k, n = a->n;

    memcpy(rows, a->rows, a->n * sizeof(*rows));
    for (i = 0; i < b->n; i++) {
        for (k = 0; k < a->n; k++)
            if (term_equal(a->rows[k].pid, b->rows[i].pid))
                break;
        if (k == a->n)
            rows[n++] = b->rows[i];
    }
    a->rows = rows;
    a->n = n;
}

static int run_all(struct bp_ctx *ctx, struct leak_run *run, size_t limit, bool fail,
                   struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    struct top_result top, big;
    struct term **pids;
    struct series **order;
    struct trend ntr[NM_N];
    enum trend_verdict nv[NM_N];
    int nhave[NM_N];
    size_t i, k, ncand = limit * 5 < 50 ? 50 : limit * 5, nshow;
    bool crit = false;
    char iso[40], clk[16], pc[32];
    int rc;

    if (ncand > 500)
        ncand = 500;
    if (!ctx->json) {
        fprintf(ctx->out, "Finding the processes that grow fastest over %.3g s...\n",
                (double)run->interval_ms / 1000.0);
        fflush(ctx->out);
    }
    /* Candidates: the fastest growers over one interval, and the largest
     * processes (a process's memory grows in heap-size steps, so a leaker
     * may not move within one interval; a long-running one is large). */
    rc = collect_top(ctx->conn, &a, TOP_MEMORY, ncand, run->interval_ms, &top, err);
    if (rc == 0)
        rc = collect_top(ctx->conn, &a, TOP_MEMORY, ncand / 2, 0, &big, err);
    if (rc)
        goto out;
    merge_top(&a, &top, &big);
    run->ns = top.n;
    run->s = xcalloc(top.n + 1, sizeof(*run->s));
    pids = arena_zalloc(&a, (top.n + 1) * sizeof(*pids));
    for (i = 0; i < top.n; i++) {
        struct series *s = &run->s[i];
        const struct top_row *r = &top.rows[i];
        alloc_series(s, run->samples);
        s->pid = cmd_term_str(ctx, &a, r->pid);
        s->pidt = r->pid;
        s->label = cmd_proc_name(ctx, &a, r->registered_name, r->label, r->proc_lib_call,
                                 r->initial_call);
        s->registered = r->registered_name ? r->registered_name->u.atom.name : NULL;
        pids[i] = r->pid;
    }
    if (!ctx->json) {
        fprintf(ctx->out, "Following %zu candidates and node memory: %" PRId64
                          " samples every %.3g s...\n",
                top.n, run->samples, (double)run->interval_ms / 1000.0);
        fflush(ctx->out);
    }
    rc = sample(ctx, run, pids, top.n, !ctx->json, err);
    if (rc && rc != BP_EINTR)
        goto out;
    order = arena_zalloc(&a, (top.n + 1) * sizeof(*order));
    for (i = 0, k = 0; i < top.n; i++) {
        analyse(&run->s[i]);
        if (run->s[i].n >= 3)
            order[k++] = &run->s[i];
    }
    qsort(order, k, sizeof(*order), by_slope);
    nshow = k < limit ? k : limit;
    for (i = 0; i < NM_N; i++) {
        nhave[i] = trend_compute(run->node_t, run->node_mem[i], run->node_n, &ntr[i]) == 0;
        nv[i] = nhave[i] ? trend_judge(&ntr[i]) : TREND_STABLE;
    }
    for (i = 0; i < nshow; i++)
        if (order[i]->v == TREND_LEAK)
            crit = true;
    if (nv[NM_TOTAL] == TREND_LEAK || nv[NM_BINARY] == TREND_LEAK)
        crit = true;
    cmd_now(clk, sizeof(clk), iso, sizeof(iso));
    fmt_count(pc, sizeof(pc), top.process_count);

    if (ctx->json) {
        struct sbuf sb = SBUF_INIT;
        for (i = 0; i < nshow; i++) {
            const struct series *s = order[i];
            int first = 1;
            cmd_json_open(&sb, &first, iso, node_info(ctx->conn)->name);
            json_key(&sb, "rank", &first);
            json_int(&sb, (int64_t)i + 1);
            json_key(&sb, "pid", &first);
            json_cstr(&sb, s->pid);
            json_key(&sb, "registered_name", &first);
            json_cstr_or_null(&sb, s->registered);
            json_key(&sb, "name", &first);
            json_cstr(&sb, s->label);
            json_key(&sb, "samples", &first);
            json_int(&sb, (int64_t)s->n);
            json_key(&sb, "memory", &first);
            json_int(&sb, (int64_t)s->mem[s->n - 1]);
            json_trend(&sb, "", &s->tr, s->have_tr, s->v, &first);
            json_trend(&sb, "binary_", &s->trb, s->have_trb, s->vb, &first);
            json_trend(&sb, "heap_used_", &s->tru, s->have_tru, s->vu, &first);
            sbuf_addch(&sb, '}');
            cmd_json_line(ctx, &sb);
        }
        {
            int first = 1, f2;
            cmd_json_open(&sb, &first, iso, node_info(ctx->conn)->name);
            json_key(&sb, "process_count", &first);
            json_int(&sb, top.process_count);
            json_key(&sb, "candidates", &first);
            json_int(&sb, (int64_t)top.n);
            json_key(&sb, "interval_ms", &first);
            json_int(&sb, run->interval_ms);
            json_key(&sb, "samples", &first);
            json_int(&sb, (int64_t)run->node_n);
            json_key(&sb, "node_memory", &first);
            sbuf_addch(&sb, '{');
            for (i = 0, f2 = 1; i < NM_N; i++) {
                int f3 = 1;
                json_key(&sb, nm_names[i], &f2);
                sbuf_addch(&sb, '{');
                if (run->node_n) {
                    json_key(&sb, "first", &f3);
                    json_int(&sb, (int64_t)run->node_mem[i][0]);
                    json_key(&sb, "last", &f3);
                    json_int(&sb, (int64_t)run->node_mem[i][run->node_n - 1]);
                }
                json_trend(&sb, "", &ntr[i], nhave[i], nv[i], &f3);
                sbuf_addch(&sb, '}');
            }
            sbuf_addch(&sb, '}');
            json_key(&sb, "binary_growing", &first);
            sbuf_addstr(&sb, nv[NM_BINARY] == TREND_LEAK || nv[NM_BINARY] == TREND_GROWING
                                 ? "true" : "false");
            sbuf_addch(&sb, '}');
            cmd_json_line(ctx, &sb);
        }
        sbuf_release(&sb);
    } else {
        const char *hdr[] = { "#", "PID", "NAME / INITIAL CALL", "MEMORY", "GROWTH", "SLOPE",
                              "CONFIDENCE", "HEAP IN USE", "BINARIES", "VERDICT" };
        const char *nhdr[] = { "TYPE", "FIRST", "LAST", "GROWTH", "SLOPE", "VERDICT" };
        struct table *t = table_new(hdr, "rllrrrrrrl");
        struct table *nt = table_new(nhdr, "lrrrrl");

        fprintf(ctx->out, "\n%s%s leak --all on %s: %zu candidates of %s processes, %zu "
                          "samples every %.3g s%s\n",
                style_bold(&ctx->style), clk, node_info(ctx->conn)->name, top.n, pc,
                run->node_n, (double)run->interval_ms / 1000.0, style_off(&ctx->style));
        for (i = 0; i < nshow; i++) {
            const struct series *s = order[i];
            char rank[24], mem[32], gr[32], sl[48], cf[32], bin[48], used[48], verdict[96];
            const char *cells[10];
            enum level lv = trend_level(s->v);
            snprintf(rank, sizeof(rank), "%zu", i + 1);
            fmt_bytes(mem, sizeof(mem), s->mem[s->n - 1]);
            snprintf(gr, sizeof(gr), "%+.1f%%", s->tr.growth_pct);
            slope_str(sl, sizeof(sl), s->tr.slope);
            snprintf(cf, sizeof(cf), "%.1f%%", 100 * s->tr.confidence);
            slope_str(used, sizeof(used), s->have_tru ? s->tru.slope : 0);
            if (s->have_trb && s->trb.max > 0)
                slope_str(bin, sizeof(bin), s->trb.slope);
            else
                snprintf(bin, sizeof(bin), "-");
            snprintf(verdict, sizeof(verdict), "%s %s%s", style_mark(&ctx->style, lv),
                     s->v == TREND_LEAK ? "POSSIBLE MEMORY LEAK" : trend_verdict_text(s->v),
                     s->died ? " (died)" : "");
            cells[0] = rank;
            cells[1] = s->pid;
            cells[2] = s->label;
            cells[3] = mem;
            cells[4] = gr;
            cells[5] = sl;
            cells[6] = cf;
            cells[7] = used;
            cells[8] = bin;
            cells[9] = verdict;
            table_row(t, cells);
        }
        table_print(t, ctx->out, &ctx->style);
        fprintf(ctx->out, "\nNode memory by type over the same window:\n");
        for (i = 0; i < NM_N; i++) {
            char f1[32], l1[32], gr[32], sl[48], verdict[160];
            const char *cells[6];
            enum level lv = trend_level(nv[i]);
            if (!run->node_n)
                break;
            fmt_bytes(f1, sizeof(f1), run->node_mem[i][0]);
            fmt_bytes(l1, sizeof(l1), run->node_mem[i][run->node_n - 1]);
            snprintf(gr, sizeof(gr), "%+.1f%%", nhave[i] ? ntr[i].growth_pct : 0);
            slope_str(sl, sizeof(sl), nhave[i] ? ntr[i].slope : 0);
            snprintf(verdict, sizeof(verdict), "%s %s", style_mark(&ctx->style, lv),
                     i == NM_BINARY && (nv[i] == TREND_LEAK || nv[i] == TREND_GROWING)
                         ? "refc binaries growing: 'beamprobe top --sort binary' finds the "
                           "holders"
                         : trend_verdict_text(nv[i]));
            cells[0] = nm_names[i];
            cells[1] = f1;
            cells[2] = l1;
            cells[3] = gr;
            cells[4] = sl;
            cells[5] = verdict;
            table_row(nt, cells);
        }
        table_print(nt, ctx->out, &ctx->style);
        table_free(t);
        table_free(nt);
        fflush(ctx->out);
    }
    if (rc == 0 && fail && crit)
        rc = bp_error(err, BP_ETHRESHOLD, "%s", "");
out:
    arena_release(&a);
    return rc;
}

int cmd_leak(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "leak",
        "leak TARGET... | --all [--interval D] [--samples N] [--limit N] [--fail]",
        "The guide's memory leak detector: --samples readings of a process's memory\n"
        "every --interval (default 20 every 5s), the first-half and second-half\n"
        "averages and their growth (POSSIBLE MEMORY LEAK above 20%, growing above 10%),\n"
        "plus a robust slope (Theil-Sen, bytes/min, with its 95% interval) and a trend\n"
        "confidence (Mann-Kendall): growth without a significant trend - a GC\n"
        "sawtooth - is not called a leak.  --all ranks the processes that grow fastest\n"
        "and reports node memory by type (total, processes, binary, ets, ...) over the\n"
        "same samples, flagging refc-binary growth.",
        "--all first spends one interval finding candidates (the processes whose memory\n"
        "grew most, ranked on the node), then follows them.  Ctrl-C analyses the samples\n"
        "taken so far.  --fail exits 6 when a leak is found.  Read-only: one\n"
        "process_info/2 of 4 items per followed process and erlang:memory/0 per sample."
    };
    int64_t interval_ms = 5000, samples = 20, limit = 10;
    bool all = false, fail = false;
    struct opt opts[] = {
        OPT_FLAG("all", 'a', &all, "rank the fastest-growing processes; node memory by type"),
        OPT_DURATION("interval", 'i', &interval_ms, "D", "time between samples (default 5s)"),
        OPT_INT("samples", 'n', &samples, "N", "number of samples (default 20)"),
        OPT_INT("limit", 'l', &limit, "N", "--all: show N processes (default 10)"),
        OPT_FLAG("fail", 0, &fail, "exit 6 when a leak is found"),
        OPT_END
    };
    struct leak_run run;
    char *pos[MAX_TARGETS];
    int npos, rc, k;

    rc = cli_parse(ctx, &help, opts, argc, argv, pos, MAX_TARGETS, &npos, err);
    if (rc)
        return rc < 0 ? rc : 0;
    if (all == (npos > 0))
        return bp_error(err, BP_EUSAGE, "leak: give TARGETs or --all");
    if (interval_ms < 1 || interval_ms > 3600000)
        return bp_error(err, BP_EUSAGE, "leak: --interval must be between 1ms and 1h");
    if (samples < 3 || samples > TREND_MAX_SAMPLES)
        return bp_error(err, BP_EUSAGE, "leak: --samples must be between 3 and %d",
                        TREND_MAX_SAMPLES);
    if (limit < 1 || limit > 500)
        return bp_error(err, BP_EUSAGE, "leak: --limit must be between 1 and 500");
    rc = cli_attach(ctx, err);
    if (rc)
        return rc;
    memset(&run, 0, sizeof(run));
    run.interval_ms = interval_ms;
    run.samples = samples;
    run.wordsize = node_info(ctx->conn)->wordsize;
    run.node_t = xcalloc((size_t)samples + 1, sizeof(double));
    for (k = 0; k < NM_N; k++)
        run.node_mem[k] = xcalloc((size_t)samples + 1, sizeof(double));
    if (all)
        rc = run_all(ctx, &run, (size_t)limit, fail, err);
    else
        rc = run_targets(ctx, pos, npos, &run, fail, err);
    free_run(&run);
    if (rc == BP_EINTR)
        sig_clear();
    return rc;
}
