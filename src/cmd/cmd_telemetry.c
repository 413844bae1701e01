/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_telemetry.c - `beamprobe telemetry EVENT...`: relay telemetry events.
 *
 * The guide's Production Monitoring 1: when the node runs the telemetry
 * library, attach a handler for the named events (through telemetry's
 * public API only) that forwards measurements and metadata to beamprobe,
 * and print them live, or aggregated per event (count, rate, and sum, mean,
 * min, max of each measurement).  The node side (a relay, see
 * src/remote/telemetry_attach.erl) enforces the count, rate and time
 * limits and detaches the handler on every exit path: normal end, Ctrl-C,
 * SIGKILL of beamprobe or a lost connection (the relay monitors
 * beamprobe's pid), or the time limit; were the relay killed, telemetry
 * detaches the handler itself when it next fails.
 */
#include "analyze/doctor.h"
#include "cmd/cmd.h"
#include "cmd/cmd_common.h"
#include "collect/collect_debug.h"
#include "render/format.h"
#include "render/table.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/sig.h"
#include "util/xalloc.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EVENTS 64
#define MAX_KEYS 32

struct meas_stat {
    char *key;
    double sum, min, max;
    int64_t n;
};

struct ev_stat {
    const char *name;          /* as the user wrote it */
    int64_t total;             /* seen on the node (exact) */
    int64_t total_prev;        /* at the previous report */
    int64_t forwarded;         /* received by beamprobe */
    struct meas_stat m[MAX_KEYS];
    size_t nm;
};

struct tm_state {
    struct ev_stat ev[MAX_EVENTS];
    size_t nev;
    int64_t received, lost;
    int64_t t0_ms, last_report_ms;
    bool aggregate;
    bool final;
};

/* "a.b.c" or "[a, b, c]" / "[:a, :b, :c]" -> a list term of binaries. */
static int parse_event(struct bp_ctx *ctx, struct arena *a, const char *s, struct term **out,
                       struct bp_err *err)
{
    struct term *l;
    size_t n = 0, i;

    while (*s == ' ')
        s++;
    if (*s == '[') {
        struct term *t;
        int rc = term_parse(a, s, TERM_SYNTAX_AUTO, 0, &t, err);
        if (rc)
            return rc;
        if (t->kind != TERM_LIST || t->u.list.n == 0 || t->u.list.tail)
            return bp_error(err, BP_EUSAGE, "telemetry: event '%s' is not a list of atoms", s);
        l = term_list(a, t->u.list.n);
        for (i = 0; i < t->u.list.n; i++) {
            const struct term *e = t->u.list.items[i];
            if (e->kind != TERM_ATOM)
                return bp_error(err, BP_EUSAGE, "telemetry: event '%s' is not a list of atoms",
                                s);
            l->u.list.items[i] = term_binstr(a, e->u.atom.name);
        }
        *out = l;
        return 0;
    } else {
        const char *p = s, *q;
        if (!*s)
            return bp_error(err, BP_EUSAGE, "telemetry: empty event name");
        for (q = s; *q; q++)
            if (*q == '.')
                n++;
        l = term_list(a, n + 1);
        for (i = 0; i <= n; i++) {
            q = strchr(p, '.');
            if (!q)
                q = p + strlen(p);
            if (q == p)
                return bp_error(err, BP_EUSAGE, "telemetry: empty segment in event '%s'", s);
            l->u.list.items[i] = term_binary(a, p, (size_t)(q - p));
            p = *q ? q + 1 : q;
        }
        *out = l;
        (void)ctx;
        return 0;
    }
}

static void add_measurements(struct ev_stat *e, const struct term *m)
{
    size_t i, k;
    if (!m || m->kind != TERM_MAP)
        return;
    for (i = 0; i < m->u.map.n; i++) {
        const struct term *key = m->u.map.keys[i];
        double v;
        if (key->kind != TERM_ATOM || term_get_number(m->u.map.vals[i], &v) != 0)
            continue;
        for (k = 0; k < e->nm; k++)
            if (strcmp(e->m[k].key, key->u.atom.name) == 0)
                break;
        if (k == e->nm) {
            if (e->nm == MAX_KEYS)
                continue;
            e->m[k].key = xstrdup(key->u.atom.name);
            e->m[k].min = e->m[k].max = v;
            e->nm++;
        }
        e->m[k].sum += v;
        if (v < e->m[k].min)
            e->m[k].min = v;
        if (v > e->m[k].max)
            e->m[k].max = v;
        e->m[k].n++;
    }
}

static void print_event_line(struct bp_ctx *ctx, struct arena *a, const struct tm_state *st,
                             const struct tm_event *ev)
{
    char clk[16], iso[40];
    int64_t ms = ev->system_time_us / 1000;

    timestamp_clock(ms, clk, sizeof(clk));
    if (ctx->json) {
        struct sbuf sb = SBUF_INIT;
        struct term_print_opts po;
        int first = 1;
        cli_print_opts(ctx, &po);
        timestamp_iso(ms, iso, sizeof(iso));
        sbuf_addch(&sb, '{');
        json_key(&sb, "type", &first);
        json_cstr(&sb, "event");
        json_key(&sb, "time", &first);
        json_cstr(&sb, iso);
        json_key(&sb, "node", &first);
        json_cstr(&sb, node_info(ctx->conn)->name);
        json_key(&sb, "event", &first);
        json_cstr(&sb, st->ev[ev->event].name);
        json_key(&sb, "measurements", &first);
        term_json(&sb, ev->measurements, &po);
        json_key(&sb, "metadata", &first);
        term_json(&sb, ev->metadata, &po);
        sbuf_addch(&sb, '}');
        cmd_json_line(ctx, &sb);
        sbuf_release(&sb);
    } else {
        struct sbuf m = SBUF_INIT, md = SBUF_INIT;
        cmd_term(ctx, &m, ev->measurements, 20, 300);
        cmd_term(ctx, &md, ev->metadata, 10, 300);
        fprintf(ctx->out, "%s  %s  %s  %s\n", clk, st->ev[ev->event].name, sbuf_str(&m),
                sbuf_str(&md));
        sbuf_release(&m);
        sbuf_release(&md);
    }
    (void)a;
}

static void print_aggregate(struct bp_ctx *ctx, struct tm_state *st, int64_t now_ms,
                            bool final)
{
    double secs = (double)(now_ms - st->t0_ms) / 1000.0;
    double isecs = (double)(now_ms - st->last_report_ms) / 1000.0;
    char clk[16], iso[40];
    size_t i, k;

    if (secs <= 0)
        secs = 1e-3;
    if (isecs <= 0)
        isecs = 1e-3;
    cmd_now(clk, sizeof(clk), iso, sizeof(iso));
    if (ctx->json) {
        struct sbuf sb = SBUF_INIT;
        for (i = 0; i < st->nev; i++) {
            const struct ev_stat *e = &st->ev[i];
            int first = 1, f2 = 1;
            sbuf_addch(&sb, '{');
            json_key(&sb, "type", &first);
            json_cstr(&sb, final ? "summary" : "aggregate");
            json_key(&sb, "time", &first);
            json_cstr(&sb, iso);
            json_key(&sb, "node", &first);
            json_cstr(&sb, node_info(ctx->conn)->name);
            json_key(&sb, "event", &first);
            json_cstr(&sb, e->name);
            json_key(&sb, "count", &first);
            json_int(&sb, e->total);
            json_key(&sb, "rate", &first);
            json_double(&sb, final ? (double)e->total / secs
                                   : (double)(e->total - e->total_prev) / isecs);
            json_key(&sb, "forwarded", &first);
            json_int(&sb, e->forwarded);
            json_key(&sb, "seconds", &first);
            json_double(&sb, secs);
            json_key(&sb, "measurements", &first);
            sbuf_addch(&sb, '{');
            for (k = 0; k < e->nm; k++) {
                int f3 = 1;
                json_key(&sb, e->m[k].key, &f2);
                sbuf_addch(&sb, '{');
                json_key(&sb, "n", &f3);
                json_int(&sb, e->m[k].n);
                json_key(&sb, "sum", &f3);
                json_double(&sb, e->m[k].sum);
                json_key(&sb, "mean", &f3);
                json_double(&sb, e->m[k].n ? e->m[k].sum / (double)e->m[k].n : 0);
                json_key(&sb, "min", &f3);
                json_double(&sb, e->m[k].min);
                json_key(&sb, "max", &f3);
                json_double(&sb, e->m[k].max);
                sbuf_addch(&sb, '}');
            }
            sbuf_addch(&sb, '}');
            sbuf_addch(&sb, '}');
            cmd_json_line(ctx, &sb);
        }
        sbuf_release(&sb);
    } else {
        const char *hdr[] = { "EVENT", "COUNT", "RATE/S", "MEASUREMENT", "SUM", "MEAN", "MIN",
                              "MAX" };
        struct table *t = table_new(hdr, "lrrlrrrr");
        fprintf(ctx->out, "%s%s %s over %.1f s%s\n", style_bold(&ctx->style), clk,
                final ? "telemetry summary" : "telemetry", secs, style_off(&ctx->style));
        for (i = 0; i < st->nev; i++) {
            const struct ev_stat *e = &st->ev[i];
            char cnt[32], rate[32];
            fmt_count(cnt, sizeof(cnt), e->total);
            snprintf(rate, sizeof(rate), "%.1f", final ? (double)e->total / secs
                                                        : (double)(e->total - e->total_prev) /
                                                              isecs);
            if (e->nm == 0)
                table_rowf(t, "%s\t%s\t%s\t\t\t\t\t", e->name, cnt, rate);
            for (k = 0; k < e->nm; k++) {
                const struct meas_stat *m = &e->m[k];
                table_rowf(t, "%s\t%s\t%s\t%s\t%.6g\t%.6g\t%.6g\t%.6g", k ? "" : e->name,
                           k ? "" : cnt, k ? "" : rate, m->key, m->sum,
                           m->n ? m->sum / (double)m->n : 0, m->min, m->max);
            }
        }
        table_print(t, ctx->out, &ctx->style);
        table_free(t);
        for (i = 0; i < st->nev; i++)
            if (st->ev[i].forwarded < st->ev[i].total)
                fprintf(ctx->out, "  %s: counts are exact; measurements over the %" PRId64
                                  " of %" PRId64 " events forwarded (--rate)\n",
                        st->ev[i].name, st->ev[i].forwarded, st->ev[i].total);
        fflush(ctx->out);
    }
    for (i = 0; i < st->nev; i++)
        st->ev[i].total_prev = st->ev[i].total;
    st->last_report_ms = now_ms;
}

static void handle_batch(struct bp_ctx *ctx, struct arena *a, struct tm_state *st,
                         const struct tm_session *s, const struct tm_msg *m)
{
    size_t i;

    for (i = 0; i < m->n; i++) {
        const struct tm_event *ev = &m->events[i];
        if (ev->event >= st->nev)
            continue;
        st->received++;
        st->ev[ev->event].forwarded++;
        add_measurements(&st->ev[ev->event], ev->measurements);
        if (!st->aggregate)
            print_event_line(ctx, a, st, ev);
    }
    for (i = 0; i < m->ntotals && i < s->nslots; i++) {
        size_t e = s->slot_event[i];
        if (e < st->nev && m->totals[i] > st->ev[e].total)
            st->ev[e].total = m->totals[i];
    }
    if (m->lost > st->lost)
        st->lost = m->lost;
    if (m->final)
        st->final = true;
}

static int list_handlers(struct bp_ctx *ctx, char **pos, int npos, struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    struct term *prefix;
    const struct term *rows;
    int64_t total = 0;
    size_t i;
    int rc;

    if (npos > 1) {
        rc = bp_error(err, BP_EUSAGE, "telemetry --list takes at most one PREFIX");
        goto out;
    }
    if (npos == 1) {
        rc = parse_event(ctx, &a, pos[0], &prefix, err);
        if (rc)
            goto out;
    } else {
        prefix = term_nil(&a);
    }
    rc = collect_telemetry_list(ctx->conn, &a, prefix, 1000, &total, &rows, err);
    if (rc)
        goto out;
    for (i = 0; i < term_list_len(rows); i++) {
        const struct term *r = rows->u.list.items[i];
        if (ctx->json) {
            struct sbuf sb = SBUF_INIT;
            int first = 1;
            sbuf_addch(&sb, '{');
            json_key(&sb, "event_name", &first);
            json_cstr(&sb, cmd_term_str(ctx, &a, term_elem(r, 0)));
            json_key(&sb, "id", &first);
            json_cstr(&sb, cmd_term_str(ctx, &a, term_elem(r, 1)));
            json_key(&sb, "function", &first);
            json_cstr(&sb, cmd_term_str(ctx, &a, term_elem(r, 2)));
            sbuf_addch(&sb, '}');
            cmd_json_line(ctx, &sb);
            sbuf_release(&sb);
        } else {
            fprintf(ctx->out, "%-48s %s\n", cmd_term_str(ctx, &a, term_elem(r, 0)),
                    cmd_term_str(ctx, &a, term_elem(r, 1)));
        }
    }
    if (!ctx->json)
        fprintf(ctx->out, "%" PRId64 " handler%s attached\n", total, total == 1 ? "" : "s");
out:
    arena_release(&a);
    return rc;
}

int cmd_telemetry(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "telemetry",
        "telemetry EVENT... [--duration D] [--max N] [--rate N] [--aggregate]\n"
        "          [--interval D] [--metadata all|none|KEY] [--meta-bytes N]\n"
        "       telemetry --list [PREFIX]",
        "Relay telemetry events from the node: attach a handler for each EVENT (e.g.\n"
        "lasso.aggregator.event_received, or [:lasso, :aggregator, :event_received])\n"
        "that forwards its measurements and metadata, and print them as they come, or\n"
        "aggregated per event with --aggregate (count, rate, sum, mean, min, max of each\n"
        "measurement).  --list shows the handlers attached on the node.",
        "Limits, enforced on the node: --max events forwarded (default 1000; none with\n"
        "--aggregate), --rate per second per event (default 1000, 10000 with\n"
        "--aggregate; counts stay exact, measurements are then over the forwarded\n"
        "ones), --duration (default 60s).  Metadata larger than --meta-bytes (default\n"
        "4096) is reduced to its keys.  The handler runs in the emitting process and\n"
        "costs one atomic add and, within the rate, one local send.  It is detached\n"
        "when beamprobe finishes, is interrupted, killed or disconnected, and at the\n"
        "time limit; only telemetry's public API is used."
    };
    int64_t duration_ms = 60000, max = -1, rate = -1, interval_ms = 0, meta_bytes = 4096;
    const char *metadata = "all";
    bool aggregate = false, list = false;
    struct opt opts[] = {
        OPT_DURATION("duration", 'd', &duration_ms, "D", "stop after D (default 60s)"),
        OPT_INT("max", 'm', &max, "N", "stop after N events (default 1000; 0: no limit)"),
        OPT_INT("rate", 'r', &rate, "N", "forward at most N events per second per event"),
        OPT_FLAG("aggregate", 'A', &aggregate, "print counts and measurement statistics"),
        OPT_DURATION("interval", 'i', &interval_ms, "D", "--aggregate: a table every D"),
        OPT_STRING("metadata", 0, &metadata, "WHAT", "all (default), none, or one KEY"),
        OPT_INT("meta-bytes", 0, &meta_bytes, "N", "larger metadata is reduced to its keys"),
        OPT_FLAG("list", 'L', &list, "list the handlers attached on the node"),
        OPT_END
    };
    struct arena a = ARENA_INIT;
    struct tm_opts o;
    struct tm_session sess;
    struct tm_state *st = NULL;
    struct term *events;
    char *pos[MAX_EVENTS];
    int64_t deadline, next_report, stop_ms = 0;
    int npos, rc, i, attached = 0, interrupted = 0;

    rc = cli_parse(ctx, &help, opts, argc, argv, pos, MAX_EVENTS, &npos, err);
    if (rc)
        return rc < 0 ? rc : 0;
    if (list) {
        rc = cli_attach(ctx, err);
        return rc ? rc : list_handlers(ctx, pos, npos, err);
    }
    if (npos == 0)
        return bp_error(err, BP_EUSAGE, "telemetry: at least one EVENT is needed");
    if (duration_ms <= 0 || duration_ms > 7LL * 24 * 3600 * 1000)
        return bp_error(err, BP_EUSAGE, "telemetry: --duration must be between 1ms and 7 days");
    if (max < 0)
        max = aggregate ? 0 : 1000;
    if (rate < 0)
        rate = aggregate ? 10000 : 1000;
    if (interval_ms < 0 || meta_bytes < 0 || meta_bytes > 1 << 20)
        return bp_error(err, BP_EUSAGE, "telemetry: bad --interval or --meta-bytes");
    memset(&o, 0, sizeof(o));
    o.max = max;
    o.rate = rate;
    o.max_ms = duration_ms + 5000;
    o.meta_bytes = meta_bytes;
    o.batch_ms = 100;
    o.heap_words = 4 * 1024 * 1024;
    if (strcmp(metadata, "all") == 0) {
        o.meta = TM_META_ALL;
    } else if (strcmp(metadata, "none") == 0) {
        o.meta = TM_META_NONE;
    } else {
        o.meta = TM_META_KEY;
        o.meta_key = metadata[0] == ':' ? metadata + 1 : metadata;
    }
    st = xcalloc(1, sizeof(*st));
    st->aggregate = aggregate;
    st->nev = (size_t)npos;
    events = term_list(&a, (size_t)npos);
    for (i = 0; i < npos; i++) {
        st->ev[i].name = pos[i];
        rc = parse_event(ctx, &a, pos[i], &events->u.list.items[i], err);
        if (rc)
            goto out;
    }
    ctx->liveness = true;
    rc = cli_attach(ctx, err);
    if (rc)
        goto out;
    rc = collect_telemetry_attach(ctx->conn, &a, events, &o, &sess, err);
    if (rc)
        goto out;
    attached = 1;
    for (i = 0; i < (int)term_list_len(sess.missing); i++) {
        struct sbuf sb = SBUF_INIT;
        cmd_term(ctx, &sb, sess.missing->u.list.items[i], 20, 200);
        fprintf(stderr, "beamprobe: warning: no loaded code can emit %s (an atom of its name "
                        "does not exist on the node); not attached\n", sbuf_str(&sb));
        sbuf_release(&sb);
    }
    if (!ctx->json)
        fprintf(ctx->out, "%sRelaying %zu event%s from %s for %.3g s%s%s%s%s (Ctrl-C to "
                          "stop)%s\n",
                style_bold(&ctx->style), sess.nslots, sess.nslots == 1 ? "" : "s",
                node_info(ctx->conn)->name, (double)duration_ms / 1000.0,
                max ? arena_printf(&a, ", at most %" PRId64 " events", max) : "",
                rate ? arena_printf(&a, ", %" PRId64 "/s per event", rate) : "",
                aggregate ? ", aggregated" : "", "", style_off(&ctx->style));
    fflush(ctx->out);
    st->t0_ms = st->last_report_ms = clock_ms();
    deadline = st->t0_ms + duration_ms;
    next_report = aggregate && interval_ms ? st->t0_ms + interval_ms : deadline;
    while (!st->final) {
        struct arena ma = ARENA_INIT;
        struct term *msg = NULL;
        struct tm_msg m;
        int64_t until = next_report < deadline ? next_report : deadline;

        rc = node_recv(ctx->conn, until, &ma, &msg, err);
        if (rc == BP_ETIMEDOUT) {
            int64_t now = clock_ms();
            arena_release(&ma);
            rc = 0;
            if (now >= deadline)
                break;
            if (aggregate && interval_ms && now >= next_report) {
                print_aggregate(ctx, st, now, false);
                next_report += interval_ms;
            }
            continue;
        }
        if (rc) {
            arena_release(&ma);
            if (rc == BP_EINTR) {
                interrupted = 1;
                rc = 0;
            }
            break;
        }
        collect_telemetry_decode(msg, &sess, &ma, &m);
        if (m.kind == TM_MSG_BATCH)
            handle_batch(ctx, &ma, st, &sess, &m);
        arena_release(&ma);
        if (m.kind == TM_MSG_DONE) {
            fprintf(stderr, "beamprobe: warning: the relay on the node ended early (killed "
                            "at its memory limit?); the handler is detached\n");
            st->final = true;
        }
    }
    stop_ms = clock_ms();
    if (interrupted)
        sig_clear();
    if (rc == 0 && !st->final) {
        /* Detach and collect the last batch (the handler is gone by then). */
        int64_t until = clock_ms() + 3000;
        rc = collect_telemetry_stop(ctx->conn, &sess, err);
        while (rc == 0 && !st->final) {
            struct arena ma = ARENA_INIT;
            struct term *msg = NULL;
            struct tm_msg m;
            rc = node_recv(ctx->conn, until, &ma, &msg, err);
            if (rc == 0) {
                collect_telemetry_decode(msg, &sess, &ma, &m);
                if (m.kind == TM_MSG_BATCH)
                    handle_batch(ctx, &ma, st, &sess, &m);
                if (m.kind == TM_MSG_DONE)
                    st->final = true;
            }
            arena_release(&ma);
            if (rc == BP_EINTR) {
                sig_clear();
                rc = 0;
                break;
            }
        }
        if (rc == BP_ETIMEDOUT)
            rc = 0;
    }
    attached = 0;
    if (rc == 0) {
        if (aggregate)
            print_aggregate(ctx, st, stop_ms, true);
        if (!ctx->json) {
            int64_t seen = 0;
            size_t k;
            for (k = 0; k < st->nev; k++)
                seen += st->ev[k].total;
            fprintf(ctx->out, "%" PRId64 " event%s received, %" PRId64
                              " emitted on the node; %" PRId64
                              " not forwarded (limits), %" PRId64 " lost; handler detached\n",
                    st->received, st->received == 1 ? "" : "s", seen,
                    seen - st->received - st->lost > 0 ? seen - st->received - st->lost : 0,
                    st->lost);
        }
        fflush(ctx->out);
    }
out:
    if (attached && ctx->conn) {
        /* An error after attaching: ask the relay to detach (it would also
         * do so when the connection closes). */
        sig_clear();
        collect_telemetry_stop(ctx->conn, &sess, NULL);
    }
    if (st) {
        size_t k, j;
        for (k = 0; k < st->nev; k++)
            for (j = 0; j < st->ev[k].nm; j++)
                free(st->ev[k].m[j].key);
        free(st);
    }
    arena_release(&a);
    return rc;
}
