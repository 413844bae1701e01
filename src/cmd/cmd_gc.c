/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_gc.c - `beamprobe gc TARGET [--watch INTERVAL]`: the guide's Quick
 * Diagnostics 3 (GC settings, minor GC count and rate).
 *
 * minor_gcs counts minor collections since the last fullsweep, so it drops
 * back when a fullsweep happens: the delta is then taken as the new count
 * (analyze/rate.c) and the line says "fullsweep"; a rate is never negative.
 * One process_info/2 call per sample.
 */
#include "analyze/rate.h"
#include "cmd/cmd.h"
#include "cmd/cmd_common.h"
#include "render/format.h"
#include "util/json.h"

#include <inttypes.h>
#include <stdio.h>

int cmd_gc(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "gc", "gc TARGET [--watch INTERVAL] [--count N]",
        "Garbage collection of a process: minor_gcs, fullsweep_after, min_heap_size,\n"
        "min_bin_vheap_size, max_heap_size.  With --watch, the minor GCs since the\n"
        "previous sample and the rate per second.",
        "minor_gcs resets to 0 at each fullsweep; the delta then counts the minor GCs\n"
        "since that fullsweep and the sample is marked, so rates are never negative.\n"
        "The guide's alert threshold is 10 minor GCs per second."
    };
    int64_t watch_ms = 0, count = 0;
    struct opt opts[] = {
        OPT_DURATION("watch", 'w', &watch_ms, "INTERVAL", "sample every INTERVAL"),
        OPT_INT("count", 'n', &count, "N", "stop after N samples"),
        OPT_END
    };
    char *pos[2];
    int npos, rc;
    struct arena a = ARENA_INIT;
    struct target *tg = NULL;
    struct proc_sample s, prev = { 0 };
    struct watch w;
    struct sbuf sb = SBUF_INIT;
    const char *label;

    rc = cli_parse(ctx, &help, opts, argc, argv, pos, 2, &npos, err);
    if (rc)
        return rc < 0 ? rc : 0;
    if (npos != 1)
        return bp_error(err, BP_EUSAGE, "gc: exactly one TARGET is needed");
    if (watch_ms < 0 || count < 0)
        return bp_error(err, BP_EUSAGE, "gc: --watch and --count must be positive");
    rc = cli_attach(ctx, err);
    if (rc)
        return rc;
    rc = cmd_targets(ctx, &a, pos, 1, &tg, err);
    if (rc)
        goto out;
    label = cmd_target_label(ctx, &a, &tg[0]);
    watch_init(&w, watch_ms, count);
    if (watch_ms && !ctx->json)
        fprintf(ctx->out, "%s%-12s  %10s  %8s  %10s  %s%s\n", style_bold(&ctx->style),
                "TIME (UTC)", "MINOR_GCS", "DELTA", "RATE", "NOTE", style_off(&ctx->style));
    while ((rc = watch_next(ctx, &w, err)) == 0) {
        char clk[16], iso[40];
        int64_t delta = 0;
        double rate = 0;
        bool reset = false;

        rc = collect_proc_sample(ctx->conn, tg[0].pid, &s, err);
        if (rc) {
            if (rc == BP_ENOPROC)
                rc = bp_error(err, BP_ENOPROC, "process %s died", label);
            goto out;
        }
        cmd_now(clk, sizeof(clk), iso, sizeof(iso));
        if (w.taken > 1) {
            delta = rate_delta(prev.gc.minor_gcs, s.gc.minor_gcs, &reset);
            rate = rate_per_sec(delta, s.at_ms - prev.at_ms);
        }
        if (ctx->json) {
            int first = 1;
            cmd_json_open(&sb, &first, iso, NULL);
            json_key(&sb, "target", &first);
            json_cstr(&sb, tg[0].spec);
            json_key(&sb, "pid", &first);
            json_cstr(&sb, cmd_term_str(ctx, &a, tg[0].pid));
            cmd_json_gc(&sb, &s.gc, &first);
            if (w.taken > 1) {
                json_key(&sb, "minor_gcs_delta", &first);
                json_int(&sb, delta);
                json_key(&sb, "minor_gcs_per_sec", &first);
                json_double(&sb, rate);
                json_key(&sb, "fullsweep", &first);
                sbuf_addstr(&sb, reset ? "true" : "false");
            }
            sbuf_addch(&sb, '}');
            cmd_json_line(ctx, &sb);
        } else if (!watch_ms) {
            fprintf(ctx->out, "%s=== Garbage Collection Stats: %s ===%s\n",
                    style_bold(&ctx->style), label, style_off(&ctx->style));
            cmd_print_gc(ctx, &s.gc, "");
            fprintf(ctx->out, "message_queue_data   %s\n", s.message_queue_data);
        } else {
            char r[32], d[32];
            enum level lv = rate > 10 ? LEVEL_CRIT : LEVEL_OK;
            if (w.taken > 1) {
                snprintf(d, sizeof(d), "+%" PRId64, delta);
                snprintf(r, sizeof(r), "%.2f/s", rate);
            } else {
                d[0] = r[0] = '\0';
            }
            fprintf(ctx->out, "%-12s  %10" PRId64 "  %8s  %s%10s%s  %s\n", clk,
                    s.gc.minor_gcs, d, style_on(&ctx->style, lv), r, style_off(&ctx->style),
                    reset ? "fullsweep" : "");
            fflush(ctx->out);
        }
        prev = s;
    }
    if (rc == 1)
        rc = 0;
out:
    sbuf_release(&sb);
    arena_release(&a);
    return rc;
}
