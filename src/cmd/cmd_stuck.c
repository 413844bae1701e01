/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_stuck.c - `beamprobe stuck TARGET | --all`: is a process responsive,
 * and which processes are stuck?
 *
 * The guide's Debugging 1: for one process, a bounded responsiveness
 * probe (an OTP system message from a short-lived helper, or a real call
 * with --call), its status, current function and stacktrace, and its
 * mailbox and reductions over the window (collect_stuck_one).  With --all,
 * three compiled snapshots of every process find those whose mailbox grows
 * while their reductions stall, or that sit in the same non-receive
 * function for the whole window; the OTP ones among the worst are probed.
 * analyze/stuck.c judges and ranks.  Nothing is left on the node.
 */
#include "analyze/doctor.h"
#include "analyze/stuck.h"
#include "cmd/cmd.h"
#include "cmd/cmd_common.h"
#include "collect/collect_debug.h"
#include "render/format.h"
#include "render/table.h"
#include "util/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------
 * Helpers
 */

static bool mfa_parts(const struct term *mfa, const char **m, const char **f, int64_t *a)
{
    const struct term *tm = term_elem(mfa, 0), *tf = term_elem(mfa, 1), *ta = term_elem(mfa, 2);
    if (!tm || !tf || !ta || mfa->u.tuple.n != 3 || tm->kind != TERM_ATOM ||
        tf->kind != TERM_ATOM)
        return false;
    *m = tm->u.atom.name;
    *f = tf->u.atom.name;
    if (ta->kind == TERM_LIST)
        *a = (int64_t)term_list_len(ta);
    else if (term_get_int(ta, a) != 0)
        return false;
    return true;
}

/* One stack frame {M, F, Arity | Args, Location}: "mod:fun/2 (file.erl:12)". */
static const char *frame_str(const struct bp_ctx *ctx, struct arena *a, const struct term *fr)
{
    const char *m, *f, *file = NULL;
    int64_t ar, line = 0;
    struct sbuf sb = SBUF_INIT;
    const char *s;

    if (!fr || fr->kind != TERM_TUPLE || fr->u.tuple.n != 4 ||
        !mfa_parts(&(struct term){ .kind = TERM_TUPLE,
                                   .u.tuple = { fr->u.tuple.items, 3 } },
                   &m, &f, &ar))
        return cmd_term_str(ctx, a, fr);
    term_print_mfa(&sb, m, f, (int)ar, ctx->syntax);
    {
        const struct term *loc = term_elem(fr, 3), *fl = term_prop(loc, "file");
        line = term_prop_int(loc, "line", 0);
        if (fl && fl->kind == TERM_LIST) {
            size_t i, n = fl->u.list.n;
            char *buf = arena_zalloc(a, n + 1);
            for (i = 0; i < n; i++) {
                int64_t ch = term_int_or(fl->u.list.items[i], '?');
                buf[i] = ch > 0 && ch < 128 ? (char)ch : '?';
            }
            file = buf;
        } else if (fl && fl->kind == TERM_BINARY) {
            file = arena_strndup(a, (const char *)fl->u.bin.data, fl->u.bin.len);
        }
    }
    if (file && line)
        sbuf_addf(&sb, " (%s:%" PRId64 ")", file, line);
    else if (file)
        sbuf_addf(&sb, " (%s)", file);
    s = arena_strdup(a, sbuf_str(&sb));
    sbuf_release(&sb);
    return s;
}

/* The guide's "is it in GC?" check: erts_internal or erlang frames. */
static bool stack_gc_frames(const struct term *frames)
{
    size_t i;
    for (i = 0; i < term_list_len(frames); i++) {
        const struct term *m = term_elem(frames->u.list.items[i], 0);
        if (term_is_atom(m, "erts_internal") || term_is_atom(m, "erlang"))
            return true;
    }
    return false;
}

