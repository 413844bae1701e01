/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli.c - global options, command dispatch, attaching, error reporting.
 *
 * `beamprobe [GLOBAL OPTIONS] COMMAND [ARGS]`; global options are accepted
 * after the command too.  This is the only place that turns an error code
 * into a message on stderr and an exit status (util/err.h).  The cookie is
 * read here and handed to node_open; it is never printed.
 */
#include "cli/cli.h"
#include "cmd/cmd.h"
#include "util/sig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BP_VERSION "0.1.0"

static struct opt global_opts[13];

const struct opt *cli_global_opts(struct bp_ctx *ctx)
{
    const struct opt g[] = {
        OPT_STRING("node", 'N', &ctx->node, "NAME@HOST",
                   "node to attach to (default $BEAMPROBE_NODE)"),
        OPT_STRING("cookie-file", 0, &ctx->cookie_file, "PATH",
                   "read the cookie from PATH (default $BEAMPROBE_COOKIE_FILE, "
                   "$BEAMPROBE_COOKIE, ~/.erlang.cookie)"),
        OPT_STRING("cookie", 0, &ctx->cookie, "COOKIE",
                   "the cookie itself (visible in ps: prefer a file)"),
        OPT_INT("port", 0, &ctx->port, "PORT",
                "connect straight to this distribution port (no epmd, e.g. SSH tunnel)"),
        OPT_DURATION("timeout", 0, &ctx->timeout_ms, "DURATION",
                     "deadline of each remote call (default 5s)"),
        OPT_FLAG("json", 0, &ctx->json, "JSON output (JSON lines for streams)"),
        OPT_STRING("syntax", 0, &ctx->syntax_name, "SYNTAX",
                   "erlang, elixir or auto (Elixir when the node runs Elixir)"),
        OPT_FLAG("longnames", 0, &ctx->longnames, "the node uses long names (-name)"),
        OPT_FLAG("shortnames", 0, &ctx->shortnames, "the node uses short names (-sname)"),
        OPT_FLAG("no-color", 0, &ctx->no_color, "no colours (also when NO_COLOR is set)"),
        OPT_END
    };
    memcpy(global_opts, g, sizeof(g));
    return global_opts;
}

int cli_parse(struct bp_ctx *ctx, const struct cmd_help *help, const struct opt *opts,
              int argc, char **argv, char **pos, int maxpos, int *npos,
              struct bp_err *err)
{
    int rc = opts_parse(argc, argv, opts, cli_global_opts(ctx), help, pos, maxpos, npos,
                        err);
    if (rc < 0)
        return rc;
    style_init(&ctx->style, ctx->out, ctx->no_color);
    if (ctx->syntax_name && strcmp(ctx->syntax_name, "erlang") != 0 &&
        strcmp(ctx->syntax_name, "elixir") != 0 && strcmp(ctx->syntax_name, "auto") != 0)
        return bp_error(err, BP_EUSAGE, "--syntax must be erlang, elixir or auto, not '%s'",
                        ctx->syntax_name);
    if (ctx->timeout_ms <= 0 || ctx->timeout_ms > 3600 * 1000)
        return bp_error(err, BP_EUSAGE, "--timeout must be between 1ms and 1h");
    if (ctx->port < 0 || ctx->port > 65535)
        return bp_error(err, BP_EUSAGE, "--port must be between 1 and 65535");
    return rc;
}

static void resolve_syntax(struct bp_ctx *ctx)
{
    if (ctx->syntax_name && strcmp(ctx->syntax_name, "erlang") == 0)
        ctx->syntax = TERM_SYNTAX_ERLANG;
    else if (ctx->syntax_name && strcmp(ctx->syntax_name, "elixir") == 0)
        ctx->syntax = TERM_SYNTAX_ELIXIR;
    else
        ctx->syntax = ctx->conn && node_info(ctx->conn)->elixir ? TERM_SYNTAX_ELIXIR
                                                                 : TERM_SYNTAX_ERLANG;
}

int cli_connect_to(struct bp_ctx *ctx, const char *node, struct node_conn **out,
                   struct bp_err *err)
{
    char cookie[256];
    struct node_opts o;
    int rc;

    rc = node_cookie_find(ctx->cookie, ctx->cookie_file, cookie, sizeof(cookie), err);
    if (rc)
        return rc;
    memset(&o, 0, sizeof(o));
    o.node = node;
    o.port = (int)ctx->port;
    o.cookie = cookie;
    o.timeout_ms = (unsigned)ctx->timeout_ms;
    o.names = ctx->longnames ? NODE_NAMES_LONG
              : ctx->shortnames ? NODE_NAMES_SHORT : NODE_NAMES_AUTO;
    rc = node_open(&o, out, err);
    memset(cookie, 0, sizeof(cookie));
    if (rc == 0 && ctx->liveness)
        node_watch_liveness(*out, 1);
    return rc;
}

