/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_ui.h - what the live dashboard (`beamprobe ui`) asks of a node,
 * and the data feed that asks it off the drawing path.
 *
 * Collectors (collect_ui.c), each with its remote expression under
 * src/remote/ui_*.erl, ranked or cut on the node so that only what is
 * shown crosses the wire:
 *
 *   collect_ui_top    the process table (memory, mailbox, reductions, or
 *                     reductions/GCs over a window), optionally filtered
 *   collect_ui_proc   one process, live (process view)
 *   collect_ui_alloc  erlang:memory/0 and an allocator summary
 *   collect_ui_apps   applications and supervision trees, with deadlines
 *   collect_ui_ets    ETS tables by memory or size, with their owner
 *   collect_ui_ports  ports by I/O, memory or queue size, with their owner
 *
 * The feed (collect_ui_feed.c) is one thread per node.  It owns that
 * node's connection, keeps scheduler_wall_time on through a guard process,
 * collects what the dashboard currently shows at the refresh interval,
 * keeps the history for the charts, reconnects after a lost connection,
 * and hands complete snapshots to the drawing thread through a
 * mutex-protected buffer exchange: the drawing thread never waits for a
 * node.
 *
 * Ownership: collector results live in the arena passed in.  A snapshot
 * (struct ui_snap) and everything it points to belong to the feed; the
 * drawing thread reads the one it took with ui_feed_take until it takes
 * the next one.  Nothing here prints.
 */
#ifndef BP_COLLECT_UI_H
#define BP_COLLECT_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/collect.h"
#include "term/term.h"

/* ---------------------------------------------------------------------
 * Process table (src/remote/rank_procs.erl)
 */
enum ui_psort {
    UI_PSORT_MEMORY,
    UI_PSORT_MAILBOX,
    UI_PSORT_REDUCTIONS,
    UI_PSORT_REDS_RATE, /* reductions per second, ranked over a window */
    UI_PSORT_GC_RATE,   /* minor GCs per second, ranked over a window */
    UI_PSORT_COUNT
};

/* "memory", "mailbox", "reductions", "reds/s", "gc/s". */
const char *ui_psort_name(enum ui_psort k);
/* Accepts those names and memory|mailbox|reductions|reds|gc; BP_EUSAGE. */
int ui_psort_parse(const char *s, enum ui_psort *out);

struct ui_proc_row {
    struct term_pid pid;      /* node: the node's name */
    const char *pid_text;     /* <0.123.0> or #PID<0.123.0> */
    const char *name;         /* registered name, label, proc_lib call or initial call */
    const char *initial;      /* initial call, mod:fun/arity */
    const char *current;      /* current function, mod:fun/arity */
    const char *status;       /* waiting, running, ... */
    int64_t memory;           /* bytes */
    int64_t mailbox;          /* message_queue_len */
    int64_t reductions;
    int64_t heap_words;       /* total_heap_size */
    int64_t minor_gcs;
    double reds_rate;         /* per second; < 0 while unknown */
    double gc_rate;           /* minor GCs per second; < 0 while unknown */
};

struct ui_procs {
    struct ui_proc_row *rows;
    size_t n;
    int64_t process_count;    /* processes on the node */
    int64_t matching;         /* of them, matching the filter */
    int64_t node_elapsed_us;  /* time the ranking took on the node */
    int64_t window_ms;        /* 0: absolute values */
    enum ui_psort sort;       /* the key the node ranked by */
    char filter[128];         /* the filter the node applied ("" none) */
};

struct ui_top_query {
    enum ui_psort sort;
    size_t n;                 /* rows wanted, 1..1000 */
    int64_t window_ms;        /* for the rate keys */
    const char *filter;       /* NULL or "": none; a pid: that process */
    bool dict_filter;         /* also match '$initial_call' (OTP 27+) */
};

