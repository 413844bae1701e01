/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_node.c - `beamprobe node`: the facts and health of a node.
 *
 * Facts come from the attach probe; health from two readings of
 * collect_node_stats --interval apart (rates: reductions, GCs and words
 * reclaimed, IO, context switches), plus erlang:memory() and the counts
 * of processes, ports, atoms and ETS tables against their limits.  With
 * --cluster, one row per node.
 */
#include "analyze/rate.h"
#include "analyze/sched.h"
#include "cmd/cmd.h"
#include "cmd/cmd_cluster.h"
#include "cmd/cmd_common.h"
#include "render/format.h"
#include "render/table.h"
#include "util/clock.h"
#include "util/json.h"

#include <inttypes.h>
#include <string.h>

struct node_view {
    const struct node_info *info;
    struct node_stats s;
    int have_rates;
    double interval_s;
    double reds, gcs, words, io_in, io_out, cs; /* per second */
    int64_t rq_total;
};

static int node_round(struct bp_ctx *ctx, struct cluster_job *job, void *arg)
{
    int64_t interval_ms = *(int64_t *)arg;
    struct node_view *v = arena_zalloc(&job->arena, sizeof(*v));
    struct node_stats s0;
    int64_t maxq;
    double avg;
    int rc;

    v->info = node_info(job->conn);
    rc = collect_node_stats(job->conn, &job->arena, &s0, &job->err);
    if (rc)
        return rc;
    v->s = s0;
    if (interval_ms > 0) {
        int64_t us;
        rc = node_wait(job->conn, clock_ms() + interval_ms, &job->err);
        if (rc)
            return rc;
        rc = collect_node_stats(job->conn, &job->arena, &v->s, &job->err);
        if (rc)
            return rc;
        us = v->s.at_us - s0.at_us;
        v->have_rates = us > 0;
        v->interval_s = (double)us / 1e6;
        v->reds = rate_per_sec(rate_delta(s0.reductions, v->s.reductions, NULL), us / 1000);
        v->gcs = rate_per_sec(rate_delta(s0.gcs, v->s.gcs, NULL), us / 1000);
        v->words = rate_per_sec(rate_delta(s0.words_reclaimed, v->s.words_reclaimed, NULL),
                                us / 1000);
        v->io_in = rate_per_sec(rate_delta(s0.io_in, v->s.io_in, NULL), us / 1000);
        v->io_out = rate_per_sec(rate_delta(s0.io_out, v->s.io_out, NULL), us / 1000);
        v->cs = rate_per_sec(rate_delta(s0.context_switches, v->s.context_switches, NULL),
                             us / 1000);
    }
    sched_rq_stats(v->s.run_queues, v->s.n_run_queues, &v->rq_total, &maxq, &avg);
    job->result = v;
    return 0;
}

static void uptime_str(int64_t ms, char *buf, size_t n)
{
    int64_t s = ms / 1000;
    snprintf(buf, n, "%" PRId64 "d %02" PRId64 "h %02" PRId64 "m %02" PRId64 "s",
             s / 86400, (s / 3600) % 24, (s / 60) % 60, s % 60);
}

