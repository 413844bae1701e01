/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_info.c - `beamprobe info TARGET [--dump FILE] [--messages N]`.
 *
 * The guide's Quick Diagnostics 5 (message_queue_data and its advice) and
 * Debugging 2 (dump process state): every process_info item except
 * `messages`, which is read only with --messages N and only from a queue of
 * at most --max-queue messages.  On screen long values are abridged
 * (--limit); --dump writes everything unabridged, backtrace and the list
 * of referenced binaries included, to a file.
 *
 * Cost on the node: one process_info/2 call with the item list, plus one
 * for the binary summary (the list of refc binaries is summed on the node
 * and only crosses the wire with --dump).
 */
#include "cmd/cmd.h"
#include "cmd/cmd_common.h"
#include "render/format.h"
#include "util/clock.h"
#include "util/json.h"
#include "remote_exprs.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* process_info items shown by info; `parent` exists from OTP 25. */
static const char *const base_items[] = {
    "registered_name", "initial_call", "current_function", "current_location",
    "status", "priority", "group_leader", "trap_exit", "reductions",
    "memory", "heap_size", "stack_size", "total_heap_size", "message_queue_len",
    "message_queue_data", "garbage_collection", "garbage_collection_info",
    "min_heap_size", "min_bin_vheap_size", "links", "monitors", "monitored_by",
    "dictionary", "trace", "sequential_trace_token", "catchlevel", "error_handler",
    "suspending", "last_calls", "current_stacktrace", "parent",
};
#define NBASE (sizeof(base_items) / sizeof(*base_items))

static const char *advice_for(const char *mqd)
{
    if (strcmp(mqd, "on_heap") == 0)
        return "Mailbox is ON-HEAP (GC scans messages): for a process that may queue "
               "many messages, process_flag(message_queue_data, off_heap)";
    if (strcmp(mqd, "off_heap") == 0)
        return "Mailbox is OFF-HEAP (GC skips messages)";
    return "";
}

static void kv(struct bp_ctx *ctx, const char *key, const char *val)
{
    fprintf(ctx->out, "  %-24s %s\n", key, val);
}

static void kv_term(struct bp_ctx *ctx, const char *key, const struct term *t, int limit)
{
    struct sbuf sb = SBUF_INIT;
    cmd_term(ctx, &sb, t, limit, 400);
    kv(ctx, key, sbuf_str(&sb));
    sbuf_release(&sb);
}

static void kv_count_list(struct bp_ctx *ctx, const char *key, const struct term *t,
                          int limit)
{
    struct sbuf sb = SBUF_INIT;
    sbuf_addf(&sb, "%zu", term_list_len(t));
    if (term_list_len(t)) {
        sbuf_addstr(&sb, ": ");
        cmd_term(ctx, &sb, t, limit, 300);
    }
    kv(ctx, key, sbuf_str(&sb));
    sbuf_release(&sb);
}

/* "$initial_call" of proc_lib processes, from the dictionary. */
static const struct term *proc_lib_initial_call(const struct term *dict)
{
    return term_prop(dict, "$initial_call");
}

static void print_mfa(struct bp_ctx *ctx, struct sbuf *sb, const struct term *mfa)
{
    const struct term *m = term_elem(mfa, 0), *f = term_elem(mfa, 1), *ar = term_elem(mfa, 2);
    int64_t arity = 0;
    if (m && f && m->kind == TERM_ATOM && f->kind == TERM_ATOM &&
        term_get_int(ar, &arity) == 0)
        term_print_mfa(sb, m->u.atom.name, f->u.atom.name, (int)arity, ctx->syntax);
    else
        cmd_term(ctx, sb, mfa, 10, 200);
}

static void print_stack(struct bp_ctx *ctx, const struct term *st)
{
    size_t i;
    if (!st || st->kind != TERM_LIST)
        return;
    fprintf(ctx->out, "\n%scurrent_stacktrace%s\n", style_bold(&ctx->style),
            style_off(&ctx->style));
    for (i = 0; i < st->u.list.n; i++) {
        const struct term *fr = st->u.list.items[i];
        struct sbuf sb = SBUF_INIT;
        const struct term *loc = term_elem(fr, 3);
        const struct term *file = term_prop(loc, "file"), *line = term_prop(loc, "line");
        print_mfa(ctx, &sb, fr);
        if (file) {
            sbuf_addstr(&sb, "  (");
            if (file->kind == TERM_LIST) {
                size_t k;
                for (k = 0; k < file->u.list.n; k++) {
                    int64_t ch;
                    if (term_get_int(file->u.list.items[k], &ch) == 0 && ch > 0 && ch < 256)
                        sbuf_addch(&sb, (char)ch);
                }
            }
            if (line) {
                int64_t l = 0;
                term_get_int(line, &l);
                sbuf_addf(&sb, ":%" PRId64, l);
            }
            sbuf_addch(&sb, ')');
        }
        fprintf(ctx->out, "  %s\n", sbuf_str(&sb));
        sbuf_release(&sb);
    }
}