/*
 * The top q->n processes by q->sort (rank_procs.erl).  A filter that parses as
 * a pid selects that process; other text is matched, as typed, lower-case
 * and capitalised, against registered names, initial calls and current
 * functions on the node.  Text fields are printed with po.  Cost: one
 * process_info/2 per process (two for the rate keys, whose call sleeps
 * q->window_ms on the node), plus one per process for a filter; the
 * deadline is the window plus the connection's timeout.
 */
int collect_ui_top(struct node_conn *c, struct arena *a, const struct term_print_opts *po,
                   const struct ui_top_query *q, struct ui_procs *out, struct bp_err *err);

/*
 * Reduction and GC rates by diffing successive readings of the same pids
 * (the table's rate columns under the absolute sort keys).  The memo keeps
 * the previous reading; ui_rate_memo_apply fills reds_rate/gc_rate of rows
 * whose pid it knows (when they are still < 0) and then remembers rows.
 * Pure; the memo owns its array (ui_rate_memo_release).
 */
struct ui_rate_entry {
    uint32_t num, serial;
    int64_t reductions, minor_gcs;
};

struct ui_rate_memo {
    struct ui_rate_entry *e;
    size_t n, cap;
    int64_t at_ms;
};

void ui_rate_memo_apply(struct ui_rate_memo *m, struct ui_proc_row *rows, size_t n,
                        int64_t now_ms);
void ui_rate_memo_clear(struct ui_rate_memo *m);
void ui_rate_memo_release(struct ui_rate_memo *m);

/* ---------------------------------------------------------------------
 * One process (src/remote/ui_proc.erl)
 */
struct ui_proc_detail {
    struct term_pid pid;
    const char *pid_text;
    bool alive;                 /* false: it died (the rest is empty) */
    const struct term *info;    /* [{Item, Value}], lists cut on the node */
    int64_t bin_count, bin_bytes; /* refc binaries; -1 unknown */
    int64_t memory, mailbox, reductions, minor_gcs;
};

/*
 * process_info of pid with the process view's items (every item of
 * `info`, never messages; links, monitors, monitored_by, dictionary keys
 * and the stacktrace cut to max elements on the node) and the binary
 * summary.  A dead process gives alive = false, not an error.  Cost: one
 * process_info/2 and one process_info(Pid, binary) per call.
 */
int collect_ui_proc(struct node_conn *c, struct arena *a, const struct term_print_opts *po,
                    const struct term_pid *pid, int max, struct ui_proc_detail *out,
                    struct bp_err *err);

/* The process_info items of the process view (those of `info`). */
extern const char *const ui_proc_items[];
extern const size_t ui_proc_nitems;

/* ---------------------------------------------------------------------
 * Memory and allocators (src/remote/ui_alloc.erl)
 */
struct ui_alloc_row {
    const char *name;        /* e.g. eheap_alloc */
    bool disabled;
    int64_t blocks;          /* bytes in use */
    int64_t carriers;        /* bytes of carriers holding them */
    int64_t mbcs, sbcs;      /* carriers: multi-block (incl. pool), single-block */
};

struct ui_memory {
    struct node_memory mem;  /* erlang:memory() */
    struct ui_alloc_row *rows;
    size_t n;
};

/* Cost: erlang:memory/0 and one system_info({allocator_sizes, A}) per
 * allocator (about ten). */
int collect_ui_alloc(struct node_conn *c, struct arena *a, struct ui_memory *out,
                     struct bp_err *err);

/* ---------------------------------------------------------------------
 * Applications and supervision trees (src/remote/ui_apps.erl)
 */
struct ui_app {
    const char *name, *description, *vsn;
};

struct ui_app_line {
    const char *app;         /* the application the tree belongs to */
    int depth;               /* 0: the application's top supervisor */
    const char *id;          /* child id, printed */
    bool has_pid;
    struct term_pid pid;
    const char *pid_text;    /* pid, "restarting" or "undefined" */
    const char *type;        /* supervisor | worker | "" */
    const char *modules;     /* printed, e.g. [gen_server] or dynamic */
    const char *note;        /* NULL, or "no answer", "N children (not listed)", ... */
};