static void classify_function(struct stuck_obs *o, const struct term *cf)
{
    const char *m, *f;
    int64_t ar;
    if (cf && mfa_parts(cf, &m, &f, &ar)) {
        o->idle_function = stuck_is_idle_function(m, f, ar);
        o->blocking_function = stuck_is_blocking_function(m, f, ar);
    }
}

static const char *probe_name(enum stuck_probe p)
{
    switch (p) {
    case PROBE_OK: return "ok";
    case PROBE_TIMEOUT: return "timeout";
    case PROBE_DOWN: return "down";
    default: return "none";
    }
}

static void json_frames(const struct bp_ctx *ctx, struct arena *a, struct sbuf *sb,
                        const struct term *frames)
{
    size_t i;
    sbuf_addch(sb, '[');
    for (i = 0; i < term_list_len(frames); i++) {
        if (i)
            sbuf_addch(sb, ',');
        json_cstr(sb, frame_str(ctx, a, frames->u.list.items[i]));
    }
    sbuf_addch(sb, ']');
}

/* ---------------------------------------------------------------------
 * One process
 */

struct one_args {
    int64_t window_ms, probe_timeout_ms;
    int samples;
    enum stuck_probe_mode mode;
    const struct term *request;
};

static void obs_one(const struct stuck_one *s, const struct one_args *oa, struct stuck_obs *o)
{
    size_t i;
    bool same = true;

    memset(o, 0, sizeof(*o));
    o->window_ms = s->n > 1 ? (s->points[s->n - 1].at_us - s->points[0].at_us) / 1000
                            : oa->window_ms;
    o->probe_timeout_ms = oa->probe_timeout_ms;
    for (i = 0; i < s->n; i++) {
        stuck_count_status(o, s->points[i].status);
        if (i && !term_equal(s->points[i].current_function, s->points[0].current_function))
            same = false;
        if (s->points[i].message_queue_len > o->mq_max)
            o->mq_max = s->points[i].message_queue_len;
    }
    o->same_function = same && s->n > 1;
    classify_function(o, s->points[s->n - 1].current_function);
    o->gc_frames = stack_gc_frames(s->stack_end);
    o->mq_first = s->points[0].message_queue_len;
    o->mq_last = s->points[s->n - 1].message_queue_len;
    o->reds_delta = s->points[s->n - 1].reductions - s->points[0].reductions;
    o->probe = s->probe;
    o->probe_us = s->probe_us;
}

