/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_data.c - reading recorded runs; see report_data.h.
 */
#include "render/report_data.h"
#include "render/style.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE (4u * 1024 * 1024)
#define MAX_FILE (512u * 1024 * 1024)

/* ---------------------------------------------------------------------
 * JSON: parsed by jansson, copied into the run's arena as struct rjson
 */

static struct rjson *from_jansson(struct arena *a, const json_t *j)
{
    struct rjson *v = arena_zalloc(a, sizeof(*v));
    size_t i, n;

    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *val;
        v->kind = RJ_OBJ;
        n = json_object_size(j);
        v->items = arena_alloc(a, (n ? n : 1) * sizeof(*v->items));
        v->keys = arena_alloc(a, (n ? n : 1) * sizeof(*v->keys));
        i = 0;
        json_object_foreach((json_t *)j, key, val) {
            v->keys[i] = arena_strdup(a, key);
            v->items[i++] = from_jansson(a, val);
        }
        v->len = i;
        break;
    }
    case JSON_ARRAY:
        v->kind = RJ_ARR;
        n = json_array_size(j);
        v->items = arena_alloc(a, (n ? n : 1) * sizeof(*v->items));
        for (i = 0; i < n; i++)
            v->items[i] = from_jansson(a, json_array_get(j, i));
        v->len = n;
        break;
    case JSON_STRING:
        v->kind = RJ_STR;
        v->len = json_string_length(j);
        v->str = arena_strndup(a, json_string_value(j), v->len);
        break;
    case JSON_INTEGER:
    case JSON_REAL:
        v->kind = RJ_NUM;
        v->num = json_number_value(j);
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        v->kind = RJ_BOOL;
        v->num = json_is_true(j);
        break;
    default:
        v->kind = RJ_NULL;
        break;
    }
    return v;
}

int rjson_parse(struct arena *a, const char *s, size_t n, struct rjson **out, struct bp_err *err)
{
    json_error_t je;
    json_t *j = json_loadb(s, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);

    if (!j)
        return bp_error(err, BP_EUSAGE, "invalid JSON at column %d: %s", je.column, je.text);
    *out = from_jansson(a, j);
    json_decref(j);
    return 0;
}

const struct rjson *rjson_get(const struct rjson *v, const char *key)
{
    size_t i;
    if (!v || v->kind != RJ_OBJ)
        return NULL;
    for (i = 0; i < v->len; i++)
        if (strcmp(v->keys[i], key) == 0)
            return v->items[i];
    return NULL;
}

double rjson_num(const struct rjson *v, const char *key, double dflt)
{
    const struct rjson *m = rjson_get(v, key);
    return m && (m->kind == RJ_NUM || m->kind == RJ_BOOL) ? m->num : dflt;
}

const char *rjson_str(const struct rjson *v, const char *key)
{
    const struct rjson *m = rjson_get(v, key);
    return m && m->kind == RJ_STR ? m->str : NULL;
}

static int target_index(struct report_run *r, const char *name)
{
    size_t i;
    for (i = 0; i < r->ntargets; i++)
        if (strcmp(r->targets[i], name) == 0)
            return (int)i;
    return -1;
}

static void add_target(struct report_run *r, const char *name, size_t *cap)
{
    if (target_index(r, name) >= 0 || r->ntargets >= 32)
        return;
    if (r->ntargets == *cap) {
        const char **n = arena_alloc(&r->a, (*cap ? *cap * 2 : 8) * sizeof(*n));
        if (r->ntargets)
            memcpy(n, r->targets, r->ntargets * sizeof(*n));
        r->targets = n;
        *cap = *cap ? *cap * 2 : 8;
    }
    r->targets[r->ntargets++] = arena_strdup(&r->a, name);
}

static enum report_phase phase_of(const char *s)
{
    if (s && strcmp(s, "load") == 0)
        return PHASE_LOAD;
    if (s && strcmp(s, "recover") == 0)
        return PHASE_RECOVER;
    return PHASE_BEFORE;
}

static double counter(const struct rjson *c, const char *name)
{
    const struct rjson *v = rjson_get(c, name);
    return v && v->kind == RJ_NUM ? v->num : -1;
}

int report_run_parse(struct report_run *r, const char *path, const char *text, size_t len,
                     struct bp_err *err)
{
    struct rjson **samples = NULL;
    size_t nsamples = 0, capt = 0, caps = 0, capl = 0, i, pos = 0;
    int seen_run = 0, lineno = 0;

    memset(r, 0, sizeof(*r));
    arena_init(&r->a);
    r->path = arena_strdup(&r->a, path);
    r->load_start = r->load_end = -1;
    r->applied = r->failed = r->call_dropped = -1;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
        const char *line = text + pos;
        struct rjson *v = NULL;
        struct bp_err e2;
        const char *type;

