/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_bench.c - `beamprobe bench latency|throughput`.
 *
 * The guide's Advanced 4 (benchmarking message passing), honestly: each
 * round trip is timed on its own and reported as percentiles, from
 * beamprobe over the distribution and, separately, inside the node between
 * processes (timed there in compiled code); throughput is measured at the
 * receiving end, from beamprobe and from inside the node.  Everything
 * beamprobe starts on the node is removed when it ends, however it ends
 * (collect_bench.h).
 */
#include "analyze/bench_stats.h"
#include "cmd/cmd.h"
#include "cmd/cmd_common.h"
#include "collect/collect_bench.h"
#include "render/format.h"
#include "render/table.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/sig.h"
#include "util/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WARMUP 10

/* "1.32 µs", "112 µs", "1.24 ms", "1.50 s" */
static void fmt_ns(const struct bp_ctx *ctx, char *buf, size_t n, double ns)
{
    const char *us = ctx->style.utf8 ? "\xc2\xb5s" : "us";
    if (ns < 10000)
        snprintf(buf, n, "%.2f %s", ns / 1e3, us);
    else if (ns < 1e6)
        snprintf(buf, n, "%.0f %s", ns / 1e3, us);
    else if (ns < 1e9)
        snprintf(buf, n, "%.2f ms", ns / 1e6);
    else
        snprintf(buf, n, "%.2f s", ns / 1e9);
}

struct lat_row {
    const char *path;     /* "beamprobe", "node", "echo" */
    const char *label;    /* for the table */
    const char *to;       /* destination shown */
    struct lat_summary s;
    int64_t timeouts;
};

static void lat_json(struct bp_ctx *ctx, const struct lat_row *r, const char *request)
{
    struct sbuf sb = SBUF_INIT;
    int first = 1;

    sbuf_addch(&sb, '{');
    json_key(&sb, "record", &first);
    json_cstr(&sb, "latency");
    json_key(&sb, "path", &first);
    json_cstr(&sb, r->path);
    json_key(&sb, "to", &first);
    json_cstr(&sb, r->to);
    json_key(&sb, "request", &first);
    json_cstr(&sb, request);
    json_key(&sb, "count", &first);
    json_int(&sb, (int64_t)r->s.n);
    json_key(&sb, "timeouts", &first);
    json_int(&sb, r->timeouts);
    json_key(&sb, "min_us", &first);
    json_double(&sb, (double)r->s.min / 1e3);
    json_key(&sb, "p50_us", &first);
    json_double(&sb, (double)r->s.p50 / 1e3);
    json_key(&sb, "p90_us", &first);
    json_double(&sb, (double)r->s.p90 / 1e3);
    json_key(&sb, "p99_us", &first);
    json_double(&sb, (double)r->s.p99 / 1e3);
    json_key(&sb, "max_us", &first);
    json_double(&sb, (double)r->s.max / 1e3);
    json_key(&sb, "mean_us", &first);
    json_double(&sb, r->s.mean / 1e3);
    json_key(&sb, "one_way_estimate_us", &first);
    json_double(&sb, r->s.one_way_estimate / 1e3);
    sbuf_addch(&sb, '}');
    cmd_json_line(ctx, &sb);
    sbuf_release(&sb);
}

static void lat_table(struct bp_ctx *ctx, const struct lat_row *rows, size_t n, size_t count)
{
    const char *hdr[] = { "PATH", "N", "P50", "P90", "P99", "MAX", "MEAN", "ONE-WAY (EST.)" };
    struct table *t = table_new(hdr, "lrrrrrrr");
    char c[32];
    size_t i;

    fmt_count(c, sizeof(c), (int64_t)count);
    fprintf(ctx->out, "%sRound-trip latency, %s round trips per path (sys statistics request; "
                      "the first %d not counted)%s\n",
            style_bold(&ctx->style), c, WARMUP, style_off(&ctx->style));
    for (i = 0; i < n; i++) {
        char v[7][32];
        const char *cells[8];
        const struct lat_summary *s = &rows[i].s;
        fmt_count(v[0], sizeof(v[0]), (int64_t)s->n);
        fmt_ns(ctx, v[1], sizeof(v[1]), (double)s->p50);
        fmt_ns(ctx, v[2], sizeof(v[2]), (double)s->p90);
        fmt_ns(ctx, v[3], sizeof(v[3]), (double)s->p99);
        fmt_ns(ctx, v[4], sizeof(v[4]), (double)s->max);
        fmt_ns(ctx, v[5], sizeof(v[5]), s->mean);
        fmt_ns(ctx, v[6], sizeof(v[6]), s->one_way_estimate);
        cells[0] = rows[i].label;
        cells[1] = v[0];
        cells[2] = v[1];
        cells[3] = v[2];
        cells[4] = v[3];
        cells[5] = v[4];
        cells[6] = v[5];
        cells[7] = v[6];
        table_row(t, cells);
    }
    table_print(t, ctx->out, &ctx->style);
    table_free(t);
    for (i = 0; i < n; i++)
        if (rows[i].timeouts)
            fprintf(ctx->out, "%s: %" PRId64 " requests unanswered within %u ms (not counted)\n",
                    rows[i].label, rows[i].timeouts, node_timeout(ctx->conn));
    fprintf(ctx->out, "One-way is estimated as p50 / 2 (the guide's RTT/2): an estimate, the two "
                      "directions need not cost the same.\n");
}

