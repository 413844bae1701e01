/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_report.c - unit tests for render/report_data.c and report_html.c:
 * the bounded JSON reader, reading a record (and what it refuses), the
 * summary (peak mailbox, time to recover, events delivered and lost), and
 * the HTML page: charts per run, shared scales, escaping, the embedded
 * data, byte-for-byte stable output.
 */
#include "render/report_data.h"
#include "render/report_html.h"
#include "unit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static struct rjson *parse(struct arena *a, const char *s, int *rc)
{
    struct rjson *v = NULL;
    struct bp_err err;
    *rc = rjson_parse(a, s, strlen(s), &v, &err);
    return v;
}

TEST(report_json_reader)
{
    struct arena a = ARENA_INIT;
    struct rjson *v;
    char deep[300];
    int rc, i;

    v = parse(&a,
              " {\"a\": [1, -2.5e3, true, false, null], "
              "\"s\": \"x\\u00e9\\ud83d\\ude00\\n\\\"\"} ",
              &rc);
    ASSERT_OK(rc);
    ASSERT_EQ(v->kind, RJ_OBJ);
    ASSERT_EQ(rjson_get(v, "a")->len, 5);
    ASSERT(rjson_get(v, "a")->items[1]->num == -2500.0);
    ASSERT_EQ(rjson_get(v, "a")->items[2]->kind, RJ_BOOL);
    ASSERT_EQ(rjson_get(v, "a")->items[4]->kind, RJ_NULL);
    ASSERT_STREQ(rjson_str(v, "s"), "x\xc3\xa9\xf0\x9f\x98\x80\n\"");
    ASSERT(rjson_num(v, "missing", 7) == 7);
    ASSERT(rjson_get(v, "nope") == NULL);
    /* Refusals: never a crash. */
    parse(&a, "{\"a\": 1", &rc);
    ASSERT_EQ(rc, BP_EUSAGE);
    parse(&a, "[1, 2] x", &rc);
    ASSERT_EQ(rc, BP_EUSAGE);
    parse(&a, "\"abc", &rc);
    ASSERT_EQ(rc, BP_EUSAGE);
    parse(&a, "{\"a\" 1}", &rc);
    ASSERT_EQ(rc, BP_EUSAGE);
    parse(&a, "nul", &rc);
    ASSERT_EQ(rc, BP_EUSAGE);
    parse(&a, "1e999", &rc);
    ASSERT_EQ(rc, BP_EUSAGE);
    parse(&a, "\"\\x\"", &rc);
    ASSERT_EQ(rc, BP_EUSAGE);
    parse(&a, "", &rc);
    ASSERT_EQ(rc, BP_EUSAGE);
    for (i = 0; i < 200; i++)
        deep[i] = '[';
    deep[200] = '\0';
    parse(&a, deep, &rc);
    ASSERT_EQ(rc, BP_EUSAGE);
    arena_release(&a);
}

/* A run: baseline, load from t=1 to t=4 with the mailbox climbing to 5000,
 * recovery until t=6; counters from the target; a truncated last line. */
static const char record[] =
    "{\"type\":\"run\",\"version\":1,\"node\":\"n@h\",\"mode\":\"flawed\",\"scenario\":\"worst\","
    "\"asked_rate\":3000,\"duration_s\":3,\"interval_ms\":1000,\"call\":\"M.f($event)\","
    "\"watch\":[\"agg\",\"lv\"]}\n"
    "{\"type\":\"sample\",\"t\":0,\"phase\":\"before\",\"sent\":0,\"rate\":0,\"run_queue\":0,"
    "\"memory_total\":1048576,\"procs\":[{\"target\":\"agg\",\"alive\":true,"
    "\"message_queue_len\":0,\"memory\":1000,\"heap_mb\":0.01,\"gc_per_sec\":0},"
    "{\"target\":\"lv\",\"alive\":true,\"message_queue_len\":0,\"memory\":2000,"
    "\"gc_per_sec\":0}],\"counters\":{\"delivered_agg\":100,\"published\":0,"
    "\"agg_dropped\":0}}\n"
    "{\"type\":\"event\",\"t\":1,\"event\":\"load_start\"}\n"
    "{\"type\":\"sample\",\"t\":2,\"phase\":\"load\",\"sent\":3000,\"rate\":3000,"
    "\"run_queue\":12,\"memory_total\":52428800,\"procs\":[{\"target\":\"agg\",\"alive\":true,"
    "\"message_queue_len\":800,\"memory\":9000000,\"gc_per_sec\":40},{\"target\":\"lv\","
    "\"alive\":true,\"message_queue_len\":1200,\"memory\":3000,\"gc_per_sec\":2}],"
    "\"counters\":{\"delivered_agg\":2000,\"published\":0,\"agg_dropped\":0}}\n"
    "{\"type\":\"sample\",\"t\":3,\"phase\":\"load\",\"sent\":6000,\"rate\":3000,"
    "\"run_queue\":30,\"memory_total\":104857600,\"procs\":[{\"target\":\"agg\","
    "\"alive\":true,\"message_queue_len\":5000,\"memory\":20000000,\"gc_per_sec\":12},"
    "{\"target\":\"lv\",\"alive\":false}],\"counters\":{\"delivered_agg\":3100,"
    "\"published\":0,\"agg_dropped\":5}}\n"
    "{\"type\":\"event\",\"t\":4,\"event\":\"load_end\",\"detail\":\"done\"}\n"
    "{\"type\":\"sample\",\"t\":5,\"phase\":\"recover\",\"sent\":9000,\"rate\":0,"
    "\"run_queue\":3,\"memory_total\":52428800,\"procs\":[{\"target\":\"agg\",\"alive\":true,"
    "\"message_queue_len\":400,\"memory\":5000000,\"gc_per_sec\":1}],"
    "\"counters\":{\"delivered_agg\":8500,\"published\":0,\"agg_dropped\":5}}\n"
    "{\"type\":\"sample\",\"t\":6,\"phase\":\"recover\",\"sent\":9000,\"rate\":0,"
    "\"run_queue\":0,\"memory_total\":20971520,\"procs\":[{\"target\":\"agg\",\"alive\":true,"
    "\"message_queue_len\":50,\"memory\":1000000,\"gc_per_sec\":0}],"
    "\"counters\":{\"delivered_agg\":9050,\"published\":0,\"agg_dropped\":5}}\n"
    "{\"type\":\"summary\",\"sent\":9000,\"elapsed_s\":3,\"rate\":2999.9,\"stopped\":\"done\","
    "\"applied\":8990,\"failed\":0,\"dropped\":10}\n"
    "{\"type\":\"sample\",\"t\":7,\"phase\":\"rec"; /* killed mid-write */

