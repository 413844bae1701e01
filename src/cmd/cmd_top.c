/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_top.c - `beamprobe top`: the processes that weigh most, recon-style.
 *
 * The guide's Advanced 2 (recon's proc_count and proc_window) from outside
 * the node: ranked on the node by collect_top, for one node or, with
 * --cluster, for every node at once and ranked across the cluster.
 */
#include "cmd/cmd.h"
#include "cmd/cmd_cluster.h"
#include "cmd/cmd_common.h"
#include "render/format.h"
#include "render/table.h"
#include "util/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct top_args {
    enum top_key key;
    size_t limit;
    int64_t window_ms;
};

static int top_node(struct bp_ctx *ctx, struct cluster_job *job, void *arg)
{
    struct top_args *ta = arg;
    struct top_result *r = arena_zalloc(&job->arena, sizeof(*r));
    int rc = collect_top(job->conn, &job->arena, ta->key, ta->limit, ta->window_ms, r,
                         &job->err);
    if (rc == 0)
        job->result = r;
    return rc;
}

static int by_score(const void *a, const void *b)
{
    const struct top_row *x = *(const struct top_row *const *)a;
    const struct top_row *y = *(const struct top_row *const *)b;
    return x->score < y->score ? 1 : x->score > y->score ? -1 : 0;
}

/* The window column: what grew, per second where that reads better. */
static const char *score_header(enum top_key k)
{
    switch (k) {
    case TOP_MEMORY: return "MEM GROWTH";
    case TOP_MAILBOX: return "MBOX GROWTH";
    case TOP_REDUCTIONS: return "REDS/S";
    case TOP_HEAP: return "HEAP GROWTH";
    case TOP_BINARY: return "BIN GROWTH";
    default: return "MINOR GC/S";
    }
}

static void score_cell(char *buf, size_t n, enum top_key k, const struct top_row *r,
                       int64_t window_ms, int wordsize)
{
    double secs = window_ms > 0 ? (double)window_ms / 1000.0 : 1.0;
    switch (k) {
    case TOP_MEMORY:
    case TOP_BINARY:
        buf[0] = r->score >= 0 ? '+' : '-';
        fmt_bytes(buf + 1, n - 1, (double)llabs(r->score));
        break;
    case TOP_HEAP:
        buf[0] = r->score >= 0 ? '+' : '-';
        fmt_bytes(buf + 1, n - 1, (double)llabs(r->score) * wordsize);
        break;
    case TOP_MAILBOX:
        snprintf(buf, n, "%+" PRId64, r->score);
        break;
    default:
        fmt_count(buf, n, (int64_t)((double)r->score / secs + 0.5));
        break;
    }
}

static void print_json(struct bp_ctx *ctx, struct arena *a, const struct top_args *ta,
                       struct top_row **rows, size_t n, const char *iso)
{
    struct sbuf sb = SBUF_INIT;
    size_t i;

    for (i = 0; i < n; i++) {
        const struct top_row *r = rows[i];
        int first = 1;
        cmd_json_open(&sb, &first, iso, r->node);
        json_key(&sb, "rank", &first);
        json_int(&sb, (int64_t)i + 1);
        json_key(&sb, "pid", &first);
        json_cstr(&sb, cmd_term_str(ctx, a, r->pid));
        json_key(&sb, "registered_name", &first);
        json_cstr_or_null(&sb, r->registered_name ? r->registered_name->u.atom.name : NULL);
        json_key(&sb, "name", &first);
        json_cstr(&sb, cmd_proc_name(ctx, a, r->registered_name, r->label, r->proc_lib_call,
                                     r->initial_call));
        json_key(&sb, "initial_call", &first);
        json_cstr(&sb, cmd_mfa_str(ctx, a, r->initial_call));
        json_key(&sb, "current_function", &first);
        json_cstr(&sb, cmd_mfa_str(ctx, a, r->current_function));
        json_key(&sb, "memory", &first);
        json_int(&sb, r->memory);
        json_key(&sb, "message_queue_len", &first);
        json_int(&sb, r->message_queue_len);
        json_key(&sb, "reductions", &first);
        json_int(&sb, r->reductions);
        json_key(&sb, "total_heap_size", &first);
        json_int(&sb, r->total_heap_size);
        json_key(&sb, "sort", &first);
        json_cstr(&sb, top_key_name(ta->key));
        if (ta->window_ms) {
            json_key(&sb, "window_ms", &first);
            json_int(&sb, ta->window_ms);
            json_key(&sb, "delta", &first);
            json_int(&sb, r->score);
            json_key(&sb, "per_sec", &first);
            json_double(&sb, (double)r->score * 1000.0 / (double)ta->window_ms);
        } else {
            json_key(&sb, "value", &first);
            json_int(&sb, r->score);
        }
        sbuf_addch(&sb, '}');
        cmd_json_line(ctx, &sb);
    }
    sbuf_release(&sb);
}

