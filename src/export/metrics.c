/* SPDX-License-Identifier: Apache-2.0 */
/*
 * metrics.c - metric families and per-node samples; see metrics.h.
 */
#include "export/metrics.h"

#include <math.h>
#include <stdio.h>

const struct prom_family metric_families[M_NFAMILIES] = {
    [M_UP] = { "beam_up", "gauge",
               "1 if beamprobe reached the node at the last refresh, 0 if not" },
    [M_COLLECT_SECONDS] = { "beam_collect_duration_seconds", "gauge",
                            "Time the last refresh of this node took" },
    [M_LAST_REFRESH] = { "beam_last_refresh_timestamp_seconds", "gauge",
                         "Unix time of the last successful refresh of this node" },
    [M_PROC_UP] = { "beam_process_up", "gauge",
                    "1 if the watched process exists, 0 if it is not found or dead" },
    [M_PROC_INFO] = { "beam_process_info", "gauge",
                      "The pid of a watched process (value 1)" },
    [M_PROC_MAILBOX] = { "beam_process_message_queue_len", "gauge",
                         "Messages in the process's mailbox (message_queue_len)" },
    [M_PROC_MEMORY] = { "beam_process_memory_bytes", "gauge",
                        "Memory of the process: heap, stack, mailbox and internals" },
    [M_PROC_HEAP] = { "beam_process_heap_size_bytes", "gauge",
                      "Size of the youngest heap generation of the process" },
    [M_PROC_TOTAL_HEAP] = { "beam_process_total_heap_size_bytes", "gauge",
                            "Total size of all heap fragments of the process" },
    [M_PROC_GC_RATE] = { "beam_process_minor_gcs_per_second", "gauge",
                         "Minor garbage collections per second since the previous refresh" },
    [M_PROC_GC_TOTAL] = { "beam_process_minor_gcs_total", "counter",
                          "Minor garbage collections counted by beamprobe since it started "
                          "(minor_gcs restarts at every fullsweep; beamprobe keeps the sum)" },
    [M_PROC_REDUCTIONS] = { "beam_process_reductions_total", "counter",
                            "Reductions executed by the process" },
    [M_RUN_QUEUE] = { "beam_run_queue_length", "gauge",
                      "Processes and ports ready to run, all run queues together" },
    [M_SCHED_RUN_QUEUE] = { "beam_scheduler_run_queue_length", "gauge",
                            "Length of one run queue (normal schedulers, then the dirty CPU "
                            "and dirty IO queues)" },
    [M_SCHED_UTIL] = { "beam_scheduler_utilization_ratio", "gauge",
                       "Share of wall time a scheduler was busy between two refreshes" },
    [M_SCHEDULERS_ONLINE] = { "beam_schedulers_online", "gauge", "Normal schedulers online" },
    [M_MEMORY] = { "beam_memory_bytes", "gauge", "Memory allocated by the node, by kind" },
    [M_PROCESS_COUNT] = { "beam_processes", "gauge", "Processes alive on the node" },
    [M_PROCESS_LIMIT] = { "beam_processes_limit", "gauge", "Maximum number of processes" },
    [M_PORT_COUNT] = { "beam_ports", "gauge", "Ports open on the node" },
    [M_ATOM_COUNT] = { "beam_atoms", "gauge", "Atoms in the atom table" },
    [M_ETS_COUNT] = { "beam_ets_tables", "gauge", "ETS tables on the node" },
    [M_REDUCTIONS] = { "beam_reductions_total", "counter",
                       "Reductions executed by the node since it started" },
    [M_REDUCTIONS_RATE] = { "beam_reductions_per_second", "gauge",
                            "Reductions per second since the previous refresh" },
    [M_GCS] = { "beam_garbage_collections_total", "counter",
                "Garbage collections since the node started" },
    [M_GC_RECLAIMED] = { "beam_gc_reclaimed_bytes_total", "counter",
                         "Memory reclaimed by garbage collection since the node started" },
    [M_CONTEXT_SWITCHES] = { "beam_context_switches_total", "counter",
                             "Process context switches since the node started" },
    [M_IO_IN] = { "beam_io_input_bytes_total", "counter", "Bytes received through ports" },
    [M_IO_OUT] = { "beam_io_output_bytes_total", "counter", "Bytes sent through ports" },
    [M_UPTIME] = { "beam_uptime_seconds", "gauge", "Time since the node started" },
};

static void node_gauge(struct prom_set *ps, size_t fam, const char *node, double v)
{
    prom_add(ps, fam, v, "node", node, NULL);
}