TEST(report_record_and_summary)
{
    struct report_run r;
    struct report_summary s;
    struct bp_err err;

    ASSERT_OK(report_run_parse(&r, "rec.jsonl", record, strlen(record), &err));
    ASSERT_EQ(r.n, 5);
    ASSERT_EQ(r.ntargets, 2);
    ASSERT_STREQ(r.targets[1], "lv");
    ASSERT_STREQ(r.label, "flawed");
    ASSERT_STREQ(r.what, "M.f($event)");
    ASSERT(r.load_start == 1 && r.load_end == 4);
    ASSERT_EQ(r.samples[2].phase, PHASE_LOAD);
    ASSERT_EQ(r.samples[2].procs[1].alive, 0);
    ASSERT_EQ(r.samples[3].procs[1].alive, 0); /* absent from the sample */
    ASSERT_EQ(r.nlines, 9);                     /* the cut line is not kept */
    report_summarize(&r, &s);
    ASSERT(s.peak_mailbox == 5000);
    ASSERT_STREQ(s.peak_target, "agg");
    ASSERT(s.peak_t == 3);
    ASSERT_EQ(s.level, 2);
    /* Above 100 until t=5, back to 50 at t=6: 2 s after the load ended. */
    ASSERT(fabs(s.recover_s - 2.0) < 1e-9);
    ASSERT(s.final_mailbox == 50);
    ASSERT(s.peak_memory == 20000000);
    ASSERT(s.peak_node_memory == 104857600);
    ASSERT(s.max_gc_rate == 40);
    ASSERT(s.max_run_queue == 30);
    ASSERT(s.sent == 9000);
    ASSERT(fabs(s.achieved_rate - 2999.9) < 1e-9);
    ASSERT(s.delivered == 8950);
    ASSERT(s.lost == 50);
    ASSERT(s.target_dropped == 5);
    ASSERT(r.applied == 8990 && r.call_dropped == 10);
    report_run_release(&r);
}

TEST(report_recovery_cases)
{
    static const char never[] =
        "{\"type\":\"run\",\"watch\":[\"p\"]}\n"
        "{\"type\":\"sample\",\"t\":0,\"phase\":\"load\",\"procs\":[{\"target\":\"p\","
        "\"message_queue_len\":100}]}\n";
    static const char stuck[] =
        "{\"type\":\"run\",\"watch\":[\"p\"]}\n"
        "{\"type\":\"event\",\"t\":0,\"event\":\"load_start\"}\n"
        "{\"type\":\"sample\",\"t\":1,\"phase\":\"load\",\"procs\":[{\"target\":\"p\","
        "\"message_queue_len\":101}]}\n"
        "{\"type\":\"event\",\"t\":2,\"event\":\"load_end\"}\n"
        "{\"type\":\"sample\",\"t\":3,\"phase\":\"recover\",\"procs\":[{\"target\":\"p\","
        "\"message_queue_len\":99999}]}\n";
    static const char during[] =
        "{\"type\":\"run\",\"watch\":[\"p\"]}\n"
        "{\"type\":\"sample\",\"t\":1,\"phase\":\"load\",\"procs\":[{\"target\":\"p\","
        "\"message_queue_len\":500}]}\n"
        "{\"type\":\"sample\",\"t\":2,\"phase\":\"load\",\"procs\":[{\"target\":\"p\","
        "\"message_queue_len\":0}]}\n"
        "{\"type\":\"event\",\"t\":3,\"event\":\"load_end\"}\n"
        "{\"type\":\"sample\",\"t\":4,\"phase\":\"recover\",\"procs\":[{\"target\":\"p\","
        "\"message_queue_len\":0}]}\n";
    struct report_run r;
    struct report_summary s;
    struct bp_err err;

    ASSERT_OK(report_run_parse(&r, "a", never, strlen(never), &err));
    report_summarize(&r, &s);
    ASSERT(s.recover_s == 0 && s.peak_mailbox == 100 && s.level == 0);
    ASSERT(s.delivered < 0 && s.lost < 0); /* no counters */
    report_run_release(&r);
    ASSERT_OK(report_run_parse(&r, "b", stuck, strlen(stuck), &err));
    report_summarize(&r, &s);
    ASSERT(s.recover_s < 0);
    ASSERT(s.final_mailbox == 99999);
    report_run_release(&r);
    ASSERT_OK(report_run_parse(&r, "c", during, strlen(during), &err));
    report_summarize(&r, &s);
    ASSERT(s.recover_s == 0); /* back below 100 before the load ended */
    ASSERT_EQ(s.level, 1);
    report_run_release(&r);
}

