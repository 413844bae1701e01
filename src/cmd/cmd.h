/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd.h - the commands, one file each under cmd/, and their table.
 *
 * Adding a command: write cmd/cmd_NAME.c with cmd_NAME(), add one row to
 * the table in cli/commands.c and a section to docs/beamprobe.1.
 */
#ifndef BP_CMD_H
#define BP_CMD_H

#include "cli/cli.h"
#include "util/err.h"

typedef int (*cmd_fn)(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);

struct command {
    const char *name;
    cmd_fn fn;
    const char *summary;
};

extern const struct command commands[];

int cmd_node(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);
int cmd_mailbox(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);
int cmd_memory(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);
int cmd_gc(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);
int cmd_info(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);
int cmd_top(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);
int cmd_sched(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);
int cmd_ui(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);
int cmd_trace(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);
int cmd_bench(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);
int cmd_load(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);
int cmd_monitor(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);
int cmd_loadtest(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);
int cmd_report(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);
int cmd_stuck(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);
int cmd_leak(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);
int cmd_telemetry(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);
int cmd_export(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);
int cmd_doctor(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err);

#endif