static void print_one_json(struct bp_ctx *ctx, struct arena *a, const struct target *tg,
                           const struct stuck_one *s, const struct stuck_obs *o,
                           const struct stuck_verdict *v, const struct one_args *oa)
{
    struct sbuf sb = SBUF_INIT;
    char iso[40];
    size_t i;
    int first = 1;

    cmd_now(NULL, 0, iso, sizeof(iso));
    cmd_json_open(&sb, &first, iso, node_info(ctx->conn)->name);
    json_key(&sb, "target", &first);
    json_cstr(&sb, tg->spec);
    json_key(&sb, "pid", &first);
    json_cstr(&sb, cmd_term_str(ctx, a, tg->pid));
    json_key(&sb, "registered_name", &first);
    json_cstr_or_null(&sb, s->registered_name ? s->registered_name->u.atom.name : NULL);
    json_key(&sb, "window_ms", &first);
    json_int(&sb, o->window_ms);
    json_key(&sb, "alive", &first);
    sbuf_addstr(&sb, s->died ? "false" : "true");
    json_key(&sb, "otp", &first);
    sbuf_addstr(&sb, s->otp ? "true" : "false");
    json_key(&sb, "probe", &first);
    json_cstr(&sb, probe_name(s->probe));
    if (s->probe == PROBE_OK) {
        json_key(&sb, "probe_latency_ms", &first);
        json_double(&sb, (double)s->probe_us / 1000.0);
    }
    json_key(&sb, "probe_timeout_ms", &first);
    json_int(&sb, o->probe_timeout_ms);
    if (s->reply && oa->request) {
        struct term_print_opts po;
        cli_print_opts(ctx, &po);
        json_key(&sb, "reply", &first);
        term_json(&sb, s->reply, &po);
    }
    json_key(&sb, "status", &first);
    json_cstr(&sb, s->points[s->n - 1].status ? s->points[s->n - 1].status : "?");
    json_key(&sb, "current_function", &first);
    json_cstr(&sb, cmd_mfa_str(ctx, a, s->points[s->n - 1].current_function));
    json_key(&sb, "same_function", &first);
    sbuf_addstr(&sb, o->same_function ? "true" : "false");
    json_key(&sb, "message_queue_len_start", &first);
    json_int(&sb, o->mq_first);
    json_key(&sb, "message_queue_len", &first);
    json_int(&sb, o->mq_last);
    json_key(&sb, "message_queue_data", &first);
    json_cstr(&sb, s->message_queue_data);
    json_key(&sb, "reductions_delta", &first);
    json_int(&sb, o->reds_delta);
    json_key(&sb, "garbage_collecting_samples", &first);
    json_int(&sb, (int64_t)o->garbage_collecting);
    json_key(&sb, "stack_gc_frames", &first);
    sbuf_addstr(&sb, o->gc_frames ? "true" : "false");
    json_key(&sb, "current_stacktrace", &first);
    json_frames(ctx, a, &sb, s->stack_end);
    json_key(&sb, "samples", &first);
    sbuf_addch(&sb, '[');
    for (i = 0; i < s->n; i++) {
        const struct stuck_point *p = &s->points[i];
        int f2 = 1;
        if (i)
            sbuf_addch(&sb, ',');
        sbuf_addch(&sb, '{');
        json_key(&sb, "t_ms", &f2);
        json_double(&sb, (double)p->at_us / 1000.0);
        json_key(&sb, "status", &f2);
        json_cstr(&sb, p->status ? p->status : "?");
        json_key(&sb, "current_function", &f2);
        json_cstr(&sb, cmd_mfa_str(ctx, a, p->current_function));
        json_key(&sb, "message_queue_len", &f2);
        json_int(&sb, p->message_queue_len);
        json_key(&sb, "reductions", &f2);
        json_int(&sb, p->reductions);
        json_key(&sb, "memory", &f2);
        json_int(&sb, p->memory);
        sbuf_addch(&sb, '}');
    }
    sbuf_addch(&sb, ']');
    json_key(&sb, "verdict", &first);
    json_cstr(&sb, stuck_kind_name(v->kind));
    json_key(&sb, "level", &first);
    json_cstr(&sb, doctor_level_name(v->level));
    json_key(&sb, "why", &first);
    json_cstr(&sb, v->why);
    sbuf_addch(&sb, '}');
    cmd_json_line(ctx, &sb);
    sbuf_release(&sb);
}

