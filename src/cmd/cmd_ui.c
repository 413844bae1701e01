/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_ui.c - `beamprobe ui`: the live dashboard, an observer for the
 * terminal (the guide's Advanced 1: Observer).
 *
 * Attaches to the node (and with --cluster to every node the entry node
 * is connected to), starts one data feed per node (collect/collect_ui.h:
 * a thread that owns the node's connection) and runs the terminal UI
 * (render/tui/tui.h) until `q` or a signal.  The drawing thread never
 * waits for a node.  On the way out every feed ends its
 * scheduler_wall_time guard and closes its connection, and the terminal
 * is restored.
 */
#include "cmd/cmd.h"
#include "collect/collect_ui.h"
#include "render/tui/tui.h"
#include "util/sig.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct ui_ctx {
    struct bp_ctx *ctx;
    struct tui_state *st;
    int notify[2];
    bool syntax_forced;
};

static int connect_cb(void *arg, const char *node, struct node_conn **out, struct bp_err *err)
{
    struct ui_ctx *u = arg;
    return cli_connect_to(u->ctx, node, out, err);
}

static int start_feed(struct ui_ctx *u, const char *node, struct node_conn *conn, bool discover,
                      struct ui_feed **out, struct bp_err *err)
{
    struct ui_feed_conf fc;
    struct ui_req req;

    tui_state_request(u->st, u->st->n_nodes, &req);
    memset(&fc, 0, sizeof(fc));
    fc.node = node;
    fc.conn = conn;
    fc.connect = connect_cb;
    fc.connect_arg = u;
    fc.syntax_forced = u->syntax_forced;
    fc.syntax = u->ctx->syntax;
    fc.discover = discover;
    fc.notify_fd = u->notify[1];
    fc.req = &req;
    return ui_feed_start(&fc, out, err);
}

static int add_node_cb(void *arg, const char *node, struct ui_feed **out)
{
    struct bp_err err;
    return start_feed(arg, node, NULL, false, out, &err);
}

int cmd_ui(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "ui",
        "ui [--view VIEW] [--interval DURATION] [--sort KEY] [--filter TEXT] [--cluster]",
        "The live dashboard, an observer for any terminal (over SSH too): load charts,\n"
        "the process table, one process live, schedulers, memory and allocators,\n"
        "applications with their supervision trees, ETS tables, ports, and a\n"
        "cluster overview.  Data is collected in a thread per node, so a slow or\n"
        "frozen node never freezes the keyboard; a lost connection is shown and\n"
        "retried every second.  Nothing is loaded on the node.",
        "VIEW: load (default), processes, schedulers, memory, applications, ets,\n"
        "ports, cluster.  KEY (processes): memory (default), mailbox, reductions,\n"
        "rate (reductions/s, ranked over half the interval), gc (minor GCs/s).\n"
        "Keys: 1-8 or Tab views, arrows PgUp/PgDn Home/End move, Enter opens a\n"
        "process, Esc goes back, s < > sort, / filter, p pause, +/- interval,\n"
        "d dump the process to a file, n/N next node, ? help, q quit.\n"
        "Cost on the node: each refresh reads erlang:memory/0, statistics and a\n"
        "scheduler sample; only what the view shows is ranked on the node (the\n"
        "process table: one process_info/2 per process); refreshes come at most\n"
        "every interval and never keep the node busy more than a fifth of the time.\n"
        "scheduler_wall_time is held on by a guard process while ui runs and\n"
        "restored when it exits.  --json is refused: a dashboard has no JSON form\n"
        "(use top, sched, node, memory ... --json)."
    };
    const char *view = "load", *sort = "memory", *filter = "", *dump_dir = ".";
    int64_t interval_ms = 1000, limit = 100;
    bool cluster = false, ascii = false;
    struct opt opts[] = {
        OPT_STRING("view", 'v', &view, "VIEW", "view to start in (default load)"),
        OPT_DURATION("interval", 'i', &interval_ms, "DURATION",
                     "refresh interval (default 1s, at least 250ms)"),
        OPT_STRING("sort", 's', &sort, "KEY",
                   "process table: memory, mailbox, reductions, rate, gc"),
        OPT_STRING("filter", 'f', &filter, "TEXT",
                   "process table: only names, modules or pids containing TEXT"),
        OPT_INT("limit", 'l', &limit, "N", "process rows ranked on the node (default 100)"),
        OPT_FLAG("cluster", 'c', &cluster, "every node the entry node is connected to"),
        OPT_FLAG("ascii", 0, &ascii, "ASCII charts and marks even in a UTF-8 locale"),
        OPT_STRING("dump-dir", 0, &dump_dir, "DIR", "where d writes process dumps (default .)"),
        OPT_END
    };
    struct tui_state *st = NULL;
    struct ui_ctx u;
    struct tui_run_conf rc_conf;
    struct arena a = ARENA_INIT;
    const char **names = NULL;
    size_t n_names = 1, i;
    char *pos[1];
    int npos, rc, v;
    enum ui_psort psort;

    memset(&u, 0, sizeof(u));
    u.notify[0] = u.notify[1] = -1;
    rc = cli_parse(ctx, &help, opts, argc, argv, pos, 0, &npos, err);
    if (rc)
        return rc < 0 ? rc : 0;
    if (ctx->json)
        return bp_error(err, BP_EUSAGE, "ui: --json makes no sense for a dashboard (use top, "
                                        "sched, node, memory ... --json)");
    v = tui_view_parse(view);
    if (v < 0)
        return bp_error(err, BP_EUSAGE, "ui: unknown --view '%s' (load, processes, schedulers, "
                                        "memory, applications, ets, ports, cluster)", view);
    if (ui_psort_parse(sort, &psort) != 0)
        return bp_error(err, BP_EUSAGE, "ui: unknown --sort '%s' (memory, mailbox, reductions, "
                                        "rate, gc)", sort);
    if (interval_ms < 250 || interval_ms > 3600 * 1000)
        return bp_error(err, BP_EUSAGE, "ui: --interval must be between 250ms and 1h");
    if (limit < 1 || limit > 1000)
        return bp_error(err, BP_EUSAGE, "ui: --limit must be between 1 and 1000");
    if (strlen(filter) >= sizeof(st->filter))
        return bp_error(err, BP_EUSAGE, "ui: --filter is too long");
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return bp_error(err, BP_EUSAGE, "ui needs a terminal (stdin and stdout); for "
                                        "scripts use top, sched, node ... --json");
    rc = cli_attach(ctx, err);
    if (rc)
        return rc;

    st = xcalloc(1, sizeof(*st));
    tui_state_init(st);
    st->view = st->back = (enum tui_view)v;
    st->interval_ms = interval_ms;
    st->psort = psort;
    st->nprocs = (size_t)limit;
    snprintf(st->filter, sizeof(st->filter), "%s", filter);
    snprintf(st->dump_dir, sizeof(st->dump_dir), "%s", dump_dir);
    st->utf8 = ctx->style.utf8 && !ascii;
    st->ascii_charts = ascii || !ctx->style.utf8;
    st->cluster = cluster;
    u.ctx = ctx;
    u.st = st;
    u.syntax_forced = ctx->syntax_name && strcmp(ctx->syntax_name, "auto") != 0;
    if (pipe(u.notify) != 0) {
        rc = bp_error(err, BP_EINTERNAL, "ui: cannot create a pipe: %s", strerror(errno));
        goto out;
    }
    for (i = 0; i < 2; i++) {
        fcntl(u.notify[i], F_SETFL, fcntl(u.notify[i], F_GETFL) | O_NONBLOCK);
        fcntl(u.notify[i], F_SETFD, FD_CLOEXEC);
    }
    if (cluster) {
        rc = collect_cluster_nodes(ctx->conn, &a, true, &names, &n_names, err);
        if (rc)
            goto out;
    }
    for (i = 0; i < n_names && i < TUI_MAX_NODES; i++) {
        const char *name = i == 0 ? node_info(ctx->conn)->name : names[i];
        struct node_conn *conn = NULL;
        struct tui_node *nd = &st->nodes[st->n_nodes];
        snprintf(nd->name, sizeof(nd->name), "%s", name);
        if (i == 0) {
            /* The feed owns the entry connection from now on. */
            conn = ctx->conn;
            ctx->conn = NULL;
        }
        rc = start_feed(&u, nd->name, conn, i == 0 && cluster, &nd->feed, err);
        if (rc)
            goto out;
        st->n_nodes++;
    }
    memset(&rc_conf, 0, sizeof(rc_conf));
    rc_conf.notify_fd = u.notify[0];
    rc_conf.color = ctx->style.color;
    rc_conf.add_node = add_node_cb;
    rc_conf.arg = &u;
    rc = tui_run(st, &rc_conf, err);
out:
    if (st) {
        /* Stop every feed first, so that they wind down together. */
        for (i = 0; i < st->n_nodes; i++)
            if (st->nodes[i].feed)
                ui_feed_stop(st->nodes[i].feed);
        for (i = 0; i < st->n_nodes; i++)
            ui_feed_free(st->nodes[i].feed, &st->nodes[i].snap, 500);
        free(st);
    }
    if (rc == BP_EINTR)
        sig_clear();
    for (i = 0; i < 2; i++)
        if (u.notify[i] >= 0)
            close(u.notify[i]);
    arena_release(&a);
    return rc;
}