static void json_view(struct bp_ctx *ctx, const struct node_view *v)
{
    const struct node_info *in = v->info;
    const struct node_stats *s = &v->s;
    struct sbuf sb = SBUF_INIT;
    int first = 1, f2 = 1;

    sbuf_addch(&sb, '{');
    json_key(&sb, "node", &first);
    json_cstr(&sb, in->name);
    json_key(&sb, "otp_release", &first);
    json_cstr(&sb, in->otp_release);
    json_key(&sb, "version", &first);
    json_cstr(&sb, in->erts_version);
    json_key(&sb, "wordsize", &first);
    json_int(&sb, in->wordsize);
    json_key(&sb, "schedulers", &first);
    json_int(&sb, in->schedulers);
    json_key(&sb, "schedulers_online", &first);
    json_int(&sb, in->schedulers_online);
    json_key(&sb, "dirty_cpu_schedulers", &first);
    json_int(&sb, in->dirty_cpu_schedulers);
    json_key(&sb, "dirty_io_schedulers", &first);
    json_int(&sb, in->dirty_io_schedulers);
    json_key(&sb, "elixir", &first);
    sbuf_addstr(&sb, in->elixir ? "true" : "false");
    if (in->elixir) {
        json_key(&sb, "elixir_version", &first);
        json_cstr(&sb, in->elixir_version);
    }
    json_key(&sb, "uptime_ms", &first);
    json_int(&sb, s->uptime_ms);
    json_key(&sb, "memory", &first);
    sbuf_addch(&sb, '{');
#define MEM(k) json_key(&sb, #k, &f2); json_int(&sb, s->mem.k)
    MEM(total); MEM(processes); MEM(processes_used); MEM(system); MEM(atom);
    MEM(atom_used); MEM(binary); MEM(code); MEM(ets);
#undef MEM
    sbuf_addch(&sb, '}');
#define CNT(k) json_key(&sb, #k, &first); json_int(&sb, s->k)
    CNT(process_count); CNT(process_limit); CNT(port_count); CNT(port_limit);
    CNT(atom_count); CNT(atom_limit); CNT(ets_count); CNT(ets_limit);
#undef CNT
    json_key(&sb, "run_queue_total", &first);
    json_int(&sb, v->rq_total);
    if (v->have_rates) {
        json_key(&sb, "interval_s", &first);
        json_double(&sb, v->interval_s);
        json_key(&sb, "reductions_per_sec", &first);
        json_double(&sb, v->reds);
        json_key(&sb, "gcs_per_sec", &first);
        json_double(&sb, v->gcs);
        json_key(&sb, "words_reclaimed_per_sec", &first);
        json_double(&sb, v->words);
        json_key(&sb, "io_input_bytes_per_sec", &first);
        json_double(&sb, v->io_in);
        json_key(&sb, "io_output_bytes_per_sec", &first);
        json_double(&sb, v->io_out);
        json_key(&sb, "context_switches_per_sec", &first);
        json_double(&sb, v->cs);
    }
    sbuf_addch(&sb, '}');
    cmd_json_line(ctx, &sb);
    sbuf_release(&sb);
}

static void limit_row(struct table *t, const char *what, int64_t count, int64_t limit)
{
    char c[32], l[32], p[32];
    const char *cells[4];
    double pct = limit ? 100.0 * (double)count / (double)limit : 0;
    fmt_count(c, sizeof(c), count);
    fmt_count(l, sizeof(l), limit);
    snprintf(p, sizeof(p), "%.1f%%", pct);
    cells[0] = what;
    cells[1] = c;
    cells[2] = l;
    cells[3] = p;
    table_row(t, cells);
}

static void mem_line(struct bp_ctx *ctx, const char *what, int64_t v, int64_t used,
                     int64_t total)
{
    char b[32], u[32];
    fmt_bytes(b, sizeof(b), (double)v);
    fprintf(ctx->out, "  %-12s %12s  %5.1f%%", what, b, total ? 100.0 * (double)v / (double)total : 0);
    if (used >= 0) {
        fmt_bytes(u, sizeof(u), (double)used);
        fprintf(ctx->out, "  (used %s)", u);
    }
    fputc('\n', ctx->out);
}

static void human_view(struct bp_ctx *ctx, const struct node_view *v)
{
    const struct node_info *in = v->info;
    const struct node_stats *s = &v->s;
    const char *hdr[] = { "", "COUNT", "LIMIT", "USED" };
    struct table *t;
    char up[64], b1[32], b2[32];

    uptime_str(s->uptime_ms, up, sizeof(up));
    fprintf(ctx->out, "%snode%s          %s\n", style_bold(&ctx->style), style_off(&ctx->style),
            in->name);
    fprintf(ctx->out, "otp release   %s (erts %s), word size %d\n", in->otp_release,
            in->erts_version, in->wordsize);
    fprintf(ctx->out, "elixir        %s%s\n", in->elixir ? "yes " : "no", in->elixir_version);
    fprintf(ctx->out, "uptime        %s\n", up);
    fprintf(ctx->out, "schedulers    %d online of %d, dirty cpu %d, dirty io %d; run queue %" PRId64
                      "\n", in->schedulers_online, in->schedulers, in->dirty_cpu_schedulers,
            in->dirty_io_schedulers, v->rq_total);
    fmt_bytes(b1, sizeof(b1), (double)s->mem.total);
    fprintf(ctx->out, "\n%smemory%s        %s total\n", style_bold(&ctx->style),
            style_off(&ctx->style), b1);
    mem_line(ctx, "processes", s->mem.processes, s->mem.processes_used, s->mem.total);
    mem_line(ctx, "system", s->mem.system, -1, s->mem.total);
    mem_line(ctx, "  binary", s->mem.binary, -1, s->mem.total);
    mem_line(ctx, "  ets", s->mem.ets, -1, s->mem.total);
    mem_line(ctx, "  code", s->mem.code, -1, s->mem.total);
    mem_line(ctx, "  atom", s->mem.atom, s->mem.atom_used, s->mem.total);
    fputc('\n', ctx->out);
    t = table_new(hdr, "lrrr");
    limit_row(t, "processes", s->process_count, s->process_limit);
    limit_row(t, "ports", s->port_count, s->port_limit);
    limit_row(t, "atoms", s->atom_count, s->atom_limit);
    limit_row(t, "ets tables", s->ets_count, s->ets_limit);
    table_print(t, ctx->out, &ctx->style);
    table_free(t);
    if (v->have_rates) {
        char r[32], g[32], w[32];
        fmt_count(r, sizeof(r), (int64_t)v->reds);
        fmt_count(g, sizeof(g), (int64_t)v->gcs);
        fmt_count(w, sizeof(w), (int64_t)v->words);
        fprintf(ctx->out, "\n%srates over %.2f s%s\n", style_bold(&ctx->style), v->interval_s,
                style_off(&ctx->style));
        fprintf(ctx->out, "  reductions        %s/s\n", r);
        fprintf(ctx->out, "  garbage collect.  %s/s, %s words reclaimed/s\n", g, w);
        fmt_bytes(b1, sizeof(b1), v->io_in);
        fmt_bytes(b2, sizeof(b2), v->io_out);
        fprintf(ctx->out, "  io                in %s/s, out %s/s\n", b1, b2);
        fmt_count(r, sizeof(r), (int64_t)v->cs);
        fprintf(ctx->out, "  context switches  %s/s\n", r);
    }
}

