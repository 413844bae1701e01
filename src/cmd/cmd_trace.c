/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_trace.c - `beamprobe trace TARGET... [--count-types] ...`.
 *
 * The guide's Advanced 3 (tracing message flow, MessageCounter) done from
 * outside the node and safely: the trace runs through a relay on the node
 * that enforces count, rate, time, mailbox and heap limits before anything
 * is formatted, and that (with its janitor) removes the trace on every exit
 * path - a limit, Ctrl-C, beamprobe killed, the connection lost.  See
 * collect_trace.h and src/remote/trace_start.erl.
 *
 * Events stream as lines (or JSON lines) in the node's syntax, cut to a
 * bounded size on the node; --count-types counts by message type on the
 * node and prints one table.  The last line always says how many events
 * were seen, shown and dropped, and why the trace stopped.
 */
#include "analyze/trace_event.h"
#include "analyze/trace_spec.h"
#include "cmd/cmd.h"
#include "cmd/cmd_common.h"
#include "collect/collect_trace.h"
#include "render/format.h"
#include "render/table.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/sig.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TARGETS 1024
/* Beyond this many targets, events show the pid only (no label lookup). */
#define MAX_LABELED 64

struct trace_cmd {
    struct bp_ctx *ctx;
    FILE *evout;              /* events (or the counts) go here */
    struct trace_fmt fmt;
    struct trace_run run;
    struct target *tg;        /* resolved TARGETs (NULL with --all-of) */
    size_t ntg;
    const char **labels;      /* per traced pid, or NULL */
    int64_t shown_local;      /* events printed here */
    int64_t started_ms;
    const char *what;         /* "received", "sent", "received and sent" */
};

/* ---------------------------------------------------------------------
 * Labels and headers
 */

static const char *label_of(const struct trace_cmd *tc, const struct term *pid)
{
    size_t i;

    if (!tc->labels || !pid)
        return NULL;
    for (i = 0; i < tc->run.ntraced; i++)
        if (term_equal(tc->run.traced[i], pid))
            return tc->labels[i];
    return NULL;
}

static void make_labels(struct trace_cmd *tc, struct arena *a)
{
    struct bp_ctx *ctx = tc->ctx;
    size_t i, k;

    if (tc->run.ntraced > MAX_LABELED)
        return;
    tc->labels = arena_zalloc(a, (tc->run.ntraced + 1) * sizeof(*tc->labels));
    for (i = 0; i < tc->run.ntraced; i++) {
        tc->labels[i] = cmd_term_str(ctx, a, tc->run.traced[i]);
        for (k = 0; k < tc->ntg; k++)
            if (term_equal(tc->tg[k].pid, tc->run.traced[i])) {
                tc->labels[i] = cmd_target_label(ctx, a, &tc->tg[k]);
                break;
            }
    }
}

static void targets_text(struct trace_cmd *tc, struct arena *a, struct sbuf *sb)
{
    size_t i;

    for (i = 0; i < tc->run.ntraced && i < 5; i++) {
        if (i)
            sbuf_addstr(sb, ", ");
        sbuf_addstr(sb, tc->labels ? tc->labels[i] : cmd_term_str(tc->ctx, a, tc->run.traced[i]));
    }
    if (tc->run.ntraced > 5)
        sbuf_addf(sb, " and %zu more", tc->run.ntraced - 5);
}

