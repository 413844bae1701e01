/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tui_screen.c - the only file of the dashboard that calls curses.
 *
 * Opens the terminal with newterm (which, unlike initscr, returns an
 * error instead of exiting), maps cell roles to colour pairs or, on
 * monochrome terminals and under NO_COLOR, to bold/underline/reverse, and
 * copies canvases to the screen.  The terminal is restored by
 * tui_screen_close on every path: normal exit, errors, signals (the run
 * loop turns them into a normal exit), out-of-memory (xalloc's fail hook)
 * and exit() from anywhere (atexit).
 */
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include "render/tui/tui.h"
#include "util/xalloc.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool active;
static bool use_color;
static SCREEN *screen;
static attr_t role_attr[TUI_ROLES];

void tui_screen_close(void)
{
    if (!active)
        return;
    active = false;
    curs_set(1);
    endwin();
    fflush(stdout);
}

static void set_roles(void)
{
    int i;
    for (i = 0; i < TUI_ROLES; i++)
        role_attr[i] = A_NORMAL;
    role_attr[TUI_DIM] = A_DIM;
    role_attr[TUI_BOLD] = A_BOLD;
    role_attr[TUI_SEL] = A_REVERSE;
    if (use_color) {
        role_attr[TUI_TITLE] = COLOR_PAIR(4) | A_BOLD;
        role_attr[TUI_BAR] = COLOR_PAIR(6);
        role_attr[TUI_BAR_BOLD] = COLOR_PAIR(6) | A_BOLD;
        role_attr[TUI_TAB_ON] = COLOR_PAIR(6) | A_BOLD;
        role_attr[TUI_KEY] = COLOR_PAIR(4) | A_BOLD;
        role_attr[TUI_HEAD] = COLOR_PAIR(7);
        role_attr[TUI_HEAD_SORT] = COLOR_PAIR(6) | A_BOLD;
        role_attr[TUI_OK] = COLOR_PAIR(1);
        role_attr[TUI_WARN] = COLOR_PAIR(2) | A_BOLD;
        role_attr[TUI_CRIT] = COLOR_PAIR(3) | A_BOLD;
        role_attr[TUI_INFO] = COLOR_PAIR(4);
        role_attr[TUI_C1] = COLOR_PAIR(1);
        role_attr[TUI_C2] = COLOR_PAIR(4);
        role_attr[TUI_C3] = COLOR_PAIR(5);
        role_attr[TUI_C4] = COLOR_PAIR(2);
        role_attr[TUI_LOST] = COLOR_PAIR(8) | A_BOLD;
    } else {
        role_attr[TUI_TITLE] = A_BOLD | A_UNDERLINE;
        role_attr[TUI_BAR] = A_REVERSE;
        role_attr[TUI_BAR_BOLD] = A_REVERSE | A_BOLD;
        role_attr[TUI_TAB_ON] = A_REVERSE | A_BOLD;
        role_attr[TUI_KEY] = A_BOLD;
        role_attr[TUI_HEAD] = A_BOLD | A_UNDERLINE;
        role_attr[TUI_HEAD_SORT] = A_REVERSE | A_BOLD;
        role_attr[TUI_WARN] = A_BOLD;
        role_attr[TUI_CRIT] = A_BOLD | A_UNDERLINE;
        role_attr[TUI_LOST] = A_REVERSE | A_BOLD;
    }
}

int tui_screen_open(bool color, struct bp_err *err)
{
    static bool hooked;
    const char *term = getenv("TERM");

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return bp_error(err, BP_EUSAGE, "ui needs a terminal on stdin and stdout");
    if (!term || !*term || strcmp(term, "dumb") == 0)
        return bp_error(err, BP_EUSAGE, "ui needs a capable terminal (TERM is '%s')",
                        term ? term : "");
    screen = newterm(NULL, stdout, stdin);
    if (!screen)
        return bp_error(err, BP_EUSAGE, "cannot start the terminal UI (TERM=%s unknown?)",
                        term);
    set_term(screen);
    active = true;
    if (!hooked) {
        hooked = true;
        xalloc_set_fail_hook(tui_screen_close);
        atexit(tui_screen_close);
    }
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    leaveok(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    use_color = color && has_colors();
    if (use_color) {
        short bg = -1;
        start_color();
        if (use_default_colors() != OK)
            bg = COLOR_BLACK;
        init_pair(1, COLOR_GREEN, bg);
        init_pair(2, COLOR_YELLOW, bg);
        init_pair(3, COLOR_RED, bg);
        init_pair(4, COLOR_CYAN, bg);
        init_pair(5, COLOR_MAGENTA, bg);
        init_pair(6, COLOR_BLACK, COLOR_CYAN);
        init_pair(7, COLOR_BLACK, COLOR_GREEN);
        init_pair(8, COLOR_WHITE, COLOR_RED);
    }
    set_roles();
    return 0;
}

bool tui_screen_color(void)
{
    return use_color;
}

void tui_screen_size(int *w, int *h)
{
    int y, x;
    getmaxyx(stdscr, y, x);
    *w = x;
    *h = y;
}

void tui_screen_blit(const struct tui_canvas *cv)
{
    char run[4096];
    int y, x, sw, sh;

    if (!active)
        return;
    tui_screen_size(&sw, &sh);
    for (y = 0; y < cv->h && y < sh; y++) {
        size_t len = 0;
        int role = -1;
        move(y, 0);
        for (x = 0; x < cv->w && x < sw; x++) {
            const struct tui_cell *c = tui_cell_at(cv, x, y);
            size_t gl;
            if (c->w == 0)
                continue;
            gl = strlen(c->g);
            if ((int)c->role != role || len + gl + 1 > sizeof(run)) {
                if (len) {
                    run[len] = '\0';
                    addstr(run);
                }
                len = 0;
                role = c->role;
                attrset(role_attr[role]);
            }
            memcpy(run + len, c->g, gl);
            len += gl;
        }
        if (len) {
            run[len] = '\0';
            addstr(run); /* the bottom-right cell returns ERR: it is written anyway */
        }
    }
    attrset(A_NORMAL);
    wnoutrefresh(stdscr);
    doupdate();
}

int tui_screen_key(void)
{
    int c;
    if (!active)
        return -1;
    c = wgetch(stdscr);
    return c == ERR ? -1 : c;
}