struct ui_apps {
    struct ui_app *apps;
    size_t n_apps;
    const char **walked;     /* applications whose tree was asked for */
    size_t n_walked;
    struct ui_app_line *lines;
    size_t n_lines;
    bool timeout;            /* the walk hit its time budget */
};

struct ui_apps_query {
    const char *const *expand; /* applications to walk */
    size_t n_expand;
    unsigned call_ms;        /* deadline of each supervisor call (default 500) */
    unsigned budget_ms;      /* deadline of the whole walk (default 3000) */
    int max_depth;           /* default 8 */
    int max_lines;           /* per tree, default 500 */
    int max_children;        /* larger supervisors are counted, default 200 */
};

/*
 * which_applications and the trees of q->expand.  Each supervisor call has
 * its own deadline and the walk runs in a process the node kills at the
 * budget, so a hung supervisor costs one call_ms.  Cost: two calls per
 * supervisor walked.
 */
int collect_ui_apps(struct node_conn *c, struct arena *a, const struct term_print_opts *po,
                    const struct ui_apps_query *q, struct ui_apps *out, struct bp_err *err);

/* ---------------------------------------------------------------------
 * ETS tables (src/remote/ui_ets.erl)
 */
enum ui_ets_sort { UI_ETS_MEMORY, UI_ETS_SIZE, UI_ETS_COUNT };
const char *ui_ets_sort_name(enum ui_ets_sort k);

struct ui_ets_row {
    const char *id;          /* the table id as printed (name or #Ref) */
    const char *name;
    const char *type;        /* set, ordered_set, bag, duplicate_bag */
    const char *protection;
    const char *owner_text;  /* owner pid */
    const char *owner_name;  /* its registered name or "" */
    struct term_pid owner;
    bool has_owner;
    int64_t size;            /* objects */
    int64_t memory;          /* bytes */
};

struct ui_ets {
    struct ui_ets_row *rows;
    size_t n;
    int64_t count;           /* tables on the node */
    int64_t total_memory;    /* bytes, all tables */
    int64_t matching;        /* tables matching the filter */
    enum ui_ets_sort sort;
};

/* Cost: two or three ets:info/2 per table and a sort (no object is read). */
int collect_ui_ets(struct node_conn *c, struct arena *a, const struct term_print_opts *po,
                   enum ui_ets_sort sort, size_t n, const char *filter, struct ui_ets *out,
                   struct bp_err *err);

/* ---------------------------------------------------------------------
 * Ports (src/remote/ui_ports.erl)
 */
enum ui_port_sort { UI_PORT_IO, UI_PORT_MEMORY, UI_PORT_QUEUE, UI_PORT_COUNT };
const char *ui_port_sort_name(enum ui_port_sort k);

struct ui_port_row {
    const char *port_text;   /* #Port<0.5> */
    const char *name;        /* the driver or command */
    const char *owner_text;
    const char *owner_name;
    struct term_pid owner;
    bool has_owner;
    int64_t input, output;   /* bytes since opened */
    int64_t memory, queue;   /* bytes */
    int64_t os_pid;          /* -1 if none */
};

struct ui_ports {
    struct ui_port_row *rows;
    size_t n;
    int64_t count;
    enum ui_port_sort sort;
};

/* Cost: one or two port_info/2 per port and a sort of the port count. */
int collect_ui_ports(struct node_conn *c, struct arena *a, const struct term_print_opts *po,
                     enum ui_port_sort sort, size_t n, struct ui_ports *out,
                     struct bp_err *err);

/* The pid of a process known by its printed form in one of the tables. */
const char *ui_pid_text(struct arena *a, const struct term_print_opts *po,
                        const struct term_pid *pid);

