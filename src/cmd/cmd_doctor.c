/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_doctor.c - `beamprobe doctor` (placeholder until its issue lands).
 */
#include "cmd/cmd.h"

int cmd_doctor(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    (void)ctx;
    (void)argc;
    (void)argv;
    return bp_error(err, BP_EUNSUPPORTED, "doctor: not implemented yet");
}