static void print_one_table(struct bp_ctx *ctx, struct arena *a, const struct target *tg,
                            const struct stuck_one *s, const struct stuck_obs *o,
                            const struct stuck_verdict *v, const struct one_args *oa)
{
    FILE *f = ctx->out;
    const struct style *st = &ctx->style;
    const struct stuck_point *p0 = &s->points[0], *p1 = &s->points[s->n - 1];
    double secs = (double)(o->window_ms > 0 ? o->window_ms : 1) / 1000.0;
    char b1[32], b2[32], b3[32];
    size_t i, same_count = 0;

    fprintf(f, "%s=== stuck: %s on %s · %.1f s window, %zu samples ===%s\n", style_bold(st),
            cmd_target_label(ctx, a, tg), node_info(ctx->conn)->name, secs, s->n,
            style_off(st));

    /* Responsive? */
    if (s->probe == PROBE_OK) {
        fprintf(f, "Responsive:  %s answered %s in %.1f ms\n", style_mark(st, LEVEL_OK),
                oa->request ? "the call" : "a system message", (double)s->probe_us / 1000.0);
    } else if (s->probe == PROBE_TIMEOUT) {
        fprintf(f, "Responsive:  %s%s no answer to %s within %" PRId64 " ms%s\n",
                style_on(st, LEVEL_CRIT), style_mark(st, LEVEL_CRIT),
                oa->request ? "the call" : "a system message", oa->probe_timeout_ms,
                style_off(st));
    } else if (s->probe == PROBE_DOWN) {
        fprintf(f, "Responsive:  %s died while it was probed: %s\n",
                style_mark(st, LEVEL_CRIT), cmd_term_str(ctx, a, s->down_reason));
    } else {
        fprintf(f, "Responsive:  %s not probed (%s)\n", style_mark(st, LEVEL_INFO),
                oa->mode == STUCK_PROBE_NEVER ? "--probe never"
                : s->otp ? "it died" : "not an OTP process: it would not understand a "
                                       "system message; --probe always to force");
    }
    if (s->reply && oa->request) {
        struct sbuf sb = SBUF_INIT;
        cmd_term(ctx, &sb, s->reply, 20, 400);
        fprintf(f, "Reply:       %s\n", sbuf_str(&sb));
        sbuf_release(&sb);
    }

    /* Status over the window. */
    fprintf(f, "Status:      %s now;", p1->status ? p1->status : "?");
    if (o->running)
        fprintf(f, " running %zu", o->running);
    if (o->runnable)
        fprintf(f, " runnable %zu", o->runnable);
    if (o->waiting)
        fprintf(f, " waiting %zu", o->waiting);
    if (o->garbage_collecting)
        fprintf(f, " garbage_collecting %zu", o->garbage_collecting);
    if (o->suspended)
        fprintf(f, " suspended %zu", o->suspended);
    if (o->other)
        fprintf(f, " other %zu", o->other);
    fprintf(f, " (of %zu samples)%s\n", o->samples, s->died ? "; it died during the window" : "");

    for (i = 0; i < s->n; i++)
        if (term_equal(s->points[i].current_function, p1->current_function))
            same_count++;
    fprintf(f, "Current:     %s (%zu of %zu samples)%s\n",
            cmd_mfa_str(ctx, a, p1->current_function), same_count, s->n,
            o->blocking_function ? " - a blocking call" : o->idle_function ? " - idle loop" : "");

    fmt_count(b1, sizeof(b1), o->mq_first);
    fmt_count(b2, sizeof(b2), o->mq_last);
    fprintf(f, "Mailbox:     %s -> %s (%+" PRId64 ", %+.1f/s), max %" PRId64 ", %s\n", b1, b2,
            o->mq_last - o->mq_first, (double)(o->mq_last - o->mq_first) / secs, o->mq_max,
            s->message_queue_data);
    fmt_count(b3, sizeof(b3), o->reds_delta);
    fprintf(f, "Reductions:  +%s over the window (%.0f/s)\n", b3, (double)o->reds_delta / secs);
    fmt_bytes(b1, sizeof(b1), (double)p0->memory);
    fmt_bytes(b2, sizeof(b2), (double)p1->memory);
    fprintf(f, "Memory:      %s -> %s\n", b1, b2);
    fprintf(f, "GC:          %s at %zu of %zu samples; %s\n",
            o->garbage_collecting ? "garbage_collecting" : "not collecting",
            o->garbage_collecting, o->samples,
            o->gc_frames ? "the stack has erts_internal/erlang frames: may be in GC (the "
                           "guide's check)"
                         : "no erts_internal/erlang frames: not in GC (the guide's check)");
    if (term_list_len(s->stack_end)) {
        fprintf(f, "Stacktrace:\n");
        for (i = 0; i < term_list_len(s->stack_end); i++)
            fprintf(f, "    %s\n", frame_str(ctx, a, s->stack_end->u.list.items[i]));
    }
    fprintf(f, "Verdict:     %s%s %s%s: %s\n", style_on(st, v->level), style_mark(st, v->level),
            stuck_kind_name(v->kind), style_off(st), v->why);
}

