/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_data.h - a recorded load test run: reading the JSON lines that
 * `loadtest --record` writes, and the summary a person wants first.
 *
 * The record (format version 1) is one JSON object per line:
 *   {"type":"run", ...}      what was run: node, label, mode, scenario,
 *                            asked_rate, duration_s, interval_ms, watch[]
 *   {"type":"sample", ...}   t (seconds since the start), phase
 *                            ("before", "load", "recover"), sent, rate,
 *                            run_queue, memory_total, procs[] (the monitor
 *                            fields of each watched process), counters{}
 *   {"type":"event", ...}    t, event ("load_start", "load_end"), detail
 *   {"type":"summary", ...}  the load's outcome (sent, rate, stopped ...)
 * Unknown types and fields are ignored, so newer records stay readable;
 * a truncated last line (a run killed mid-write) is skipped.
 *
 * The JSON reader is a small bounded recursive-descent parser (depth 64,
 * lines of at most 4 MiB); everything lives in the run's arena.  No I/O
 * beyond reading the file in report_run_load.
 */
#ifndef BP_REPORT_DATA_H
#define BP_REPORT_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/sbuf.h"

/* ---------------------------------------------------------------------
 * JSON values
 */
enum rjson_kind { RJ_NULL, RJ_BOOL, RJ_NUM, RJ_STR, RJ_ARR, RJ_OBJ };

struct rjson {
    enum rjson_kind kind;
    double num;            /* RJ_NUM, RJ_BOOL (0/1) */
    const char *str;       /* RJ_STR: NUL-terminated UTF-8 */
    size_t len;            /* RJ_STR: bytes; RJ_ARR/RJ_OBJ: items */
    struct rjson **items;     /* RJ_ARR values, RJ_OBJ values */
    const char **keys;     /* RJ_OBJ keys */
};

/* Parse one JSON text (s[0..n), nothing but whitespace after it) into a,
 * with jansson; the tree is a copy owned by the arena. */
int rjson_parse(struct arena *a, const char *s, size_t n, struct rjson **out, struct bp_err *err);
/* Member of an object, NULL when absent or v is not an object. */
const struct rjson *rjson_get(const struct rjson *v, const char *key);
/* Number of member key, or dflt. */
double rjson_num(const struct rjson *v, const char *key, double dflt);
/* String of member key, or NULL. */
const char *rjson_str(const struct rjson *v, const char *key);

/* ---------------------------------------------------------------------
 * Runs
 */
enum report_phase { PHASE_BEFORE, PHASE_LOAD, PHASE_RECOVER };

struct report_proc {
    int alive;
    double mailbox, memory, heap_bytes, gc_rate;
};

struct report_sample {
    double t;
    enum report_phase phase;
    double sent, rate, run_queue, memory_total;
    struct report_proc *procs;   /* one per target; absent ones not alive */
    double delivered, published, dropped; /* target counters; < 0: none */
    const char *line;            /* the line as recorded */
};

struct report_run {
    struct arena a;
    const char *path;
    const char *label;           /* what to call the run: label, mode, file */
    const char *node, *started, *scenario, *mode, *what;
    double asked_rate, duration_s, interval_s;
    const char **targets;
    size_t ntargets;
    struct report_sample *samples;
    size_t n;
    double load_start, load_end; /* t of the events; < 0: unknown */
    /* The summary line, if the run got that far. */
    int have_summary;
    double sent, elapsed_s, rate;
    const char *stopped, *message;
    double applied, failed, call_dropped; /* < 0: unknown */
    /* Every line as recorded (for embedding). */
    const char **lines;
    size_t nlines;
};

/* Parse a record held in memory (text of JSON lines).  path names it in
 * messages.  BP_EUSAGE when it is not a beamprobe record. */
int report_run_parse(struct report_run *r, const char *path, const char *text, size_t len,
                     struct bp_err *err);
/* Read and parse a record file.  BP_EIO when it cannot be read. */
int report_run_load(struct report_run *r, const char *path, struct bp_err *err);
void report_run_release(struct report_run *r);

#define REPORT_OK_MAILBOX 100 /* the guide's healthy limit */

struct report_summary {
    int level;                 /* enum level of the worst mailbox seen */
    double peak_mailbox, peak_t;
    const char *peak_target;
    double final_mailbox;      /* at the last sample, worst target */
    double peak_memory;        /* bytes, largest watched process */
    double peak_node_memory;   /* bytes, erlang:memory(total) */
    double max_gc_rate, max_run_queue;
    double recover_s;          /* after the load ended until every mailbox is
                                * <= 100 again; 0: never above; < 0: not
                                * recovered by the end of the record */
    double achieved_rate;      /* from the summary, or sent over time */
    double sent;
    double delivered;          /* the target's delivered counter over the run; < 0: none */
    double lost;               /* sent + the target's own published - delivered; < 0: unknown */
    double target_dropped;     /* the target's own drop counter; < 0: none */
};

/* Work out the summary of a run (pure). */
void report_summarize(const struct report_run *r, struct report_summary *s);

#endif