int cli_attach(struct bp_ctx *ctx, struct bp_err *err)
{
    int rc;

    if (ctx->conn)
        return 0;
    if (!ctx->node || !*ctx->node)
        ctx->node = getenv("BEAMPROBE_NODE");
    if (!ctx->node || !*ctx->node)
        return bp_error(err, BP_EUSAGE, "no node given: use --node NAME@HOST or set "
                                         "$BEAMPROBE_NODE");
    rc = cli_connect_to(ctx, ctx->node, &ctx->conn, err);
    if (rc)
        return rc;
    resolve_syntax(ctx);
    return 0;
}

void cli_print_opts(const struct bp_ctx *ctx, struct term_print_opts *po)
{
    *po = term_print_defaults;
    if (!ctx->conn)
        resolve_syntax((struct bp_ctx *)ctx);
    po->syntax = ctx->syntax;
    po->local_node = ctx->conn ? node_info(ctx->conn)->name : NULL;
    if (ctx->conn && node_info(ctx->conn)->elixir) {
        /* Elixir 1.15 prints charlists as ~c"..." */
        const char *v = node_info(ctx->conn)->elixir_version;
        int major = 0, minor = 0;
        if (sscanf(v, "%d.%d", &major, &minor) == 2)
            po->charlist_sigil = major > 1 || (major == 1 && minor >= 15);
    }
}

static void print_usage(FILE *f)
{
    const struct command *c;
    struct bp_ctx dummy;

    memset(&dummy, 0, sizeof(dummy));
    fprintf(f, "usage: beamprobe [OPTIONS] COMMAND [ARGS]\n\n"
               "Attach to a live Erlang/Elixir node as a hidden node (nothing is installed\n"
               "on it) and answer: which mailbox grows, what memory and GC cost, whether\n"
               "the schedulers keep up.\n\ncommands:\n");
    for (c = commands; c->name; c++)
        fprintf(f, "  %-12s %s\n", c->name, c->summary);
    fprintf(f, "\nTARGET is a pid (<0.123.0>, 0.123.0, #PID<0.123.0>), a registered name\n"
               "(my_server, Foo.Bar, 'Elixir.Foo.Bar') or a call returning a pid or {ok, Pid}\n"
               "(mod:fun(Args) or Mod.fun(args)).  `beamprobe COMMAND --help` for details.\n");
    opts_print_help(f, NULL, NULL, cli_global_opts(&dummy));
}

int cli_main(int argc, char **argv)
{
    struct bp_ctx ctx;
    struct bp_err err;
    const struct command *c;
    int i, rc, code;

    memset(&ctx, 0, sizeof(ctx));
    memset(&err, 0, sizeof(err));
    ctx.timeout_ms = 5000;
    ctx.out = stdout;
    sig_install();

    /* Global options may come before the command. */
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const struct opt *o;
        if (a[0] != '-')
            break;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_usage(stdout);
            return 0;
        }
        if (strcmp(a, "--version") == 0) {
            printf("beamprobe %s\n", BP_VERSION);
            return 0;
        }
        for (o = cli_global_opts(&ctx); o->type != OPT_END_; o++) {
            size_t n = strlen(o->name);
            if ((a[1] == '-' && strncmp(a + 2, o->name, n) == 0 &&
                 (a[2 + n] == '\0' || a[2 + n] == '=')) ||
                (o->short_name && a[1] == o->short_name))
                break;
        }
        if (o->type == OPT_END_) {
            fprintf(stderr, "beamprobe: unknown option '%s' (see beamprobe --help)\n", a);
            return BP_EXIT_USAGE;
        }
        if (o->type != OPT_FLAG_ && !strchr(a, '=') && !(a[1] != '-' && a[2]))
            i++; /* its value; opts_parse below stores both */
    }
    if (i >= argc) {
        print_usage(stderr);
        return BP_EXIT_USAGE;
    }
    for (c = commands; c->name; c++)
        if (strcmp(c->name, argv[i]) == 0)
            break;
    if (!c->name) {
        fprintf(stderr, "beamprobe: unknown command '%s' (see beamprobe --help)\n", argv[i]);
        return BP_EXIT_USAGE;
    }
    {
        /* Re-order: command options and the leading global ones together. */
        int n = 0, j;
        char **args = calloc((size_t)argc, sizeof(*args));
        if (!args)
            return BP_EXIT_INTERNAL;
        for (j = 1; j < i; j++)
            args[n++] = argv[j];
        for (j = i + 1; j < argc; j++)
            args[n++] = argv[j];
        rc = c->fn(&ctx, n, args, &err);
        free(args);
    }
    if (ctx.conn) {
        node_close(ctx.conn);
        ctx.conn = NULL;
    }
    fflush(stdout);
    code = bp_exit_code(rc);
    if (rc && rc != BP_EINTR && err.msg[0])
        fprintf(stderr, "beamprobe: %s\n", err.msg);
    else if (rc && rc != BP_EINTR && rc != BP_ETHRESHOLD)
        fprintf(stderr, "beamprobe: %s: %s\n", c->name, bp_strerror(rc));
    return code;
}