static int run_one(struct bp_ctx *ctx, const char *spec, const struct one_args *oa, bool fail,
                   struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    struct target tg;
    struct stuck_one s;
    struct stuck_obs o;
    struct stuck_verdict v;
    int rc;

    rc = collect_target(ctx->conn, &a, spec, &tg, err);
    if (rc)
        goto out;
    rc = collect_stuck_one(ctx->conn, &a, tg.pid, oa->window_ms, oa->samples, oa->mode,
                           oa->request, oa->probe_timeout_ms, &s, err);
    if (rc)
        goto out;
    obs_one(&s, oa, &o);
    stuck_judge(&o, &v);
    if (ctx->json)
        print_one_json(ctx, &a, &tg, &s, &o, &v, oa);
    else
        print_one_table(ctx, &a, &tg, &s, &o, &v, oa);
    fflush(ctx->out);
    if (fail && v.level == LEVEL_CRIT)
        rc = bp_error(err, BP_ETHRESHOLD, "%s", "");
out:
    arena_release(&a);
    return rc;
}

/* ---------------------------------------------------------------------
 * --all
 */

struct ranked {
    struct stuck_row *row;
    struct stuck_obs obs;
    struct stuck_verdict v;
};

static void judge_row(struct stuck_row *r, int64_t window_ms, int64_t probe_timeout_ms,
                      struct ranked *out)
{
    struct stuck_obs *o = &out->obs;
    int k;

    memset(o, 0, sizeof(*o));
    out->row = r;
    o->window_ms = window_ms;
    o->probe_timeout_ms = probe_timeout_ms;
    for (k = 0; k < 3; k++)
        stuck_count_status(o, r->status[k]);
    o->same_function = term_equal(r->cf[0], r->cf[1]) && term_equal(r->cf[1], r->cf[2]);
    classify_function(o, r->cf[2]);
    o->gc_frames = stack_gc_frames(r->stack);
    o->mq_first = r->mq0;
    o->mq_last = o->mq_max = r->mq2;
    if (r->mq0 > o->mq_max)
        o->mq_max = r->mq0;
    o->reds_delta = r->reds_delta;
    o->probe = r->probe;
    o->probe_us = r->probe_us;
    stuck_judge(o, &out->v);
}

static int by_score(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    return x->v.score < y->v.score ? 1 : x->v.score > y->v.score ? -1 : 0;
}

