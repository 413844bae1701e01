/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_tui_keys.c - the dashboard's keys: the action of each key, the
 * one-line editor of the filter and dump prompts, refresh interval steps,
 * and what key sequences do to the dashboard state (views, sort, pause,
 * filter, back, quit).
 */
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include "render/tui/tui.h"
#include "unit.h"

#include <curses.h>
#include <string.h>

TEST(tui_key_actions)
{
    ASSERT_EQ(tui_key_action('q'), TUI_A_QUIT);
    ASSERT_EQ(tui_key_action('?'), TUI_A_HELP);
    ASSERT_EQ(tui_key_action('1'), TUI_A_VIEW1);
    ASSERT_EQ(tui_key_action('8'), TUI_A_VIEW8);
    ASSERT_EQ(tui_key_action('9'), TUI_A_NONE);
    ASSERT_EQ(tui_key_action('\t'), TUI_A_NEXT_VIEW);
    ASSERT_EQ(tui_key_action(KEY_BTAB), TUI_A_PREV_VIEW);
    ASSERT_EQ(tui_key_action(KEY_UP), TUI_A_UP);
    ASSERT_EQ(tui_key_action('j'), TUI_A_DOWN);
    ASSERT_EQ(tui_key_action(KEY_NPAGE), TUI_A_PGDN);
    ASSERT_EQ(tui_key_action(KEY_PPAGE), TUI_A_PGUP);
    ASSERT_EQ(tui_key_action(KEY_HOME), TUI_A_HOME);
    ASSERT_EQ(tui_key_action(KEY_END), TUI_A_END);
    ASSERT_EQ(tui_key_action('s'), TUI_A_SORT_NEXT);
    ASSERT_EQ(tui_key_action('>'), TUI_A_SORT_NEXT);
    ASSERT_EQ(tui_key_action('<'), TUI_A_SORT_PREV);
    ASSERT_EQ(tui_key_action('p'), TUI_A_PAUSE);
    ASSERT_EQ(tui_key_action('+'), TUI_A_FASTER);
    ASSERT_EQ(tui_key_action('-'), TUI_A_SLOWER);
    ASSERT_EQ(tui_key_action('/'), TUI_A_FILTER);
    ASSERT_EQ(tui_key_action('\r'), TUI_A_ENTER);
    ASSERT_EQ(tui_key_action(KEY_ENTER), TUI_A_ENTER);
    ASSERT_EQ(tui_key_action(27), TUI_A_BACK);
    ASSERT_EQ(tui_key_action(KEY_LEFT), TUI_A_BACK);
    ASSERT_EQ(tui_key_action('d'), TUI_A_DUMP);
    ASSERT_EQ(tui_key_action(KEY_RESIZE), TUI_A_RESIZE);
    ASSERT_EQ(tui_key_action(-1), TUI_A_NONE);
}

TEST(tui_line_editor)
{
    struct tui_line l;
    size_t i;

    tui_line_set(&l, "");
    ASSERT_EQ(tui_line_key(&l, 'a'), TUI_LINE_EDITING);
    tui_line_key(&l, 'b');
    tui_line_key(&l, 'c');
    ASSERT_STREQ(l.buf, "abc");
    tui_line_key(&l, KEY_BACKSPACE);
    ASSERT_STREQ(l.buf, "ab");
    tui_line_key(&l, 127);
    tui_line_key(&l, 127);
    tui_line_key(&l, 127); /* nothing left to erase */
    ASSERT_STREQ(l.buf, "");
    tui_line_key(&l, KEY_UP); /* not text */
    tui_line_key(&l, 0x1b5);
    ASSERT_EQ(l.len, 0);
    tui_line_set(&l, "some text");
    tui_line_key(&l, 21); /* Ctrl-U */
    ASSERT_STREQ(l.buf, "");
    for (i = 0; i < 500; i++) /* bounded */
        tui_line_key(&l, 'x');
    ASSERT_EQ(l.len, sizeof(l.buf) - 1);
    ASSERT_EQ(tui_line_key(&l, '\n'), TUI_LINE_DONE);
    ASSERT_EQ(tui_line_key(&l, 27), TUI_LINE_CANCEL);
}

TEST(tui_interval_steps)
{
    ASSERT_EQ(tui_interval_step(1000, -1), 500);
    ASSERT_EQ(tui_interval_step(1000, 1), 2000);
    ASSERT_EQ(tui_interval_step(250, -1), 250);     /* the floor */
    ASSERT_EQ(tui_interval_step(60000, 1), 60000);  /* the ceiling */
    ASSERT_EQ(tui_interval_step(3000, -1), 2000);   /* from a --interval off the steps */
    ASSERT_EQ(tui_interval_step(3000, 1), 5000);
}

