/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_mailbox.c - `beamprobe mailbox TARGET... [--watch INTERVAL] [--cluster]`.
 *
 * The guide's Quick Diagnostics 1: message_queue_len of one or many
 * processes, once or as a timestamped series with the change since the
 * previous sample.  One round trip per sample for all targets of a node.
 * On one node, a watched process that dies ends the watch with exit 3.
 * With --cluster every TARGET is resolved on every node (a registered name
 * such as the per-node aggregator exists on each); where it is absent the
 * row says so.
 */
#include "cmd/cmd.h"
#include "cmd/cmd_cluster.h"
#include "cmd/cmd_common.h"
#include "render/format.h"
#include "render/table.h"
#include "util/json.h"
#include "util/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TARGETS 4096

struct mbox_args {
    char **specs;
    int n;
    int cluster;
};

/* Per node, across rounds: resolved targets and the previous lengths. */
struct mbox_state {
    struct arena a;
    struct target *tg;
    int *found;           /* 0: the target does not exist on this node */
    const char **pids;
    int64_t *prev;
    int64_t *lens;
    int rounds;
};

static void state_free(struct mbox_state *st)
{
    if (!st)
        return;
    arena_release(&st->a);
    free(st);
}

static int resolve(struct bp_ctx *ctx, struct cluster_job *job, struct mbox_args *ma,
                   struct mbox_state *st)
{
    int i, rc;

    st->tg = arena_zalloc(&st->a, (size_t)ma->n * sizeof(*st->tg));
    st->found = arena_zalloc(&st->a, (size_t)ma->n * sizeof(int));
    st->pids = arena_zalloc(&st->a, (size_t)ma->n * sizeof(char *));
    st->prev = arena_zalloc(&st->a, (size_t)ma->n * sizeof(int64_t));
    st->lens = arena_zalloc(&st->a, (size_t)ma->n * sizeof(int64_t));
    rc = cmd_resolve_on(ctx, job->conn, &st->a, ma->specs, ma->n, ma->cluster, st->tg,
                        st->found, st->pids, &job->err);
    for (i = 0; i < ma->n; i++)
        if (!st->found[i])
            st->lens[i] = -1;
    return rc;
}

static int mbox_node(struct bp_ctx *ctx, struct cluster_job *job, void *arg)
{
    struct mbox_args *ma = arg;
    struct mbox_state *st = job->state;
    struct term **pids;
    int64_t *lens;
    int i, k = 0, rc;

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
    pids = arena_zalloc(&job->arena, (size_t)ma->n * sizeof(*pids));
    lens = arena_zalloc(&job->arena, (size_t)ma->n * sizeof(*lens));
    for (i = 0; i < ma->n; i++)
        if (st->found[i])
            pids[k++] = st->tg[i].pid;
    if (k) {
        rc = collect_mailboxes(job->conn, pids, (size_t)k, lens, &job->err);
        if (rc)
            return rc;
    }
    for (i = 0, k = 0; i < ma->n; i++) {
        st->prev[i] = st->lens[i];
        st->lens[i] = st->found[i] ? lens[k++] : -2;
    }
    st->rounds++;
    job->result = st;
    return 0;
}

static const char *who(const struct mbox_args *ma, const struct mbox_state *st, int i)
{
    return strcmp(ma->specs[i], st->pids[i]) == 0 ? "" : ma->specs[i];
}

static void json_sample(struct bp_ctx *ctx, const char *iso, const char *node,
                        const struct mbox_args *ma, const struct mbox_state *st, int i)
{
    struct sbuf sb = SBUF_INIT;
    int64_t len = st->lens[i];
    int first = 1;

    cmd_json_open(&sb, &first, iso, ma->cluster ? node : NULL);
    json_key(&sb, "target", &first);
    json_cstr(&sb, ma->specs[i]);
    json_key(&sb, "pid", &first);
    json_cstr_or_null(&sb, st->found[i] ? st->pids[i] : NULL);
    json_key(&sb, "message_queue_len", &first);
    if (len < 0)
        sbuf_addstr(&sb, "null");
    else
        json_int(&sb, len);
    if (st->rounds > 1 && len >= 0 && st->prev[i] >= 0) {
        json_key(&sb, "delta", &first);
        json_int(&sb, len - st->prev[i]);
    }
    json_key(&sb, "alive", &first);
    sbuf_addstr(&sb, len < 0 ? "false" : "true");
    sbuf_addch(&sb, '}');
    cmd_json_line(ctx, &sb);
    sbuf_release(&sb);
}

static void table_once(struct bp_ctx *ctx, const struct cluster *cl, const struct mbox_args *ma)
{
    const char *hdr[] = { "NODE", "PROCESS", "PID", "MAILBOX", "STATUS" };
    struct table *t = table_new(ma->cluster ? hdr : hdr + 1, ma->cluster ? "lllrl" : "llrl");
    size_t j;
    int i;

    for (j = 0; j < cl->n; j++) {
        const struct mbox_state *st = cl->jobs[j].result;
        if (!st)
            continue;
        for (i = 0; i < ma->n; i++) {
            char n[32];
            const char *cells[5], **c = cells;
            int64_t len = st->lens[i];
            if (len == -2)
                snprintf(n, sizeof(n), "absent");
            else if (len < 0)
                snprintf(n, sizeof(n), "dead");
            else
                fmt_count(n, sizeof(n), len);
            if (ma->cluster)
                *c++ = cl->jobs[j].node;
            *c++ = who(ma, st, i)[0] ? who(ma, st, i) : st->pids[i];
            *c++ = st->pids[i];
            *c++ = n;
            *c++ = len < 0 ? "" : style_mark(&ctx->style, level_mailbox(len));
            table_row(t, cells);
        }
    }
    table_print(t, ctx->out, &ctx->style);
    table_free(t);
}