static void print_human(struct bp_ctx *ctx, struct arena *a, const struct target *tg,
                        const struct term *info, int64_t nbin, int64_t binbytes, int limit)
{
    const struct term *t;
    const struct term *dict = term_prop(info, "dictionary");
    const struct term *mqd = term_prop(info, "message_queue_data");
    int64_t v = 0;
    int ws = node_info(ctx->conn)->wordsize;
    char buf[64], buf2[64];
    struct sbuf sb = SBUF_INIT;

    fprintf(ctx->out, "%s=== Process Info: %s ===%s\n", style_bold(&ctx->style),
            cmd_target_label(ctx, a, tg), style_off(&ctx->style));
    t = term_prop(info, "registered_name");
    if (t && !term_is_nil(t))
        kv_term(ctx, "registered_name", t, limit);
    t = term_prop(info, "initial_call");
    sbuf_reset(&sb);
    print_mfa(ctx, &sb, t);
    if (proc_lib_initial_call(dict)) {
        sbuf_addstr(&sb, "  ($initial_call ");
        print_mfa(ctx, &sb, proc_lib_initial_call(dict));
        sbuf_addch(&sb, ')');
    }
    kv(ctx, "initial_call", sbuf_str(&sb));
    sbuf_reset(&sb);
    print_mfa(ctx, &sb, term_prop(info, "current_function"));
    kv(ctx, "current_function", sbuf_str(&sb));
    kv_term(ctx, "status", term_prop(info, "status"), limit);
    kv_term(ctx, "priority", term_prop(info, "priority"), limit);
    kv_term(ctx, "trap_exit", term_prop(info, "trap_exit"), limit);
    kv_term(ctx, "group_leader", term_prop(info, "group_leader"), limit);
    if (term_prop(info, "parent"))
        kv_term(ctx, "parent", term_prop(info, "parent"), limit);
    term_get_int(term_prop(info, "reductions"), &v);
    fmt_count(buf, sizeof(buf), v);
    kv(ctx, "reductions", buf);

    fprintf(ctx->out, "\n%smemory%s\n", style_bold(&ctx->style), style_off(&ctx->style));
    term_get_int(term_prop(info, "memory"), &v);
    fmt_bytes(buf, sizeof(buf), (double)v);
    kv(ctx, "memory", buf);
    {
        static const char *const w[] = { "heap_size", "stack_size", "total_heap_size" };
        size_t i;
        for (i = 0; i < 3; i++) {
            v = 0;
            term_get_int(term_prop(info, w[i]), &v);
            fmt_count(buf, sizeof(buf), v);
            fmt_bytes(buf2, sizeof(buf2), (double)(v * ws));
            sbuf_reset(&sb);
            sbuf_addf(&sb, "%s words (%s)", buf, buf2);
            kv(ctx, w[i], sbuf_str(&sb));
        }
    }
    sbuf_reset(&sb);
    if (nbin >= 0) {
        fmt_count(buf, sizeof(buf), nbin);
        fmt_bytes(buf2, sizeof(buf2), (double)binbytes);
        sbuf_addf(&sb, "%s refc binaries, %s", buf, buf2);
    } else {
        sbuf_addstr(&sb, "(not read: the process did not answer in time)");
    }
    kv(ctx, "binary", sbuf_str(&sb));

    fprintf(ctx->out, "\n%smailbox%s\n", style_bold(&ctx->style), style_off(&ctx->style));
    v = 0;
    term_get_int(term_prop(info, "message_queue_len"), &v);
    fmt_count(buf, sizeof(buf), v);
    sbuf_reset(&sb);
    sbuf_addf(&sb, "%s %s", buf, style_mark(&ctx->style, level_mailbox(v)));
    kv(ctx, "message_queue_len", sbuf_str(&sb));
    if (mqd && mqd->kind == TERM_ATOM) {
        int on = strcmp(mqd->u.atom.name, "on_heap") == 0;
        sbuf_reset(&sb);
        sbuf_addf(&sb, "%s  %s %s", mqd->u.atom.name,
                  style_mark(&ctx->style, on ? LEVEL_WARN : LEVEL_OK),
                  advice_for(mqd->u.atom.name));
        kv(ctx, "message_queue_data", sbuf_str(&sb));
    }

    fprintf(ctx->out, "\n%sgarbage collection%s\n", style_bold(&ctx->style),
            style_off(&ctx->style));
    kv_term(ctx, "garbage_collection", term_prop(info, "garbage_collection"), limit);
    kv_term(ctx, "garbage_collection_info", term_prop(info, "garbage_collection_info"),
            limit);

    fprintf(ctx->out, "\n%srelations%s\n", style_bold(&ctx->style), style_off(&ctx->style));
    kv_count_list(ctx, "links", term_prop(info, "links"), limit);
    kv_count_list(ctx, "monitors", term_prop(info, "monitors"), limit);
    kv_count_list(ctx, "monitored_by", term_prop(info, "monitored_by"), limit);
    sbuf_reset(&sb);
    if (dict && dict->kind == TERM_LIST) {
        size_t i, shown = 0;
        sbuf_addf(&sb, "%zu", dict->u.list.n);
        for (i = 0; i < dict->u.list.n; i++) {
            const struct term *k = term_elem(dict->u.list.items[i], 0);
            if (limit >= 0 && (int)shown >= limit) {
                sbuf_addstr(&sb, ", ...");
                break;
            }
            sbuf_addstr(&sb, shown ? ", " : ": ");
            cmd_term(ctx, &sb, k, 5, 80);
            shown++;
        }
    }
    kv(ctx, "dictionary keys", sbuf_str(&sb));

    fprintf(ctx->out, "\n%sother%s\n", style_bold(&ctx->style), style_off(&ctx->style));
    sbuf_reset(&sb);
    {
        const struct term *loc = term_prop(info, "current_location");
        print_mfa(ctx, &sb, loc);
        kv(ctx, "current_location", sbuf_str(&sb));
    }
    kv_term(ctx, "min_heap_size", term_prop(info, "min_heap_size"), limit);
    kv_term(ctx, "min_bin_vheap_size", term_prop(info, "min_bin_vheap_size"), limit);
    kv_term(ctx, "trace", term_prop(info, "trace"), limit);
    kv_term(ctx, "sequential_trace_token", term_prop(info, "sequential_trace_token"),
            limit);
    kv_term(ctx, "catchlevel", term_prop(info, "catchlevel"), limit);
    kv_term(ctx, "error_handler", term_prop(info, "error_handler"), limit);
    kv_term(ctx, "suspending", term_prop(info, "suspending"), limit);
    kv_term(ctx, "last_calls", term_prop(info, "last_calls"), limit);
    print_stack(ctx, term_prop(info, "current_stacktrace"));
    sbuf_release(&sb);
}

