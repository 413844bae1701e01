/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_load.c - `beamprobe load` (placeholder until its issue lands).
 */
#include "cmd/cmd.h"

int cmd_load(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    (void)ctx;
    (void)argc;
    (void)argv;
    return bp_error(err, BP_EUNSUPPORTED, "load: not implemented yet");
}