static void print_table(struct bp_ctx *ctx, struct arena *a, const struct top_args *ta,
                        const struct cluster *cl, struct top_row **rows, size_t n,
                        const char *clk)
{
    const char *hdr[] = { "NODE", "PID", "NAME / INITIAL CALL", "MEMORY", "MAILBOX",
                          ta->window_ms ? score_header(ta->key) : "REDUCTIONS",
                          "CURRENT FUNCTION" };
    int cluster = cl->n > 1;
    struct table *t = table_new(cluster ? hdr : hdr + 1, cluster ? "lllrrrl" : "llrrrl");
    int64_t procs = 0, elapsed = 0;
    size_t i, answered = 0;

    for (i = 0; i < cl->n; i++) {
        const struct top_result *r = cl->jobs[i].result;
        if (cl->jobs[i].rc == 0 && r) {
            procs += r->process_count;
            if (r->node_elapsed_us > elapsed)
                elapsed = r->node_elapsed_us;
            answered++;
        }
    }
    for (i = 0; i < n; i++) {
        const struct top_row *r = rows[i];
        char mem[32], mb[32], third[32];
        const char *cells[7], **c = cells;
        fmt_bytes(mem, sizeof(mem), (double)r->memory);
        fmt_count(mb, sizeof(mb), r->message_queue_len);
        if (ta->window_ms)
            score_cell(third, sizeof(third), ta->key, r, ta->window_ms,
                       ctx->conn ? node_info(ctx->conn)->wordsize : 8);
        else
            fmt_count(third, sizeof(third), r->reductions);
        if (cluster)
            *c++ = r->node;
        *c++ = cmd_term_str(ctx, a, r->pid);
        *c++ = cmd_proc_name(ctx, a, r->registered_name, r->label, r->proc_lib_call,
                             r->initial_call);
        *c++ = mem;
        *c++ = mb;
        *c++ = third;
        *c++ = cmd_mfa_str(ctx, a, r->current_function);
        table_row(t, cells);
    }
    {
        char pc[32];
        fmt_count(pc, sizeof(pc), procs);
        fprintf(ctx->out, "%s%s top %zu by %s%s%s: %zu node%s, %s processes, ranked on the "
                          "node in %.2f s%s\n",
                style_bold(&ctx->style), clk, ta->limit, top_key_name(ta->key),
                ta->window_ms ? " growth over " : "",
                ta->window_ms ? arena_printf(a, "%.3g s", (double)ta->window_ms / 1000.0) : "",
                answered, answered == 1 ? "" : "s", pc, (double)elapsed / 1e6,
                style_off(&ctx->style));
    }
    table_print(t, ctx->out, &ctx->style);
    table_free(t);
    cluster_print_errors(ctx, cl);
}