/* Full, unabridged "item: value" lines (the guide's dump to file). */
static void dump_text(struct bp_ctx *ctx, struct sbuf *out, const struct term *info)
{
    size_t i;
    for (i = 0; info && info->kind == TERM_LIST && i < info->u.list.n; i++) {
        const struct term *kvp = info->u.list.items[i];
        const struct term *k = term_elem(kvp, 0);
        if (!k || k->kind != TERM_ATOM)
            continue;
        sbuf_addf(out, "%s: ", k->u.atom.name);
        if (strcmp(k->u.atom.name, "backtrace") == 0 && term_elem(kvp, 1) &&
            term_elem(kvp, 1)->kind == TERM_BINARY) {
            const struct term *b = term_elem(kvp, 1);
            sbuf_addch(out, '\n');
            sbuf_add(out, b->u.bin.data, b->u.bin.len);
        } else {
            cmd_term(ctx, out, term_elem(kvp, 1), -1, 0);
        }
        sbuf_addch(out, '\n');
    }
}

static int write_dump(struct bp_ctx *ctx, struct arena *a, const char *path,
                      const struct target *tg, const struct term *info, struct bp_err *err)
{
    struct sbuf sb = SBUF_INIT;
    char iso[40];
    FILE *f;
    int rc = 0;

    timestamp_iso(wall_ms(), iso, sizeof(iso));
    sbuf_addf(&sb, "%% beamprobe process dump\n%% node: %s\n%% target: %s\n%% time: %s\n",
              node_info(ctx->conn)->name, cmd_target_label(ctx, a, tg), iso);
    dump_text(ctx, &sb, info);
    f = fopen(path, "w");
    if (!f)
        return bp_error(err, BP_EIO, "cannot write dump '%s': %s", path, strerror(errno));
    if (fwrite(sb.buf, 1, sb.len, f) != sb.len)
        rc = bp_error(err, BP_EIO, "cannot write dump '%s': %s", path, strerror(errno));
    if (fclose(f) != 0 && rc == 0)
        rc = bp_error(err, BP_EIO, "cannot write dump '%s': %s", path, strerror(errno));
    sbuf_release(&sb);
    return rc;
}

