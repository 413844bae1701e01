/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_telemetry.c - relay telemetry events from the node.
 *
 * collect_telemetry_attach evaluates src/remote/telemetry_attach.erl, which
 * spawns a relay on the node and attaches one handler per event through
 * telemetry's public API (see that file for the structure and the
 * limits).  Events then arrive in batches as ordinary messages to
 * beamprobe's pid, read with node_recv and decoded here.  The handlers are
 * detached when collect_telemetry_stop asks, when beamprobe's connection
 * goes away (the relay monitors beamprobe's pid), when the relay reaches
 * its count or time limit, and - should the relay be killed - by telemetry
 * itself, when the handler next fails on the relay's vanished table.
 */
#include "collect/collect_debug.h"
#include "remote_exprs.h"

#include <string.h>

int collect_telemetry_attach(struct node_conn *c, struct arena *a, struct term *events,
                             const struct tm_opts *o, struct tm_session *out,
                             struct bp_err *err)
{
    struct node_binding b[9];
    struct term *r = NULL, *meta;
    const struct term *why, *idx;
    size_t i;
    int rc;

    switch (o->meta) {
    case TM_META_NONE:
        meta = term_atom(a, "none");
        break;
    case TM_META_KEY:
        meta = term_tuple2(a, term_atom(a, "key"), term_binstr(a, o->meta_key));
        break;
    default:
        meta = term_atom(a, "all");
        break;
    }
    b[0].name = "Owner";
    b[0].value = node_self_pid(c, a);
    b[1].name = "Events";
    b[1].value = events;
    b[2].name = "Max";
    b[2].value = term_int(a, o->max);
    b[3].name = "Rate";
    b[3].value = term_int(a, o->rate);
    b[4].name = "MaxMs";
    b[4].value = term_int(a, o->max_ms);
    b[5].name = "Meta";
    b[5].value = meta;
    b[6].name = "MetaBytes";
    b[6].value = term_int(a, o->meta_bytes);
    b[7].name = "BatchMs";
    b[7].value = term_int(a, o->batch_ms);
    b[8].name = "HeapWords";
    b[8].value = term_int(a, o->heap_words);
    rc = node_eval(c, &remote_telemetry_attach, b, 9, 0, a, &r, err);
    if (rc)
        return rc;
    if (term_is_tagged(r, "error", 2)) {
        why = term_elem(r, 1);
        if (term_is_atom(why, "no_telemetry"))
            return bp_error(err, BP_EUNSUPPORTED,
                            "'%s' does not run the telemetry library (no module telemetry "
                            "in its code path)", node_name(c));
        if (term_is_tagged(why, "unknown_events", 2))
            return bp_error(err, BP_EUSAGE,
                            "no loaded code on '%s' can emit these events (their atoms do "
                            "not exist there): check the names, or wait until the emitting "
                            "module is loaded", node_name(c));
        if (term_is_tagged(why, "unknown_key", 2))
            return bp_error(err, BP_EUSAGE,
                            "no metadata on '%s' can have that key (the atom does not "
                            "exist there)", node_name(c));
        return bp_error(err, BP_EBADRPC, "telemetry: attaching the handler failed on '%s'",
                        node_name(c));
    }
    if (!term_is_tagged(r, "ok", 4) || term_elem(r, 1)->kind != TERM_PID)
        return bp_error(err, BP_EDECODE, "telemetry: unexpected reply");
    memset(out, 0, sizeof(*out));
    out->guard = r->u.tuple.items[1];
    idx = term_elem(r, 2);
    out->nslots = term_list_len(idx);
    out->slot_event = arena_zalloc(a, (out->nslots + 1) * sizeof(size_t));
    for (i = 0; i < out->nslots; i++)
        out->slot_event[i] = (size_t)(term_int_or(idx->u.list.items[i], 1) - 1);
    out->missing = term_elem(r, 3);
    return 0;
}

int collect_telemetry_stop(struct node_conn *c, const struct tm_session *s, struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    int rc;

    if (!s || !s->guard)
        return 0;
    rc = node_send(c, &s->guard->u.pid, term_atom(&a, "stop"), err);
    arena_release(&a);
    return rc;
}

void collect_telemetry_decode(const struct term *msg, const struct tm_session *s,
                              struct arena *a, struct tm_msg *out)
{
    const struct term *evs, *tot;
    size_t i, n;

    memset(out, 0, sizeof(*out));
    if (term_is_tagged(msg, "beamprobe_telemetry_done", 3) &&
        term_equal(term_elem(msg, 1), s->guard)) {
        out->kind = TM_MSG_DONE;
        out->reason = term_elem(msg, 2);
        return;
    }
    if (!term_is_tagged(msg, "beamprobe_telemetry", 7) ||
        !term_equal(term_elem(msg, 1), s->guard))
        return;
    out->kind = TM_MSG_BATCH;
    out->seq = term_int_or(term_elem(msg, 2), 0);
    out->final = term_is_atom(term_elem(msg, 3), "true");
    evs = term_elem(msg, 4);
    n = term_list_len(evs);
    out->events = arena_zalloc(a, (n + 1) * sizeof(*out->events));
    for (i = 0; i < n; i++) {
        /* {{SystemTimeUs, Slot, N}, Measurements, Metadata} */
        const struct term *e = evs->u.list.items[i], *key = term_elem(e, 0);
        int64_t slot = term_int_or(term_elem(key, 1), 0);
        struct tm_event *ev = &out->events[out->n];
        if (!e || e->kind != TERM_TUPLE || e->u.tuple.n != 3 || slot < 1 ||
            (size_t)slot > s->nslots)
            continue;
        ev->system_time_us = term_int_or(term_elem(key, 0), 0);
        ev->event = s->slot_event[slot - 1];
        ev->measurements = term_elem(e, 1);
        ev->metadata = term_elem(e, 2);
        out->n++;
    }
    tot = term_elem(msg, 5);
    out->ntotals = term_list_len(tot);
    out->totals = arena_zalloc(a, (out->ntotals + 1) * sizeof(int64_t));
    for (i = 0; i < out->ntotals; i++)
        out->totals[i] = term_int_or(tot->u.list.items[i], 0);
    out->lost = term_int_or(term_elem(msg, 6), 0);
}

int collect_telemetry_list(struct node_conn *c, struct arena *a, struct term *prefix,
                           int64_t max, int64_t *total, const struct term **rows,
                           struct bp_err *err)
{
    struct node_binding b[2];
    struct term *r = NULL;
    int rc;

    b[0].name = "Prefix";
    b[0].value = prefix;
    b[1].name = "Max";
    b[1].value = term_int(a, max);
    rc = node_eval(c, &remote_telemetry_list, b, 2, 0, a, &r, err);
    if (rc)
        return rc;
    if (term_is_tagged(r, "error", 2))
        return bp_error(err, BP_EUNSUPPORTED,
                        "'%s' does not run the telemetry library (no module telemetry in "
                        "its code path)", node_name(c));
    if (!term_is_tagged(r, "ok", 3))
        return bp_error(err, BP_EDECODE, "telemetry: unexpected reply");
    *total = term_int_or(term_elem(r, 1), 0);
    *rows = term_elem(r, 2);
    return 0;
}