static void cluster_table(struct bp_ctx *ctx, const struct cluster *cl)
{
    const char *hdr[] = { "NODE", "OTP", "PROCESSES", "MEMORY", "RUN QUEUE", "REDS/S",
                          "GC/S", "UPTIME" };
    struct table *t = table_new(hdr, "llrrrrrl");
    size_t i;

    for (i = 0; i < cl->n; i++) {
        const struct node_view *v = cl->jobs[i].result;
        char p[32], m[32], q[32], r[32], g[32], up[64];
        const char *cells[8];
        if (cl->jobs[i].rc || !v)
            continue;
        fmt_count(p, sizeof(p), v->s.process_count);
        fmt_bytes(m, sizeof(m), (double)v->s.mem.total);
        snprintf(q, sizeof(q), "%" PRId64, v->rq_total);
        fmt_count(r, sizeof(r), (int64_t)v->reds);
        fmt_count(g, sizeof(g), (int64_t)v->gcs);
        uptime_str(v->s.uptime_ms, up, sizeof(up));
        cells[0] = v->info->name;
        cells[1] = v->info->otp_release;
        cells[2] = p;
        cells[3] = m;
        cells[4] = q;
        cells[5] = v->have_rates ? r : "";
        cells[6] = v->have_rates ? g : "";
        cells[7] = up;
        table_row(t, cells);
    }
    table_print(t, ctx->out, &ctx->style);
    table_free(t);
}

int cmd_node(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "node", "node [--interval DURATION] [--cluster]",
        "Facts and health of the node: name, OTP release, ERTS version, word size,\n"
        "schedulers, uptime, whether it runs Elixir; erlang:memory() by type; process,\n"
        "port, atom and ETS table counts against their limits; and, measured over\n"
        "--interval (default 1s, 0 to skip), reductions/s, garbage collections/s and\n"
        "words reclaimed/s, IO in/out per second, context switches/s.",
        NULL
    };
    int64_t interval_ms = 1000;
    bool cluster = false;
    struct opt opts[] = {
        OPT_DURATION("interval", 'i', &interval_ms, "DURATION",
                     "measure rates over DURATION (default 1s; 0: no rates)"),
        OPT_FLAG("cluster", 'c', &cluster, "every node of the cluster, one row each"),
        OPT_END
    };
    struct cluster cl;
    char *pos[1];
    int npos, rc;
    size_t i;

    rc = cli_parse(ctx, &help, opts, argc, argv, pos, 0, &npos, err);
    if (rc)
        return rc < 0 ? rc : 0;
    if (interval_ms < 0)
        return bp_error(err, BP_EUSAGE, "node: --interval must not be negative");
    rc = cluster_open(ctx, !cluster, &cl, err);
    if (rc)
        goto out;
    cluster_round(ctx, &cl, node_round, &interval_ms);
    rc = cluster_status(&cl, err);
    if (rc)
        goto out;
    if (ctx->json) {
        for (i = 0; i < cl.n; i++)
            if (cl.jobs[i].rc == 0)
                json_view(ctx, cl.jobs[i].result);
    } else if (cl.n > 1) {
        cluster_table(ctx, &cl);
    } else {
        human_view(ctx, cl.jobs[0].result);
    }
    cluster_print_errors(ctx, &cl);
out:
    cluster_close(&cl);
    return rc;
}