static int run_all(struct bp_ctx *ctx, int64_t window_ms, size_t limit, int64_t probe_timeout_ms,
                   bool probe, bool fail, struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    struct stuck_all all;
    struct ranked *rk = NULL;
    size_t i, nbad = 0, nshow, ncrit = 0, cap = limit * 4 < 50 ? 50 : limit * 4;
    int64_t wms;
    char iso[40], clk[16];
    int rc;

    rc = collect_stuck_all(ctx->conn, &a, window_ms, cap, &all, err);
    if (rc)
        goto out;
    wms = all.window_us / 1000;
    rk = calloc(all.n + 1, sizeof(*rk));
    for (i = 0; i < all.n; i++)
        judge_row(&all.rows[i], wms, probe_timeout_ms, &rk[i]);
    qsort(rk, all.n, sizeof(*rk), by_score);
    if (probe) {
        /* Probe the OTP processes among the ones shown. */
        size_t *idx = calloc(limit + 1, sizeof(size_t)), np = 0;
        for (i = 0; i < all.n && np < limit; i++)
            if (rk[i].v.level != LEVEL_OK && rk[i].row->otp)
                idx[np++] = (size_t)(rk[i].row - all.rows);
        rc = collect_stuck_probe(ctx->conn, all.rows, idx, np, probe_timeout_ms, err);
        free(idx);
        if (rc)
            goto out;
        for (i = 0; i < all.n; i++)
            judge_row(rk[i].row, wms, probe_timeout_ms, &rk[i]);
        qsort(rk, all.n, sizeof(*rk), by_score);
    }
    for (i = 0; i < all.n; i++)
        if (rk[i].v.level != LEVEL_OK) {
            nbad++;
            if (rk[i].v.level == LEVEL_CRIT)
                ncrit++;
        }
    nshow = nbad < limit ? nbad : limit;
    cmd_now(clk, sizeof(clk), iso, sizeof(iso));
    if (ctx->json) {
        struct sbuf sb = SBUF_INIT;
        for (i = 0; i < nshow; i++) {
            const struct stuck_row *r = rk[i].row;
            int first = 1;
            cmd_json_open(&sb, &first, iso, r->node);
            json_key(&sb, "rank", &first);
            json_int(&sb, (int64_t)i + 1);
            json_key(&sb, "pid", &first);
            json_cstr(&sb, cmd_term_str(ctx, &a, r->pid));
            json_key(&sb, "registered_name", &first);
            json_cstr_or_null(&sb, r->registered_name ? r->registered_name->u.atom.name : NULL);
            json_key(&sb, "name", &first);
            json_cstr(&sb, cmd_proc_name(ctx, &a, r->registered_name, NULL, r->proc_lib_call,
                                         r->initial_call));
            json_key(&sb, "status", &first);
            json_cstr(&sb, r->status[2] ? r->status[2] : "?");
            json_key(&sb, "current_function", &first);
            json_cstr(&sb, cmd_mfa_str(ctx, &a, r->cf[2]));
            json_key(&sb, "same_function", &first);
            sbuf_addstr(&sb, rk[i].obs.same_function ? "true" : "false");
            json_key(&sb, "message_queue_len_start", &first);
            json_int(&sb, r->mq0);
            json_key(&sb, "message_queue_len", &first);
            json_int(&sb, r->mq2);
            json_key(&sb, "reductions_delta", &first);
            json_int(&sb, r->reds_delta);
            json_key(&sb, "memory", &first);
            json_int(&sb, r->memory);
            json_key(&sb, "message_queue_data", &first);
            json_cstr(&sb, r->message_queue_data);
            json_key(&sb, "otp", &first);
            sbuf_addstr(&sb, r->otp ? "true" : "false");
            json_key(&sb, "probe", &first);
            json_cstr(&sb, probe_name(r->probe));
            if (r->probe == PROBE_OK) {
                json_key(&sb, "probe_latency_ms", &first);
                json_double(&sb, (double)r->probe_us / 1000.0);
            }
            json_key(&sb, "window_ms", &first);
            json_int(&sb, wms);
            json_key(&sb, "current_stacktrace", &first);
            json_frames(ctx, &a, &sb, r->stack);
            json_key(&sb, "verdict", &first);
            json_cstr(&sb, stuck_kind_name(rk[i].v.kind));
            json_key(&sb, "level", &first);
            json_cstr(&sb, doctor_level_name(rk[i].v.level));
            json_key(&sb, "why", &first);
            json_cstr(&sb, rk[i].v.why);
            sbuf_addch(&sb, '}');
            cmd_json_line(ctx, &sb);
        }
        sbuf_release(&sb);
    } else {
        const char *hdr[] = { "#", "PID", "NAME / INITIAL CALL", "STATUS", "CURRENT FUNCTION",
                              "MAILBOX", "CHANGE", "REDS/S", "ANSWERS", "VERDICT" };
        struct table *t = table_new(hdr, "rllllrrrll");
        char pc[32];
        double secs = wms > 0 ? (double)wms / 1000.0 : 1.0;

        fmt_count(pc, sizeof(pc), all.process_count);
        fprintf(ctx->out, "%s%s stuck --all on %s over %.1f s: %s processes, %s%zu flagged "
                          "(%zu critical), scanned on the node in %.2f s%s\n",
                style_bold(&ctx->style), clk, node_info(ctx->conn)->name, secs, pc,
                all.n >= cap ? "at least " : "", nbad, ncrit,
                (double)(all.elapsed_us - all.window_us) / 1e6, style_off(&ctx->style));
        for (i = 0; i < nshow; i++) {
            const struct stuck_row *r = rk[i].row;
            char rank[24], mb[32], ch[32], rs[32], verdict[320];
            const char *cells[10];
            snprintf(rank, sizeof(rank), "%zu", i + 1);
            fmt_count(mb, sizeof(mb), r->mq2);
            snprintf(ch, sizeof(ch), "%+" PRId64, r->mq2 - r->mq0);
            fmt_count(rs, sizeof(rs), (int64_t)((double)r->reds_delta / secs));
            snprintf(verdict, sizeof(verdict), "%s %s: %s", style_mark(&ctx->style, rk[i].v.level),
                     stuck_kind_name(rk[i].v.kind), rk[i].v.why);
            cells[0] = rank;
            cells[1] = cmd_term_str(ctx, &a, r->pid);
            cells[2] = cmd_proc_name(ctx, &a, r->registered_name, NULL, r->proc_lib_call,
                                     r->initial_call);
            cells[3] = r->status[2] ? r->status[2] : "?";
            cells[4] = cmd_mfa_str(ctx, &a, r->cf[2]);
            cells[5] = mb;
            cells[6] = ch;
            cells[7] = rs;
            cells[8] = r->probe == PROBE_OK ? arena_printf(&a, "yes, %.1f ms",
                                                           (double)r->probe_us / 1000.0)
                       : r->probe == PROBE_TIMEOUT ? "NO (timeout)"
                       : r->probe == PROBE_DOWN ? "died"
                       : r->otp ? "-" : "n/a";
            cells[9] = verdict;
            table_row(t, cells);
        }
        if (nshow)
            table_print(t, ctx->out, &ctx->style);
        else
            fprintf(ctx->out, "%s no stuck process: no mailbox grew, nothing sat in the same "
                              "function for the whole window\n",
                    style_mark(&ctx->style, LEVEL_OK));
        if (nbad > nshow)
            fprintf(ctx->out, "... and %zu more (--limit)\n", nbad - nshow);
        table_free(t);
        fflush(ctx->out);
    }
    if (fail && ncrit)
        rc = bp_error(err, BP_ETHRESHOLD, "%s", "");
out:
    free(rk);
    arena_release(&a);
    return rc;
}