/* process_dump_0.123.0_20261126T002455Z.txt */
static const char *default_dump_name(struct arena *a, const struct term *pid)
{
    char iso[40], compact[40];
    size_t i, o = 0;

    timestamp_iso(wall_ms(), iso, sizeof(iso));
    for (i = 0; iso[i] && o + 1 < sizeof(compact); i++)
        if (iso[i] != '-' && iso[i] != ':' && iso[i] != '.')
            compact[o++] = iso[i];
    compact[o] = '\0';
    return arena_printf(a, "process_dump_0.%u.%u_%s.txt", pid->u.pid.num, pid->u.pid.serial,
                        compact);
}

/* {Count, Bytes} of the refc binaries, summed on the node. */
static int binary_summary(struct bp_ctx *ctx, struct arena *a, const struct term *pid,
                          int64_t *n, int64_t *bytes, struct bp_err *err)
{
    struct node_binding b = { "Pid", pid };
    struct term *r = NULL;
    int rc;

    rc = node_eval(ctx->conn, &remote_proc_binary_summary, &b, 1, 0, a, &r, err);
    if (rc)
        return rc;
    if (term_is_atom(r, "undefined"))
        return bp_error(err, BP_ENOPROC, "process is not alive");
    *n = 0;
    *bytes = 0;
    term_get_int(term_elem(r, 0), n);
    term_get_int(term_elem(r, 1), bytes);
    return 0;
}

