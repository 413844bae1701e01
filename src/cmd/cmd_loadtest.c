/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_loadtest.c - `beamprobe loadtest`: the guide's "Combined Load Test +
 * Monitor" in one command, recorded, with a report.
 *
 * Three phases on one timeline: a baseline (--before, monitor only), the
 * load (a load session, see cmd_load_common.c, with the monitor sampling
 * the watched processes every --interval), and the recovery (monitor only,
 * until every watched mailbox is back at the guide's healthy level for two
 * samples, or --recover has passed).  Every sample is printed as the
 * guide's monitor line (or a JSON line with --json), appended to --record
 * as a JSON line as soon as it is taken (a killed run keeps what it had),
 * and rendered at the end into a self-contained HTML page (--report).  The
 * target's own counters (the demo target's lasso_stats:all/0, or
 * --counters MOD:FUN) go into the record, so the report can say how many
 * events were delivered and lost.
 */
#include "cmd/cmd.h"
#include "cmd/cmd_common.h"
#include "cmd/cmd_load_common.h"
#include "render/format.h"
#include "render/report_data.h"
#include "render/report_html.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/sig.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WATCH 32
#define MAX_THRESHOLDS 16
#define BP_VERSION_STR "0.1.0"

struct lt {
    struct bp_ctx *ctx;
    struct load_session s;
    struct arena a;
    struct mon_target tg[MAX_WATCH];
    struct term *pids[MAX_WATCH];
    size_t n;
    const char *counters;
    int wordsize;
    int64_t t0_ns;
    int64_t interval_ms;
    int64_t next_ns;           /* when the next sample is due */
    FILE *rec;                 /* --record, written line by line */
    struct sbuf log;           /* the same lines, for the report */
    uint64_t prev_sent;
    double prev_t;
    struct mon_threshold th[MAX_THRESHOLDS];
    size_t nth;
    char breach[300];
    int samples_failed;
};

/* The sampling schedule runs on through the phases. */
static void next_sample(struct lt *l)
{
    l->next_ns += l->interval_ms * 1000000;
    if (l->next_ns < clock_ns())
        l->next_ns = clock_ns();
}

static double now_t(const struct lt *l)
{
    return (double)(clock_ns() - l->t0_ns) / 1e9;
}

static void emit(struct lt *l, struct sbuf *line, int to_stdout)
{
    sbuf_addch(line, '\n');
    sbuf_add(&l->log, line->buf, line->len);
    if (l->rec) {
        fwrite(line->buf, 1, line->len, l->rec);
        fflush(l->rec);
    }
    if (to_stdout && l->ctx->json) {
        fwrite(line->buf, 1, line->len, l->ctx->out);
        fflush(l->ctx->out);
    }
    sbuf_reset(line);
}

static void event(struct lt *l, const char *what, double t, const char *detail)
{
    struct sbuf sb = SBUF_INIT;
    int first = 1;
    sbuf_addch(&sb, '{');
    json_key(&sb, "type", &first);
    json_cstr(&sb, "event");
    json_key(&sb, "t", &first);
    load_json_num(&sb, round(t * 1000) / 1000);
    json_key(&sb, "event", &first);
    json_cstr(&sb, what);
    if (detail) {
        json_key(&sb, "detail", &first);
        json_cstr(&sb, detail);
    }
    sbuf_addch(&sb, '}');
    emit(l, &sb, 1);
    sbuf_release(&sb);
}

/* One sample: monitor lines on the terminal, a JSON line in the record.
 * Returns 0, or BP_EINTR / BP_ENODEGONE. */
