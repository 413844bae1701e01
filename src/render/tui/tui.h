/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tui.h - the terminal dashboard of `beamprobe ui`.
 *
 * Layers, each in its own file:
 *   tui_canvas.c  a grid of cells (UTF-8 glyph, width, role) that views
 *                 draw into; pure, so views and charts are unit-tested
 *                 without a terminal
 *   tui_chart.c   sparklines, block area charts, braille charts, bars
 *                 (Unicode, or ASCII when the locale is not UTF-8)
 *   tui_keys.c    keys to actions, the one-line editor (pure)
 *   tui_rows.c    sorting and filtering of the process table, number
 *                 formats (pure)
 *   tui_draw.c    header, tabs, footer, help, shared table helpers, drawn
 *                 from the current snapshot of the selected node
 *   tui_load.c    the Load, Schedulers and Memory views (charts)
 *   tui_tables.c  the Processes, ETS, Ports and Cluster views
 *   tui_apps.c    the Applications view (supervision trees)
 *   tui_proc.c    the process view
 *   tui_state.c   what a key does to the dashboard state, and the request
 *                 that state makes of the feeds
 *   tui_screen.c  the only file that calls curses: open, restore, blit
 *   tui_run.c     the event loop: keys, signals, snapshots, redraws
 *
 * The drawing thread never talks to a node: it reads snapshots that the
 * feeds (collect/collect_ui.h) hand over and sends them requests.
 * Roles, not colours, are stored in cells; tui_screen maps them to colour
 * pairs, or to bold/reverse on monochrome terminals and under NO_COLOR.
 */
#ifndef BP_TUI_H
#define BP_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/collect_ui.h"
#include "util/err.h"

/* ---------------------------------------------------------------------
 * Canvas (tui_canvas.c)
 */
enum tui_role {
    TUI_NORMAL,
    TUI_DIM,
    TUI_BOLD,
    TUI_TITLE,    /* panel and section titles */
    TUI_BAR,      /* the header bar */
    TUI_BAR_BOLD,
    TUI_TAB,
    TUI_TAB_ON,   /* the current view's tab */
    TUI_KEY,      /* a key name in the footer and help */
    TUI_SEL,      /* the selected row */
    TUI_HEAD,     /* table header */
    TUI_HEAD_SORT,/* the sort column's header */
    TUI_OK,
    TUI_WARN,
    TUI_CRIT,
    TUI_INFO,
    TUI_C1,       /* chart colours */
    TUI_C2,
    TUI_C3,
    TUI_C4,
    TUI_LOST,     /* the lost-connection marker */
    TUI_ROLES
};

struct tui_cell {
    char g[5];          /* UTF-8 glyph, NUL-terminated; "" for the right half of a wide one */
    unsigned char w;    /* display columns: 1, 2, or 0 for a continuation */
    unsigned char role; /* enum tui_role */
};

struct tui_canvas {
    int w, h;
    bool utf8;          /* false: every glyph is ASCII */
    struct tui_cell *cells;
};

void tui_canvas_init(struct tui_canvas *cv, int w, int h, bool utf8);
void tui_canvas_release(struct tui_canvas *cv);
/* Blank every cell (space, TUI_NORMAL). */
void tui_canvas_clear(struct tui_canvas *cv);
/* The cell at (x, y), NULL outside. */
const struct tui_cell *tui_cell_at(const struct tui_canvas *cv, int x, int y);

/*
 * Write UTF-8 text at (x, y), at most maxw columns (< 0: to the edge), with
 * role.  Control characters become '?', and so does every non-ASCII
 * character when the canvas is ASCII; a wide character that does not fit
 * is replaced by a space.  Returns the columns written.
 */