static void print_start(struct trace_cmd *tc, struct arena *a, const struct trace_opts *o)
{
    struct bp_ctx *ctx = tc->ctx;
    struct sbuf sb = SBUF_INIT;
    size_t i;

    if (ctx->json) {
        int first = 1;
        sbuf_addch(&sb, '{');
        json_key(&sb, "record", &first);
        json_cstr(&sb, "start");
        json_key(&sb, "node", &first);
        json_cstr(&sb, node_name(ctx->conn));
        json_key(&sb, "mode", &first);
        json_cstr(&sb, o->mode == TRACE_COUNT ? "count_types" : "stream");
        json_key(&sb, "receive", &first);
        sbuf_addstr(&sb, o->recv ? "true" : "false");
        json_key(&sb, "send", &first);
        sbuf_addstr(&sb, o->send ? "true" : "false");
        json_key(&sb, "targets", &first);
        sbuf_addch(&sb, '[');
        for (i = 0; i < tc->run.ntraced; i++) {
            if (i)
                sbuf_addch(&sb, ',');
            json_cstr(&sb, cmd_term_str(ctx, a, tc->run.traced[i]));
        }
        sbuf_addch(&sb, ']');
        json_key(&sb, "skipped", &first);
        sbuf_addch(&sb, '[');
        for (i = 0; i < tc->run.nskipped; i++) {
            if (i)
                sbuf_addch(&sb, ',');
            json_cstr(&sb, cmd_term_str(ctx, a, tc->run.skipped[i]));
        }
        sbuf_addch(&sb, ']');
        json_key(&sb, "relay", &first);
        json_cstr(&sb, cmd_term_str(ctx, a, tc->run.relay));
        json_key(&sb, "janitor", &first);
        json_cstr(&sb, cmd_term_str(ctx, a, tc->run.janitor));
        json_key(&sb, "session", &first);
        sbuf_addstr(&sb, tc->run.session ? "true" : "false");
        json_key(&sb, "duration_ms", &first);
        json_int(&sb, o->duration_ms);
        json_key(&sb, "max", &first);
        json_int(&sb, o->max_events);
        json_key(&sb, "rate", &first);
        if (o->rate_n) {
            int f2 = 1;
            sbuf_addch(&sb, '{');
            json_key(&sb, "events", &f2);
            json_int(&sb, o->rate_n);
            json_key(&sb, "per_ms", &f2);
            json_int(&sb, o->rate_ms);
            sbuf_addch(&sb, '}');
        } else {
            sbuf_addstr(&sb, "null");
        }
        sbuf_addch(&sb, '}');
        cmd_json_line(ctx, &sb);
    } else {
        char max[32];
        fmt_count(max, sizeof(max), o->max_events);
        sbuf_addf(&sb, "%sTracing messages %s by ", style_bold(&ctx->style), tc->what);
        targets_text(tc, a, &sb);
        sbuf_addf(&sb, " for %.3g s, at most %s events", (double)o->duration_ms / 1000.0, max);
        if (o->rate_n)
            sbuf_addf(&sb, ", at most %" PRId64 " per %" PRId64 " ms", o->rate_n, o->rate_ms);
        if (o->mode == TRACE_COUNT)
            sbuf_addstr(&sb, ", counting types on the node");
        if (tc->run.session)
            sbuf_addstr(&sb, " in a trace session");
        sbuf_addf(&sb, "%s (Ctrl-C to stop)\n", style_off(&ctx->style));
        for (i = 0; i < tc->run.nskipped; i++)
            sbuf_addf(&sb, "not traced (no longer alive): %s\n",
                      cmd_term_str(ctx, a, tc->run.skipped[i]));
        fputs(sbuf_str(&sb), ctx->out);
        fflush(ctx->out);
    }
    sbuf_release(&sb);
}

/* ---------------------------------------------------------------------
 * Events
 */

static void print_events(struct trace_cmd *tc, const struct trace_batch *b)
{
    struct sbuf sb = SBUF_INIT;
    size_t i;

    for (i = 0; i < b->n; i++) {
        const struct trace_event *ev = &b->ev[i];
        int64_t wall = collect_trace_wall_ns(&tc->run, ev->ts_ns);
        if (tc->ctx->json)
            trace_event_json(&sb, ev, wall, label_of(tc, ev->pid), &tc->fmt);
        else
            trace_event_text(&sb, ev, wall, label_of(tc, ev->pid), &tc->fmt);
        sbuf_addch(&sb, '\n');
        fputs(sbuf_str(&sb), tc->evout);
        sbuf_reset(&sb);
    }
    tc->shown_local += (int64_t)b->n;
    fflush(tc->evout);
    sbuf_release(&sb);
}

/* ---------------------------------------------------------------------
 * Counts
 */

struct count_row {
    const struct trace_count *c;
    const char *label;
};

static int by_count(const void *x, const void *y)
{
    const struct count_row *a = x, *b = y;
    if (a->c->count != b->c->count)
        return a->c->count < b->c->count ? 1 : -1;
    return strcmp(a->label, b->label);
}

