/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_tui_rows.c - the process table on the drawing side: filter by name,
 * module or pid (case-insensitive), sort by each key (stable; unknown
 * rates last), rates from successive readings of the same pids (the rate
 * memo, with a minor_gcs reset at a fullsweep), and the compact formats.
 */
#include "collect/collect_ui.h"
#include "render/tui/tui.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

static struct ui_proc_row mk(uint32_t num, const char *name, int64_t mem, int64_t mbox,
                             int64_t reds, double rate)
{
    static char pids[16][32];
    static int k;
    struct ui_proc_row r;
    memset(&r, 0, sizeof(r));
    r.pid.num = num;
    snprintf(pids[k % 16], sizeof(pids[0]), "<0.%u.0>", num);
    r.pid_text = pids[k++ % 16];
    r.name = name;
    r.initial = "erlang:apply/2";
    r.current = "gen_server:loop/7";
    r.memory = mem;
    r.mailbox = mbox;
    r.reductions = reds;
    r.reds_rate = rate;
    r.gc_rate = -1;
    return r;
}

TEST(tui_proc_filter)
{
    struct ui_proc_row r = mk(123, "Elixir.Lasso.Aggregator", 1, 2, 3, -1);
    ASSERT(tui_proc_matches(&r, ""));
    ASSERT(tui_proc_matches(&r, NULL));
    ASSERT(tui_proc_matches(&r, "lasso.agg"));     /* case-insensitive name */
    ASSERT(tui_proc_matches(&r, "gen_server"));    /* current function's module */
    ASSERT(tui_proc_matches(&r, "apply"));         /* initial call */
    ASSERT(tui_proc_matches(&r, "0.123.0"));       /* pid, any spelling */
    ASSERT(tui_proc_matches(&r, "<0.123.0>"));
    ASSERT(tui_proc_matches(&r, "#PID<0.123.0>"));
    ASSERT(!tui_proc_matches(&r, "0.124.0"));
    ASSERT(!tui_proc_matches(&r, "nothing"));
}

TEST(tui_proc_sort)
{
    struct ui_proc_row rows[5];
    const struct ui_proc_row *out[5];
    struct ui_procs p;

    rows[0] = mk(1, "a", 300, 0, 10, 5);
    rows[1] = mk(2, "b", 100, 5000, 20, -1);
    rows[2] = mk(3, "c", 300, 7, 30, 50);
    rows[3] = mk(4, "flooded", 200, 5000, 40, 1);
    rows[4] = mk(5, "e", 50, 1, 50, 0);
    memset(&p, 0, sizeof(p));
    p.rows = rows;
    p.n = 5;

    ASSERT_EQ(tui_procs_view(&p, UI_PSORT_MEMORY, "", out), 5);
    ASSERT_STREQ(out[0]->name, "a"); /* tie with c: the node's order stays */
    ASSERT_STREQ(out[1]->name, "c");
    ASSERT_STREQ(out[4]->name, "e");
    ASSERT_EQ(tui_procs_view(&p, UI_PSORT_MAILBOX, "", out), 5);
    ASSERT_STREQ(out[0]->name, "b");
    ASSERT_STREQ(out[1]->name, "flooded");
    ASSERT_EQ(tui_procs_view(&p, UI_PSORT_REDUCTIONS, "", out), 5);
    ASSERT_STREQ(out[0]->name, "e");
    ASSERT_EQ(tui_procs_view(&p, UI_PSORT_REDS_RATE, "", out), 5);
    ASSERT_STREQ(out[0]->name, "c");
    ASSERT_STREQ(out[4]->name, "b"); /* unknown rate last */
    ASSERT_EQ(tui_procs_view(&p, UI_PSORT_MAILBOX, "flood", out), 1);
    ASSERT_STREQ(out[0]->name, "flooded");
    ASSERT_EQ(tui_procs_view(NULL, UI_PSORT_MAILBOX, "", out), 0);
}