static int sample(struct lt *l, const char *phase)
{
    struct arena a = ARENA_INIT;
    struct mon_sample ms;
    struct sbuf sb = SBUF_INIT;
    struct bp_err e;
    char iso[40], extra[160];
    uint64_t sent = load_session_sent(&l->s);
    double t, rate;
    size_t i;
    int first = 1, rc;

    rc = collect_mon_sample(l->ctx->conn, &a, l->pids, l->n, l->counters, &ms, &e);
    if (rc) {
        arena_release(&a);
        if (rc == BP_EINTR || rc == BP_ENODEGONE)
            return rc;
        /* A node too busy to answer in time: a gap in the record. */
        if (l->samples_failed++ < 3)
            fprintf(stderr, "beamprobe: loadtest: sample skipped: %s\n", e.msg);
        return 0;
    }
    t = now_t(l);
    rate = t > l->prev_t ? (double)(sent - l->prev_sent) / (t - l->prev_t) : 0;
    if (strcmp(phase, "before") == 0)
        rate = 0;
    l->prev_sent = sent;
    l->prev_t = t;
    cmd_now(NULL, 0, iso, sizeof(iso));
    sbuf_addch(&sb, '{');
    json_key(&sb, "type", &first);
    json_cstr(&sb, "sample");
    json_key(&sb, "t", &first);
    load_json_num(&sb, round(t * 1000) / 1000);
    json_key(&sb, "time", &first);
    json_cstr(&sb, iso);
    json_key(&sb, "phase", &first);
    json_cstr(&sb, phase);
    json_key(&sb, "sent", &first);
    json_int(&sb, (int64_t)sent);
    json_key(&sb, "rate", &first);
    load_json_num(&sb, round(rate * 10) / 10);
    json_key(&sb, "run_queue", &first);
    json_int(&sb, ms.run_queue);
    json_key(&sb, "memory_total", &first);
    json_int(&sb, ms.memory_total);
    json_key(&sb, "procs", &first);
    sbuf_addch(&sb, '[');
    for (i = 0; i < l->n; i++) {
        int f2 = 1;
        mon_target_update(&l->tg[i], &ms.procs[i], ms.node_us);
        if (i)
            sbuf_addch(&sb, ',');
        sbuf_addch(&sb, '{');
        mon_json_fields(&sb, &f2, &l->tg[i], l->wordsize);
        sbuf_addch(&sb, '}');
    }
    sbuf_addch(&sb, ']');
    if (ms.ncounters) {
        int f2 = 1;
        json_key(&sb, "counters", &first);
        sbuf_addch(&sb, '{');
        for (i = 0; i < ms.ncounters; i++) {
            json_key(&sb, ms.counters[i].name, &f2);
            json_int(&sb, ms.counters[i].value);
        }
        sbuf_addch(&sb, '}');
    }
    sbuf_addch(&sb, '}');
    emit(l, &sb, 1);
    sbuf_release(&sb);
    if (!l->ctx->json) {
        char c[32], r[32];
        fmt_count(c, sizeof(c), (int64_t)sent);
        fmt_count(r, sizeof(r), (int64_t)llround(rate));
        snprintf(extra, sizeof(extra), "%s: %s sent, %s/s", phase, c, r);
        for (i = 0; i < l->n; i++) {
            if (l->tg[i].reported_dead)
                continue;
            mon_print_line(l->ctx, l->ctx->out, MON_FORMAT_LINE, NULL,
                           l->n > 1 ? l->tg[i].label : NULL, &l->tg[i], ms.run_queue,
                           l->wordsize, i == 0 ? extra : NULL);
            if (!l->tg[i].cur.alive)
                l->tg[i].reported_dead = 1;
        }
        fflush(l->ctx->out);
    }
    for (i = 0; i < l->n && !l->breach[0] && l->nth; i++)
        mon_check(l->th, l->nth, &l->tg[i], ms.run_queue, l->wordsize, l->breach,
                  sizeof(l->breach));
    arena_release(&a);
    return 0;
}