static void print_counts(struct trace_cmd *tc, struct arena *a, const struct trace_stats *s)
{
    struct bp_ctx *ctx = tc->ctx;
    double secs = s->elapsed_ns > 0 ? (double)s->elapsed_ns / 1e9 : 0;
    int64_t total = 0;
    struct count_row *rows = arena_zalloc(a, (s->ncounts + 1) * sizeof(*rows));
    struct sbuf sb = SBUF_INIT;
    size_t i;

    for (i = 0; i < s->ncounts; i++) {
        rows[i].c = &s->counts[i];
        sbuf_reset(&sb);
        msgtype_label(&sb, &s->counts[i].type, ctx->syntax);
        rows[i].label = arena_strdup(a, sbuf_str(&sb));
        total += s->counts[i].count;
    }
    qsort(rows, s->ncounts, sizeof(*rows), by_count);
    if (ctx->json) {
        for (i = 0; i < s->ncounts; i++) {
            int first = 1;
            sbuf_reset(&sb);
            sbuf_addch(&sb, '{');
            json_key(&sb, "record", &first);
            json_cstr(&sb, "count");
            json_key(&sb, "type", &first);
            json_cstr(&sb, rows[i].label);
            json_key(&sb, "kind", &first);
            json_cstr(&sb, msgtype_kind_name(rows[i].c->type.kind));
            json_key(&sb, "count", &first);
            json_int(&sb, rows[i].c->count);
            json_key(&sb, "rate_per_sec", &first);
            json_double(&sb, secs > 0 ? (double)rows[i].c->count / secs : 0);
            json_key(&sb, "share", &first);
            json_double(&sb, total ? (double)rows[i].c->count / (double)total : 0);
            sbuf_addch(&sb, '}');
            sbuf_addch(&sb, '\n');
            fputs(sbuf_str(&sb), tc->evout);
        }
    } else {
        const char *hdr[] = { "TYPE", "KIND", "COUNT", "RATE/S", "SHARE" };
        struct table *t = table_new(hdr, "llrrr");
        char tot[32];
        fmt_count(tot, sizeof(tot), total);
        fprintf(tc->evout, "%sMessage types %s: %s messages in %.2f s%s\n",
                tc->evout == ctx->out ? style_bold(&ctx->style) : "", tc->what, tot, secs,
                tc->evout == ctx->out ? style_off(&ctx->style) : "");
        for (i = 0; i < s->ncounts; i++) {
            char n[32], r[32], sh[16];
            const char *cells[5];
            fmt_count(n, sizeof(n), rows[i].c->count);
            snprintf(r, sizeof(r), "%.1f", secs > 0 ? (double)rows[i].c->count / secs : 0.0);
            snprintf(sh, sizeof(sh), "%.1f%%",
                     total ? 100.0 * (double)rows[i].c->count / (double)total : 0.0);
            cells[0] = rows[i].label;
            cells[1] = msgtype_kind_name(rows[i].c->type.kind);
            cells[2] = n;
            cells[3] = r;
            cells[4] = sh;
            table_row(t, cells);
        }
        if (s->ncounts == 0)
            fprintf(tc->evout, "(no messages)\n");
        else
            table_print(t, tc->evout, tc->evout == ctx->out ? &ctx->style
                                                             : &(struct style){ false, false });
        table_free(t);
    }
    fflush(tc->evout);
    sbuf_release(&sb);
}

/* ---------------------------------------------------------------------
 * Summary
 */

static const char *reason_text(struct arena *a, const char *r, const struct trace_opts *o,
                               const struct trace_stats *s)
{
    if (strcmp(r, "duration") == 0)
        return arena_printf(a, "the duration (%.3g s) ended", (double)o->duration_ms / 1000.0);
    if (strcmp(r, "max") == 0)
        return arena_printf(a, "--max %" PRId64 " reached", o->max_events);
    if (strcmp(r, "rate") == 0)
        return arena_printf(a, "more than %" PRId64 " events in %" PRId64 " ms (--rate)",
                            o->rate_n, o->rate_ms);
    if (strcmp(r, "overload") == 0)
        return arena_printf(a, "the relay could not keep up (its mailbox passed %" PRId64
                            " messages or %" PRId64 " MB)", o->max_queue,
                            o->max_memory / (1024 * 1024));
    if (strcmp(r, "stop") == 0)
        return "stopped by beamprobe";
    if (strcmp(r, "relay_died") == 0)
        return arena_printf(a, "the relay died (%s), its janitor removed the trace",
                            s->exit[0] ? s->exit : "?");
    if (strcmp(r, "janitor_deadline") == 0)
        return "the janitor's hard deadline passed, it removed the trace";
    if (strcmp(r, "janitor_down") == 0)
        return "the janitor died, the relay removed the trace";
    if (strcmp(r, "lost") == 0)
        return "the connection was lost; the relay and its janitor remove the trace on "
               "the node by themselves";
    if (strcmp(r, "noreport") == 0)
        return "no final report from the relay (it removes the trace at its deadline)";
    return r;
}