TEST(report_refuses_non_records)
{
    struct report_run r;
    struct bp_err err;

    ASSERT_ERR(report_run_parse(&r, "x", "hello\n", 6, &err), BP_EUSAGE);
    report_run_release(&r);
    ASSERT_ERR(report_run_parse(&r, "x", "{\"type\":\"sample\"}\n", 18, &err), BP_EUSAGE);
    ASSERT(strstr(err.msg, "not a beamprobe load test record"));
    report_run_release(&r);
    ASSERT_ERR(report_run_parse(&r, "x", "{\"type\":\"run\"}\n[1,\n{}\n", 20, &err), BP_EUSAGE);
    ASSERT(strstr(err.msg, "x:2"));
    report_run_release(&r);
    ASSERT_ERR(report_run_load(&r, "/nonexistent/record.jsonl", &err), BP_EIO);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    const char *p = hay;
    while ((p = strstr(p, needle)) != NULL) {
        n++;
        p += strlen(needle);
    }
    return n;
}

TEST(report_html_page)
{
    static const char hostile[] =
        "{\"type\":\"run\",\"label\":\"<script>alert(1)</script>\",\"to\":\"a&b\","
        "\"watch\":[\"<p>\"]}\n"
        "{\"type\":\"sample\",\"t\":0,\"phase\":\"load\",\"sent\":1,\"procs\":[{\"target\":\"<p>\","
        "\"message_queue_len\":3,\"note\":\"</script><b>\"}]}\n";
    struct report_run a, b;
    struct report_run *runs[2];
    struct bp_err err;
    struct sbuf out = SBUF_INIT, again = SBUF_INIT;
    const char *h;

    ASSERT_OK(report_run_parse(&a, "a.jsonl", record, strlen(record), &err));
    ASSERT_OK(report_run_parse(&b, "b.jsonl", hostile, strlen(hostile), &err));
    runs[0] = &a;
    report_html(&out, runs, 1, "One run");
    h = sbuf_str(&out);
    ASSERT(strncmp(h, "<!DOCTYPE html>", 15) == 0);
    ASSERT_EQ(count(h, "<svg "), 6);
    ASSERT(strstr(h, "<title>One run</title>"));
    ASSERT(strstr(h, "id=\"beamprobe-run-1\""));
    ASSERT(!strstr(h, "http://") || strstr(h, "xmlns=\"http://www.w3.org/2000/svg\""));
    ASSERT(!strstr(h, "<link") && !strstr(h, "<img") && !strstr(h, "src="));
    /* The guide's thresholds on the mailbox chart, the phases shaded. */
    ASSERT(strstr(h, "1000 (critical)"));
    ASSERT(strstr(h, ">recovery<"));
    ASSERT(strstr(h, "8,950 delivered, 50 not (yet)"));
    ASSERT(strstr(h, "2.0 s"));
    /* Stable: the same record renders to the same bytes. */
    report_html(&again, runs, 1, "One run");
    ASSERT(out.len == again.len && memcmp(out.buf, again.buf, out.len) == 0);
    sbuf_reset(&out);

    /* Two runs side by side; hostile strings are escaped everywhere. */
    runs[1] = &b;
    report_html(&out, runs, 2, NULL);
    h = sbuf_str(&out);
    ASSERT_EQ(count(h, "<svg "), 12);
    ASSERT_EQ(count(h, "grid-template-columns:repeat(2,1fr)"), 6);
    ASSERT(!strstr(h, "<script>alert"));
    ASSERT(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    ASSERT(strstr(h, "&lt;p&gt;"));
    /* Exactly two </script>: the two data blocks' own ends. */
    ASSERT_EQ(count(h, "</script>"), 2);
    ASSERT(strstr(h, "\\u003c/script>\\u003cb>"));
    sbuf_release(&out);
    sbuf_release(&again);
    report_run_release(&a);
    report_run_release(&b);
}
