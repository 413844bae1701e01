/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_load_common.h - what `load`, `monitor` and `loadtest` share.
 *
 *  - the load options (--to/--call, --rate, --duration, --count,
 *    --template, --scenario, --connections, --cluster, guards) and a load
 *    session: connections, targets, templates, caller processes, the
 *    sending lanes, the mailbox guard, progress and the final summary;
 *  - the monitor: targets sampled together (collect_mon_sample), the
 *    guide's AggregatorMonitor line, its JSON form, the AggregatorMetrics
 *    log line, and --fail-on thresholds.
 */
#ifndef BP_CMD_LOAD_COMMON_H
#define BP_CMD_LOAD_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"
#include "collect/collect.h"
#include "collect/collect_load.h"
#include "load/loadgen.h"
#include "load/template.h"
#include "util/sbuf.h"

/* ---------------------------------------------------------------------
 * Load options
 */

#define LOAD_DEFAULT_DURATION_MS 10000
#define LOAD_MAX_DURATION_MS (24LL * 3600 * 1000)
#define LOAD_MAX_RATE 100000000.0
#define LOAD_MAX_CONNECTIONS 7

struct load_opts {
    const char *to;            /* --to TARGET */
    const char *call;          /* --call 'Mod.fun(args with $event)' */
    const char *tmpl;          /* --template TERM */
    const char *scenario;      /* --scenario easy|medium|worst */
    const char *rate_s;        /* --rate R */
    int64_t duration_ms;       /* --duration */
    int64_t count;             /* --count */
    int64_t connections;       /* --connections K */
    bool cluster;              /* --cluster */
    struct opt_list guards;    /* --abort-if-mailbox TARGET>N */
    int64_t seed;              /* --seed */
    int64_t max_queue;         /* --max-queue (caller batches) */
    int64_t max_lag_ms;        /* --max-lag */
    bool relay;                /* --relay: --to through a relay process */
    bool normal_priority;      /* --normal-priority: the caller at normal priority */
    bool quiet;                /* --quiet: no progress line */
};

/* The load options, appended to dst (room for LOAD_NOPTS); returns the
 * number written. */
#define LOAD_NOPTS 16
int load_opts_add(struct opt *dst, struct load_opts *lo);

/* Usage/help text of the load options, for the commands' details. */
extern const char load_opts_details[];

/* cli_connect_to / cli_attach, retried a few times (within about half a
 * second) when another beamprobe takes the same pool name at that instant. */
int load_connect(struct bp_ctx *ctx, const char *node, struct node_conn **out,
                 struct bp_err *err);
int load_attach(struct bp_ctx *ctx, struct bp_err *err);

/* ---------------------------------------------------------------------
 * A load session
 */

struct load_guard {
    const char *spec;          /* TARGET as typed */
    int64_t limit;
    struct term *pid;          /* resolved on one node (NULL: absent there) */
    const char *label;
};

struct load_node {
    const char *name;
    struct node_conn *ctl;     /* control connection (guards, callers) */
    int ctl_owned;
    struct target target;      /* --to: the resolved target */
    struct load_guard *guards;
    size_t nguards;
    struct tpl *event;         /* compiled per node (pids and node names) */
    struct tpl *msg;           /* what a lane sends: event or argument list */
    struct node_conn **conns;  /* the lanes' connections */
    struct term **callers;     /* --call: one caller per lane */
    struct load_caller_result *results;
    size_t nconns;
};

struct load_session {
    struct bp_ctx *ctx;
    struct load_opts *lo;
    struct arena a;
    /* Resolved settings. */
    double rate;               /* per node */
    uint64_t count;            /* per node */
    int64_t duration_ms;
    const char *tmpl_src;      /* --template as given, or NULL */
    const char *tmpl_used;     /* the event template's text (first node) */
    const char *call_src;
    struct term_call call;     /* parsed --call (erlang:send for --relay) */
    int via_caller;            /* events go to caller processes (--call, --relay) */
    const char *scenario;
    /* Nodes and lanes. */
    struct load_node *nodes;
    size_t nnodes;
    struct load_lane *lanes;
    size_t nlanes;
    struct load_run run;
    int running;
    int ended;                 /* load_session_end ran */
    /* Progress and outcome. */
    int64_t next_poll_ms;
    int64_t next_progress_ms;
    int progress_shown;
    uint64_t progress_prev_sent;
    int64_t progress_prev_ns;
    double progress_rate;
    char stop_msg[300];        /* why a guard or a death stopped the run */
    int64_t first_ns;          /* when the first event went */
    int64_t end_ns;            /* when the last event went */
    struct load_caller_result calls; /* summed over callers */
    int calls_known;           /* the callers answered */
    char call_error[220];      /* the first error a caller reported */
};

/*
 * Resolve the options (scenario defaults, rate, count, duration), attach,
 * discover the cluster if asked, connect the lanes, resolve targets and
 * guards, compile the templates and start the --call callers.  Nothing is
 * sent yet.  On error everything opened is closed again by
 * load_session_release.
 */
int load_session_prepare(struct load_session *s, struct bp_ctx *ctx, struct load_opts *lo,
                         struct bp_err *err);

/* Start the lanes (the clock of the run starts now). */
int load_session_start(struct load_session *s, struct bp_err *err);