static void print_summary(struct trace_cmd *tc, struct arena *a, const struct trace_opts *o,
                          const struct trace_stats *s, bool interrupted)
{
    struct bp_ctx *ctx = tc->ctx;
    int64_t shown = s->reported ? s->shown : tc->shown_local;
    int64_t dropped = s->dropped;
    int64_t seen = s->reported ? s->seen : shown;
    const char *why = reason_text(a, s->reason, o, s);
    struct sbuf sb = SBUF_INIT;

    if (interrupted && strcmp(s->reason, "stop") == 0)
        why = "Ctrl-C";
    if (o->mode == TRACE_STREAM && s->reported && tc->shown_local < shown) {
        /* Batches the relay sent but beamprobe's own queue dropped. */
        dropped += shown - tc->shown_local;
        shown = tc->shown_local;
    }
    if (ctx->json) {
        int first = 1;
        sbuf_addch(&sb, '{');
        json_key(&sb, "record", &first);
        json_cstr(&sb, "summary");
        json_key(&sb, "reason", &first);
        json_cstr(&sb, interrupted && strcmp(s->reason, "stop") == 0 ? "interrupted" : s->reason);
        json_key(&sb, "reason_text", &first);
        json_cstr(&sb, why);
        json_key(&sb, "seen", &first);
        json_int(&sb, seen);
        json_key(&sb, "shown", &first);
        json_int(&sb, shown);
        json_key(&sb, "dropped", &first);
        json_int(&sb, dropped);
        json_key(&sb, "after_limit", &first);
        json_int(&sb, s->after_limit);
        json_key(&sb, "filtered", &first);
        json_int(&sb, s->filtered);
        json_key(&sb, "cut", &first);
        json_int(&sb, s->truncated);
        json_key(&sb, "reported_by_relay", &first);
        sbuf_addstr(&sb, s->reported ? "true" : "false");
        json_key(&sb, "elapsed_s", &first);
        json_double(&sb, (double)s->elapsed_ns / 1e9);
        json_key(&sb, "relay_batches", &first);
        json_int(&sb, s->batches);
        json_key(&sb, "relay_peak_queue", &first);
        json_int(&sb, s->peak_queue);
        json_key(&sb, "relay_reductions", &first);
        json_int(&sb, s->reductions);
        sbuf_addch(&sb, '}');
        cmd_json_line(ctx, &sb);
    } else {
        char n1[32], n2[32], n3[32];
        fmt_count(n1, sizeof(n1), seen);
        fmt_count(n2, sizeof(n2), shown);
        fmt_count(n3, sizeof(n3), dropped);
        sbuf_addf(&sb, "%s%s events seen, %s %s, %s dropped%s; %s", style_bold(&ctx->style),
                  n1, n2, o->mode == TRACE_COUNT ? "counted" : "shown", n3,
                  style_off(&ctx->style), why);
        if (s->after_limit)
            sbuf_addf(&sb, "; %" PRId64 " arrived after the limit", s->after_limit);
        if (s->filtered)
            sbuf_addf(&sb, "; %" PRId64 " did not match --match", s->filtered);
        if (s->truncated)
            sbuf_addf(&sb, "; %" PRId64 " cut on the node", s->truncated);
        if (s->reported)
            sbuf_addf(&sb, " (%.2f s)", (double)s->elapsed_ns / 1e9);
        sbuf_addch(&sb, '\n');
        fputs(sbuf_str(&sb), ctx->out);
        fflush(ctx->out);
    }
    sbuf_release(&sb);
}

/* ---------------------------------------------------------------------
 * The command
 */

/* --all-of Foo.Bar means 'Elixir.Foo.Bar'; :foo means foo. */
static const char *module_name(struct arena *a, const char *m)
{
    if (m[0] == ':')
        return m + 1;
    if (m[0] >= 'A' && m[0] <= 'Z' && strncmp(m, "Elixir.", 7) != 0)
        return arena_printf(a, "Elixir.%s", m);
    return m;
}