int cmd_stuck(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "stuck",
        "stuck TARGET [--window D] [--samples N] [--probe auto|always|never]\n"
        "       [--probe-timeout D] [--call TERM] [--fail]\n"
        "       stuck --all [--window D] [--limit N] [--probe-timeout D] [--no-probe] [--fail]",
        "Is a process responsive, and what is it doing?  A bounded probe (an OTP system\n"
        "message sent from a short-lived helper, or a real gen_server call with --call),\n"
        "its status, current function and stacktrace, its mailbox and reductions over\n"
        "the window, and a verdict: unresponsive, stalled (mailbox grows while\n"
        "reductions stall), overloaded, blocked, busy, backlog, or fine.  --all scans\n"
        "every process over the window and ranks the stuck ones.",
        "The probe sends {system, From, {debug, {statistics, get}}} - what\n"
        "sys:statistics(Pid, get) sends: handled by the process's own loop in mailbox\n"
        "order like a call, but it copies no state (sys:get_state would copy all of it).\n"
        "Only OTP processes are probed unless --probe always; the helper gives up after\n"
        "--probe-timeout (default 5s; 2s with --all) and a late answer is dropped with\n"
        "it.  --fail exits 6 when the verdict is critical.  Cost on the node with --all:\n"
        "12 process_info/2 calls per process, run as compiled list functions."
    };
    int64_t window_ms = -1, samples = 10, probe_timeout_ms = -1, limit = 10;
    const char *probe = "auto", *call = NULL;
    bool all = false, no_probe = false, fail = false;
    struct opt opts[] = {
        OPT_FLAG("all", 'a', &all, "find and rank the stuck processes of the node"),
        OPT_DURATION("window", 'W', &window_ms, "D", "observe over D (default 5s)"),
        OPT_INT("samples", 0, &samples, "N", "samples over the window, one process (default 10)"),
        OPT_STRING("probe", 0, &probe, "MODE", "auto (OTP processes), always, never"),
        OPT_DURATION("probe-timeout", 0, &probe_timeout_ms, "D",
                     "give up waiting for an answer after D (default 5s, --all 2s)"),
        OPT_STRING("call", 0, &call, "TERM",
                   "probe with gen_server:call(TARGET, TERM) instead (the guide's check)"),
        OPT_INT("limit", 'l', &limit, "N", "--all: show N processes (default 10)"),
        OPT_FLAG("no-probe", 0, &no_probe, "--all: do not probe"),
        OPT_FLAG("fail", 0, &fail, "exit 6 when something is critical"),
        OPT_END
    };
    struct one_args oa;
    struct arena a = ARENA_INIT;
    char *pos[2];
    int npos, rc;

    rc = cli_parse(ctx, &help, opts, argc, argv, pos, 2, &npos, err);
    if (rc)
        return rc < 0 ? rc : 0;
    if (all == (npos == 1) || npos > 1)
        return bp_error(err, BP_EUSAGE, "stuck: give one TARGET or --all");
    if (window_ms < 0)
        window_ms = 5000;
    if (probe_timeout_ms < 0)
        probe_timeout_ms = all ? 2000 : 5000;
    if (window_ms < 10 || window_ms > 3600000)
        return bp_error(err, BP_EUSAGE, "stuck: --window must be between 10ms and 1h");
    if (probe_timeout_ms < 1 || probe_timeout_ms > 600000)
        return bp_error(err, BP_EUSAGE, "stuck: --probe-timeout must be between 1ms and 10m");
    if (samples < 2 || samples > 1000)
        return bp_error(err, BP_EUSAGE, "stuck: --samples must be between 2 and 1000");
    if (limit < 1 || limit > 10000)
        return bp_error(err, BP_EUSAGE, "stuck: --limit must be between 1 and 10000");
    memset(&oa, 0, sizeof(oa));
    oa.window_ms = window_ms;
    oa.samples = (int)samples;
    oa.probe_timeout_ms = probe_timeout_ms;
    if (strcmp(probe, "auto") == 0)
        oa.mode = STUCK_PROBE_AUTO;
    else if (strcmp(probe, "always") == 0)
        oa.mode = STUCK_PROBE_ALWAYS;
    else if (strcmp(probe, "never") == 0)
        oa.mode = STUCK_PROBE_NEVER;
    else
        return bp_error(err, BP_EUSAGE, "stuck: --probe must be auto, always or never");
    rc = cli_attach(ctx, err);
    if (rc)
        goto out;
    if (call) {
        struct term *t;
        rc = term_parse(&a, call, ctx->syntax, 0, &t, err);
        if (rc) {
            bp_err_prefix(err, "stuck: --call: ");
            goto out;
        }
        oa.request = t;
        if (oa.mode == STUCK_PROBE_NEVER)
            oa.mode = STUCK_PROBE_ALWAYS;
        if (oa.mode == STUCK_PROBE_AUTO)
            oa.mode = STUCK_PROBE_ALWAYS;
    }
    if (all)
        rc = run_all(ctx, window_ms, (size_t)limit, probe_timeout_ms, !no_probe, fail, err);
    else
        rc = run_one(ctx, pos[0], &oa, fail, err);
out:
    arena_release(&a);
    return rc;
}