/* Sample every interval until `until` (monotonic ns) or stop(l) says so. */
static int watch_phase(struct lt *l, const char *phase, int64_t until_ns,
                       int (*done)(struct lt *l))
{
    int rc;

    for (;;) {
        struct bp_err e;
        if (clock_ns() >= until_ns)
            return 0;
        if (clock_ns() >= l->next_ns) {
            rc = sample(l, phase);
            if (rc)
                return rc;
            next_sample(l);
            if (done && done(l))
                return 0;
        }
        rc = node_wait(l->ctx->conn,
                       (l->next_ns < until_ns ? l->next_ns : until_ns) / 1000000 + 1, &e);
        if (rc)
            return rc;
    }
}

static int recovered_count;

/* Recovered: the callers have finished their queues and every watched
 * mailbox is at the healthy level, for two samples in a row. */
static int recovered(struct lt *l)
{
    int drained = load_session_collect(&l->s, clock_ms(), 0);
    size_t i;

    for (i = 0; i < l->n; i++)
        if (l->tg[i].cur.alive && l->tg[i].cur.message_queue_len > REPORT_OK_MAILBOX) {
            recovered_count = 0;
            return 0;
        }
    if (!drained) {
        recovered_count = 0;
        return 0;
    }
    return ++recovered_count >= 2;
}

static int write_file(const char *path, const char *data, size_t len, struct bp_err *err)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return bp_error(err, BP_EIO, "cannot write '%s': %s", path, strerror(errno));
    if (fwrite(data, 1, len, f) != len || fclose(f) != 0)
        return bp_error(err, BP_EIO, "cannot write '%s'", path);
    return 0;
}

