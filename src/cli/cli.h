/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli.h - what every command gets: global options, the attached node,
 * output settings; and the one place errors are reported.
 *
 * Commands are `int cmd_NAME(struct bp_ctx *, int argc, char **argv,
 * struct bp_err *)` (see cmd/cmd.h).  They parse their options with
 * cli_parse(), attach with cli_attach() if they need a node, and return 0
 * or a BP_E* code with a message in err; cli_main prints that message once
 * as "beamprobe: MESSAGE" and exits with the matching status.
 */
#ifndef BP_CLI_H
#define BP_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/opts.h"
#include "node/node.h"
#include "render/style.h"
#include "term/term.h"

struct bp_ctx {
    /* Global options. */
    const char *node;        /* --node / $BEAMPROBE_NODE */
    const char *cookie;      /* --cookie (visible in ps; prefer files) */
    const char *cookie_file; /* --cookie-file */
    int64_t port;            /* --port: distribution port, no epmd */
    int64_t timeout_ms;      /* --timeout */
    bool json;               /* --json */
    const char *syntax_name; /* --syntax erlang|elixir|auto */
    bool longnames, shortnames;
    bool no_color;

    /* Set by the commands that listen or send without calling back
     * (trace, telemetry, bench, load): every connection they open watches
     * the node's liveness (node_watch_liveness). */
    bool liveness;

    /* Resolved at attach. */
    struct node_conn *conn;
    enum term_syntax syntax;
    struct style style;
    FILE *out;
};

/* The global options, for opts_parse and help. */
const struct opt *cli_global_opts(struct bp_ctx *ctx);

/*
 * Parse a command's argv (after the command name) with its options plus
 * the global ones.  Returns 0 to go on, 1 when --help was printed (the
 * command should return 0 at once), or BP_EUSAGE.
 */
int cli_parse(struct bp_ctx *ctx, const struct cmd_help *help, const struct opt *opts,
              int argc, char **argv, char **pos, int maxpos, int *npos,
              struct bp_err *err);

/* Connect to the node named by the global options (once). */
int cli_attach(struct bp_ctx *ctx, struct bp_err *err);

/* Open a connection to another node with the same cookie and options
 * (cluster commands).  The caller closes it. */
int cli_connect_to(struct bp_ctx *ctx, const char *node, struct node_conn **out,
                   struct bp_err *err);

/* Term printing options for this node and syntax (limit as given). */
void cli_print_opts(const struct bp_ctx *ctx, struct term_print_opts *po);

/* Entry point: returns the process exit status. */
int cli_main(int argc, char **argv);

#endif
