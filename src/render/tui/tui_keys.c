/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tui_keys.c - keys to actions, and the one-line editor; see tui.h.
 *
 * Pure (curses is included for its key codes only).  The same action has
 * the keys people expect from htop, top and less: arrows and j/k, PgUp/PgDn
 * and space, Home/End and g/G, Tab/Shift-Tab or digits for views.
 */
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include "render/tui/tui.h"

#include <curses.h>
#include <string.h>

enum tui_action tui_key_action(int key)
{
    if (key >= '1' && key <= '8')
        return (enum tui_action)(TUI_A_VIEW1 + (key - '1'));
    switch (key) {
    case 'q':
    case 'Q':
        return TUI_A_QUIT;
    case '?':
    case 'h':
    case KEY_F(1):
        return TUI_A_HELP;
    case '\t':
        return TUI_A_NEXT_VIEW;
    case KEY_BTAB:
        return TUI_A_PREV_VIEW;
    case KEY_UP:
    case 'k':
        return TUI_A_UP;
    case KEY_DOWN:
    case 'j':
        return TUI_A_DOWN;
    case KEY_PPAGE:
    case 2: /* Ctrl-B */
        return TUI_A_PGUP;
    case KEY_NPAGE:
    case ' ':
    case 6: /* Ctrl-F */
        return TUI_A_PGDN;
    case KEY_HOME:
    case 'g':
        return TUI_A_HOME;
    case KEY_END:
    case 'G':
        return TUI_A_END;
    case 's':
    case '>':
    case '.':
        return TUI_A_SORT_NEXT;
    case '<':
    case ',':
        return TUI_A_SORT_PREV;
    case 'p':
    case 'P':
        return TUI_A_PAUSE;
    case '+':
    case '=':
        return TUI_A_FASTER;
    case '-':
    case '_':
        return TUI_A_SLOWER;
    case '/':
        return TUI_A_FILTER;
    case '\n':
    case '\r':
    case KEY_ENTER:
        return TUI_A_ENTER;
    case KEY_RIGHT:
    case 'l':
        return TUI_A_RIGHT;
    case 27: /* Esc */
    case KEY_BACKSPACE:
    case 127:
    case 8:
    case KEY_LEFT:
        return TUI_A_BACK;
    case 'd':
        return TUI_A_DUMP;
    case 'm':
        return TUI_A_MSGTYPES;
    case 'n':
        return TUI_A_NODE_NEXT;
    case 'N':
        return TUI_A_NODE_PREV;
    case 'r':
    case 12: /* Ctrl-L */
        return TUI_A_REFRESH;
    case KEY_RESIZE:
        return TUI_A_RESIZE;
    default:
        return TUI_A_NONE;
    }
}

void tui_line_set(struct tui_line *l, const char *s)
{
    size_t n = strlen(s);
    if (n >= sizeof(l->buf))
        n = sizeof(l->buf) - 1;
    memcpy(l->buf, s, n);
    l->buf[n] = '\0';
    l->len = n;
}

int tui_line_key(struct tui_line *l, int key)
{
    switch (key) {
    case '\n':
    case '\r':
    case KEY_ENTER:
        return TUI_LINE_DONE;
    case 27:
        return TUI_LINE_CANCEL;
    case KEY_BACKSPACE:
    case 127:
    case 8:
    case KEY_DC:
        if (l->len)
            l->buf[--l->len] = '\0';
        return TUI_LINE_EDITING;
    case 21: /* Ctrl-U */
        l->len = 0;
        l->buf[0] = '\0';
        return TUI_LINE_EDITING;
    default:
        if (key >= 32 && key < 127 && l->len + 1 < sizeof(l->buf)) {
            l->buf[l->len++] = (char)key;
            l->buf[l->len] = '\0';
        }
        return TUI_LINE_EDITING;
    }
}

static const int64_t steps[] = { 250, 500, 1000, 2000, 5000, 10000, 30000, 60000 };
#define NSTEPS (sizeof(steps) / sizeof(*steps))

int64_t tui_interval_step(int64_t ms, int dir)
{
    size_t i;
    if (dir < 0) {
        for (i = NSTEPS; i-- > 0;)
            if (steps[i] < ms)
                return steps[i];
        return steps[0];
    }
    for (i = 0; i < NSTEPS; i++)
        if (steps[i] > ms)
            return steps[i];
    return steps[NSTEPS - 1];
}
