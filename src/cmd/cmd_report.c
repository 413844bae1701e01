/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_report.c - `beamprobe report A.jsonl [B.jsonl ...]`: recorded load
 * tests as one self-contained HTML page, side by side.
 *
 * No node is needed: the records of `loadtest --record` are read, checked,
 * summarised (render/report_data.c) and rendered (render/report_html.c).
 * Two runs of the same load against the demo target's flawed and fixed
 * modes share time and value scales, so the difference is the picture.
 * --json prints each run's summary as a JSON line instead.
 */
#include "cmd/cmd.h"
#include "cmd/cmd_load_common.h"
#include "render/report_data.h"
#include "render/report_html.h"
#include "util/json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_RUNS 4

static void summary_json(struct bp_ctx *ctx, const struct report_run *r)
{
    struct report_summary s;
    struct sbuf sb = SBUF_INIT;
    int first = 1;

    report_summarize(r, &s);
    sbuf_addch(&sb, '{');
    json_key(&sb, "file", &first);
    json_cstr(&sb, r->path);
    json_key(&sb, "label", &first);
    json_cstr(&sb, r->label);
    json_key(&sb, "samples", &first);
    json_int(&sb, (int64_t)r->n);
    json_key(&sb, "status", &first);
    json_cstr(&sb, s.level == LEVEL_CRIT ? "crit" : s.level == LEVEL_WARN ? "warn" : "ok");
    json_key(&sb, "sent", &first);
    json_int(&sb, (int64_t)s.sent);
    json_key(&sb, "achieved_rate", &first);
    load_json_num(&sb, s.achieved_rate);
    load_outcome_json(&sb, &s, &first);
    json_key(&sb, "peak_memory", &first);
    json_int(&sb, (int64_t)s.peak_memory);
    json_key(&sb, "peak_node_memory", &first);
    json_int(&sb, (int64_t)s.peak_node_memory);
    json_key(&sb, "max_gc_rate", &first);
    load_json_num(&sb, s.max_gc_rate);
    json_key(&sb, "max_run_queue", &first);
    json_int(&sb, (int64_t)s.max_run_queue);
    sbuf_addch(&sb, '}');
    fprintf(ctx->out, "%s\n", sbuf_str(&sb));
    sbuf_release(&sb);
}

int cmd_report(struct bp_ctx *ctx, int argc, char **argv, struct bp_err *err)
{
    static const struct cmd_help help = {
        "report", "report RECORD.jsonl [RECORD.jsonl ...] [--output FILE.html] [--title T]",
        "Render recorded load tests (loadtest --record) as one self-contained HTML page:\n"
        "a summary table and charts over time (mailbox, memory, GC rate, run queue,\n"
        "node memory, event rate, with the load and recovery phases shaded), runs side\n"
        "by side on the same scales.  No node is needed.",
        "Without --output the page goes to standard output.  --json prints one summary\n"
        "line per run instead (peak mailbox, time to recover, events delivered and\n"
        "lost).  At most 4 runs."
    };
    const char *output = NULL, *title = NULL;
    struct opt opts[] = {
        OPT_STRING("output", 'o', &output, "FILE", "write the page to FILE"),
        OPT_STRING("title", 0, &title, "TEXT", "title of the page"),
        OPT_END
    };
    struct report_run runs[MAX_RUNS];
    struct report_run *rp[MAX_RUNS];
    char *pos[MAX_RUNS + 1];
    int npos, rc, i, loaded = 0;

    rc = cli_parse(ctx, &help, opts, argc, argv, pos, MAX_RUNS + 1, &npos, err);
    if (rc)
        return rc < 0 ? rc : 0;
    if (npos == 0)
        return bp_error(err, BP_EUSAGE, "report: give at least one record file");
    if (npos > MAX_RUNS)
        return bp_error(err, BP_EUSAGE, "report: at most %d records", MAX_RUNS);
    for (i = 0; i < npos; i++) {
        rc = report_run_load(&runs[i], pos[i], err);
        if (rc)
            goto out;
        rp[i] = &runs[i];
        loaded++;
    }
    if (ctx->json) {
        for (i = 0; i < npos; i++)
            summary_json(ctx, &runs[i]);
    } else {
        struct sbuf html = SBUF_INIT;
        FILE *f = ctx->out;
        report_html(&html, rp, (size_t)npos, title);
        if (output && !(f = fopen(output, "wb"))) {
            rc = bp_error(err, BP_EIO, "cannot write '%s': %s", output, strerror(errno));
        } else {
            if (fwrite(html.buf, 1, html.len, f) != html.len)
                rc = bp_error(err, BP_EIO, "cannot write the report");
            if (output && fclose(f) != 0 && !rc)
                rc = bp_error(err, BP_EIO, "cannot write '%s'", output);
        }
        sbuf_release(&html);
    }
out:
    for (i = 0; i < loaded; i++)
        report_run_release(&runs[i]);
    return rc;
}