void metrics_add_node(struct prom_set *ps, const struct metric_node *m)
{
    const char *node = m->node;
    size_t i;

    node_gauge(ps, M_UP, node, m->up ? 1 : 0);
    if (!m->up)
        return;
    node_gauge(ps, M_COLLECT_SECONDS, node, m->collect_seconds);
    node_gauge(ps, M_LAST_REFRESH, node, (double)m->wall_ms / 1000.0);

    for (i = 0; i < m->nprocs; i++) {
        const struct metric_proc *p = &m->procs[i];
        const char *l = p->label;
        bool up = p->found && p->alive;
        prom_add(ps, M_PROC_UP, up ? 1 : 0, "node", node, "process", l, NULL);
        if (!up)
            continue;
        prom_add(ps, M_PROC_INFO, 1, "node", node, "process", l, "pid", p->pid, NULL);
        prom_add(ps, M_PROC_MAILBOX, (double)p->v.message_queue_len, "node", node, "process", l,
                 NULL);
        prom_add(ps, M_PROC_MEMORY, (double)p->v.memory, "node", node, "process", l, NULL);
        prom_add(ps, M_PROC_HEAP, (double)p->v.heap_size * m->wordsize, "node", node, "process",
                 l, NULL);
        prom_add(ps, M_PROC_TOTAL_HEAP, (double)p->v.total_heap_size * m->wordsize, "node",
                 node, "process", l, NULL);
        if (!isnan(p->minor_gcs_per_sec))
            prom_add(ps, M_PROC_GC_RATE, p->minor_gcs_per_sec, "node", node, "process", l,
                     NULL);
        prom_add(ps, M_PROC_GC_TOTAL, p->minor_gcs_total, "node", node, "process", l, NULL);
        prom_add(ps, M_PROC_REDUCTIONS, (double)p->v.reductions, "node", node, "process", l,
                 NULL);
    }

    if (m->ss) {
        const struct sched_sample *s = m->ss;
        size_t ns = (size_t)s->schedulers, nd = (size_t)s->dirty_cpu;
        double total = 0;
        char id[32];
        for (i = 0; i < s->n_run_queues; i++)
            total += (double)s->run_queues[i];
        node_gauge(ps, M_RUN_QUEUE, node, total);
        for (i = 0; i < s->n_run_queues; i++) {
            const char *type = i < ns ? "normal" : i == ns ? "dirty_cpu" : "dirty_io";
            if (i < ns)
                snprintf(id, sizeof(id), "%zu", i + 1);
            else
                snprintf(id, sizeof(id), "%s", type);
            prom_add(ps, M_SCHED_RUN_QUEUE, (double)s->run_queues[i], "node", node, "scheduler",
                     id, "type", type, NULL);
        }
        if (m->util) {
            for (i = 0; i < s->n_wall; i++) {
                const char *type = i < ns ? "normal" : i < ns + nd ? "dirty_cpu" : "dirty_io";
                size_t k = i < ns ? i + 1 : i < ns + nd ? i - ns + 1 : i - ns - nd + 1;
                snprintf(id, sizeof(id), "%zu", k);
                prom_add(ps, M_SCHED_UTIL, m->util[i], "node", node, "scheduler", id, "type",
                         type, NULL);
            }
        }
        node_gauge(ps, M_SCHEDULERS_ONLINE, node, s->schedulers_online);
    }

    if (m->ns) {
        const struct node_stats *n = m->ns;
        static const char *const kinds[] = { "total", "processes", "processes_used", "system",
                                             "atom", "atom_used", "binary", "code", "ets" };
        const int64_t vals[] = { n->mem.total, n->mem.processes, n->mem.processes_used,
                                 n->mem.system, n->mem.atom, n->mem.atom_used, n->mem.binary,
                                 n->mem.code, n->mem.ets };
        for (i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
            prom_add(ps, M_MEMORY, (double)vals[i], "node", node, "kind", kinds[i], NULL);
        node_gauge(ps, M_PROCESS_COUNT, node, (double)n->process_count);
        node_gauge(ps, M_PROCESS_LIMIT, node, (double)n->process_limit);
        node_gauge(ps, M_PORT_COUNT, node, (double)n->port_count);
        node_gauge(ps, M_ATOM_COUNT, node, (double)n->atom_count);
        node_gauge(ps, M_ETS_COUNT, node, (double)n->ets_count);
        node_gauge(ps, M_REDUCTIONS, node, (double)n->reductions);
        if (!isnan(m->reductions_per_sec))
            node_gauge(ps, M_REDUCTIONS_RATE, node, m->reductions_per_sec);
        node_gauge(ps, M_GCS, node, (double)n->gcs);
        node_gauge(ps, M_GC_RECLAIMED, node, (double)n->words_reclaimed * m->wordsize);
        node_gauge(ps, M_CONTEXT_SWITCHES, node, (double)n->context_switches);
        node_gauge(ps, M_IO_IN, node, (double)n->io_in);
        node_gauge(ps, M_IO_OUT, node, (double)n->io_out);
        node_gauge(ps, M_UPTIME, node, (double)n->uptime_ms / 1000.0);
    }
}