static int bench_latency(struct bp_ctx *ctx, const char *target, bool echo, int64_t count,
                         struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    struct target tg;
    struct bench_keeper k;
    struct lat_row rows[3];
    int64_t *samples = NULL;
    size_t n = 0, got;
    bool open = false;
    const char *to;
    int rc;

    memset(&k, 0, sizeof(k));
    memset(rows, 0, sizeof(rows));
    ctx->liveness = true;
    if ((rc = cli_attach(ctx, err)) < 0)
        goto out;
    if (!echo && (rc = collect_target(ctx->conn, &a, target, &tg, err)) < 0)
        goto out;
    /* The Keeper's lifetime: generous for count round trips of up to the
     * call timeout each, capped. */
    rc = collect_bench_open(ctx->conn, &a, echo ? NULL : tg.pid, 600000, 10000, &k, err);
    if (rc)
        goto out;
    open = true;
    if (!echo && !k.target_is_otp) {
        rc = bp_error(err, BP_EUNSUPPORTED,
                      "bench latency: '%s' is not an OTP process (proc_lib: gen_server, "
                      "gen_statem, GenServer ...), so it would not answer a sys request and "
                      "the requests would stay in its mailbox; use --echo", target);
        goto out;
    }
    to = echo ? arena_printf(&a, "echo %s", cmd_term_str(ctx, &a, k.echo))
              : cmd_target_label(ctx, &a, &tg);
    samples = xcalloc((size_t)count + 1, sizeof(*samples));

    /* beamprobe -> process. */
    rc = collect_bench_rtt(ctx->conn, &k, echo ? BENCH_ECHO : BENCH_TARGET, (size_t)count,
                           WARMUP, samples, &got, &rows[n].timeouts, err);
    if (rc)
        goto out;
    if (got == 0) {
        rc = bp_error(err, BP_ETIMEDOUT, "bench latency: '%s' answered no request within %u ms",
                      to, node_timeout(ctx->conn));
        goto out;
    }
    lat_summarize(samples, got, &rows[n].s);
    rows[n].path = "beamprobe";
    rows[n].to = to;
    rows[n].label = arena_printf(&a, "beamprobe -> %s", to);
    n++;

    /* Inside the node: Keeper -> TARGET, and the echo pair. */
    if (!echo) {
        int64_t *ns;
        rc = collect_bench_node_rtt(ctx->conn, &k, &a, BENCH_TARGET, (size_t)count, &ns, &got,
                                    err);
        if (rc)
            goto out;
        lat_summarize(ns, got, &rows[n].s);
        rows[n].path = "node";
        rows[n].to = to;
        rows[n].label = arena_printf(&a, "in node: process -> %s", to);
        n++;
    }
    {
        int64_t *ns;
        rc = collect_bench_node_rtt(ctx->conn, &k, &a, BENCH_ECHO, (size_t)count, &ns, &got,
                                    err);
        if (rc)
            goto out;
        lat_summarize(ns, got, &rows[n].s);
        rows[n].path = "echo";
        rows[n].to = arena_printf(&a, "echo %s", cmd_term_str(ctx, &a, k.echo));
        rows[n].label = "in node: echo pair (two fresh processes)";
        n++;
    }
    if (ctx->json) {
        size_t i;
        for (i = 0; i < n; i++)
            lat_json(ctx, &rows[i], "sys statistics");
    } else {
        lat_table(ctx, rows, n, (size_t)count);
    }
out:
    if (rc == BP_EINTR)
        sig_clear();
    if (open)
        collect_bench_close(ctx->conn, &k, NULL);
    free(samples);
    arena_release(&a);
    return rc;
}

struct tp_row {
    const char *from;
    int64_t sent, elapsed_ns;
};

