/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_export.c - `beamprobe export` (placeholder until its issue lands).
 */
#include "cmd/cmd.h"

int cmd_export(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    (void)ctx;
    (void)argc;
    (void)argv;
    return bp_error(err, BP_EUNSUPPORTED, "export: not implemented yet");
}
