/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_memory.c - `beamprobe memory TARGET`: the guide's Process Memory
 * Analysis (Quick Diagnostics 2).
 *
 * One process_info/2 call (collect_proc_sample).  Sizes in words are turned
 * into bytes with the node's own word size, never an assumed 8.
 */
#include "cmd/cmd.h"
#include "cmd/cmd_common.h"
#include "render/format.h"
#include "render/table.h"
#include "util/json.h"

#include <inttypes.h>
#include <stdio.h>

static void words_row(struct table *t, const char *item, int64_t words, int ws)
{
    char w[32], b[32], h[32];
    const char *cells[4];
    fmt_count(w, sizeof(w), words);
    fmt_count(b, sizeof(b), words * ws);
    fmt_bytes(h, sizeof(h), (double)(words * ws));
    cells[0] = item;
    cells[1] = w;
    cells[2] = b;
    cells[3] = h;
    table_row(t, cells);
}

int cmd_memory(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "memory", "memory TARGET",
        "Memory of a process: total memory in bytes, heap, stack and total heap in\n"
        "words and bytes (the node's word size), mailbox length, and its GC settings.",
        NULL
    };
    struct opt opts[] = { OPT_END };
    char *pos[2];
    int npos, rc, ws;
    struct arena a = ARENA_INIT;
    struct target *tg = NULL;
    struct proc_sample s;
    struct sbuf sb = SBUF_INIT;

    rc = cli_parse(ctx, &help, opts, argc, argv, pos, 2, &npos, err);
    if (rc)
        return rc < 0 ? rc : 0;
    if (npos != 1)
        return bp_error(err, BP_EUSAGE, "memory: exactly one TARGET is needed");
    rc = cli_attach(ctx, err);
    if (rc)
        return rc;
    rc = cmd_targets(ctx, &a, pos, 1, &tg, err);
    if (rc)
        goto out;
    rc = collect_proc_sample(ctx->conn, tg[0].pid, &s, err);
    if (rc)
        goto out;
    ws = node_info(ctx->conn)->wordsize;
    if (ctx->json) {
        int first = 1;
        sbuf_addch(&sb, '{');
        json_key(&sb, "target", &first);
        json_cstr(&sb, tg[0].spec);
        json_key(&sb, "pid", &first);
        json_cstr(&sb, cmd_term_str(ctx, &a, tg[0].pid));
        json_key(&sb, "wordsize", &first);
        json_int(&sb, ws);
        json_key(&sb, "memory", &first);
        json_int(&sb, s.memory);
        json_key(&sb, "heap_size", &first);
        json_int(&sb, s.heap_size);
        json_key(&sb, "stack_size", &first);
        json_int(&sb, s.stack_size);
        json_key(&sb, "total_heap_size", &first);
        json_int(&sb, s.total_heap_size);
        json_key(&sb, "heap_size_bytes", &first);
        json_int(&sb, s.heap_size * ws);
        json_key(&sb, "stack_size_bytes", &first);
        json_int(&sb, s.stack_size * ws);
        json_key(&sb, "total_heap_size_bytes", &first);
        json_int(&sb, s.total_heap_size * ws);
        json_key(&sb, "message_queue_len", &first);
        json_int(&sb, s.message_queue_len);
        json_key(&sb, "message_queue_data", &first);
        json_cstr(&sb, s.message_queue_data);
        cmd_json_gc(&sb, &s.gc, &first);
        sbuf_addch(&sb, '}');
        cmd_json_line(ctx, &sb);
    } else {
        const char *hdr[] = { "ITEM", "WORDS", "BYTES", "SIZE" };
        struct table *t = table_new(hdr, "lrrr");
        char b[32], h[32], n[32];
        const char *cells[4];

        fprintf(ctx->out, "%s=== Process Memory Analysis: %s ===%s\n", style_bold(&ctx->style),
                cmd_target_label(ctx, &a, &tg[0]), style_off(&ctx->style));
        fmt_count(b, sizeof(b), s.memory);
        fmt_bytes(h, sizeof(h), (double)s.memory);
        cells[0] = "memory (total)";
        cells[1] = "";
        cells[2] = b;
        cells[3] = h;
        table_row(t, cells);
        words_row(t, "heap_size", s.heap_size, ws);
        words_row(t, "stack_size", s.stack_size, ws);
        words_row(t, "total_heap_size", s.total_heap_size, ws);
        table_print(t, ctx->out, &ctx->style);
        table_free(t);
        fmt_count(n, sizeof(n), s.message_queue_len);
        fprintf(ctx->out, "\nmessages             %s %s (message_queue_data: %s)\n", n,
                style_mark(&ctx->style, level_mailbox(s.message_queue_len)),
                s.message_queue_data);
        fprintf(ctx->out, "\n%sGarbage collection%s\n", style_bold(&ctx->style),
                style_off(&ctx->style));
        cmd_print_gc(ctx, &s.gc, "  ");
    }
out:
    sbuf_release(&sb);
    arena_release(&a);
    return rc;
}