/* ---------------------------------------------------------------------
 * The feed (collect_ui_feed.c)
 */

/* What the dashboard shows, hence what the feed collects beyond the
 * node's counters. */
enum {
    UI_WANT_PROCS = 1 << 0,
    UI_WANT_PROC = 1 << 1,
    UI_WANT_MEMORY = 1 << 2,
    UI_WANT_APPS = 1 << 3,
    UI_WANT_ETS = 1 << 4,
    UI_WANT_PORTS = 1 << 5
};

#define UI_MAX_EXPAND 16
#define UI_HISTORY 720 /* points kept per series (12 minutes at 1 s) */

struct ui_req {
    unsigned want;              /* UI_WANT_* */
    int64_t interval_ms;
    bool paused;
    enum ui_psort psort;
    size_t nprocs;
    char filter[128];
    bool have_proc;             /* process view: which process */
    struct term_pid proc;       /* node unused: the feed's node */
    enum ui_ets_sort ets_sort;
    char ets_filter[128];
    enum ui_port_sort port_sort;
    char expand[UI_MAX_EXPAND][256];
    size_t n_expand;
    unsigned refresh;           /* bumped to refresh everything now */
    unsigned dump_seq;          /* bumped to dump dump_pid to dump_path */
    struct term_pid dump_pid;
    char dump_path[512];
    unsigned types_seq;         /* bumped to count the message types of types_pid */
    bool types_here;            /* this feed's node holds types_pid */
    struct term_pid types_pid;
};

/* The process view's `m`: a bounded trace counting message types. */
#define UI_TYPES_MS 5000        /* how long the count runs */
#define UI_TYPES_MAX 200000     /* events counted at most */

enum ui_conn_state {
    UI_CONNECTING, /* not connected yet */
    UI_LIVE,
    UI_SLOW,       /* connected, but the last call timed out */
    UI_LOST        /* the connection was lost; reconnecting */
};

enum ui_series_id {
    UI_S_UTIL,      /* average utilization of the normal schedulers, 0..1 */
    UI_S_MEM_TOTAL, /* erlang:memory(), bytes */
    UI_S_MEM_PROCS,
    UI_S_MEM_SYSTEM,
    UI_S_MEM_BINARY,
    UI_S_MEM_ETS,
    UI_S_MEM_CODE,
    UI_S_MEM_ATOM,
    UI_S_REDS,      /* per second */
    UI_S_RUNQ,      /* total run queue */
    UI_S_IO_IN,     /* bytes per second */
    UI_S_IO_OUT,
    UI_S_GCS,       /* per second */
    UI_S_WORDS,     /* words reclaimed per second */
    UI_S_PROCS,     /* process count */
    UI_S_P_MBOX,    /* the process view's process: mailbox */
    UI_S_P_MEM,     /* ... memory */
    UI_S_P_REDS,    /* ... reductions per second */
    UI_S_COUNT
};

struct ui_series {
    const double *v; /* oldest first */
    size_t n;
};

struct ui_nodes {
    const char **names;
    size_t n;
};

struct ui_blob;
#define UI_BLOB_KINDS 7 /* kinds of view data a snapshot refers to */

struct ui_snap {
    uint64_t seq;                /* 0: nothing collected yet */
    const char *node;
    enum ui_conn_state state;
    int64_t state_since_ms;      /* local monotonic ms the state began */
    int64_t taken_ms;            /* local monotonic ms of the last good reading */
    char err[256];               /* why the state is not LIVE */
    int attempts;                /* reconnection attempts since lost */

    bool have_info;
    struct node_info info;

    bool have_stats;
    struct node_stats stats;     /* run_queues: this snapshot's memory */
    bool have_rates;
    double reds_s, gcs_s, words_s, io_in_s, io_out_s, cs_s;