static int bench_throughput(struct bp_ctx *ctx, const char *target, bool sink, int64_t count,
                            int64_t duration_ms, const char *message, const char *from,
                            int64_t max_queue, struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    struct target tg;
    struct bench_keeper k;
    struct term *msg = NULL;
    struct tp_row rows[2];
    enum bench_which w = sink ? BENCH_ECHO : BENCH_TARGET;
    bool open = false, from_bp = true, from_node = true;
    const char *to;
    size_t n = 0, i;
    int rc;

    memset(&k, 0, sizeof(k));
    if (strcmp(from, "beamprobe") == 0)
        from_node = false;
    else if (strcmp(from, "node") == 0)
        from_bp = false;
    else if (strcmp(from, "both") != 0)
        return bp_error(err, BP_EUSAGE, "bench throughput: --from beamprobe, node or both");
    if (message && (rc = term_parse(&a, message, ctx->syntax_name &&
                                                     strcmp(ctx->syntax_name, "elixir") == 0
                                                 ? TERM_SYNTAX_ELIXIR
                                             : ctx->syntax_name &&
                                                     strcmp(ctx->syntax_name, "erlang") == 0
                                                 ? TERM_SYNTAX_ERLANG
                                                 : TERM_SYNTAX_AUTO,
                                    0, &msg, err)) < 0) {
        bp_err_prefix(err, "--message: ");
        goto out;
    }
    ctx->liveness = true;
    if ((rc = cli_attach(ctx, err)) < 0)
        goto out;
    if (!sink && (rc = collect_target(ctx->conn, &a, target, &tg, err)) < 0)
        goto out;
    rc = collect_bench_open(ctx->conn, &a, sink ? NULL : tg.pid, 2 * duration_ms + 60000,
                            max_queue, &k, err);
    if (rc)
        goto out;
    open = true;
    if (!sink && !k.target_is_otp && !msg) {
        rc = bp_error(err, BP_EUNSUPPORTED,
                      "bench throughput: '%s' is not an OTP process, so beamprobe has no "
                      "message it is sure to handle; say which with --message TERM", target);
        goto out;
    }
    to = sink ? arena_printf(&a, "sink %s", cmd_term_str(ctx, &a, k.echo))
              : cmd_target_label(ctx, &a, &tg);
    if (from_bp) {
        rows[n].from = "beamprobe";
        rc = collect_bench_push(ctx->conn, &k, w, msg, count, duration_ms, max_queue,
                                &rows[n].sent, &rows[n].elapsed_ns, err);
        if (rc)
            goto out;
        n++;
    }
    if (from_node) {
        rows[n].from = "node";
        rc = collect_bench_flood(ctx->conn, &k, w, msg, count, duration_ms, &rows[n].sent,
                                 &rows[n].elapsed_ns, err);
        if (rc)
            goto out;
        n++;
    }
    if (ctx->json) {
        struct sbuf sb = SBUF_INIT;
        for (i = 0; i < n; i++) {
            int first = 1;
            sbuf_addch(&sb, '{');
            json_key(&sb, "record", &first);
            json_cstr(&sb, "throughput");
            json_key(&sb, "from", &first);
            json_cstr(&sb, rows[i].from);
            json_key(&sb, "to", &first);
            json_cstr(&sb, to);
            json_key(&sb, "messages", &first);
            json_int(&sb, rows[i].sent);
            json_key(&sb, "elapsed_s", &first);
            json_double(&sb, (double)rows[i].elapsed_ns / 1e9);
            json_key(&sb, "messages_per_sec", &first);
            json_double(&sb, bench_rate(rows[i].sent, rows[i].elapsed_ns));
            json_key(&sb, "max_queue", &first);
            json_int(&sb, max_queue);
            sbuf_addch(&sb, '}');
            cmd_json_line(ctx, &sb);
        }
        sbuf_release(&sb);
    } else {
        const char *hdr[] = { "FROM", "MESSAGES", "ELAPSED", "MSG/S" };
        struct table *t = table_new(hdr, "lrrr");
        fprintf(ctx->out, "%sThroughput into %s, measured at the receiving end (mailbox kept "
                          "under %" PRId64 ")%s\n",
                style_bold(&ctx->style), to, max_queue, style_off(&ctx->style));
        for (i = 0; i < n; i++) {
            char m[32], e[32], r[32];
            const char *cells[4];
            fmt_count(m, sizeof(m), rows[i].sent);
            fmt_ns(ctx, e, sizeof(e), (double)rows[i].elapsed_ns);
            fmt_count(r, sizeof(r), (int64_t)(bench_rate(rows[i].sent, rows[i].elapsed_ns) + 0.5));
            cells[0] = strcmp(rows[i].from, "node") == 0 ? "in node" : "beamprobe";
            cells[1] = m;
            cells[2] = e;
            cells[3] = r;
            table_row(t, cells);
        }
        table_print(t, ctx->out, &ctx->style);
        table_free(t);
    }
out:
    if (rc == BP_EINTR)
        sig_clear();
    if (open)
        collect_bench_close(ctx->conn, &k, NULL);
    arena_release(&a);
    return rc;
}