int cmd_trace(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "trace",
        "trace TARGET... | --all-of MODULE [--receive] [--send] [--count-types]\n"
        "          [--duration D] [--max N] [--rate N/s] [--match PATTERN] [--output FILE]",
        "Messages received (default) and/or sent by processes, live, or counted by\n"
        "type (--count-types: struct name, tuple tag, atom, map, binary, list, other)\n"
        "with rates, as the guide's MessageCounter.  A relay on the node enforces the\n"
        "limits before anything is formatted and removes the trace when a limit trips,\n"
        "on Ctrl-C, when beamprobe is killed or the connection is lost.",
        "Limits: --duration (default 10s), --max events shown or counted (default\n"
        "1000), --rate N/s (stop when more arrive; also N/100ms ...).  Messages larger\n"
        "than --truncate bytes (external size, default 4096) are cut on the node.\n"
        "--match PATTERN keeps messages matching a term pattern whose variables match\n"
        "anything: '{ping, _}', '%Lasso.Events.RoutingDecision{}', '%{id: _}'.\n"
        "On OTP 27+ a dedicated trace session is used; before, a process that already\n"
        "has a tracer is refused, never taken over.  The last line states events seen,\n"
        "shown (or counted) and dropped, and why the trace stopped.  Effects on the\n"
        "node: the VM copies each traced message to the relay while the trace runs."
    };
    bool recv = false, send = false, count_types = false;
    int64_t duration_ms = 10000, max = 1000, procs = 100, truncate = 4096;
    const char *rate = NULL, *match = NULL, *output = NULL, *all_of = NULL;
    struct opt opts[] = {
        OPT_FLAG("receive", 'r', &recv, "trace messages received (default)"),
        OPT_FLAG("send", 's', &send, "trace messages sent"),
        OPT_FLAG("count-types", 't', &count_types, "count by message type on the node"),
        OPT_DURATION("duration", 'd', &duration_ms, "D", "stop after D (default 10s)"),
        OPT_INT("max", 'm', &max, "N", "stop after N events (default 1000)"),
        OPT_STRING("rate", 0, &rate, "N/s", "stop when more than N events arrive per second"),
        OPT_STRING("match", 0, &match, "PATTERN", "only messages matching PATTERN"),
        OPT_STRING("output", 'o', &output, "FILE", "write the events to FILE"),
        OPT_STRING("all-of", 0, &all_of, "MODULE",
                   "every process whose initial call or current function is in MODULE"),
        OPT_INT("procs", 0, &procs, "N", "with --all-of: at most N processes (default 100)"),
        OPT_INT("truncate", 0, &truncate, "BYTES",
                "cut messages larger than BYTES on the node (default 4096)"),
        OPT_END
    };
    char *pos[MAX_TARGETS];
    int npos, rc;
    struct arena a = ARENA_INIT, ba = ARENA_INIT;
    struct trace_opts o;
    struct trace_cmd tc;
    struct term **pids = NULL;
    struct trace_stats final;
    bool stop_sent = false, interrupted = false, done = false;
    int64_t deadline;
    size_t i;

    memset(&tc, 0, sizeof(tc));
    memset(&final, 0, sizeof(final));
    tc.ctx = ctx;
    rc = cli_parse(ctx, &help, opts, argc, argv, pos, MAX_TARGETS, &npos, err);
    if (rc)
        return rc < 0 ? rc : 0;
    if (npos == 0 && !all_of)
        return bp_error(err, BP_EUSAGE,
                        "trace: at least one TARGET (or --all-of MODULE) is needed");
    if (npos > 0 && all_of)
        return bp_error(err, BP_EUSAGE, "trace: give TARGETs or --all-of, not both");
    if (duration_ms <= 0 || duration_ms > 24 * 3600 * 1000)
        return bp_error(err, BP_EUSAGE, "trace: --duration must be between 1ms and 24h");
    if (max < 1 || max > 100000000)
        return bp_error(err, BP_EUSAGE, "trace: --max must be between 1 and 100000000");
    if (procs < 1 || procs > MAX_TARGETS)
        return bp_error(err, BP_EUSAGE, "trace: --procs must be between 1 and %d", MAX_TARGETS);
    if (truncate < 64 || truncate > 64 * 1024 * 1024)
        return bp_error(err, BP_EUSAGE, "trace: --truncate must be between 64 and 67108864");
    trace_opts_defaults(&o);
    o.recv = recv || !send;
    o.send = send;
    o.mode = count_types ? TRACE_COUNT : TRACE_STREAM;
    o.duration_ms = duration_ms;
    o.max_events = max;
    o.max_bytes = truncate;
    if (rate && (rc = trace_rate_parse(rate, &o.rate_n, &o.rate_ms, err)) < 0)
        return rc;
    if (match) {
        struct term *pat;
        enum term_syntax syn = TERM_SYNTAX_AUTO;
        if (ctx->syntax_name && strcmp(ctx->syntax_name, "erlang") == 0)
            syn = TERM_SYNTAX_ERLANG;
        else if (ctx->syntax_name && strcmp(ctx->syntax_name, "elixir") == 0)
            syn = TERM_SYNTAX_ELIXIR;
        if ((rc = trace_pattern_parse(&a, match, syn, &pat, err)) < 0)
            goto out;
        o.match = trace_match_spec(&a, pat);
    }
    tc.what = o.recv && o.send ? "received and sent" : o.recv ? "received" : "sent";
    ctx->liveness = true;
    if ((rc = cli_attach(ctx, err)) < 0)
        goto out;

    /* Targets. */
    if (all_of) {
        int64_t matching = 0;
        size_t n = 0;
        rc = collect_trace_all_of(ctx->conn, &a, module_name(&a, all_of), (size_t)procs, &pids,
                                  &n, &matching, err);
        if (rc)
            goto out;
        if (n == 0) {
            rc = bp_error(err, BP_ENOPROC, "no process on '%s' runs module '%s'",
                          node_name(ctx->conn), all_of);
            goto out;
        }
        if (matching > (int64_t)n && !ctx->json)
            fprintf(stderr, "beamprobe: %" PRId64 " processes run '%s'; tracing the first %zu "
                            "(--procs)\n", matching, all_of, n);
        o.pids = pids;
        o.npids = n;
    } else {
        rc = cmd_targets(ctx, &a, pos, npos, &tc.tg, err);
        if (rc)
            goto out;
        tc.ntg = (size_t)npos;
        pids = arena_zalloc(&a, (size_t)npos * sizeof(*pids));
        for (i = 0; i < (size_t)npos; i++)
            pids[i] = tc.tg[i].pid;
        o.pids = pids;
        o.npids = (size_t)npos;
    }

    tc.evout = ctx->out;
    if (output) {
        tc.evout = fopen(output, "w");
        if (!tc.evout) {
            rc = bp_error(err, BP_EIO, "cannot write '%s': %s", output, strerror(errno));
            goto out;
        }
    }
    cli_print_opts(ctx, &tc.fmt.print);
    tc.fmt.print.limit = 50;
    tc.fmt.print.max_len = (size_t)(truncate > 1000 ? truncate : 1000);

    rc = collect_trace_start(ctx->conn, &a, &o, &tc.run, err);
    if (rc)
        goto out;
    tc.started_ms = clock_ms();
    make_labels(&tc, &a);
    print_start(&tc, &a, &o);

    /* Wait for batches until the relay's final report.  The relay stops at
     * its own deadline; beamprobe asks it to stop a little later at most,
     * and gives up waiting after one more timeout. */
    deadline = tc.started_ms + duration_ms + 2000;
    while (!done) {
        struct trace_batch b;
        arena_clear(&ba);
        rc = collect_trace_next(ctx->conn, &tc.run, &ba, deadline, &b, err);
        if (rc == 0 && b.done) {
            final = b.stats;
            if (o.mode == TRACE_COUNT)
                print_counts(&tc, &ba, &final);
            print_summary(&tc, &ba, &o, &final, interrupted);
            done = true;
        } else if (rc == 0) {
            print_events(&tc, &b);
        } else if (rc == BP_EINTR && !interrupted) {
            sig_clear();
            interrupted = true;
            stop_sent = true;
            rc = collect_trace_stop(ctx->conn, &tc.run, err);
            if (rc)
                break;
            deadline = clock_ms() + node_timeout(ctx->conn);
        } else if (rc == BP_ETIMEDOUT && !stop_sent) {
            stop_sent = true;
            rc = collect_trace_stop(ctx->conn, &tc.run, err);
            if (rc)
                break;
            deadline = clock_ms() + node_timeout(ctx->conn);
        } else {
            break;
        }
    }
    if (!done) {
        /* No report: say what is known. */
        memset(&final, 0, sizeof(final));
        snprintf(final.reason, sizeof(final.reason), "%s",
                 rc == BP_ENODEGONE ? "lost" : "noreport");
        if (rc == BP_EINTR)
            sig_clear();
        print_summary(&tc, &a, &o, &final, interrupted);
        if (rc == BP_ETIMEDOUT || rc == BP_EINTR)
            rc = 0;
    } else {
        rc = 0;
    }
out:
    if (tc.evout && tc.evout != ctx->out)
        fclose(tc.evout);
    arena_release(&ba);
    arena_release(&a);
    return rc;
}