int cmd_top(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "top",
        "top [--sort KEY] [--limit N] [--window DURATION] [--watch INTERVAL] [--cluster]",
        "The processes ranking highest by memory, mailbox, reductions, heap, binary\n"
        "or gc (minor GCs): absolute, like recon:proc_count, or by growth over a\n"
        "window, like recon:proc_window (reductions/s, memory growth, mailbox\n"
        "growth, minor GCs/s).  Ranking runs on the node with compiled library\n"
        "functions, so only N rows cross the wire; nothing is loaded there.",
        "KEY: memory (default), mailbox, reductions, heap (total_heap_size), binary\n"
        "(bytes of referenced binaries; an interpreted fold per process, slower on\n"
        "very large nodes), gc (minor_gcs).  Processes that die during the scan are\n"
        "skipped.  Cost on the node: one process_info/2 per process per snapshot."
    };
    const char *sort = "memory";
    int64_t limit = 10, window_ms = 0, watch_ms = 0, count = 0;
    bool cluster = false;
    struct opt opts[] = {
        OPT_STRING("sort", 's', &sort, "KEY", "memory, mailbox, reductions, heap, binary, gc"),
        OPT_INT("limit", 'l', &limit, "N", "show N processes (default 10)"),
        OPT_DURATION("window", 0, &window_ms, "DURATION",
                     "rank by growth over DURATION instead of absolute value"),
        OPT_DURATION("watch", 'w', &watch_ms, "INTERVAL", "refresh every INTERVAL"),
        OPT_INT("count", 'n', &count, "N", "stop after N refreshes"),
        OPT_FLAG("cluster", 'c', &cluster, "every node of the cluster, ranked together"),
        OPT_END
    };
    struct top_args ta;
    struct cluster cl;
    struct watch w;
    char *pos[1];
    int npos, rc, tty = isatty(fileno(ctx->out));

    rc = cli_parse(ctx, &help, opts, argc, argv, pos, 0, &npos, err);
    if (rc)
        return rc < 0 ? rc : 0;
    if (top_key_parse(sort, &ta.key) != 0)
        return bp_error(err, BP_EUSAGE, "top: unknown --sort '%s' (memory, mailbox, "
                                         "reductions, heap, binary, gc)", sort);
    if (limit < 1 || limit > 100000)
        return bp_error(err, BP_EUSAGE, "top: --limit must be between 1 and 100000");
    if (window_ms < 0 || watch_ms < 0 || count < 0)
        return bp_error(err, BP_EUSAGE, "top: durations and counts must be positive");
    ta.limit = (size_t)limit;
    ta.window_ms = window_ms;
    rc = cluster_open(ctx, !cluster, &cl, err);
    if (rc)
        goto out;
    watch_init(&w, watch_ms, count);
    while ((rc = cluster_watch_next(&cl, &w)) == 0) {
        struct arena a = ARENA_INIT;
        struct top_row **rows;
        size_t total = 0, i, k;
        char clk[16], iso[40];

        cluster_round(ctx, &cl, top_node, &ta);
        rc = cluster_status(&cl, err);
        if (rc) {
            arena_release(&a);
            goto out;
        }
        for (i = 0; i < cl.n; i++)
            if (cl.jobs[i].result)
                total += ((struct top_result *)cl.jobs[i].result)->n;
        rows = arena_zalloc(&a, (total + 1) * sizeof(*rows));
        for (i = 0, total = 0; i < cl.n; i++) {
            const struct top_result *r = cl.jobs[i].result;
            for (k = 0; r && k < r->n; k++)
                rows[total++] = &r->rows[k];
        }
        qsort(rows, total, sizeof(*rows), by_score);
        if (total > ta.limit)
            total = ta.limit;
        cmd_now(clk, sizeof(clk), iso, sizeof(iso));
        if (ctx->json) {
            print_json(ctx, &a, &ta, rows, total, iso);
            cluster_print_errors(ctx, &cl);
        } else {
            if (watch_ms && tty)
                fputs("\033[H\033[2J", ctx->out);
            else if (w.taken > 1)
                fputc('\n', ctx->out);
            print_table(ctx, &a, &ta, &cl, rows, total, clk);
            fflush(ctx->out);
        }
        arena_release(&a);
    }
    if (rc == 1)
        rc = 0;
out:
    cluster_close(&cl);
    return rc;
}
