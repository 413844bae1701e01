/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_load.c - monitor samples, the --call caller, the node's mode;
 * see collect_load.h.
 *
 * Readings go through erl_eval expressions (src/remote/load_*.erl) so that
 * a monitor sample of several processes is one round trip.  Replies are
 * decoded with limits and walked defensively: a process that died between
 * two samples is `undefined`, an item missing from a reply reads as 0.
 */
#include "collect/collect_load.h"
#include "remote_exprs.h"
#include "util/clock.h"

#include <stdio.h>
#include <string.h>

#define MAX_COUNTERS 64

static const char *const mon_items[] = {
    "message_queue_len", "memory", "heap_size", "total_heap_size", "reductions",
    "garbage_collection",
};

/* Counters as name => integer: a map with atom or binary keys, or a
 * proplist of {atom, integer}. */
static void parse_counters(struct arena *a, const struct term *t, struct mon_sample *out)
{
    size_t i, n, k = 0;

    out->counters = NULL;
    out->ncounters = 0;
    if (!t)
        return;
    n = t->kind == TERM_MAP ? t->u.map.n : t->kind == TERM_LIST ? t->u.list.n : 0;
    if (!n)
        return;
    out->counters = arena_zalloc(a, (n < MAX_COUNTERS ? n : MAX_COUNTERS) * sizeof(*out->counters));
    for (i = 0; i < n && k < MAX_COUNTERS; i++) {
        const struct term *key, *val;
        int64_t v;
        if (t->kind == TERM_MAP) {
            key = t->u.map.keys[i];
            val = t->u.map.vals[i];
        } else {
            key = term_elem(t->u.list.items[i], 0);
            val = term_elem(t->u.list.items[i], 1);
        }
        if (term_get_int(val, &v) != 0 || !key)
            continue;
        if (key->kind == TERM_ATOM)
            out->counters[k].name = arena_strndup(a, key->u.atom.name, key->u.atom.len);
        else if (key->kind == TERM_BINARY && key->u.bin.bits == 8)
            out->counters[k].name = arena_strndup(a, (const char *)key->u.bin.data,
                                                  key->u.bin.len);
        else
            continue;
        out->counters[k++].value = v;
    }
    out->ncounters = k;
}

int collect_mon_sample(struct node_conn *c, struct arena *a, struct term *const *pids,
                       size_t n, const char *counters, struct mon_sample *out,
                       struct bp_err *err)
{
    struct node_binding b[4];
    struct term *plist = term_list_of(a, pids, n), *r = NULL;
    const struct term *infos;
    const char *colon = counters ? strchr(counters, ':') : NULL;
    size_t i;
    int rc;

    b[0].name = "Pids";
    b[0].value = plist;
    b[1].name = "Items";
    b[1].value = term_atom_list(a, mon_items, sizeof(mon_items) / sizeof(*mon_items));
    b[2].name = "CMod";
    b[2].value = colon ? term_binary(a, counters, (size_t)(colon - counters))
                       : term_binary(a, "", 0);
    b[3].name = "CFun";
    b[3].value = term_binstr(a, colon ? colon + 1 : "");
    rc = node_eval(c, &remote_load_sample, b, 4, 0, a, &r, err);
    if (rc)
        return rc;
    infos = term_elem(r, 3);
    if (!r || r->kind != TERM_TUPLE || r->u.tuple.n != 5 || term_list_len(infos) != n)
        return bp_error(err, BP_EDECODE, "unexpected reply to a monitor sample");
    memset(out, 0, sizeof(*out));
    out->at_ms = clock_ms();
    out->node_us = term_int_or(term_elem(r, 0), 0);
    out->run_queue = term_int_or(term_elem(r, 1), 0);
    out->memory_total = term_int_or(term_elem(r, 2), 0);
    out->nprocs = n;
    out->procs = arena_zalloc(a, (n ? n : 1) * sizeof(*out->procs));
    for (i = 0; i < n; i++) {
        const struct term *pi = infos->u.list.items[i];
        struct mon_proc *p = &out->procs[i];
        if (!pi || pi->kind != TERM_LIST)
            continue; /* undefined: gone */
        p->alive = 1;
        p->message_queue_len = term_prop_int(pi, "message_queue_len", 0);
        p->memory = term_prop_int(pi, "memory", 0);
        p->heap_size = term_prop_int(pi, "heap_size", 0);
        p->total_heap_size = term_prop_int(pi, "total_heap_size", 0);
        p->reductions = term_prop_int(pi, "reductions", 0);
        p->minor_gcs = term_prop_int(term_prop(pi, "garbage_collection"), "minor_gcs", 0);
    }
    parse_counters(a, term_elem(r, 4), out);
    return 0;
}

int64_t mon_counter(const struct mon_sample *s, const char *name)
{
    size_t i;
    for (i = 0; i < s->ncounters; i++)
        if (strcmp(s->counters[i].name, name) == 0)
            return s->counters[i].value;
    return -1;
}

/* ---------------------------------------------------------------------
 * The caller
 */

int collect_load_caller_start(struct node_conn *c, struct arena *a,
                              const struct load_caller_opts *o, struct term **pid,
                              struct bp_err *err)
{
    struct node_binding b[8];
    struct term *r = NULL;
    int rc;