        pos += l + (nl ? 1 : 0);
        lineno++;
        while (l && (line[l - 1] == '\r' || line[l - 1] == ' '))
            l--;
        if (l == 0)
            continue;
        if (l > MAX_LINE || rjson_parse(&r->a, line, l, &v, &e2) != 0 || v->kind != RJ_OBJ) {
            if (!nl)
                continue; /* a last line cut short: the run was killed */
            return bp_error(err, BP_EUSAGE, "%s:%d: not a JSON object line%s%s", path, lineno,
                            v ? "" : ": ", v ? "" : e2.msg);
        }
        if (r->nlines == capl) {
            const char **nls = arena_alloc(&r->a, (capl ? capl * 2 : 64) * sizeof(*nls));
            if (r->nlines)
                memcpy(nls, r->lines, r->nlines * sizeof(*nls));
            r->lines = nls;
            capl = capl ? capl * 2 : 64;
        }
        r->lines[r->nlines++] = arena_strndup(&r->a, line, l);
        type = rjson_str(v, "type");
        if (!type)
            continue;
        if (strcmp(type, "run") == 0) {
            const struct rjson *w = rjson_get(v, "watch");
            seen_run = 1;
            r->node = rjson_str(v, "node");
            r->started = rjson_str(v, "started");
            r->scenario = rjson_str(v, "scenario");
            r->mode = rjson_str(v, "mode");
            r->label = rjson_str(v, "label");
            r->what = rjson_str(v, "call") ? rjson_str(v, "call") : rjson_str(v, "to");
            r->asked_rate = rjson_num(v, "asked_rate", 0);
            r->duration_s = rjson_num(v, "duration_s", 0);
            r->interval_s = rjson_num(v, "interval_ms", 0) / 1000.0;
            for (i = 0; w && w->kind == RJ_ARR && i < w->len; i++)
                if (w->items[i]->kind == RJ_STR)
                    add_target(r, w->items[i]->str, &capt);
        } else if (strcmp(type, "sample") == 0) {
            if (nsamples == caps) {
                struct rjson **ns = arena_alloc(&r->a, (caps ? caps * 2 : 64) * sizeof(*ns));
                if (nsamples)
                    memcpy(ns, samples, nsamples * sizeof(*ns));
                samples = ns;
                caps = caps ? caps * 2 : 64;
            }
            samples[nsamples++] = v;
            {
                const struct rjson *procs = rjson_get(v, "procs");
                for (i = 0; procs && procs->kind == RJ_ARR && i < procs->len; i++)
                    if (rjson_str(procs->items[i], "target"))
                        add_target(r, rjson_str(procs->items[i], "target"), &capt);
            }
        } else if (strcmp(type, "event") == 0) {
            const char *ev = rjson_str(v, "event");
            if (ev && strcmp(ev, "load_start") == 0)
                r->load_start = rjson_num(v, "t", -1);
            else if (ev && strcmp(ev, "load_end") == 0)
                r->load_end = rjson_num(v, "t", -1);
        } else if (strcmp(type, "summary") == 0) {
            r->have_summary = 1;
            r->sent = rjson_num(v, "sent", 0);
            r->elapsed_s = rjson_num(v, "elapsed_s", 0);
            r->rate = rjson_num(v, "rate", 0);
            r->stopped = rjson_str(v, "stopped");
            r->message = rjson_str(v, "message");
            r->applied = rjson_num(v, "applied", -1);
            r->failed = rjson_num(v, "failed", -1);
            r->call_dropped = rjson_num(v, "dropped", -1);
        }
    }
    if (!seen_run)
        return bp_error(err, BP_EUSAGE,
                        "%s is not a beamprobe load test record (no \"run\" line; write one "
                        "with `loadtest --record FILE`)", path);
    r->n = nsamples;
    r->samples = arena_zalloc(&r->a, (nsamples ? nsamples : 1) * sizeof(*r->samples));
    for (i = 0; i < nsamples; i++) {
        const struct rjson *v = samples[i], *procs = rjson_get(v, "procs"),
                        *cnt = rjson_get(v, "counters");
        struct report_sample *s = &r->samples[i];
        size_t k;
        s->t = rjson_num(v, "t", 0);
        s->phase = phase_of(rjson_str(v, "phase"));
        s->sent = rjson_num(v, "sent", 0);
        s->rate = rjson_num(v, "rate", 0);
        s->run_queue = rjson_num(v, "run_queue", 0);
        s->memory_total = rjson_num(v, "memory_total", 0);
        s->delivered = counter(cnt, "delivered_agg");
        s->published = counter(cnt, "published");
        s->dropped = counter(cnt, "agg_dropped");
        s->procs = arena_zalloc(&r->a, (r->ntargets ? r->ntargets : 1) * sizeof(*s->procs));
        for (k = 0; procs && procs->kind == RJ_ARR && k < procs->len; k++) {
            const struct rjson *p = procs->items[k];
            const char *name = rjson_str(p, "target");
            int ti = name ? target_index(r, name) : -1;
            const struct rjson *alive = rjson_get(p, "alive");
            if (ti < 0)
                continue;
            s->procs[ti].alive = !alive || alive->kind != RJ_BOOL || alive->num != 0;
            s->procs[ti].mailbox = rjson_num(p, "message_queue_len", 0);
            s->procs[ti].memory = rjson_num(p, "memory", 0);
            s->procs[ti].heap_bytes = rjson_num(p, "heap_mb", 0) * 1048576.0;
            s->procs[ti].gc_rate = rjson_num(p, "gc_per_sec", 0);
        }
    }
    if (!r->label)
        r->label = r->mode ? r->mode : r->path;
    return 0;
}

