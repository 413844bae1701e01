/* SPDX-License-Identifier: Apache-2.0 */
/*
 * commands.c - the command table: name, entry point, one-line summary.
 */
#include "cmd/cmd.h"

#include <stddef.h>

const struct command commands[] = {
    { "node", cmd_node, "facts and health of the node (memory, counts, rates)" },
    { "mailbox", cmd_mailbox, "message queue length of processes, once or watched" },
    { "memory", cmd_memory, "memory breakdown of a process (heap, stack, GC settings)" },
    { "gc", cmd_gc, "garbage collection settings and minor GC rate of a process" },
    { "info", cmd_info, "every process_info item of a process; --dump to a file" },
    { "top", cmd_top, "top processes by memory, mailbox, reductions ... (recon-style)" },
    { "sched", cmd_sched, "run queues and utilization of the schedulers" },
    { "ui", cmd_ui, "live dashboard in the terminal (an observer over SSH)" },
    { "trace", cmd_trace, "trace messages of processes, or count them by type (bounded)" },
    { "bench", cmd_bench, "message latency percentiles and throughput" },
    { "load", cmd_load, "send events at an exact rate (load generation)" },
    { "monitor", cmd_monitor, "the guide's monitor line for processes, with --fail-on" },
    { "loadtest", cmd_loadtest, "load and monitor together, recorded, with an HTML report" },
    { "report", cmd_report, "render recorded runs as an HTML report, side by side" },
    { "stuck", cmd_stuck, "is a process responsive? find stalled processes" },
    { "leak", cmd_leak, "memory trend of processes and the node, with a verdict" },
    { "telemetry", cmd_telemetry, "relay telemetry events from the node" },
    { "export", cmd_export, "Prometheus endpoint and StatsD push of the guide's metrics" },
    { "doctor", cmd_doctor, "every check of the guide at once, with advice" },
    { NULL, NULL, NULL }
};