static void watch_lines(struct bp_ctx *ctx, const char *clk, const char *node,
                        const struct mbox_args *ma, const struct mbox_state *st, int width)
{
    int i;
    for (i = 0; i < ma->n; i++) {
        char label[200], n[32], dl[32];
        int64_t len = st->lens[i];
        enum level lv = level_mailbox(len);
        snprintf(label, sizeof(label), "%s%s%s%s%s", ma->cluster ? node : "",
                 ma->cluster ? " " : "", who(ma, st, i), who(ma, st, i)[0] ? " " : "",
                 st->pids[i]);
        if (len < 0) {
            fprintf(ctx->out, "%-12s  %-*s  %10s\n", clk, width, label,
                    len == -2 ? "absent" : "dead");
            continue;
        }
        fmt_count(n, sizeof(n), len);
        if (st->rounds > 1 && st->prev[i] >= 0)
            snprintf(dl, sizeof(dl), "%+" PRId64, len - st->prev[i]);
        else
            dl[0] = '\0';
        fprintf(ctx->out, "%-12s  %-*s  %s%10s%s  %8s  %s\n", clk, width, label,
                style_on(&ctx->style, lv), n, style_off(&ctx->style), dl,
                style_mark(&ctx->style, lv));
    }
}

int cmd_mailbox(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "mailbox", "mailbox TARGET... [--watch INTERVAL] [--count N] [--cluster]",
        "Message queue length (message_queue_len) of one or more processes, once or\n"
        "as a timestamped series (--watch).  Status marks follow the guide: ok up to\n"
        "100 messages, warning above 100, critical above 1000.",
        "A watch ends when --count samples were taken, on Ctrl-C (exit 0), or when a\n"
        "watched process dies (exit 3).  With --cluster each TARGET is looked up on\n"
        "every node of the cluster."
    };
    int64_t watch_ms = 0, count = 0;
    bool cluster = false;
    struct opt opts[] = {
        OPT_DURATION("watch", 'w', &watch_ms, "INTERVAL", "sample every INTERVAL (e.g. 500ms, 1s)"),
        OPT_INT("count", 'n', &count, "N", "stop after N samples"),
        OPT_FLAG("cluster", 'c', &cluster, "look TARGETs up on every node of the cluster"),
        OPT_END
    };
    char *pos[MAX_TARGETS];
    int npos, rc;
    struct mbox_args ma;
    struct cluster cl;
    struct watch w;
    size_t j;
    int width = 24;

    rc = cli_parse(ctx, &help, opts, argc, argv, pos, MAX_TARGETS, &npos, err);
    if (rc)
        return rc < 0 ? rc : 0;
    if (npos == 0)
        return bp_error(err, BP_EUSAGE, "mailbox: at least one TARGET is needed");
    if (watch_ms < 0 || count < 0)
        return bp_error(err, BP_EUSAGE, "mailbox: --watch and --count must be positive");
    ma.specs = pos;
    ma.n = npos;
    ma.cluster = cluster;
    rc = cluster_open(ctx, !cluster, &cl, err);
    if (rc)
        goto out;
    watch_init(&w, watch_ms, count);
    {
        /* The process column fits the longest label (capped). */
        int i;
        for (i = 0; i < ma.n; i++) {
            int l = (int)strlen(ma.specs[i]) + 14 + (cluster ? 40 : 0);
            if (l > width)
                width = l;
        }
        if (width > 100)
            width = 100;
    }
    if (watch_ms && !ctx->json) {
        fprintf(ctx->out, "%s%-12s  %-*s  %10s  %8s%s\n", style_bold(&ctx->style),
                "TIME (UTC)", width, "PROCESS", "MAILBOX", "CHANGE", style_off(&ctx->style));
        fflush(ctx->out);
    }
    while ((rc = cluster_watch_next(&cl, &w)) == 0) {
        char clk[16], iso[40];
        int i, died = -1;

        cluster_round(ctx, &cl, mbox_node, &ma);
        rc = cluster_status(&cl, err);
        if (rc)
            goto out;
        cmd_now(clk, sizeof(clk), iso, sizeof(iso));
        if (!watch_ms && !ctx->json)
            table_once(ctx, &cl, &ma);
        for (j = 0; j < cl.n; j++) {
            const struct mbox_state *st = cl.jobs[j].result;
            if (!st)
                continue;
            if (ctx->json)
                for (i = 0; i < ma.n; i++)
                    json_sample(ctx, iso, cl.jobs[j].node, &ma, st, i);
            else if (watch_ms)
                watch_lines(ctx, clk, cl.jobs[j].node, &ma, st, width);
            for (i = 0; i < ma.n && !cluster; i++)
                if (st->lens[i] == -1 && died < 0)
                    died = i;
        }
        cluster_print_errors(ctx, &cl);
        fflush(ctx->out);
        if (died >= 0) {
            const struct mbox_state *st = cl.jobs[0].result;
            rc = bp_error(err, BP_ENOPROC, "process %s%s%s died", who(&ma, st, died),
                          who(&ma, st, died)[0] ? " " : "", st->pids[died]);
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