int cmd_bench(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "bench",
        "bench latency TARGET|--echo [--count N]\n"
        "       bench throughput TARGET|--sink [--count N | --duration D] [--message TERM]\n"
        "          [--from beamprobe|node|both] [--max-queue N]",
        "Message benchmarks.  latency: round trips from beamprobe to a process and,\n"
        "separately, between processes inside the node (timed there), as p50/p90/p99/\n"
        "max and mean, with the guide's one-way = RTT/2 labelled an estimate.\n"
        "throughput: messages per second into a process, measured at the receiving\n"
        "end, from beamprobe and from inside the node.",
        "The request is sys's statistics query, which every OTP process (gen_server,\n"
        "gen_statem, GenServer, supervisor ...) answers from its loop without touching\n"
        "its state; other processes need --echo / --sink (an idle gen_event manager\n"
        "beamprobe starts) or, for throughput, --message TERM (a message the process\n"
        "expects).  Defaults: latency 1000 round trips per path; throughput 100000\n"
        "messages per path, at most 30 s; senders pause so the receiver's mailbox stays\n"
        "under --max-queue (default 10000).  Effects on the node: the messages asked\n"
        "for, to the process named; everything beamprobe starts is removed at the end,\n"
        "on Ctrl-C, or when beamprobe goes away."
    };
    bool echo = false, sink = false;
    int64_t count = 0, duration_ms = 0, max_queue = 10000;
    const char *message = NULL, *from = "both";
    struct opt opts[] = {
        OPT_FLAG("echo", 'e', &echo, "latency: to an echo process beamprobe starts"),
        OPT_FLAG("sink", 0, &sink, "throughput: into a sink process beamprobe starts"),
        OPT_INT("count", 'n', &count, "N", "round trips / messages per path"),
        OPT_DURATION("duration", 'd', &duration_ms, "D", "throughput: send for at most D"),
        OPT_STRING("message", 'm', &message, "TERM", "throughput: the message to send"),
        OPT_STRING("from", 0, &from, "WHERE", "throughput: beamprobe, node or both (default)"),
        OPT_INT("max-queue", 0, &max_queue, "N",
                "throughput: keep the receiver's mailbox under N (default 10000)"),
        OPT_END
    };
    char *pos[3];
    int npos, rc;
    bool latency;

    rc = cli_parse(ctx, &help, opts, argc, argv, pos, 3, &npos, err);
    if (rc)
        return rc < 0 ? rc : 0;
    if (npos < 1)
        return bp_error(err, BP_EUSAGE, "bench: latency or throughput?");
    if (strcmp(pos[0], "latency") == 0)
        latency = true;
    else if (strcmp(pos[0], "throughput") == 0)
        latency = false;
    else
        return bp_error(err, BP_EUSAGE, "bench: unknown benchmark '%s' (latency, throughput)",
                        pos[0]);
    if (count < 0 || duration_ms < 0 || max_queue < 10 || max_queue > 10000000)
        return bp_error(err, BP_EUSAGE, "bench: --count, --duration must be positive and "
                                        "--max-queue between 10 and 10000000");
    if (latency) {
        if ((npos == 2) == echo || npos > 2)
            return bp_error(err, BP_EUSAGE, "bench latency: give a TARGET or --echo");
        if (sink || message || duration_ms)
            return bp_error(err, BP_EUSAGE, "bench latency: --sink, --message and --duration "
                                            "are for throughput");
        if (count == 0)
            count = 1000;
        if (count > 1000000)
            return bp_error(err, BP_EUSAGE, "bench latency: --count is at most 1000000");
        return bench_latency(ctx, npos == 2 ? pos[1] : NULL, echo, count, err);
    }
    if ((npos == 2) == sink || npos > 2)
        return bp_error(err, BP_EUSAGE, "bench throughput: give a TARGET or --sink");
    if (echo)
        return bp_error(err, BP_EUSAGE, "bench throughput: --echo is for latency (use --sink)");
    if (sink && message)
        return bp_error(err, BP_EUSAGE, "bench throughput: --message is for a TARGET");
    if (count == 0)
        count = duration_ms ? 1000000000 : 100000;
    if (duration_ms == 0)
        duration_ms = 30000;
    if (duration_ms > 600000)
        return bp_error(err, BP_EUSAGE, "bench throughput: --duration is at most 10m");
    return bench_throughput(ctx, npos == 2 ? pos[1] : NULL, sink, count, duration_ms, message,
                            from, max_queue, err);
}
