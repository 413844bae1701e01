/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_load.c - `beamprobe load`: events at an exact rate (the guide's Load
 * Testing 1, made exact).
 *
 * The events are built from a compiled template and sent from beamprobe
 * straight to a process (--to), or handed in batches to a caller process
 * on the node that runs a call per event (--call).  Each run is bounded
 * by count and duration, stops itself when a watched mailbox passes its
 * limit, and leaves nothing on the node.  See cmd_load_common.c for the
 * session and load/ for the pacing and the templates.
 */
#include "cmd/cmd.h"
#include "cmd/cmd_load_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_load(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "load",
        "load --to TARGET | --call CALL | --scenario NAME --rate R [--duration D]\n"
        "       [--count N] [--template TERM] [--connections K] [--cluster]\n"
        "       [--abort-if-mailbox TARGET>N]",
        "Send events built from a template at an exact rate, to a process or through\n"
        "a call on the node, bounded in count and time (effects on the node: the\n"
        "events themselves; with --call a caller process, removed afterwards).",
        load_opts_details
    };
    struct load_opts lo;
    struct opt opts[LOAD_NOPTS + 1] = { OPT_END };
    struct load_session s;
    char *pos[1];
    int npos, rc, rc2;

    memset(&lo, 0, sizeof(lo));
    load_opts_add(opts, &lo);
    opts[LOAD_NOPTS] = (struct opt)OPT_END;
    rc = cli_parse(ctx, &help, opts, argc, argv, pos, 1, &npos, err);
    if (rc) {
        free((void *)lo.guards.items);
        return rc < 0 ? rc : 0;
    }
    if (npos) {
        free((void *)lo.guards.items);
        return bp_error(err, BP_EUSAGE, "load: unexpected argument '%s' (use --to TARGET)",
                        pos[0]);
    }
    rc = load_session_prepare(&s, ctx, &lo, err);
    if (rc == 0)
        rc = load_session_start(&s, err);
    if (rc == 0) {
        while (!load_session_step(&s, 1000, 1))
            ;
        rc = load_session_finish(&s, err);
        /* The summary also after a guard, a death or Ctrl-C: what was sent. */
        if (rc == 0 || rc == BP_EINTR || rc == BP_ETHRESHOLD || rc == BP_ENOPROC ||
            rc == BP_EBADRPC)
            load_session_print(&s, ctx->out, ctx->json);
    } else {
        struct bp_err e2;
        rc2 = load_session_finish(&s, &e2);
        (void)rc2;
    }
    load_session_release(&s);
    free((void *)lo.guards.items); /* the list array is ours, its strings argv's */
    return rc;
}