static void keys(struct tui_state *st, const char *s)
{
    for (; *s; s++)
        tui_state_key(st, (unsigned char)*s, 0);
}

TEST(tui_state_keys)
{
    static struct tui_state st;
    struct ui_req r;

    tui_state_init(&st);
    st.n_nodes = 1;
    strcpy(st.nodes[0].name, "a@h");
    ASSERT_EQ(st.view, TUI_V_LOAD);
    keys(&st, "2");
    ASSERT_EQ(st.view, TUI_V_PROCS);
    tui_state_request(&st, 0, &r);
    ASSERT_EQ(r.want, UI_WANT_PROCS);
    ASSERT_EQ(r.interval_ms, 1000);
    keys(&st, "s");
    ASSERT_EQ(st.psort, UI_PSORT_MAILBOX);
    keys(&st, "<<");
    ASSERT_EQ(st.psort, UI_PSORT_GC_RATE); /* wraps around */
    keys(&st, ">");
    ASSERT_EQ(st.psort, UI_PSORT_MEMORY);
    keys(&st, "p");
    ASSERT(st.paused);
    tui_state_request(&st, 0, &r);
    ASSERT(r.paused);
    keys(&st, "p+");
    ASSERT(!st.paused);
    ASSERT_EQ(st.interval_ms, 500);
    keys(&st, "--");
    ASSERT_EQ(st.interval_ms, 2000);
    /* Filter: typed text applies at once; Enter keeps it, Esc clears it. */
    keys(&st, "/flo");
    ASSERT_EQ(st.input, TUI_IN_FILTER);
    ASSERT_STREQ(st.filter, "flo");
    keys(&st, "q"); /* typed, not quit */
    ASSERT(!st.quit);
    ASSERT_STREQ(st.filter, "floq");
    tui_state_key(&st, KEY_BACKSPACE, 0);
    tui_state_key(&st, '\n', 0);
    ASSERT_EQ(st.input, TUI_IN_NONE);
    tui_state_request(&st, 0, &r);
    ASSERT_STREQ(r.filter, "flo");
    tui_state_key(&st, 27, 0); /* Esc in the table clears the filter */
    ASSERT_STREQ(st.filter, "");
    /* Enter opens what the last draw picked. */
    st.pick = TUI_PICK_PID;
    st.pick_pid.num = 88;
    st.pick_pid.serial = 0;
    strcpy(st.pick_text, "<0.88.0>");
    tui_state_key(&st, '\n', 0);
    ASSERT_EQ(st.view, TUI_V_PROC);
    ASSERT(st.have_proc);
    ASSERT_EQ(st.proc.num, 88);
    tui_state_request(&st, 0, &r);
    ASSERT_EQ(r.want, UI_WANT_PROC);
    ASSERT(r.have_proc);
    ASSERT_EQ(r.proc.num, 88);
    /* Another node's feed does not collect the view. */
    tui_state_request(&st, 1, &r);
    ASSERT_EQ(r.want, 0);
    ASSERT(!r.have_proc);
    tui_state_key(&st, 27, 0);
    ASSERT_EQ(st.view, TUI_V_PROCS);
    /* Tab cycles the eight views; help swallows the next key. */
    keys(&st, "\t");
    ASSERT_EQ(st.view, TUI_V_SCHED);
    keys(&st, "?");
    ASSERT(st.help);
    keys(&st, "q");
    ASSERT(!st.help);
    ASSERT(!st.quit);
    keys(&st, "q");
    ASSERT(st.quit);
}

TEST(tui_view_names)
{
    ASSERT_EQ(tui_view_parse("load"), TUI_V_LOAD);
    ASSERT_EQ(tui_view_parse("proc"), TUI_V_PROCS);
    ASSERT_EQ(tui_view_parse("procs"), TUI_V_PROCS);
    ASSERT_EQ(tui_view_parse("sched"), TUI_V_SCHED);
    ASSERT_EQ(tui_view_parse("apps"), TUI_V_APPS);
    ASSERT_EQ(tui_view_parse("ets"), TUI_V_ETS);
    ASSERT_EQ(tui_view_parse("cluster"), TUI_V_CLUSTER);
    ASSERT_EQ(tui_view_parse("process"), TUI_V_PROCS); /* a prefix of processes */
    ASSERT_EQ(tui_view_parse("nope"), -1);
    ASSERT_EQ(tui_view_parse(""), -1);
}
