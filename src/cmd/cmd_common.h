/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_common.h - small pieces every command uses: resolving TARGET
 * arguments, printing terms and pids in the node's syntax, the --watch
 * loop with its deadline, and JSON line framing.
 */
#ifndef BP_CMD_COMMON_H
#define BP_CMD_COMMON_H

#include "cli/cli.h"
#include "collect/collect.h"
#include "util/sbuf.h"

/* Resolve n TARGET strings into *out (an arena array). */
int cmd_targets(struct bp_ctx *ctx, struct arena *a, char **specs, int n,
                struct target **out, struct bp_err *err);

/*
 * Resolve specs[0..n) on one node (cluster commands resolve on each).
 * tg[i], found[i] and, when pids is given, pids[i] (the pid printed for
 * that node) are filled for every target that exists; with allow_missing
 * a target that is not on this node (BP_ENOPROC) is left with found[i] 0
 * instead of failing.  Arrays are caller-provided, n long; strings go to a.
 */
int cmd_resolve_on(const struct bp_ctx *ctx, struct node_conn *c, struct arena *a,
                   char **specs, int n, bool allow_missing, struct target *tg, int *found,
                   const char **pids, struct bp_err *err);

/* Append t printed in the node's syntax, at most limit items/max_len bytes
 * (limit < 0: unlimited; max_len 0: unlimited). */
void cmd_term(const struct bp_ctx *ctx, struct sbuf *sb, const struct term *t, int limit,
              size_t max_len);
/* A term printed into arena memory (short, for table cells). */
const char *cmd_term_str(const struct bp_ctx *ctx, struct arena *a, const struct term *t);

/* The target column: "name (<0.1.0>)" or just the pid. */
const char *cmd_target_label(const struct bp_ctx *ctx, struct arena *a,
                             const struct target *t);

/* --watch pacing: first sample at once, then every interval. */
struct watch {
    int64_t interval_ms; /* 0: a single sample */
    int64_t count;       /* samples to take; 0: until interrupted */
    int64_t taken;
    int64_t next;        /* monotonic ms of the next sample */
};

void watch_init(struct watch *w, int64_t interval_ms, int64_t count);
/* Count the next interval from now (after a round that took long). */
void watch_restart(struct watch *w);

/*
 * Account for the next sample: returns 1 when the watch is over, else 0
 * with *deadline the monotonic ms to wait for (0: sample at once).
 */
int watch_due(struct watch *w, int64_t *deadline);

/*
 * Wait (servicing the connection) until the next sample is due.  Returns
 * 0 when it is time to sample, 1 when the watch is over (count reached or
 * a single sample taken), BP_EINTR on Ctrl-C, BP_ENODEGONE.
 */
int watch_next(struct bp_ctx *ctx, struct watch *w, struct bp_err *err);

/* Timestamps for sample lines: "HH:MM:SS.mmm" (UTC) and ISO 8601. */
void cmd_now(char *clock_buf, size_t nc, char *iso_buf, size_t ni);

/* Open a JSON sample line: '{', "time": iso and, when node is not NULL,
 * "node": node; *first is updated for the keys that follow. */
void cmd_json_open(struct sbuf *sb, int *first, const char *iso, const char *node);

/* Write one JSON object line (sb holds "{...}") and flush. */
void cmd_json_line(struct bp_ctx *ctx, struct sbuf *sb);

/* {M, F, A} printed as mod:fun/2 or Mod.fun/2 (other terms as terms). */
const char *cmd_mfa_str(const struct bp_ctx *ctx, struct arena *a, const struct term *mfa);

/*
 * How to name a process in a table: its registered name, else its proc_lib
 * label, else the initial call proc_lib recorded ($initial_call), else its
 * initial call.  Any argument may be NULL.
 */
const char *cmd_proc_name(const struct bp_ctx *ctx, struct arena *a,
                          const struct term *registered_name, const struct term *label,
                          const struct term *proc_lib_call, const struct term *initial_call);

/* The GC settings block of memory and gc: one "key  value" line each,
 * prefixed with indent. */
void cmd_print_gc(struct bp_ctx *ctx, const struct proc_gc *gc, const char *indent);

/* Append "garbage_collection":{...} with the BEAM's own key names. */
void cmd_json_gc(struct sbuf *sb, const struct proc_gc *gc, int *first);

#endif
