/* SPDX-License-Identifier: Apache-2.0 */
/*
 * metrics.h - the guide's metrics as Prometheus families, and one node's
 * readings turned into samples.
 *
 * Names follow Prometheus conventions: a beam_ namespace, base units in the
 * name (_bytes, _seconds, _ratio), _total only on counters, labels node,
 * process, scheduler, type and kind.  Per watched process: mailbox,
 * memory, heap, total heap, minor GCs per second (and a running total),
 * reductions; per node: run queue (total and per scheduler), scheduler
 * utilization, memory by type, process/port/atom/ETS counts, reductions
 * (total and per second), GCs, I/O, context switches, uptime, and
 * beam_up, 0 while the node cannot be reached.  docs/grafana-dashboard.json
 * charts these names.
 */
#ifndef BP_EXPORT_METRICS_H
#define BP_EXPORT_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/collect_debug.h"
#include "render/prom.h"

enum metric_family {
    M_UP,
    M_COLLECT_SECONDS,
    M_LAST_REFRESH,
    M_PROC_UP,
    M_PROC_INFO,
    M_PROC_MAILBOX,
    M_PROC_MEMORY,
    M_PROC_HEAP,
    M_PROC_TOTAL_HEAP,
    M_PROC_GC_RATE,
    M_PROC_GC_TOTAL,
    M_PROC_REDUCTIONS,
    M_RUN_QUEUE,
    M_SCHED_RUN_QUEUE,
    M_SCHED_UTIL,
    M_SCHEDULERS_ONLINE,
    M_MEMORY,
    M_PROCESS_COUNT,
    M_PROCESS_LIMIT,
    M_PORT_COUNT,
    M_ATOM_COUNT,
    M_ETS_COUNT,
    M_REDUCTIONS,
    M_REDUCTIONS_RATE,
    M_GCS,
    M_GC_RECLAIMED,
    M_CONTEXT_SWITCHES,
    M_IO_IN,
    M_IO_OUT,
    M_UPTIME,
    M_NFAMILIES
};

extern const struct prom_family metric_families[M_NFAMILIES];

/* One watched process of one node, as read in a refresh. */
struct metric_proc {
    const char *label;        /* the process label */
    bool found;               /* resolved on this node */
    bool alive;
    const char *pid;          /* printed pid, when found */
    struct export_proc v;
    double minor_gcs_per_sec; /* NAN until two readings */
    double minor_gcs_total;   /* running total kept by beamprobe */
};

/* One node's readings, as read in a refresh. */
struct metric_node {
    const char *node;
    bool up;
    double collect_seconds;
    int64_t wall_ms;           /* when the readings were taken */
    const struct node_stats *ns; /* NULL if not read */
    double reductions_per_sec; /* NAN until two readings */
    int wordsize;
    const struct sched_sample *ss; /* NULL if not read */
    const double *util;        /* per wall-time id - 1, NULL until two readings */
    const struct metric_proc *procs;
    size_t nprocs;
};

/* Append the samples of one node to ps (ps uses metric_families). */
void metrics_add_node(struct prom_set *ps, const struct metric_node *m);

#endif