TEST(tui_rate_memo)
{
    struct ui_rate_memo m;
    struct ui_proc_row a[2], b[3];

    memset(&m, 0, sizeof(m));
    a[0] = mk(10, "x", 0, 0, 1000, -1);
    a[0].minor_gcs = 5;
    a[1] = mk(11, "y", 0, 0, 50, -1);
    a[1].minor_gcs = 100;
    ui_rate_memo_apply(&m, a, 2, 10000);
    ASSERT(a[0].reds_rate < 0); /* nothing to compare with yet */

    b[0] = mk(11, "y", 0, 0, 250, -1);
    b[0].minor_gcs = 3;       /* a fullsweep reset the count */
    b[1] = mk(10, "x", 0, 0, 3000, -1);
    b[1].minor_gcs = 9;
    b[2] = mk(12, "new", 0, 0, 7, -1);
    ui_rate_memo_apply(&m, b, 3, 12000); /* two seconds later */
    ASSERT(b[1].reds_rate == 1000);
    ASSERT(b[1].gc_rate == 2);
    ASSERT(b[0].reds_rate == 100);
    ASSERT(b[0].gc_rate == 1.5); /* at least the new count */
    ASSERT(b[2].reds_rate < 0);
    /* Rates measured on the node (window) are kept. */
    b[1].reds_rate = 42;
    b[1].reductions = 5000;
    ui_rate_memo_apply(&m, b, 3, 13000);
    ASSERT(b[1].reds_rate == 42);
    ui_rate_memo_clear(&m);
    b[2].reds_rate = -1;
    ui_rate_memo_apply(&m, b, 3, 14000);
    ASSERT(b[2].reds_rate < 0);
    ui_rate_memo_release(&m);
}

TEST(tui_formats)
{
    char b[32];
    tui_fmt_si(b, sizeof(b), 999);
    ASSERT_STREQ(b, "999");
    tui_fmt_si(b, sizeof(b), 12345);
    ASSERT_STREQ(b, "12.3k");
    tui_fmt_si(b, sizeof(b), 4560000);
    ASSERT_STREQ(b, "4.56M");
    tui_fmt_bytes(b, sizeof(b), 512);
    ASSERT_STREQ(b, "512B");
    tui_fmt_bytes(b, sizeof(b), 1536);
    ASSERT_STREQ(b, "1.50K");
    tui_fmt_bytes(b, sizeof(b), 300.0 * 1024 * 1024);
    ASSERT_STREQ(b, "300M");
    tui_fmt_uptime(b, sizeof(b), 45000);
    ASSERT_STREQ(b, "45s");
    tui_fmt_uptime(b, sizeof(b), 3 * 3600000 + 120000);
    ASSERT_STREQ(b, "3h 02m");
    tui_fmt_uptime(b, sizeof(b), 2 * 86400000LL + 3723000);
    ASSERT_STREQ(b, "2d 01:02:03");
    tui_fmt_interval(b, sizeof(b), 250);
    ASSERT_STREQ(b, "250ms");
    tui_fmt_interval(b, sizeof(b), 2000);
    ASSERT_STREQ(b, "2s");
    tui_fmt_interval(b, sizeof(b), 2500);
    ASSERT_STREQ(b, "2.5s");
    tui_fmt_interval(b, sizeof(b), 60000);
    ASSERT_STREQ(b, "1m");
}

TEST(tui_psort_names)
{
    enum ui_psort k;
    ASSERT_OK(ui_psort_parse("mailbox", &k));
    ASSERT_EQ(k, UI_PSORT_MAILBOX);
    ASSERT_OK(ui_psort_parse("message_queue_len", &k));
    ASSERT_EQ(k, UI_PSORT_MAILBOX);
    ASSERT_OK(ui_psort_parse("reds", &k));
    ASSERT_EQ(k, UI_PSORT_REDUCTIONS);
    ASSERT_OK(ui_psort_parse("reds/s", &k));
    ASSERT_EQ(k, UI_PSORT_REDS_RATE);
    ASSERT_OK(ui_psort_parse("gc", &k));
    ASSERT_EQ(k, UI_PSORT_GC_RATE);
    ASSERT_ERR(ui_psort_parse("bogus", &k), BP_EUSAGE);
    ASSERT_STREQ(ui_psort_name(UI_PSORT_MEMORY), "memory");
}