int report_run_load(struct report_run *r, const char *path, struct bp_err *err)
{
    FILE *f = fopen(path, "rb");
    struct sbuf sb = SBUF_INIT;
    char buf[65536];
    size_t n;
    int rc;

    memset(r, 0, sizeof(*r));
    if (!f)
        return bp_error(err, BP_EIO, "cannot read '%s': %s", path, strerror(errno));
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        if (sb.len + n > MAX_FILE) {
            fclose(f);
            sbuf_release(&sb);
            return bp_error(err, BP_ETOOBIG, "'%s' is larger than %u MiB", path,
                            MAX_FILE >> 20);
        }
        sbuf_add(&sb, buf, n);
    }
    rc = ferror(f);
    fclose(f);
    if (rc) {
        sbuf_release(&sb);
        return bp_error(err, BP_EIO, "cannot read '%s'", path);
    }
    rc = report_run_parse(r, path, sb.buf ? sb.buf : "", sb.len, err);
    sbuf_release(&sb);
    return rc;
}

void report_run_release(struct report_run *r)
{
    arena_release(&r->a);
    memset(r, 0, sizeof(*r));
}

void report_summarize(const struct report_run *r, struct report_summary *s)
{
    double first_delivered = -1, last_delivered = -1, first_pub = -1, last_pub = -1;
    double first_drop = -1, last_drop = -1;
    int above_ever = 0, last_above = -1;
    size_t i, k;

    memset(s, 0, sizeof(*s));
    s->peak_target = r->ntargets ? r->targets[0] : "";
    s->recover_s = 0;
    s->delivered = s->lost = s->target_dropped = -1;
    for (i = 0; i < r->n; i++) {
        const struct report_sample *p = &r->samples[i];
        double worst = 0;
        for (k = 0; k < r->ntargets; k++) {
            const struct report_proc *q = &p->procs[k];
            if (!q->alive)
                continue;
            if (q->mailbox > worst)
                worst = q->mailbox;
            if (q->mailbox > s->peak_mailbox) {
                s->peak_mailbox = q->mailbox;
                s->peak_t = p->t;
                s->peak_target = r->targets[k];
            }
            if (q->memory > s->peak_memory)
                s->peak_memory = q->memory;
            if (q->gc_rate > s->max_gc_rate)
                s->max_gc_rate = q->gc_rate;
        }
        s->final_mailbox = worst;
        if (p->memory_total > s->peak_node_memory)
            s->peak_node_memory = p->memory_total;
        if (p->run_queue > s->max_run_queue)
            s->max_run_queue = p->run_queue;
        if (p->sent > s->sent)
            s->sent = p->sent;
        if (p->delivered >= 0) {
            if (first_delivered < 0)
                first_delivered = p->delivered;
            last_delivered = p->delivered;
        }
        if (p->published >= 0) {
            if (first_pub < 0)
                first_pub = p->published;
            last_pub = p->published;
        }
        if (p->dropped >= 0) {
            if (first_drop < 0)
                first_drop = p->dropped;
            last_drop = p->dropped;
        }
        if (worst > REPORT_OK_MAILBOX) {
            above_ever = 1;
            last_above = (int)i;
        }
    }
    /* Recovery: from the end of the load to the first sample after the
     * last one above the guide's healthy level. */
    if (!above_ever) {
        s->recover_s = 0;
    } else if (last_above == (int)r->n - 1) {
        s->recover_s = -1;
    } else {
        double ok_t = r->samples[last_above + 1].t;
        double end = r->load_end >= 0 ? r->load_end : r->samples[last_above].t;
        s->recover_s = ok_t > end ? ok_t - end : 0;
    }
    s->level = s->peak_mailbox > 1000 ? LEVEL_CRIT : s->peak_mailbox > 100 ? LEVEL_WARN
                                                                            : LEVEL_OK;
    if (r->have_summary) {
        s->achieved_rate = r->rate;
        if (r->sent > s->sent)
            s->sent = r->sent;
    } else if (r->n && r->load_start >= 0) {
        double end = r->load_end >= 0 ? r->load_end : r->samples[r->n - 1].t;
        s->achieved_rate = end > r->load_start ? s->sent / (end - r->load_start) : 0;
    }
    if (first_delivered >= 0) {
        s->delivered = last_delivered - first_delivered;
        s->lost = s->sent + (first_pub >= 0 ? last_pub - first_pub : 0) - s->delivered;
        if (s->lost < 0)
            s->lost = 0;
    }
    if (first_drop >= 0)
        s->target_dropped = last_drop - first_drop;
}