    b[0].name = "Owner";
    b[0].value = node_self_pid(c, a);
    b[1].name = "Mod";
    b[1].value = term_atom(a, o->module);
    b[2].name = "Fun";
    b[2].value = term_atom(a, o->function);
    b[3].name = "Arity";
    b[3].value = term_int(a, o->arity);
    b[4].name = "MaxMs";
    b[4].value = term_int(a, o->max_ms);
    b[5].name = "MaxQueue";
    b[5].value = term_int(a, o->max_queue);
    b[6].name = "MaxHeap";
    b[6].value = term_int(a, o->max_heap_words);
    b[7].name = "Priority";
    b[7].value = term_atom(a, o->normal_priority ? "normal" : "high");
    rc = node_eval(c, &remote_load_caller, b, 8, 0, a, &r, err);
    if (rc)
        return rc;
    if (!r || r->kind != TERM_PID)
        return bp_error(err, BP_EBADRPC, "the caller process did not start on '%s'",
                        node_name(c));
    *pid = r;
    return 0;
}

int collect_load_caller_stop_send(struct node_conn *c, const struct term *pid,
                                  struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    struct term *msg;
    int rc;

    msg = term_tuple2(&a, term_atom(&a, "beamprobe_load_stop"), node_self_pid(c, &a));
    rc = node_send(c, &pid->u.pid, msg, err);
    arena_release(&a);
    return rc;
}

int collect_load_caller_stop_wait(struct node_conn *c, const struct term *pid,
                                  int64_t deadline_ms, struct load_caller_result *r,
                                  struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    struct term *msg;
    int rc;

    memset(r, 0, sizeof(*r));
    /* At least one look at the socket, however close the deadline. */
    if (deadline_ms <= clock_ms())
        deadline_ms = clock_ms() + 1;
    for (;;) {
        arena_clear(&a);
        rc = node_recv(c, deadline_ms, &a, &msg, err);
        if (rc)
            break;
        if (term_is_tagged(msg, "beamprobe_load_done", 5) &&
            term_equal(term_elem(msg, 1), pid)) {
            r->applied = term_int_or(term_elem(msg, 2), 0);
            r->failed = term_int_or(term_elem(msg, 3), 0);
            r->dropped = term_int_or(term_elem(msg, 4), 0);
            break;
        }
    }
    arena_release(&a);
    return rc;
}

int collect_load_caller_stop(struct node_conn *c, const struct term *pid, int64_t timeout_ms,
                             struct load_caller_result *r, struct bp_err *err)
{
    int rc = collect_load_caller_stop_send(c, pid, err);

    if (rc == 0)
        rc = collect_load_caller_stop_wait(c, pid, clock_ms() + timeout_ms, r, err);
    if (rc == BP_ETIMEDOUT) {
        collect_load_caller_kill(c, pid, NULL);
        rc = bp_error(err, BP_ETIMEDOUT,
                      "the caller on '%s' did not finish its queued calls within %lld ms; "
                      "it was stopped",
                      node_name(c), (long long)timeout_ms);
    }
    return rc;
}

int collect_load_caller_kill(struct node_conn *c, const struct term *pid, struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    struct term *args = term_list(&a, 2), *r = NULL;
    int rc;

    args->u.list.items[0] = (struct term *)pid;
    args->u.list.items[1] = term_atom(&a, "kill");
    rc = node_rpc(c, "erlang", "exit", args, 0, &a, &r, err);
    arena_release(&a);
    return rc;
}

int collect_load_caller_poll(struct node_conn *c, int64_t deadline_ms,
                             struct load_caller_news *n)
{
    struct arena a = ARENA_INIT;
    struct term *msg = NULL;
    int got = 0;

    while (node_recv(c, got ? clock_ms() - 1 : deadline_ms, &a, &msg, NULL) == 0) {
        got++;
        if (term_is_tagged(msg, "beamprobe_load_ack", 3)) {
            int64_t k = term_int_or(term_elem(msg, 2), 0);
            if (k > 0 && (uint64_t)k > n->acked)
                n->acked = (uint64_t)k;
        } else if (term_is_tagged(msg, "beamprobe_load_error", 4) && !n->error) {
            const struct term *what = term_elem(msg, 3);
            struct sbuf sb = SBUF_INIT;
            struct term_print_opts po = term_print_defaults;
            po.local_node = node_info(c)->name;
            po.limit = 6;
            po.max_len = sizeof(n->error_text) - 1;
            term_print(&sb, term_elem(what, 0), &po);
            sbuf_addch(&sb, ':');
            term_print(&sb, term_elem(what, 1), &po);
            snprintf(n->error_text, sizeof(n->error_text), "%s", sbuf_str(&sb));
            sbuf_release(&sb);
            n->error_applied = term_int_or(term_elem(msg, 2), 0);
            n->error = 1;
        }
        arena_clear(&a);
    }
    arena_release(&a);
    return got;
}

/* ---------------------------------------------------------------------
 * The node's description
 */

int collect_load_probe(struct node_conn *c, struct arena *a, const char **mode,
                       struct bp_err *err)
{
    struct term *r = NULL;
    int rc = node_eval(c, &remote_load_probe, NULL, 0, 0, a, &r, err);

    *mode = NULL;
    if (rc)
        return rc;
    if (r && r->kind == TERM_ATOM && strcmp(r->u.atom.name, "none") != 0)
        *mode = arena_strdup(a, r->u.atom.name);
    return 0;
}
