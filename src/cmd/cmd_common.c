/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_common.c - shared command helpers; see cmd_common.h.
 */
#include "cmd/cmd_common.h"
#include "util/clock.h"
#include "util/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int cmd_targets(struct bp_ctx *ctx, struct arena *a, char **specs, int n,
                struct target **out, struct bp_err *err)
{
    struct target *t = arena_zalloc(a, (size_t)(n ? n : 1) * sizeof(*t));
    int i, rc;

    for (i = 0; i < n; i++) {
        rc = collect_target(ctx->conn, a, specs[i], &t[i], err);
        if (rc)
            return rc;
    }
    *out = t;
    return 0;
}

int cmd_resolve_on(const struct bp_ctx *ctx, struct node_conn *c, struct arena *a,
                   char **specs, int n, bool allow_missing, struct target *tg, int *found,
                   const char **pids, struct bp_err *err)
{
    int i, rc;

    for (i = 0; i < n; i++) {
        struct bp_err e;
        found[i] = 0;
        if (pids)
            pids[i] = "";
        rc = collect_target(c, a, specs[i], &tg[i], &e);
        if (rc == BP_ENOPROC && allow_missing)
            continue; /* not on this node */
        if (rc) {
            if (err)
                *err = e;
            return rc;
        }
        found[i] = 1;
        if (pids) {
            struct term_print_opts po;
            struct sbuf sb = SBUF_INIT;
            cli_print_opts(ctx, &po);
            po.local_node = node_info(c)->name;
            term_print(&sb, tg[i].pid, &po);
            pids[i] = arena_strdup(a, sbuf_str(&sb));
            sbuf_release(&sb);
        }
    }
    return 0;
}

void cmd_term(const struct bp_ctx *ctx, struct sbuf *sb, const struct term *t, int limit,
              size_t max_len)
{
    struct term_print_opts po;
    cli_print_opts(ctx, &po);
    po.limit = limit;
    po.max_len = max_len;
    if (limit < 0)
        po.printable_limit = -1;
    term_print(sb, t, &po);
}

const char *cmd_term_str(const struct bp_ctx *ctx, struct arena *a, const struct term *t)
{
    struct sbuf sb = SBUF_INIT;
    const char *s;
    cmd_term(ctx, &sb, t, 20, 200);
    s = arena_strdup(a, sbuf_str(&sb));
    sbuf_release(&sb);
    return s;
}

const char *cmd_target_label(const struct bp_ctx *ctx, struct arena *a,
                             const struct target *t)
{
    const char *pid = cmd_term_str(ctx, a, t->pid);
    struct term_pid typed;
    /* A target typed as a pid needs no second spelling. */
    if (strcmp(t->spec, pid) == 0 || term_parse_pid(t->spec, &typed, a, NULL) == 0)
        return pid;
    return arena_printf(a, "%s %s", t->spec, pid);
}

void watch_init(struct watch *w, int64_t interval_ms, int64_t count)
{
    w->interval_ms = interval_ms;
    w->count = interval_ms > 0 ? count : 1;
    w->taken = 0;
    w->next = clock_ms();
}

void watch_restart(struct watch *w)
{
    w->next = clock_ms();
}

int watch_due(struct watch *w, int64_t *deadline)
{
    if (w->count > 0 && w->taken >= w->count)
        return 1;
    if (w->taken > 0) {
        int64_t now = clock_ms();
        w->next += w->interval_ms;
        if (w->next < now)
            w->next = now; /* a slow node: never sample in a burst */
    }
    w->taken++;
    *deadline = w->taken > 1 ? w->next : 0;
    return 0;
}

int watch_next(struct bp_ctx *ctx, struct watch *w, struct bp_err *err)
{
    int64_t deadline;
    int rc = watch_due(w, &deadline);

    if (rc || !deadline)
        return rc;
    return node_wait(ctx->conn, deadline, err);
}

void cmd_now(char *clock_buf, size_t nc, char *iso_buf, size_t ni)
{
    int64_t now = wall_ms();
    if (clock_buf)
        timestamp_clock(now, clock_buf, nc);
    if (iso_buf)
        timestamp_iso(now, iso_buf, ni);
}