int cmd_loadtest(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "loadtest",
        "loadtest --scenario NAME | --to TARGET | --call CALL --rate R ...\n"
        "       [--watch TARGET]... [--interval D] [--before D] [--recover D]\n"
        "       [--record FILE.jsonl] [--report FILE.html] [--label TEXT]",
        "Load and monitor in one command (the guide's Combined Load Test + Monitor):\n"
        "a baseline, the load, and the recovery after it, with the monitor line for\n"
        "every watched process each interval; recorded as JSON lines and rendered as\n"
        "a self-contained HTML report with charts and a summary (peak mailbox, time\n"
        "to recover, events delivered and lost when the target counts them).",
        "Watched processes: --watch TARGET (repeatable; further TARGET arguments too);\n"
        "by default the --to target, or with --scenario the demo target's aggregator\n"
        "(LassoWeb.Dashboard.ClusterEventAggregator.ensure_started(\"default\"), as the\n"
        "guide's monitor finds it).  --interval defaults to 500ms (the guide's combined\n"
        "test), --before to 2s; the recovery lasts until every watched mailbox is at\n"
        "most 100 for two samples, at most --recover (default 30s).  --counters MOD:FUN\n"
        "names the target's counter function (default lasso_stats:all, used only if it\n"
        "exists; none to skip).  --fail-on as for monitor: the run goes on, the exit\n"
        "status is 6 if a threshold was crossed.  Effects on the node: those of load,\n"
        "plus one process_info/2 per watched process and sample.\n\n"
        "Load options:\n" /* followed by the load details */
    };
    struct lt *l;
    struct load_opts lo;
    struct opt_list watch = { NULL, 0 };
    int64_t interval_ms = 0, before_ms = 2000, recover_ms = 30000;
    const char *record = NULL, *report = NULL, *label = NULL, *counters = NULL,
               *fail_on = NULL;
    struct opt opts[LOAD_NOPTS + 12];
    struct opt own[] = {
        OPT_LIST("watch", 'w', &watch, "TARGET", "monitor TARGET (repeatable)"),
        OPT_DURATION("interval", 'i', &interval_ms, "D", "sample every D (default 500ms)"),
        OPT_DURATION("before", 0, &before_ms, "D", "baseline before the load (default 2s)"),
        OPT_DURATION("recover", 0, &recover_ms, "D",
                     "watch the recovery at most D after the load (default 30s)"),
        OPT_STRING("record", 'o', &record, "FILE", "write the timeline as JSON lines"),
        OPT_STRING("report", 0, &report, "FILE", "write the HTML report"),
        OPT_STRING("label", 0, &label, "TEXT", "name of the run in the report"),
        OPT_STRING("counters", 0, &counters, "MOD:FUN",
                   "the target's counters (default lasso_stats:all; none)"),
        OPT_STRING("fail-on", 0, &fail_on, "LIST", "exit 6 if crossed: mailbox>N,gc_rate>R,..."),
        OPT_END
    };
    struct cmd_help h2 = help;
    char details[4096];
    char *pos[MAX_WATCH];
    const char *specs[MAX_WATCH];
    int npos, rc, rc2 = 0, k;
    size_t i, nspecs = 0;
    const char *mode = NULL;
    struct sbuf sb = SBUF_INIT;
    int first = 1;

    snprintf(details, sizeof(details), "%s%s", help.details, load_opts_details);
    h2.details = details;
    memset(&lo, 0, sizeof(lo));
    k = load_opts_add(opts, &lo);
    memcpy(opts + k, own, sizeof(own));
    rc = cli_parse(ctx, &h2, opts, argc, argv, pos, MAX_WATCH, &npos, err);
    if (rc == 0 && (interval_ms < 0 || before_ms < 0 || recover_ms < 0))
        rc = bp_error(err, BP_EUSAGE, "loadtest: durations must be positive");
    l = rc ? NULL : calloc(1, sizeof(*l));
    if (!rc && !l)
        rc = bp_error(err, BP_ENOMEM, "out of memory");
    if (rc) {
        /* The list arrays are ours, their strings argv's. */
        free((void *)lo.guards.items);
        free((void *)watch.items);
        return rc < 0 ? rc : 0;
    }
    if (!interval_ms)
        interval_ms = 500;
    arena_init(&l->a);
    l->ctx = ctx;
    l->interval_ms = interval_ms;
    if (fail_on && (rc = mon_fail_on_parse(fail_on, l->th, MAX_THRESHOLDS, &l->nth, err)) < 0)
        goto out_free;
    for (i = 0; i < watch.n && nspecs < MAX_WATCH; i++)
        specs[nspecs++] = watch.items[i];
    for (k = 0; k < npos && nspecs < MAX_WATCH; k++)
        specs[nspecs++] = pos[k];
    if (!nspecs && lo.to)
        specs[nspecs++] = lo.to;
    if (!nspecs && lo.scenario)
        specs[nspecs++] = "LassoWeb.Dashboard.ClusterEventAggregator.ensure_started(\"default\")";
    if (!nspecs) {
        rc = bp_error(err, BP_EUSAGE, "loadtest: say what to watch: --watch TARGET");
        goto out_free;
    }
    l->counters = counters && strcmp(counters, "none") == 0 ? NULL
                  : counters ? counters : "lasso_stats:all";
    if (l->counters && !strchr(l->counters, ':')) {
        rc = bp_error(err, BP_EUSAGE, "loadtest: --counters wants MOD:FUN or none");
        goto out_free;
    }
    if (record) {
        l->rec = fopen(record, "w");
        if (!l->rec) {
            rc = bp_error(err, BP_EIO, "cannot write '%s': %s", record, strerror(errno));
            goto out_free;
        }
    }
    rc = load_session_prepare(&l->s, ctx, &lo, err);
    if (rc)
        goto out;
    l->wordsize = node_info(ctx->conn)->wordsize ? node_info(ctx->conn)->wordsize : 8;
    for (i = 0; i < nspecs; i++) {
        struct mon_target *t = &l->tg[i];
        rc = collect_target(ctx->conn, &l->a, specs[i], &t->t, err);
        if (rc) {
            bp_err_prefix(err, "--watch: ");
            goto out;
        }
        t->pid_str = cmd_term_str(ctx, &l->a, t->t.pid);
        /* A call is long; name the process by what it returned too. */
        t->label = specs[i];
        l->pids[i] = t->t.pid;
    }
    l->n = nspecs;
    if (collect_load_probe(ctx->conn, &l->a, &mode, err) != 0)
        mode = NULL;

    /* The run line. */
    sbuf_addch(&sb, '{');
    json_key(&sb, "type", &first);
    json_cstr(&sb, "run");
    json_key(&sb, "version", &first);
    json_int(&sb, 1);
    json_key(&sb, "beamprobe", &first);
    json_cstr(&sb, BP_VERSION_STR);
    json_key(&sb, "node", &first);
    json_cstr(&sb, node_info(ctx->conn)->name);
    {
        char iso[40];
        cmd_now(NULL, 0, iso, sizeof(iso));
        json_key(&sb, "started", &first);
        json_cstr(&sb, iso);
    }
    if (label) {
        json_key(&sb, "label", &first);
        json_cstr(&sb, label);
    }
    if (mode) {
        json_key(&sb, "mode", &first);
        json_cstr(&sb, mode);
    }
    if (l->s.scenario) {
        json_key(&sb, "scenario", &first);
        json_cstr(&sb, l->s.scenario);
    }
    json_key(&sb, "asked_rate", &first);
    load_json_num(&sb, l->s.rate);
    json_key(&sb, "duration_s", &first);
    load_json_num(&sb, (double)l->s.duration_ms / 1000.0);
    json_key(&sb, "count", &first);
    json_int(&sb, (int64_t)l->s.count);
    json_key(&sb, "connections", &first);
    json_int(&sb, lo.connections);
    json_key(&sb, l->s.call_src ? "call" : "to", &first);
    json_cstr(&sb, load_session_what(&l->s));
    json_key(&sb, "template", &first);
    json_cstr(&sb, l->s.tmpl_used ? l->s.tmpl_used : "$seq");
    json_key(&sb, "interval_ms", &first);
    json_int(&sb, interval_ms);
    json_key(&sb, "watch", &first);
    sbuf_addch(&sb, '[');
    for (i = 0; i < l->n; i++) {
        if (i)
            sbuf_addch(&sb, ',');
        json_cstr(&sb, l->tg[i].t.spec);
    }
    sbuf_addch(&sb, ']');
    sbuf_addch(&sb, '}');
    emit(l, &sb, 1);
    first = 1;

    if (!ctx->json) {
        fprintf(ctx->out, "%sloadtest%s %s at %g/s for %g s on %s%s%s\n",
                style_bold(&ctx->style), style_off(&ctx->style), load_session_what(&l->s),
                l->s.rate, (double)l->s.duration_ms / 1000.0, node_info(ctx->conn)->name,
                mode ? ", mode " : "", mode ? mode : "");
        for (i = 0; i < l->n; i++)
            fprintf(ctx->out, "watching %s: %s\n", l->tg[i].t.spec, l->tg[i].pid_str);
        fputc('\n', ctx->out);
        fflush(ctx->out);
    }

    /* Baseline. */
    l->t0_ns = l->next_ns = clock_ns();
    rc = watch_phase(l, "before", l->t0_ns + before_ms * 1000000, NULL);
    if (rc == 0) {
        rc = load_session_start(&l->s, err);
        if (rc == 0) {
            event(l, "load_start", (double)(l->s.run.start_ns - l->t0_ns) / 1e9, NULL);
            l->prev_t = (double)(l->s.run.start_ns - l->t0_ns) / 1e9;
            l->prev_sent = 0;
            for (;;) {
                int64_t wait = (l->next_ns - clock_ns()) / 1000000;
                if (load_session_step(&l->s, wait > 0 ? wait : 0, 0))
                    break;
                if (clock_ns() >= l->next_ns) {
                    if (sample(l, "load") == BP_EINTR)
                        load_run_stop(&l->s.run, LOAD_INTERRUPTED);
                    next_sample(l);
                }
            }
            /* Sampling goes on while the callers finish their queues. */
            load_session_end(&l->s);
            event(l, "load_end", (double)(l->s.end_ns - l->t0_ns) / 1e9,
                  load_stop_name(load_run_reason(&l->s.run)));
            if (load_run_reason(&l->s.run) != LOAD_INTERRUPTED && !sig_pending()) {
                rc = watch_phase(l, "recover", clock_ns() + recover_ms * 1000000, recovered);
                if (rc == BP_EINTR) {
                    sig_clear();
                    rc = 0;
                }
            }
            load_session_collect(&l->s, clock_ms() + LOAD_CALLER_DRAIN_MS, 1);
            rc2 = load_session_outcome(&l->s, err);
        }
    } else if (rc == BP_EINTR) {
        sig_clear();
    }

    /* The summary line, with what the report will say. */
    if (l->s.running || l->s.nlanes) {
        struct report_run run;
        struct report_summary sm;
        struct bp_err e2;
        sbuf_reset(&sb);
        first = 1;
        sbuf_addch(&sb, '{');
        json_key(&sb, "type", &first);
        json_cstr(&sb, "summary");
        load_session_json_fields(&l->s, &sb, &first);
        if (report_run_parse(&run, record ? record : "loadtest", l->log.buf ? l->log.buf : "",
                             l->log.len, &e2) == 0) {
            report_summarize(&run, &sm);
            load_outcome_json(&sb, &sm, &first);
            if (!ctx->json) {
                char a[32], b[32];
                fmt_count(a, sizeof(a), (int64_t)sm.peak_mailbox);
                fprintf(ctx->out, "\n");
                load_session_print(&l->s, ctx->out, 0);
                fprintf(ctx->out, "      peak mailbox %s (%s at %.1f s); ", a, sm.peak_target,
                        sm.peak_t);
                if (sm.recover_s < 0)
                    fprintf(ctx->out, "not recovered\n");
                else if (sm.peak_mailbox <= REPORT_OK_MAILBOX)
                    fprintf(ctx->out, "never above 100\n");
                else
                    fprintf(ctx->out, "recovered %.1f s after the load\n", sm.recover_s);
                if (sm.delivered >= 0) {
                    fmt_count(a, sizeof(a), (int64_t)sm.delivered);
                    fmt_count(b, sizeof(b), (int64_t)sm.lost);
                    fprintf(ctx->out, "      the target counted %s delivered, %s not (yet)\n",
                            a, b);
                }
            }
            report_run_release(&run);
        }
        sbuf_addch(&sb, '}');
        emit(l, &sb, 1);
    }
    if (report) {
        struct report_run run;
        struct report_run *runs[1];
        struct bp_err e2;
        if (report_run_parse(&run, record ? record : "loadtest", l->log.buf ? l->log.buf : "",
                             l->log.len, &e2) == 0) {
            struct sbuf html = SBUF_INIT;
            runs[0] = &run;
            report_html(&html, runs, 1, NULL);
            if (write_file(report, html.buf, html.len, &e2) != 0)
                fprintf(stderr, "beamprobe: %s\n", e2.msg);
            else if (!ctx->json)
                fprintf(ctx->out, "      report: %s\n", report);
            sbuf_release(&html);
            report_run_release(&run);
        } else {
            fprintf(stderr, "beamprobe: loadtest: %s\n", e2.msg);
        }
    }
    if (record && !ctx->json)
        fprintf(ctx->out, "      record: %s\n", record);
    if (!rc)
        rc = rc2;
    if (!rc && l->breach[0])
        rc = bp_error(err, BP_ETHRESHOLD, "loadtest: %s", l->breach);
out:
    if (l->s.lanes || l->s.running) {
        struct bp_err e3;
        if (l->s.running)
            load_session_finish(&l->s, &e3);
    }
    load_session_release(&l->s);
    if (l->rec)
        fclose(l->rec);
out_free:
    free((void *)lo.guards.items);
    free((void *)watch.items);
    sbuf_release(&sb);
    sbuf_release(&l->log);
    arena_release(&l->a);
    free(l);
    return rc;
}
