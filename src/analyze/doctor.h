/* SPDX-License-Identifier: Apache-2.0 */
/*
 * doctor.h - the guide's checks, their thresholds and their advice.
 *
 * Every check of the guide (Summary, and the alert thresholds the Lasso
 * docs give) as data: what is measured, when it is a warning and when it
 * is red, and what to do about it.  doctor_level() maps a measured value to
 * a level; doctor_advice() writes the advice for a finding in the node's
 * syntax (Erlang or Elixir).  Pure functions: no I/O; unit-tested.
 */
#ifndef BP_ANALYZE_DOCTOR_H
#define BP_ANALYZE_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render/style.h"
#include "util/sbuf.h"

enum doctor_check {
    DOC_MAILBOX,      /* message_queue_len of a process */
    DOC_ONHEAP,       /* an on-heap mailbox holding a long queue */
    DOC_GC,           /* minor GCs per second of a process */
    DOC_PROC_MEMORY,  /* memory of a process, bytes */
    DOC_RUN_QUEUE,    /* total run queue (normal + dirty) */
    DOC_SCHED_UTIL,   /* scheduler utilization, 0..1 (average of normal schedulers) */
    DOC_NODE_MEMORY,  /* total memory of the node: trend verdict */
    DOC_BINARY,       /* refc-binary memory of the node: trend verdict */
    DOC_NCHECKS
};

struct doctor_limits {
    double warn, crit; /* value > warn: ⚠️, value > crit: 🔴 */
};

/* The thresholds (the guide's numbers; see the table in doctor.c). */
extern const struct doctor_limits doctor_limits[DOC_NCHECKS];

/* Level of a measured value for a check (not for the trend checks). */
enum level doctor_level(enum doctor_check c, double value);

/* Short name of a check ("mailbox", "on_heap_mailbox", "minor_gcs" ...),
 * used as the JSON key. */
const char *doctor_check_name(enum doctor_check c);
/* What it measures, for the report ("process mailbox", ...). */
const char *doctor_check_title(enum doctor_check c);

struct doctor_ctx {
    bool elixir;          /* advice in Elixir syntax */
    bool on_heap;         /* the process's mailbox is on the heap */
    int64_t mailbox;      /* its queue length, when known */
};

/* Append the guide's advice for a finding of check c. */
void doctor_advice(struct sbuf *sb, enum doctor_check c, const struct doctor_ctx *ctx);

/* Status of a whole report: the worst level of its findings. */
enum level doctor_worst(enum level a, enum level b);

/* A level's name in JSON output: "ok", "warning", "critical", "info". */
const char *doctor_level_name(enum level l);

#endif
