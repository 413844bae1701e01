/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_node.c - one reading of the node's health counters.
 *
 * src/remote/node_stats.erl: erlang:memory/0, system_info counts and
 * limits, statistics totals (reductions, garbage_collection, io,
 * context_switches, wall_clock) and run queues.  Rates are the caller's
 * business (analyze/rate.h) from two readings.  Cost: a dozen BIFs.
 */
#include "collect/collect.h"
#include "remote_exprs.h"

#include <string.h>

void collect_parse_memory(const struct term *mem, struct node_memory *m)
{
    memset(m, 0, sizeof(*m));
    m->total = term_prop_int(mem, "total", 0);
    m->processes = term_prop_int(mem, "processes", 0);
    m->processes_used = term_prop_int(mem, "processes_used", 0);
    m->system = term_prop_int(mem, "system", 0);
    m->atom = term_prop_int(mem, "atom", 0);
    m->atom_used = term_prop_int(mem, "atom_used", 0);
    m->binary = term_prop_int(mem, "binary", 0);
    m->code = term_prop_int(mem, "code", 0);
    m->ets = term_prop_int(mem, "ets", 0);
}

int collect_node_stats(struct node_conn *c, struct arena *a, struct node_stats *out,
                       struct bp_err *err)
{
    struct term *r = NULL;
    const struct term *mem, *counts, *gc, *io;
    int rc;

    rc = node_eval(c, &remote_node_stats, NULL, 0, 0, a, &r, err);
    if (rc)
        return rc;
    if (!r || r->kind != TERM_TUPLE || r->u.tuple.n != 9)
        return bp_error(err, BP_EDECODE, "node stats: unexpected reply");
    memset(out, 0, sizeof(*out));
    out->at_us = term_int_or(term_elem(r, 0), 0);
    mem = term_elem(r, 1);
    collect_parse_memory(mem, &out->mem);
    counts = term_elem(r, 2);
    if (term_list_len(counts) == 8) {
        struct term **v = counts->u.list.items;
        out->process_count = term_int_or(v[0], 0);
        out->process_limit = term_int_or(v[1], 0);
        out->port_count = term_int_or(v[2], 0);
        out->port_limit = term_int_or(v[3], 0);
        out->atom_count = term_int_or(v[4], 0);
        out->atom_limit = term_int_or(v[5], 0);
        out->ets_count = term_int_or(v[6], 0);
        out->ets_limit = term_int_or(v[7], 0);
    }
    out->reductions = term_int_or(term_elem(r, 3), 0);
    gc = term_elem(r, 4);
    out->gcs = term_int_or(term_elem(gc, 0), 0);
    out->words_reclaimed = term_int_or(term_elem(gc, 1), 0);
    io = term_elem(r, 5);
    out->io_in = term_int_or(term_elem(term_elem(io, 0), 1), 0);
    out->io_out = term_int_or(term_elem(term_elem(io, 1), 1), 0);
    out->context_switches = term_int_or(term_elem(r, 6), 0);
    out->uptime_ms = term_int_or(term_elem(r, 7), 0);
    out->run_queues = term_int_array(a, term_elem(r, 8), &out->n_run_queues);
    return 0;
}