int tui_put(struct tui_canvas *cv, int x, int y, int maxw, int role, const char *s);
int tui_putf(struct tui_canvas *cv, int x, int y, int maxw, int role, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Right-align s in the w columns starting at x (cut on the left if needed). */
int tui_put_right(struct tui_canvas *cv, int x, int y, int w, int role, const char *s);
/* One glyph of width 1 (chart characters). */
void tui_glyph(struct tui_canvas *cv, int x, int y, int role, const char *g);
/* Spaces with role over w columns. */
void tui_fill(struct tui_canvas *cv, int x, int y, int w, int role);
/* Change the role of w cells, keeping their glyphs. */
void tui_restyle(struct tui_canvas *cv, int x, int y, int w, int role);
/* Display width of UTF-8 text as tui_put would draw it. */
int tui_width(const char *s, bool utf8);
/* Row y as UTF-8 text, trailing spaces removed (for tests). */
void tui_row_text(const struct tui_canvas *cv, int y, char *buf, size_t n);

/* ---------------------------------------------------------------------
 * Charts (tui_chart.c).  Each draws the last values of v[0..n) (oldest
 * first), newest at the right edge, scaled so that max is full height.
 */

/* A "nice" upper bound >= v: 1, 2, 2.5 or 5 times a power of ten (1 for v <= 0). */
double tui_nice_max(double v);
/* Largest of the last `last` values of v[0..n) (0 when empty). */
double tui_series_max(const double *v, size_t n, size_t last);
/* v scaled to 0..levels; any positive value is at least 1. */
int tui_level(double v, double max, int levels);

/* One row: ▁▂▃▄▅▆▇█ (ASCII " _.-~=+*#"), one value per column. */
void tui_spark(struct tui_canvas *cv, int x, int y, int w, int role, const double *v,
               size_t n, double max);
/* The same scaled between the lowest and highest value it shows, so that
 * the shape of a large, slowly moving quantity (memory) is visible; a flat
 * series (spread under 1% of its level) is a flat line of ▁. */
void tui_spark_range(struct tui_canvas *cv, int x, int y, int w, int role, const double *v,
                     size_t n);
/* w x h block area chart, one value per column, eighths of a cell high. */
void tui_area(struct tui_canvas *cv, int x, int y, int w, int h, int role, const double *v,
              size_t n, double max);
/* w x h braille area chart: two values per column, four dots per row
 * (ASCII: the block area chart with '#', one value per column). */
void tui_braille(struct tui_canvas *cv, int x, int y, int w, int h, int role,
                 const double *v, size_t n, double max);
/* Horizontal bar of frac (0..1) over w columns, in eighths (ASCII '|'). */
void tui_bar(struct tui_canvas *cv, int x, int y, int w, int role, double frac);

/* ---------------------------------------------------------------------
 * Keys (tui_keys.c)
 */
enum tui_action {
    TUI_A_NONE,
    TUI_A_QUIT,
    TUI_A_HELP,
    TUI_A_VIEW1, /* ... TUI_A_VIEW1 + 7: the eight views */
    TUI_A_VIEW8 = TUI_A_VIEW1 + 7,
    TUI_A_NEXT_VIEW,
    TUI_A_PREV_VIEW,
    TUI_A_UP,
    TUI_A_DOWN,
    TUI_A_PGUP,
    TUI_A_PGDN,
    TUI_A_HOME,
    TUI_A_END,
    TUI_A_SORT_NEXT,  /* s and > */
    TUI_A_SORT_PREV,  /* < */
    TUI_A_PAUSE,
    TUI_A_FASTER,     /* + : shorter interval */
    TUI_A_SLOWER,     /* - */
    TUI_A_FILTER,     /* / */
    TUI_A_ENTER,
    TUI_A_BACK,       /* Esc, Backspace, Left */
    TUI_A_RIGHT,
    TUI_A_DUMP,       /* d */
    TUI_A_MSGTYPES,   /* m */
    TUI_A_NODE_NEXT,  /* n */
    TUI_A_NODE_PREV,  /* N */
    TUI_A_REFRESH,    /* r, Ctrl-L */
    TUI_A_RESIZE
};

/* The action of a key (curses key codes) in normal mode. */
enum tui_action tui_key_action(int key);

/* The one-line editor of the filter and dump prompts. */
struct tui_line {
    char buf[128];
    size_t len;
};

enum { TUI_LINE_EDITING, TUI_LINE_DONE, TUI_LINE_CANCEL };

void tui_line_set(struct tui_line *l, const char *s);
/* Feed one key: printable ASCII appends, Backspace/Delete erases, Ctrl-U
 * clears, Enter is DONE, Esc is CANCEL. */
int tui_line_key(struct tui_line *l, int key);

/* Refresh intervals offered by + and - (ms), and the step from one. */
int64_t tui_interval_step(int64_t ms, int dir);

/* ---------------------------------------------------------------------
 * Rows and formats (tui_rows.c)
 */

/* Case-insensitive substring of the pid, name, initial call or current
 * function; "" matches everything. */
bool tui_proc_matches(const struct ui_proc_row *r, const char *filter);
/*
 * The rows of p to show: those matching filter, sorted by key, descending
 * (rates unknown last; ties keep the node's order).  out has room for p->n
 * rows; returns how many.
 */
size_t tui_procs_view(const struct ui_procs *p, enum ui_psort key, const char *filter,
                      const struct ui_proc_row **out);
/* "3d 04:05:06", "1h 02m", "45s". */
void tui_fmt_uptime(char *buf, size_t n, int64_t ms);
/* Compact count: 999, 12.3k, 4.56M, 7.89G. */
void tui_fmt_si(char *buf, size_t n, double v);
/* Compact bytes: 512B, 12.3K, 4.5M, 1.2G (binary units). */
void tui_fmt_bytes(char *buf, size_t n, double v);
/* "500ms", "1s", "2.5s", "1m". */
void tui_fmt_interval(char *buf, size_t n, int64_t ms);

/* ---------------------------------------------------------------------
 * State (tui_state.c) and drawing (tui_draw.c)
 */
enum tui_view {
    TUI_V_LOAD,
    TUI_V_PROCS,
    TUI_V_SCHED,
    TUI_V_MEMORY,
    TUI_V_APPS,
    TUI_V_ETS,
    TUI_V_PORTS,
    TUI_V_CLUSTER,
    TUI_V_PROC,  /* one process; opened with Enter */
    TUI_V_COUNT
};

/* "load", "processes", ... for --view; -1 if unknown. */
int tui_view_parse(const char *s);

struct tui_node {
    struct ui_feed *feed;     /* NULL in tests */
    struct ui_snap *snap;     /* the snapshot on screen (owned by the feed) */
    char name[256];
    unsigned msg_seen;
};

enum tui_input { TUI_IN_NONE, TUI_IN_FILTER, TUI_IN_DUMP };

/* What the selected row leads to, recorded when it is drawn. */
enum tui_pick { TUI_PICK_NONE, TUI_PICK_PID, TUI_PICK_APP, TUI_PICK_NODE };

#define TUI_MAX_NODES 64

struct tui_state {
    struct tui_node nodes[TUI_MAX_NODES];
    size_t n_nodes, node;     /* node: the selected one */
    bool cluster;

    bool utf8;                /* glyphs: UTF-8 or ASCII */
    bool ascii_charts;        /* ASCII charts even in UTF-8 */
    enum tui_view view, back; /* back: where Esc returns from the process view */
    bool help;
    int64_t interval_ms;
    bool paused;
    size_t nprocs;            /* rows asked of the node */

    enum ui_psort psort;
    char filter[128];
    enum ui_ets_sort ets_sort;
    char ets_filter[128];
    enum ui_port_sort port_sort;
    int sel[TUI_V_COUNT], top[TUI_V_COUNT];

    bool have_proc;           /* the process view's process */
    struct term_pid proc;     /* node unused: proc_node */
    char proc_node[256];
    char proc_text[96];
    char proc_name[160];

    char expand[UI_MAX_EXPAND][256];
    size_t n_expand;

    enum tui_input input;
    struct tui_line line;

    char msg[512];
    bool msg_error;
    int64_t msg_until;

    unsigned refresh, dump_seq, types_seq;
    struct term_pid dump_pid, types_pid;
    char dump_path[512];
    char dump_dir[256];

    bool req_dirty;           /* the feeds need the new request */
    bool quit;

    /* Recorded by the last draw, for the keys. */
    int page;                 /* rows of the current list on screen */
    int list_len;             /* entries of the current list */
    enum tui_pick pick;
    struct term_pid pick_pid;
    char pick_text[96];
    char pick_name[160];
    char pick_app[256];
    size_t pick_node;
};

/* Defaults: Load view, 1 s, memory sort, 100 rows. */
void tui_state_init(struct tui_state *st);
/* The request for node i (the selected node collects for the view). */
void tui_state_request(const struct tui_state *st, size_t i, struct ui_req *out);
/* Apply a key (input modes included).  now: monotonic ms (messages). */
void tui_state_key(struct tui_state *st, int key, int64_t now);
/* Show a message in the footer for a few seconds. */
void tui_state_msg(struct tui_state *st, int64_t now, bool error, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Draw everything into cv (sized to the terminal). now: monotonic ms. */
void tui_draw(struct tui_state *st, struct tui_canvas *cv, int64_t now);

/* ---------------------------------------------------------------------
 * Screen (tui_screen.c): the only curses user
 */

/*
 * Start curses on the terminal (alternate screen, no echo, keypad, no
 * cursor).  color: use colours if the terminal has them.  Installs the
 * out-of-memory hook and an atexit handler that restore the terminal.
 */
int tui_screen_open(bool color, struct bp_err *err);
/* Restore the terminal; safe to call more than once and from any path. */
void tui_screen_close(void);
/* Current size. */
void tui_screen_size(int *w, int *h);
/* Copy the canvas to the terminal (curses sends only what changed). */
void tui_screen_blit(const struct tui_canvas *cv);
/* Next key, or -1 when none is waiting (never blocks). */
int tui_screen_key(void);
/* Whether colours are in use (for tests and the help page). */
bool tui_screen_color(void);

/* ---------------------------------------------------------------------
 * Run (tui_run.c)
 */
struct tui_run_conf {
    int notify_fd;            /* read end: a feed published */
    bool color;
    /* --cluster: start a feed for a node the entry node discovered. */
    int (*add_node)(void *arg, const char *node, struct ui_feed **out);
    void *arg;
};

/*
 * The event loop: draw, read keys, take snapshots, send requests, until
 * `q` (returns 0) or SIGINT/SIGTERM/SIGHUP (returns BP_EINTR).  The
 * terminal is restored before it returns.  st->nodes[] must have their
 * feeds started; their snapshots are exchanged here.
 */
int tui_run(struct tui_state *st, const struct tui_run_conf *conf, struct bp_err *err);

#endif