/*
 * Keep the run going from the main thread for up to wait_ms: poll the
 * guards and targets every 100 ms (stopping the run when one trips),
 * update the progress line (when progress is set and stderr is a
 * terminal), service the control connection.  Returns 1 when the run is
 * over, 0 otherwise.
 */
int load_session_step(struct load_session *s, int64_t wait_ms, int progress);

/*
 * After the run: join the lanes, clear a pending Ctrl-C, and stop the
 * callers: after a normal end they are asked to finish their queue (not
 * waited for here), after an interruption or a guard they are killed.
 */
void load_session_end(struct load_session *s);

/*
 * Collect the callers' final counts until deadline_ms (absolute monotonic;
 * a deadline now only takes what has arrived).  With final, a caller that
 * has not answered by then is killed and its counts are unknown.  Returns
 * 1 when nothing is pending any more.
 */
int load_session_collect(struct load_session *s, int64_t deadline_ms, int final);

/*
 * The command's status after load_session_end: 0, BP_EINTR, BP_ETHRESHOLD
 * (a guard), BP_ENOPROC (the target died), BP_EBADRPC (the call failed),
 * or the lanes' error, with the message in err.
 */
int load_session_outcome(struct load_session *s, struct bp_err *err);

/* end + collect (waiting at most LOAD_CALLER_DRAIN_MS) + outcome. */
#define LOAD_CALLER_DRAIN_MS 20000
int load_session_finish(struct load_session *s, struct bp_err *err);

/* Total events sent, and the achieved rate per node over the schedule
 * ((sent - 1) / time between the first and the last event, per node). */
uint64_t load_session_sent(const struct load_session *s);
double load_session_elapsed_s(const struct load_session *s);
double load_session_rate(const struct load_session *s);

/* The summary: a paragraph on stdout, or one JSON object with --json. */
void load_session_print(struct load_session *s, FILE *f, int json);
/* The summary's JSON fields (without braces), appended to sb. */
void load_session_json_fields(struct load_session *s, struct sbuf *sb, int *first);

/* Close everything. */
void load_session_release(struct load_session *s);

/* A one-line description of what is loaded: "--to X" or the call. */
const char *load_session_what(const struct load_session *s);

/* ---------------------------------------------------------------------
 * Monitor
 */

enum mon_metric { MON_MAILBOX, MON_GC_RATE, MON_MEMORY, MON_HEAP, MON_RUN_QUEUE };

struct mon_threshold {
    enum mon_metric metric;
    double limit;              /* count, per second, or MB */
};

/* Parse "mailbox>1000,gc_rate>10,memory>100": BP_EUSAGE on a bad entry. */
int mon_fail_on_parse(const char *s, struct mon_threshold *out, size_t max, size_t *n,
                      struct bp_err *err);

/* One watched process across samples. */
struct mon_target {
    struct target t;
    const char *label;         /* as shown */
    const char *pid_str;
    int64_t prev_minor_gcs;
    int64_t prev_at_us;
    int have_prev;
    int reported_dead;
    /* Of the latest sample: */
    struct mon_proc cur;
    double gc_rate;
    int fullsweep;
};

/* Update t from sample p taken at node time at_us (GC rate from the
 * previous one; minor_gcs resetting at a fullsweep never gives a negative
 * rate). */
void mon_target_update(struct mon_target *t, const struct mon_proc *p, int64_t at_us);

enum mon_format { MON_FORMAT_LINE, MON_FORMAT_LOG };

/*
 * The guide's line for one target:
 *   [HH:MM:SS.mmm] STATUS Mailbox: N, Mem: X.XXMB, Heap: X.XXMB, GC: X.X/sec, Run queue: N
 * label (may be NULL) is shown after the status when several targets are
 * watched.  The log format is the guide's AggregatorMetrics line:
 *   TIME [info] [TAG] mailbox=N memory_mb=X.XX heap_mb=.. gc_per_sec=.. run_queue=N target=..
 */
void mon_print_line(struct bp_ctx *ctx, FILE *f, enum mon_format fmt, const char *tag,
                    const char *label, const struct mon_target *t, int64_t run_queue,
                    int wordsize, const char *extra);

/* The JSON fields of one target's sample (no braces). */
void mon_json_fields(struct sbuf *sb, int *first, const struct mon_target *t, int wordsize);

/*
 * Check the thresholds against a target's latest sample and the run
 * queue: returns 1 and a message in msg when one is crossed.
 */
int mon_check(const struct mon_threshold *th, size_t n, const struct mon_target *t,
              int64_t run_queue, int wordsize, char *msg, size_t msg_len);

/* A JSON number: integers without exponent (3000, not 3e+03). */
void load_json_num(struct sbuf *sb, double v);

/*
 * The outcome of a recorded load test as JSON fields, for loadtest's
 * summary line and report --json alike: peak_mailbox and whose,
 * recover_s (null when it never recovered), and delivered/lost when the
 * target counts its events.
 */
struct report_summary;
void load_outcome_json(struct sbuf *sb, const struct report_summary *s, int *first);

/* Bytes to MB with two decimals, as the guide rounds. */
double mon_mb(int64_t bytes);

#endif