void cmd_json_open(struct sbuf *sb, int *first, const char *iso, const char *node)
{
    sbuf_addch(sb, '{');
    json_key(sb, "time", first);
    json_cstr(sb, iso);
    if (node) {
        json_key(sb, "node", first);
        json_cstr(sb, node);
    }
}

void cmd_json_line(struct bp_ctx *ctx, struct sbuf *sb)
{
    fputs(sbuf_str(sb), ctx->out);
    fputc('\n', ctx->out);
    fflush(ctx->out);
    sbuf_reset(sb);
}

void cmd_json_gc(struct sbuf *sb, const struct proc_gc *gc, int *first)
{
    int f2 = 1;
    json_key(sb, "garbage_collection", first);
    sbuf_addch(sb, '{');
    json_key(sb, "minor_gcs", &f2);
    json_int(sb, gc->minor_gcs);
    json_key(sb, "fullsweep_after", &f2);
    json_int(sb, gc->fullsweep_after);
    json_key(sb, "min_heap_size", &f2);
    json_int(sb, gc->min_heap_size);
    json_key(sb, "min_bin_vheap_size", &f2);
    json_int(sb, gc->min_bin_vheap_size);
    json_key(sb, "max_heap_size", &f2);
    json_int(sb, gc->max_heap_size);
    sbuf_addch(sb, '}');
}

const char *cmd_mfa_str(const struct bp_ctx *ctx, struct arena *a, const struct term *mfa)
{
    const struct term *m = term_elem(mfa, 0), *f = term_elem(mfa, 1);
    int64_t arity = 0;
    struct sbuf sb = SBUF_INIT;
    const char *s;

    if (m && f && mfa->u.tuple.n == 3 && m->kind == TERM_ATOM && f->kind == TERM_ATOM &&
        term_get_int(term_elem(mfa, 2), &arity) == 0) {
        term_print_mfa(&sb, m->u.atom.name, f->u.atom.name, (int)arity, ctx->syntax);
        s = arena_strdup(a, sbuf_str(&sb));
        sbuf_release(&sb);
        return s;
    }
    sbuf_release(&sb);
    return mfa ? cmd_term_str(ctx, a, mfa) : "";
}

const char *cmd_proc_name(const struct bp_ctx *ctx, struct arena *a,
                          const struct term *registered_name, const struct term *label,
                          const struct term *proc_lib_call, const struct term *initial_call)
{
    if (registered_name && registered_name->kind == TERM_ATOM) {
        struct sbuf sb = SBUF_INIT;
        const char *s;
        term_print_atom(&sb, registered_name->u.atom.name, ctx->syntax);
        s = arena_strdup(a, sbuf_str(&sb));
        sbuf_release(&sb);
        return s;
    }
    if (label)
        return cmd_term_str(ctx, a, label);
    if (proc_lib_call)
        return cmd_mfa_str(ctx, a, proc_lib_call);
    return initial_call ? cmd_mfa_str(ctx, a, initial_call) : "";
}

void cmd_print_gc(struct bp_ctx *ctx, const struct proc_gc *gc, const char *indent)
{
    FILE *f = ctx->out;

    fprintf(f, "%sminor_gcs            %" PRId64 "\n", indent, gc->minor_gcs);
    fprintf(f, "%sfullsweep_after      %" PRId64 " (minor GCs before a fullsweep)\n", indent,
            gc->fullsweep_after);
    if (gc->max_heap_size)
        fprintf(f, "%smax_heap_size        %" PRId64 " words%s\n", indent, gc->max_heap_size,
                gc->max_heap_kill ? " (kill)" : "");
    else
        fprintf(f, "%smax_heap_size        unlimited\n", indent);
    fprintf(f, "%smin_heap_size        %" PRId64 " words\n", indent, gc->min_heap_size);
    fprintf(f, "%smin_bin_vheap_size   %" PRId64 " words\n", indent, gc->min_bin_vheap_size);
}