int cmd_info(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "info", "info TARGET [--dump [FILE]] [--messages N] [--limit N]",
        "Every process_info item of a process except its messages: identity, current\n"
        "function and stacktrace, status, memory, mailbox and message_queue_data (with\n"
        "the guide's on_heap/off_heap advice), GC, links, monitors, dictionary keys.",
        "--dump writes the full unabridged info (with backtrace and binaries) to FILE,\n"
        "by default process_dump_<pid>_<timestamp>.txt.  --messages N also reads the\n"
        "first N messages, but only when the mailbox holds at most --max-queue\n"
        "(default 10000) messages: copying a long mailbox loads the node."
    };
    const char *dump = NULL;
    bool dump_flag = false;
    int64_t nmsg = -1, max_queue = 10000, limit = 10;
    struct opt opts[] = {
        OPT_FLAG("dump", 0, &dump_flag, "write the full info to process_dump_<pid>_<time>.txt"),
        OPT_STRING("dump-file", 'o', &dump, "FILE", "write the full info to FILE"),
        OPT_INT("messages", 'm', &nmsg, "N", "also read the first N messages (bounded)"),
        OPT_INT("max-queue", 0, &max_queue, "N",
                "read messages only from queues up to N long (default 10000)"),
        OPT_INT("limit", 'l', &limit, "N",
                "show at most N elements of each list/tuple/map (default 10, -1 all)"),
        OPT_END
    };
    char *pos[3];
    int npos, rc;
    struct arena a = ARENA_INIT;
    struct target *tg = NULL;
    struct term *info = NULL, *msgs = NULL;
    const char **items;
    size_t nitems = 0, i;
    int64_t qlen = 0, nbin = 0, binbytes = 0;
    int want_dump;

    rc = cli_parse(ctx, &help, opts, argc, argv, pos, 3, &npos, err);
    if (rc)
        return rc < 0 ? rc : 0;
    /* `--dump FILE` is accepted as well as --dump-file FILE. */
    if (dump_flag && npos == 2) {
        dump = pos[1];
        npos = 1;
    }
    if (npos != 1)
        return bp_error(err, BP_EUSAGE, "info: exactly one TARGET is needed");
    if (nmsg == 0 || nmsg < -1 || max_queue < 0)
        return bp_error(err, BP_EUSAGE, "info: --messages and --max-queue must be positive");
    want_dump = dump_flag || dump;
    rc = cli_attach(ctx, err);
    if (rc)
        return rc;
    rc = cmd_targets(ctx, &a, pos, 1, &tg, err);
    if (rc)
        goto out;
    items = arena_alloc(&a, (NBASE + 2) * sizeof(*items));
    for (i = 0; i < NBASE; i++) {
        if (strcmp(base_items[i], "parent") == 0 && node_info(ctx->conn)->otp_major < 25)
            continue;
        items[nitems++] = base_items[i];
    }
    if (want_dump) {
        items[nitems++] = "backtrace";
        items[nitems++] = "binary";
    }
    rc = collect_proc_items(ctx->conn, &a, tg[0].pid, items, nitems, &info, err);
    if (rc)
        goto out;
    /* The binary summary is extra: on a process stuck in a long GC it may
     * not answer in time, and info still shows everything else. */
    {
        struct bp_err e2;
        rc = binary_summary(ctx, &a, tg[0].pid, &nbin, &binbytes, &e2);
        if (rc == BP_ETIMEDOUT) {
            nbin = binbytes = -1;
            rc = 0;
        } else if (rc) {
            *err = e2;
            goto out;
        }
    }
    if (nmsg > 0) {
        rc = collect_proc_messages(ctx->conn, &a, tg[0].pid, nmsg, max_queue, &qlen, &msgs,
                                   err);
        if (rc)
            goto out;
    }
    if (want_dump) {
        /* Append the messages read to the dump's item list. */
        struct term *all = term_list(&a, info->u.list.n + 1);
        size_t n = 0;
        for (i = 0; i < info->u.list.n; i++)
            all->u.list.items[n++] = info->u.list.items[i];
        if (msgs)
            all->u.list.items[n++] = term_tuple2(&a, term_atom(&a, "messages"), msgs);
        all->u.list.n = n;
        if (!dump)
            dump = default_dump_name(&a, tg[0].pid);
        rc = write_dump(ctx, &a, dump, &tg[0], all, err);
        if (rc)
            goto out;
    }
    if (ctx->json) {
        struct sbuf sb = SBUF_INIT;
        struct term_print_opts po;
        int first = 1;
        cli_print_opts(ctx, &po);
        po.limit = (int)limit;
        sbuf_addch(&sb, '{');
        json_key(&sb, "target", &first);
        json_cstr(&sb, tg[0].spec);
        json_key(&sb, "pid", &first);
        json_cstr(&sb, cmd_term_str(ctx, &a, tg[0].pid));
        for (i = 0; i < info->u.list.n; i++) {
            const struct term *k = term_elem(info->u.list.items[i], 0);
            if (!k || k->kind != TERM_ATOM)
                continue;
            json_key(&sb, k->u.atom.name, &first);
            term_json(&sb, term_elem(info->u.list.items[i], 1), &po);
        }
        if (nbin >= 0) {
            json_key(&sb, "binary_count", &first);
            json_int(&sb, nbin);
            json_key(&sb, "binary_bytes", &first);
            json_int(&sb, binbytes);
        }
        if (nmsg > 0) {
            json_key(&sb, "messages", &first);
            if (msgs)
                term_json(&sb, msgs, &po);
            else
                sbuf_addstr(&sb, "null");
        }
        if (want_dump) {
            json_key(&sb, "dump_file", &first);
            json_cstr(&sb, dump);
        }
        sbuf_addch(&sb, '}');
        cmd_json_line(ctx, &sb);
        sbuf_release(&sb);
        goto out;
    }
    print_human(ctx, &a, &tg[0], info, nbin, binbytes, (int)limit);
    if (nmsg > 0) {
        fprintf(ctx->out, "\n%smessages%s\n", style_bold(&ctx->style), style_off(&ctx->style));
        if (!msgs) {
            fprintf(ctx->out, "  not read: the mailbox holds %" PRId64
                              " messages, more than --max-queue %" PRId64 "\n",
                    qlen, max_queue);
        } else {
            for (i = 0; i < msgs->u.list.n; i++) {
                struct sbuf sb = SBUF_INIT;
                cmd_term(ctx, &sb, msgs->u.list.items[i], (int)limit, 300);
                fprintf(ctx->out, "  %zu. %s\n", i + 1, sbuf_str(&sb));
                sbuf_release(&sb);
            }
            if ((int64_t)msgs->u.list.n < qlen)
                fprintf(ctx->out, "  ... %" PRId64 " more\n", qlen - (int64_t)msgs->u.list.n);
        }
    }
    if (want_dump)
        fprintf(ctx->out, "\nfull info written to %s\n", dump);
out:
    arena_release(&a);
    return rc;
}