    /* Schedulers: run queues and utilization over the last round. */
    bool have_sched;
    int schedulers, schedulers_online, dirty_cpu, dirty_cpu_online, dirty_io;
    int64_t *rq;                 /* normal..., dirty cpu, dirty io */
    size_t n_rq;
    double *util;                /* per scheduler id - 1 (incl. dirty); NULL if off */
    size_t n_util;
    char util_err[256];          /* why utilization is missing */

    struct ui_series ser[UI_S_COUNT];
    struct ui_series *sched_ser; /* utilization history per scheduler id - 1 */
    size_t n_sched_ser;

    struct term_print_opts po;   /* for terms of this node */
    int64_t interval_ms;         /* effective refresh interval */
    int64_t round_ms;            /* how long the last round took */
    int64_t effective_ms;        /* time between readings of the counters: the
                                  * interval, or more on a busy node (5x its
                                  * busy time) */
    int64_t view_every_ms;       /* the same for the view's data */

    /* What the view asked for, newest reading (NULL until collected). */
    const struct ui_procs *procs;
    const struct ui_proc_detail *proc;
    const struct ui_memory *memory;
    const struct ui_apps *apps;
    const struct ui_ets *ets;
    const struct ui_ports *ports;
    const struct ui_nodes *nodes; /* cluster discovery (entry node) */
    int64_t procs_ms, proc_ms, memory_ms, apps_ms, ets_ms, ports_ms; /* when */
    char view_err[256];          /* last error of a view's collector */

    unsigned msg_seq;            /* bumped with each message below */
    char msg[512];               /* e.g. where a dump was written */
    bool msg_error;

    /* Private to the feed. */
    struct arena arena;
    struct ui_blob *blobs[UI_BLOB_KINDS];
};

typedef int (*ui_connect_fn)(void *arg, const char *node, struct node_conn **out,
                             struct bp_err *err);

struct ui_feed_conf {
    const char *node;            /* copied */
    struct node_conn *conn;      /* already connected, or NULL; the feed owns it */
    ui_connect_fn connect;       /* for reconnecting (and connecting if conn is NULL) */
    void *connect_arg;
    bool syntax_forced;          /* syntax is what --syntax said */
    enum term_syntax syntax;     /* else Elixir when the node runs Elixir */
    bool discover;               /* list the cluster's nodes every 10 s */
    int notify_fd;               /* one byte written after each snapshot; -1 none */
    const struct ui_req *req;    /* the first request */
};

struct ui_feed;

/*
 * Start the feed thread (signals blocked in it, so they reach the drawing
 * thread).  Returns 0 or BP_EINTERNAL when the thread cannot start (the
 * connection in conf is then closed).
 */
int ui_feed_start(const struct ui_feed_conf *conf, struct ui_feed **out, struct bp_err *err);

/* Replace the request; the feed wakes and collects for it at once (as
 * soon as the node's duty cycle allows).  Never blocks on the node. */
void ui_feed_request(struct ui_feed *f, const struct ui_req *r);

/*
 * If a snapshot newer than *cur is ready, exchange it with *cur (the old
 * one goes back to the feed) and return true.  *cur starts as NULL.  Never
 * blocks on the node; the snapshot stays valid until the next exchange or
 * ui_feed_free.
 */
bool ui_feed_take(struct ui_feed *f, struct ui_snap **cur);

/*
 * Ask the feed to stop; tell it to wake.  Does not wait.  ui_feed_free
 * then waits up to grace_ms for the round in progress to end, cuts the
 * connection if it has not (the node then sees beamprobe go, which also
 * ends the scheduler_wall_time guard), joins the thread and frees
 * everything, snapshots included (the caller's *cur too).
 */
void ui_feed_stop(struct ui_feed *f);
/* *cur: the slot the drawing thread holds (freed too, set to NULL). */
void ui_feed_free(struct ui_feed *f, struct ui_snap **cur, int grace_ms);

/* The node name the feed serves. */
const char *ui_feed_node(const struct ui_feed *f);

#endif
