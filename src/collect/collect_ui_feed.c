/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_ui_feed.c - the dashboard's data feed: one thread per node.
 *
 * The thread owns the node's connection.  Each round it reads the node's
 * counters (collect_node_stats) and a scheduler sample (utilization from
 * scheduler_wall_time, held on by a guard process for as long as the
 * connection lives), and whatever the view on screen needs (process
 * table, one process, allocators, applications, ETS, ports).  Rounds come
 * at the refresh interval, and never closer than five times the time the
 * node spent on the previous one, so the dashboard keeps a node busy at
 * most a fifth of the time, whatever the interval and the node's size.
 *
 * Between rounds it waits on its wake pipe (new request, stop) and on the
 * connection (ticks are answered).  A lost connection is retried every
 * second or so; a node that comes back with a new creation gets its
 * cached pids dropped.
 *
 * Hand-over: three snapshot slots.  The thread builds in `back`, then
 * under the mutex exchanges it with `mid` and marks it fresh; the drawing
 * thread exchanges its own slot with `mid` when fresh.  Nobody waits for
 * anybody longer than a pointer swap.  View data lives in reference-counted
 * blobs that successive snapshots share; only the feed thread touches the
 * counts (a slot returned by the drawing thread is released by the feed
 * when it reuses it), so they need no atomics.
 */
#include "collect/collect_ui.h"
#include "collect/collect_trace.h"
#include "analyze/rate.h"
#include "analyze/sched.h"
#include "util/clock.h"
#include "util/sig.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { B_PROCS, B_PROC, B_MEMORY, B_APPS, B_ETS, B_PORTS, B_NODES, B_COUNT };
_Static_assert(B_COUNT == UI_BLOB_KINDS, "struct ui_snap has one blob per kind");

struct ui_blob {
    int refs;
    struct arena a;
    void *data;
};

struct ring {
    double v[UI_HISTORY];
    size_t head, len; /* head: next write position */
};

struct ui_feed {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t done_cv;

    /* Shared with the drawing thread, under mu. */
    struct ui_req req;
    unsigned gen;
    bool stop, done, orphan;
    struct ui_snap *mid;
    bool fresh;
    struct ui_snap *spare;    /* the drawing thread's first slot */
    int conn_fd;              /* to cut the connection on a late stop */

    /* The feed thread's own. */
    char node[256];
    struct ui_feed_conf conf;
    struct ui_req active;     /* the request being served */
    int wake[2];
    struct node_conn *conn;
    struct term_print_opts po;
    struct ui_snap *back;
    uint64_t seq;
    struct ui_blob *cur[B_COUNT];
    int64_t cur_ms[B_COUNT];
    struct arena round, keep;

    enum ui_conn_state state;
    int64_t state_since, taken_ms, next_connect;
    char err[256];
    int attempts;
    bool ever;
    uint32_t creation;
    bool have_info;
    struct node_info info;

    struct term *guard;
    bool swt_failed;
    char util_err[256];

    bool have_stats, have_rates;
    struct node_stats stats;  /* run_queues: rq below */
    int64_t *rq;
    size_t n_rq, cap_rq;
    double reds_s, gcs_s, words_s, io_in_s, io_out_s, cs_s;

    bool have_sched, have_prev_sched;
    int schedulers, schedulers_online, dirty_cpu, dirty_cpu_online, dirty_io;
    int64_t *prev_active, *prev_total;
    size_t n_prev;
    double *util;
    size_t n_util, cap_util;

    struct ring ser[UI_S_COUNT];
    struct ring *sched_ser;
    size_t n_sched_ser;

    struct ui_rate_memo memo;
    bool proc_tracking;
    struct term_pid proc_tracked;
    int64_t proc_prev_reds, proc_prev_ms;

    /* Two schedules: the counters (b_) and what the view shows (v_). */
    int64_t b_start, b_busy, v_start, v_busy, v_window, round_ms;
    unsigned done_gen, done_refresh, done_dump, done_types, msg_seq;
    char msg[512];
    bool msg_error;
    char view_err[256];
    char apps_sig[UI_MAX_EXPAND * 64];
    int64_t last_discover;
    bool paused_published;
};

/* ---------------------------------------------------------------------
 * Blobs and rings
 */

static struct ui_blob *blob_new(size_t size)
{
    struct ui_blob *b = xcalloc(1, sizeof(*b));
    b->refs = 1;
    arena_init(&b->a);
    b->data = arena_zalloc(&b->a, size);
    return b;
}

static void blob_unref(struct ui_blob *b)
{
    if (b && --b->refs == 0) {
        arena_release(&b->a);
        free(b);
    }
}

/* Make b the current blob of its kind (taking over the caller's ref). */
static void set_blob(struct ui_feed *f, int kind, struct ui_blob *b)
{
    blob_unref(f->cur[kind]);
    f->cur[kind] = b;
    f->cur_ms[kind] = b ? clock_ms() : 0;
}

static void ring_push(struct ring *r, double v)
{
    r->v[r->head] = v;
    r->head = (r->head + 1) % UI_HISTORY;
    if (r->len < UI_HISTORY)
        r->len++;
}

static void ring_copy(struct arena *a, const struct ring *r, struct ui_series *out)
{
    double *v = arena_alloc(a, (r->len + 1) * sizeof(double));
    size_t i, start = (r->head + UI_HISTORY - r->len) % UI_HISTORY;
    for (i = 0; i < r->len; i++)
        v[i] = r->v[(start + i) % UI_HISTORY];
    out->v = v;
    out->n = r->len;
}

/* ---------------------------------------------------------------------
 * Snapshots
 */

static struct ui_snap *snap_new(void)
{
    struct ui_snap *s = xcalloc(1, sizeof(*s));
    arena_init(&s->arena);
    s->node = "";
    return s;
}

static void snap_release_refs(struct ui_snap *s)
{
    size_t i;
    for (i = 0; i < B_COUNT; i++) {
        blob_unref(s->blobs[i]);
        s->blobs[i] = NULL;
    }
}

static void snap_free(struct ui_snap *s)
{
    if (!s)
        return;
    snap_release_refs(s);
    arena_release(&s->arena);
    free(s);
}

static void notify(struct ui_feed *f)
{
    if (f->conf.notify_fd >= 0) {
        ssize_t r = write(f->conf.notify_fd, "s", 1);
        (void)r; /* a full pipe already says "look" */
    }
}

/* Time between two rounds of one schedule: the interval, but at least
 * the sleep of a window plus five times the node's busy time (the
 * dashboard keeps a node busy at most a fifth of the time). */
static int64_t gap(int64_t interval, int64_t window, int64_t busy)
{
    int64_t g = window + 5 * busy;
    return interval > g ? interval : g;
}

static void publish(struct ui_feed *f)
{
    struct ui_snap *s = f->back, *tmp;
    struct arena *a = &s->arena;
    size_t i;

    snap_release_refs(s);
    arena_clear(a);
    {
        struct arena keep = s->arena;
        memset(s, 0, sizeof(*s));
        s->arena = keep;
    }
    s->seq = ++f->seq;
    s->node = arena_strdup(a, f->node);
    s->state = f->state;
    s->state_since_ms = f->state_since;
    s->taken_ms = f->taken_ms;
    snprintf(s->err, sizeof(s->err), "%s", f->err);
    s->attempts = f->attempts;
    s->have_info = f->have_info;
    s->info = f->info;
    s->have_stats = f->have_stats;
    s->stats = f->stats;
    s->stats.run_queues = arena_alloc(a, (f->n_rq + 1) * sizeof(int64_t));
    if (f->n_rq)
        memcpy(s->stats.run_queues, f->rq, f->n_rq * sizeof(int64_t));
    s->stats.n_run_queues = f->n_rq;
    s->rq = s->stats.run_queues;
    s->n_rq = f->n_rq;
    s->have_rates = f->have_rates;
    s->reds_s = f->reds_s;
    s->gcs_s = f->gcs_s;
    s->words_s = f->words_s;
    s->io_in_s = f->io_in_s;
    s->io_out_s = f->io_out_s;
    s->cs_s = f->cs_s;
    s->have_sched = f->have_sched;
    s->schedulers = f->schedulers;
    s->schedulers_online = f->schedulers_online;
    s->dirty_cpu = f->dirty_cpu;
    s->dirty_cpu_online = f->dirty_cpu_online;
    s->dirty_io = f->dirty_io;
    if (f->n_util) {
        double *u = arena_alloc(a, f->n_util * sizeof(double));
        memcpy(u, f->util, f->n_util * sizeof(double));
        s->util = u;
        s->n_util = f->n_util;
    }
    snprintf(s->util_err, sizeof(s->util_err), "%s", f->util_err);
    for (i = 0; i < UI_S_COUNT; i++)
        ring_copy(a, &f->ser[i], &s->ser[i]);
    if (f->n_sched_ser) {
        s->sched_ser = arena_zalloc(a, f->n_sched_ser * sizeof(*s->sched_ser));
        for (i = 0; i < f->n_sched_ser; i++)
            ring_copy(a, &f->sched_ser[i], &s->sched_ser[i]);
        s->n_sched_ser = f->n_sched_ser;
    }
    s->po = f->po;
    s->po.local_node = s->node;
    s->interval_ms = f->active.interval_ms;
    s->round_ms = f->round_ms;
    s->effective_ms = gap(f->active.interval_ms, 0, f->b_busy);
    s->view_every_ms = gap(f->active.interval_ms, f->v_window, f->v_busy);
    for (i = 0; i < B_COUNT; i++) {
        s->blobs[i] = f->cur[i];
        if (f->cur[i])
            f->cur[i]->refs++;
    }
    s->procs = f->cur[B_PROCS] ? f->cur[B_PROCS]->data : NULL;
    s->proc = f->cur[B_PROC] ? f->cur[B_PROC]->data : NULL;
    s->memory = f->cur[B_MEMORY] ? f->cur[B_MEMORY]->data : NULL;
    s->apps = f->cur[B_APPS] ? f->cur[B_APPS]->data : NULL;
    s->ets = f->cur[B_ETS] ? f->cur[B_ETS]->data : NULL;
    s->ports = f->cur[B_PORTS] ? f->cur[B_PORTS]->data : NULL;
    s->nodes = f->cur[B_NODES] ? f->cur[B_NODES]->data : NULL;
    s->procs_ms = f->cur_ms[B_PROCS];
    s->proc_ms = f->cur_ms[B_PROC];
    s->memory_ms = f->cur_ms[B_MEMORY];
    s->apps_ms = f->cur_ms[B_APPS];
    s->ets_ms = f->cur_ms[B_ETS];
    s->ports_ms = f->cur_ms[B_PORTS];
    snprintf(s->view_err, sizeof(s->view_err), "%s", f->view_err);
    s->msg_seq = f->msg_seq;
    snprintf(s->msg, sizeof(s->msg), "%s", f->msg);
    s->msg_error = f->msg_error;

    pthread_mutex_lock(&f->mu);
    tmp = f->mid;
    f->mid = s;
    f->back = tmp;
    f->fresh = true;
    pthread_mutex_unlock(&f->mu);
    notify(f);
}

/* ---------------------------------------------------------------------
 * Connection state
 */

static void set_state(struct ui_feed *f, enum ui_conn_state st, const char *err)
{
    if (f->state != st)
        f->state_since = clock_ms();
    f->state = st;
    snprintf(f->err, sizeof(f->err), "%s", err ? err : "");
}

static void set_msg(struct ui_feed *f, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_msg(struct ui_feed *f, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
    va_end(ap);
    f->msg_error = error;
    f->msg_seq++;
}

static void close_conn(struct ui_feed *f)
{
    if (!f->conn)
        return;
    pthread_mutex_lock(&f->mu);
    f->conn_fd = -1;
    node_close(f->conn);
    f->conn = NULL;
    pthread_mutex_unlock(&f->mu);
    f->guard = NULL;
    arena_clear(&f->keep);
}

static void lost(struct ui_feed *f, const struct bp_err *e)
{
    close_conn(f);
    set_state(f, f->ever ? UI_LOST : UI_CONNECTING,
              e && e->msg[0] ? e->msg : "connection lost");
    f->attempts = 0;
    f->next_connect = clock_ms() + 1000;
    f->have_prev_sched = false;
}

/* The previous incarnation's pids mean nothing to the new one. */
static void drop_pids(struct ui_feed *f)
{
    int k;
    for (k = 0; k < B_COUNT; k++)
        if (k != B_MEMORY && k != B_NODES)
            set_blob(f, k, NULL);
    ui_rate_memo_clear(&f->memo);
    f->proc_tracking = false;
    memset(&f->ser[UI_S_P_MBOX], 0, sizeof(f->ser[UI_S_P_MBOX]));
    memset(&f->ser[UI_S_P_MEM], 0, sizeof(f->ser[UI_S_P_MEM]));
    memset(&f->ser[UI_S_P_REDS], 0, sizeof(f->ser[UI_S_P_REDS]));
    f->have_stats = f->have_rates = false;
}

static void on_connected(struct ui_feed *f)
{
    const struct node_info *in = node_info(f->conn);

    if (f->ever && in->creation != f->creation) {
        drop_pids(f);
        set_msg(f, false, "%s restarted (new creation): cached pids dropped", f->node);
    }
    f->creation = in->creation;
    f->ever = true;
    f->info = *in;
    f->have_info = true;
    f->po = term_print_defaults;
    f->po.local_node = f->node;
    f->po.syntax = f->conf.syntax_forced ? f->conf.syntax
                   : in->elixir         ? TERM_SYNTAX_ELIXIR
                                        : TERM_SYNTAX_ERLANG;
    if (in->elixir) {
        int major = 0, minor = 0;
        if (sscanf(in->elixir_version, "%d.%d", &major, &minor) == 2)
            f->po.charlist_sigil = major > 1 || (major == 1 && minor >= 15);
    }
    f->guard = NULL;
    f->swt_failed = false;
    f->util_err[0] = '\0';
    f->have_prev_sched = false;
    f->attempts = 0;
    pthread_mutex_lock(&f->mu);
    f->conn_fd = node_fd(f->conn);
    pthread_mutex_unlock(&f->mu);
    set_state(f, UI_LIVE, NULL);
}

static void try_connect(struct ui_feed *f)
{
    struct bp_err e;
    struct node_conn *c = NULL;
    int rc;

    memset(&e, 0, sizeof(e));
    f->attempts++;
    rc = f->conf.connect(f->conf.connect_arg, f->node, &c, &e);
    if (rc == 0) {
        f->conn = c;
        on_connected(f);
        f->b_start = f->v_start = 0;
    } else {
        int64_t wait = 1000 + 500 * (f->attempts / 5);
        set_state(f, f->ever ? UI_LOST : UI_CONNECTING, e.msg);
        f->next_connect = clock_ms() + (wait > 3000 ? 3000 : wait);
    }
    publish(f);
}

/* Wait until the deadline or a wake-up, keeping the connection serviced.
 * Returns 0, or BP_ENODEGONE when the connection was lost meanwhile. */
static int idle_wait(struct ui_feed *f, int64_t deadline, struct bp_err *e)
{
    for (;;) {
        struct pollfd p[2];
        int np = 1;
        int64_t left = deadline - clock_ms();
        int r;

        if (left <= 0)
            return 0;
        p[0].fd = f->wake[0];
        p[0].events = POLLIN;
        p[0].revents = 0;
        if (f->conn && node_fd(f->conn) >= 0 && !sig_pending()) {
            p[1].fd = node_fd(f->conn);
            p[1].events = POLLIN;
            p[1].revents = 0;
            np = 2;
        }
        r = poll(p, (nfds_t)np, left > 1000 ? 1000 : (int)left);
        if (r > 0 && p[0].revents) {
            char buf[64];
            while (read(f->wake[0], buf, sizeof(buf)) > 0)
                ;
            return 0;
        }
        if (r > 0 && np == 2 && p[1].revents) {
            int rc = node_wait(f->conn, clock_ms() + 1, e);
            if (rc == BP_ENODEGONE)
                return rc;
        }
    }
}

/* ---------------------------------------------------------------------
 * Rounds
 */

static bool fatal(int rc)
{
    return rc == BP_ENODEGONE || rc == BP_EINTR || rc == BP_ETIMEDOUT;
}

static void grow_i64(int64_t **p, size_t *cap, size_t n)
{
    if (n > *cap) {
        *p = xreallocarray(*p, n, sizeof(**p));
        *cap = n;
    }
}

static int round_basic(struct ui_feed *f, struct bp_err *e)
{
    struct node_stats s;
    struct sched_sample ss;
    size_t i;
    int rc;

    rc = collect_node_stats(f->conn, &f->round, &s, e);
    if (rc)
        return rc;
    if (f->have_stats) {
        int64_t ms = (s.at_us - f->stats.at_us) / 1000;
        if (ms > 0) {
            f->reds_s = rate_per_sec(rate_delta(f->stats.reductions, s.reductions, NULL), ms);
            f->gcs_s = rate_per_sec(rate_delta(f->stats.gcs, s.gcs, NULL), ms);
            f->words_s =
                rate_per_sec(rate_delta(f->stats.words_reclaimed, s.words_reclaimed, NULL), ms);
            f->io_in_s = rate_per_sec(rate_delta(f->stats.io_in, s.io_in, NULL), ms);
            f->io_out_s = rate_per_sec(rate_delta(f->stats.io_out, s.io_out, NULL), ms);
            f->cs_s = rate_per_sec(rate_delta(f->stats.context_switches, s.context_switches,
                                              NULL),
                                   ms);
            f->have_rates = true;
            ring_push(&f->ser[UI_S_REDS], f->reds_s);
            ring_push(&f->ser[UI_S_GCS], f->gcs_s);
            ring_push(&f->ser[UI_S_WORDS], f->words_s);
            ring_push(&f->ser[UI_S_IO_IN], f->io_in_s);
            ring_push(&f->ser[UI_S_IO_OUT], f->io_out_s);
        }
    }
    f->stats = s;
    grow_i64(&f->rq, &f->cap_rq, s.n_run_queues);
    if (s.n_run_queues)
        memcpy(f->rq, s.run_queues, s.n_run_queues * sizeof(int64_t));
    f->n_rq = s.n_run_queues;
    f->stats.run_queues = NULL;
    f->have_stats = true;
    ring_push(&f->ser[UI_S_MEM_TOTAL], (double)s.mem.total);
    ring_push(&f->ser[UI_S_MEM_PROCS], (double)s.mem.processes);
    ring_push(&f->ser[UI_S_MEM_SYSTEM], (double)s.mem.system);
    ring_push(&f->ser[UI_S_MEM_BINARY], (double)s.mem.binary);
    ring_push(&f->ser[UI_S_MEM_ETS], (double)s.mem.ets);
    ring_push(&f->ser[UI_S_MEM_CODE], (double)s.mem.code);
    ring_push(&f->ser[UI_S_MEM_ATOM], (double)s.mem.atom);
    ring_push(&f->ser[UI_S_PROCS], (double)s.process_count);
    {
        int64_t total = 0;
        for (i = 0; i < s.n_run_queues; i++)
            total += s.run_queues[i];
        ring_push(&f->ser[UI_S_RUNQ], (double)total);
    }

    /* Schedulers. */
    if (!f->guard && !f->swt_failed) {
        struct bp_err e2;
        memset(&e2, 0, sizeof(e2));
        rc = collect_swt_acquire(f->conn, &f->keep, -1, &f->guard, &e2);
        if (fatal(rc)) {
            *e = e2;
            return rc;
        }
        if (rc) {
            f->swt_failed = true;
            snprintf(f->util_err, sizeof(f->util_err), "%s", e2.msg);
        }
    }
    rc = collect_sched_sample(f->conn, &f->round, &ss, e);
    if (rc)
        return rc;
    f->have_sched = true;
    f->schedulers = ss.schedulers;
    f->schedulers_online = ss.schedulers_online;
    f->dirty_cpu = ss.dirty_cpu;
    f->dirty_cpu_online = ss.dirty_cpu_online;
    f->dirty_io = ss.dirty_io;
    if (ss.active && f->have_prev_sched && ss.n_wall == f->n_prev) {
        double sum = 0;
        size_t ns = (size_t)ss.schedulers;
        if (ss.n_wall > f->cap_util) {
            f->util = xreallocarray(f->util, ss.n_wall, sizeof(double));
            f->cap_util = ss.n_wall;
        }
        if (ss.n_wall > f->n_sched_ser) {
            f->sched_ser = xreallocarray(f->sched_ser, ss.n_wall, sizeof(*f->sched_ser));
            memset(f->sched_ser + f->n_sched_ser, 0,
                   (ss.n_wall - f->n_sched_ser) * sizeof(*f->sched_ser));
            f->n_sched_ser = ss.n_wall;
        }
        for (i = 0; i < ss.n_wall; i++) {
            f->util[i] = sched_util(f->prev_active[i], f->prev_total[i], ss.active[i],
                                    ss.total[i]);
            ring_push(&f->sched_ser[i], f->util[i]);
            if (i < ns)
                sum += f->util[i];
        }
        f->n_util = ss.n_wall;
        ring_push(&f->ser[UI_S_UTIL], ns ? sum / (double)ns : 0);
    } else if (!ss.active) {
        f->n_util = 0;
    }
    if (ss.active) {
        size_t cap = f->n_prev;
        if (ss.n_wall > cap) {
            f->prev_active = xreallocarray(f->prev_active, ss.n_wall, sizeof(int64_t));
            f->prev_total = xreallocarray(f->prev_total, ss.n_wall, sizeof(int64_t));
        }
        memcpy(f->prev_active, ss.active, ss.n_wall * sizeof(int64_t));
        memcpy(f->prev_total, ss.total, ss.n_wall * sizeof(int64_t));
        f->n_prev = ss.n_wall;
        f->have_prev_sched = true;
    }
    return 0;
}

static int64_t rate_window(int64_t interval)
{
    int64_t w = interval / 2;
    return w < 250 ? 250 : w > 5000 ? 5000 : w;
}

/* Run one view collector into a fresh blob; keep it on success (then set
 * got).  A lost connection, a timeout or a signal ends the round; other
 * errors are shown with the view and the round goes on. */
#define VIEW(kind, type, got, call)                                                  \
    do {                                                                             \
        struct ui_blob *b_ = blob_new(sizeof(type));                                 \
        type *d_ = b_->data;                                                         \
        struct arena *a_ = &b_->a;                                                   \
        int rc_ = (call);                                                            \
        if (rc_) {                                                                   \
            blob_unref(b_);                                                          \
            if (fatal(rc_))                                                          \
                return rc_;                                                          \
            snprintf(f->view_err, sizeof(f->view_err), "%s", e->msg);                \
        } else {                                                                     \
            set_blob(f, kind, b_);                                                   \
            got = true;                                                              \
        }                                                                            \
    } while (0)

static int round_views(struct ui_feed *f, const struct ui_req *req, int64_t *window,
                       bool *asked, struct bp_err *e)
{
    int64_t now;
    bool got = false;

    f->view_err[0] = '\0';
    *window = 0;
    /* Whether the node was asked anything (then its answer says it is live). */
    *asked = (req->want & (UI_WANT_PROCS | UI_WANT_MEMORY | UI_WANT_APPS | UI_WANT_ETS |
                           UI_WANT_PORTS)) ||
             ((req->want & UI_WANT_PROC) && req->have_proc);
    if (req->want & UI_WANT_PROCS) {
        struct ui_top_query q;
        q.sort = req->psort;
        q.n = req->nprocs ? req->nprocs : 50;
        q.window_ms = rate_window(req->interval_ms);
        q.filter = req->filter;
        q.dict_filter = f->info.otp_major >= 27;
        if (q.sort == UI_PSORT_REDS_RATE || q.sort == UI_PSORT_GC_RATE)
            *window = q.window_ms;
        got = false;
        VIEW(B_PROCS, struct ui_procs, got, collect_ui_top(f->conn, a_, &f->po, &q, d_, e));
        if (got) {
            struct ui_procs *p = f->cur[B_PROCS]->data;
            ui_rate_memo_apply(&f->memo, p->rows, p->n, clock_ms());
        }
    }
    if ((req->want & UI_WANT_PROC) && req->have_proc) {
        struct term_pid pid = req->proc;
        pid.node = f->node;
        if (!f->proc_tracking || f->proc_tracked.num != pid.num ||
            f->proc_tracked.serial != pid.serial || f->proc_tracked.creation != pid.creation) {
            memset(&f->ser[UI_S_P_MBOX], 0, sizeof(f->ser[UI_S_P_MBOX]));
            memset(&f->ser[UI_S_P_MEM], 0, sizeof(f->ser[UI_S_P_MEM]));
            memset(&f->ser[UI_S_P_REDS], 0, sizeof(f->ser[UI_S_P_REDS]));
            f->proc_tracked = pid;
            f->proc_tracking = true;
            f->proc_prev_ms = 0;
            set_blob(f, B_PROC, NULL);
        }
        got = false;
        VIEW(B_PROC, struct ui_proc_detail, got,
             collect_ui_proc(f->conn, a_, &f->po, &pid, 20, d_, e));
        if (got) {
            const struct ui_proc_detail *d = f->cur[B_PROC]->data;
            now = clock_ms();
            if (d->alive) {
                ring_push(&f->ser[UI_S_P_MBOX], (double)d->mailbox);
                ring_push(&f->ser[UI_S_P_MEM], (double)d->memory);
                if (f->proc_prev_ms && now > f->proc_prev_ms &&
                    d->reductions >= f->proc_prev_reds)
                    ring_push(&f->ser[UI_S_P_REDS],
                              (double)(d->reductions - f->proc_prev_reds) * 1000.0 /
                                  (double)(now - f->proc_prev_ms));
                f->proc_prev_reds = d->reductions;
                f->proc_prev_ms = now;
            }
        }
    }
    if (req->want & UI_WANT_MEMORY)
        VIEW(B_MEMORY, struct ui_memory, got, collect_ui_alloc(f->conn, a_, d_, e));
    if (req->want & UI_WANT_APPS) {
        char sig[sizeof(f->apps_sig)];
        size_t i, o = 0;
        int64_t every = req->interval_ms > 5000 ? req->interval_ms : 5000;
        sig[0] = '\0';
        for (i = 0; i < req->n_expand && o + 1 < sizeof(sig); i++)
            o += (size_t)snprintf(sig + o, sizeof(sig) - o, "%s,", req->expand[i]);
        now = clock_ms();
        if (!f->cur[B_APPS] || strcmp(sig, f->apps_sig) != 0 ||
            req->refresh != f->done_refresh || now - f->cur_ms[B_APPS] >= every) {
            const char *exp[UI_MAX_EXPAND];
            struct ui_apps_query q;
            unsigned budget = node_timeout(f->conn) > 1500 ? node_timeout(f->conn) - 1000 : 500;
            for (i = 0; i < req->n_expand; i++)
                exp[i] = req->expand[i];
            memset(&q, 0, sizeof(q));
            q.expand = exp;
            q.n_expand = req->n_expand;
            q.call_ms = 500;
            q.budget_ms = budget > 3000 ? 3000 : budget;
            snprintf(f->apps_sig, sizeof(f->apps_sig), "%s", sig);
            VIEW(B_APPS, struct ui_apps, got, collect_ui_apps(f->conn, a_, &f->po, &q, d_, e));
        }
    }
    if (req->want & UI_WANT_ETS)
        VIEW(B_ETS, struct ui_ets, got,
             collect_ui_ets(f->conn, a_, &f->po, req->ets_sort, 200, req->ets_filter, d_, e));
    if (req->want & UI_WANT_PORTS)
        VIEW(B_PORTS, struct ui_ports, got,
             collect_ui_ports(f->conn, a_, &f->po, req->port_sort, 200, d_, e));
    (void)got;
    f->done_refresh = req->refresh;
    if (f->conf.discover && (!f->last_discover || clock_ms() - f->last_discover >= 10000)) {
        struct ui_blob *b = blob_new(sizeof(struct ui_nodes));
        struct ui_nodes *d = b->data;
        int rc = collect_cluster_nodes(f->conn, &b->a, true, &d->names, &d->n, e);
        f->last_discover = clock_ms();
        if (rc) {
            blob_unref(b);
            if (fatal(rc))
                return rc;
        } else {
            set_blob(f, B_NODES, b);
        }
    }
    return 0;
}

/* One round: the counters and/or the view's data. */
static void run_round(struct ui_feed *f, const struct ui_req *req, unsigned gen, bool basic,
                      bool views)
{
    struct bp_err e;
    int64_t start = clock_ms(), mid, end, window = 0;
    bool asked = false;
    int rc = 0;

    memset(&e, 0, sizeof(e));
    arena_clear(&f->round);
    if (basic)
        rc = round_basic(f, &e);
    mid = clock_ms();
    if (basic) {
        f->b_start = start;
        f->b_busy = mid - start;
    }
    if (rc == 0 && views) {
        rc = round_views(f, req, &window, &asked, &e);
        end = clock_ms();
        f->v_start = mid;
        f->v_window = window;
        f->v_busy = end - mid - window > 0 ? end - mid - window : 0;
        f->done_gen = gen;
    }
    end = clock_ms();
    f->round_ms = end - start;
    if (rc == 0) {
        if (basic)
            f->taken_ms = mid;
        if (basic || asked)
            set_state(f, UI_LIVE, NULL);
    } else if (rc == BP_ENODEGONE) {
        lost(f, &e);
    } else if (rc == BP_EINTR) {
        return; /* a signal: the drawing thread stops us */
    } else {
        set_state(f, UI_SLOW, e.msg);
    }
    publish(f);
}

/* ---------------------------------------------------------------------
 * Dump (the process view's `d`, like `info --dump`)
 */

static const char *const dump_extra[] = { "backtrace", "binary", "last_calls",
                                          "sequential_trace_token" };

static int do_dump(struct ui_feed *f, const struct ui_req *req, struct bp_err *e)
{
    struct arena a = ARENA_INIT;
    const char *items[64];
    struct term *pid, *info = NULL;
    struct term_print_opts po = f->po;
    struct sbuf sb = SBUF_INIT;
    char iso[40];
    size_t i, n = 0;
    FILE *fp;
    int rc;

    for (i = 0; i < ui_proc_nitems && n < 60; i++)
        items[n++] = ui_proc_items[i];
    for (i = 0; i < sizeof(dump_extra) / sizeof(*dump_extra); i++)
        items[n++] = dump_extra[i];
    pid = term_pidv(&a, f->node, req->dump_pid.num, req->dump_pid.serial,
                    req->dump_pid.creation);
    rc = collect_proc_items(f->conn, &a, pid, items, n, &info, e);
    if (rc) {
        if (!fatal(rc))
            set_msg(f, true, "dump failed: %s", e->msg);
        goto out;
    }
    po.limit = -1;
    po.printable_limit = -1;
    po.max_len = 0;
    po.local_node = f->node;
    timestamp_iso(wall_ms(), iso, sizeof(iso));
    sbuf_addf(&sb, "%% beamprobe process dump\n%% node: %s\n%% target: ", f->node);
    term_print(&sb, pid, &po);
    sbuf_addf(&sb, "\n%% time: %s\n", iso);
    for (i = 0; info && info->kind == TERM_LIST && i < info->u.list.n; i++) {
        const struct term *kv = info->u.list.items[i], *k = term_elem(kv, 0);
        const struct term *v = term_elem(kv, 1);
        if (!k || k->kind != TERM_ATOM)
            continue;
        sbuf_addf(&sb, "%s: ", k->u.atom.name);
        if (strcmp(k->u.atom.name, "backtrace") == 0 && v && v->kind == TERM_BINARY) {
            sbuf_addch(&sb, '\n');
            sbuf_add(&sb, v->u.bin.data, v->u.bin.len);
        } else {
            term_print(&sb, v, &po);
        }
        sbuf_addch(&sb, '\n');
    }
    fp = fopen(req->dump_path, "w");
    if (!fp) {
        set_msg(f, true, "cannot write dump '%s': %s", req->dump_path, strerror(errno));
        goto out;
    }
    {
        bool bad = fwrite(sb.buf, 1, sb.len, fp) != sb.len;
        if (fclose(fp) != 0)
            bad = true;
        if (bad) {
            set_msg(f, true, "cannot write dump '%s': %s", req->dump_path, strerror(errno));
            goto out;
        }
    }
    set_msg(f, false, "full process info written to %s", req->dump_path);
out:
    sbuf_release(&sb);
    arena_release(&a);
    return fatal(rc) ? rc : 0;
}

/* ---------------------------------------------------------------------
 * Message types (the process view's `m`, like `trace --count-types`)
 */

static int by_count_desc(const void *x, const void *y)
{
    const struct trace_count *a = x, *b = y;
    return a->count < b->count ? 1 : a->count > b->count ? -1 : 0;
}

/*
 * Count the message types the process receives for UI_TYPES_MS with the
 * trace relay (limits enforced on the node, trace removed on every exit
 * path, an existing tracer never clobbered) and show the result as the
 * dashboard's message line.  The counters wait meanwhile.
 */
static int do_types(struct ui_feed *f, const struct ui_req *req, struct bp_err *e)
{
    struct arena a = ARENA_INIT;
    struct trace_opts o;
    struct trace_run run;
    struct term *pid;
    struct sbuf sb = SBUF_INIT;
    int64_t deadline;
    int rc;

    pid = term_pidv(&a, f->node, req->types_pid.num, req->types_pid.serial,
                    req->types_pid.creation);
    trace_opts_defaults(&o);
    o.pids = &pid;
    o.npids = 1;
    o.recv = true;
    o.send = false;
    o.mode = TRACE_COUNT;
    o.duration_ms = UI_TYPES_MS;
    o.max_events = UI_TYPES_MAX;
    rc = collect_trace_start(f->conn, &a, &o, &run, e);
    if (rc) {
        set_msg(f, true, "message types: %s", e->msg);
        goto out;
    }
    deadline = clock_ms() + UI_TYPES_MS + 2000;
    for (;;) {
        struct trace_batch b;
        rc = collect_trace_next(f->conn, &run, &a, deadline, &b, e);
        if (rc == BP_ETIMEDOUT) {
            collect_trace_stop(f->conn, &run, NULL);
            deadline = clock_ms() + node_timeout(f->conn);
            continue;
        }
        if (rc) {
            set_msg(f, true, "message types: %s", e->msg);
            goto out;
        }
        if (!b.done)
            continue;
        {
            double secs = b.stats.elapsed_ns > 0 ? (double)b.stats.elapsed_ns / 1e9 : 1;
            size_t i;
            qsort(b.stats.counts, b.stats.ncounts, sizeof(*b.stats.counts), by_count_desc);
            sbuf_addf(&sb, "message types in %.1f s (%lld received, %lld dropped)%s", secs,
                      (long long)b.stats.seen, (long long)b.stats.dropped,
                      b.stats.ncounts ? ":" : "");
            for (i = 0; i < b.stats.ncounts && i < 8; i++) {
                sbuf_addstr(&sb, i ? ", " : " ");
                msgtype_label(&sb, &b.stats.counts[i].type, f->po.syntax);
                sbuf_addf(&sb, " %lld (%.0f/s)", (long long)b.stats.counts[i].count,
                          (double)b.stats.counts[i].count / secs);
            }
            if (b.stats.ncounts > 8)
                sbuf_addf(&sb, ", +%zu more types", b.stats.ncounts - 8);
            set_msg(f, false, "%s", sbuf_str(&sb));
        }
        break;
    }
out:
    sbuf_release(&sb);
    arena_release(&a);
    return fatal(rc) ? rc : 0;
}

/* ---------------------------------------------------------------------
 * The thread
 */

static void feed_cleanup(struct ui_feed *f);

static void *feed_main(void *arg)
{
    struct ui_feed *f = arg;
    struct bp_err e;

    if (f->conn) {
        on_connected(f);
        publish(f);
    } else {
        set_state(f, UI_CONNECTING, "connecting");
        publish(f);
    }
    for (;;) {
        struct ui_req req;
        unsigned gen;
        bool stop;
        int64_t now, due;
        int rc;

        pthread_mutex_lock(&f->mu);
        stop = f->stop;
        req = f->req;
        gen = f->gen;
        pthread_mutex_unlock(&f->mu);
        if (stop)
            break;
        f->active = req;
        memset(&e, 0, sizeof(e));
        now = clock_ms();
        if (!f->conn) {
            if (now < f->next_connect)
                idle_wait(f, f->next_connect, &e);
            else
                try_connect(f);
            continue;
        }
        if (req.dump_seq != f->done_dump) {
            /* Only the feed of the process's node gets a path. */
            f->done_dump = req.dump_seq;
            if (req.dump_path[0]) {
                rc = do_dump(f, &req, &e);
                if (rc == BP_ENODEGONE)
                    lost(f, &e);
                publish(f);
                continue;
            }
        }
        if (req.types_seq != f->done_types) {
            /* Only the feed of the process's node counts. */
            f->done_types = req.types_seq;
            if (req.types_here) {
                rc = do_types(f, &req, &e);
                if (rc == BP_ENODEGONE)
                    lost(f, &e);
                publish(f);
                continue;
            }
        }
        if (req.paused) {
            if (!f->paused_published || gen != f->done_gen) {
                f->paused_published = true;
                f->done_gen = gen;
                publish(f);
            }
            if (idle_wait(f, now + 60000, &e) == BP_ENODEGONE) {
                lost(f, &e);
                publish(f);
            }
            continue;
        }
        f->paused_published = false;
        {
            /* Counters every interval; the view's data every interval too,
             * at once after a new request, and in both cases never closer
             * than five times the time the node spent on the last one. */
            int64_t nb = f->b_start ? f->b_start + gap(req.interval_ms, 0, f->b_busy) : now;
            int64_t nv = f->v_start ? f->v_start + gap(req.interval_ms, f->v_window, f->v_busy)
                                    : now;
            if (gen != f->done_gen && f->v_start)
                nv = f->v_start + gap(0, f->v_window, f->v_busy);
            due = nb < nv ? nb : nv;
            if (now < due) {
                if (idle_wait(f, due, &e) == BP_ENODEGONE) {
                    lost(f, &e);
                    publish(f);
                }
                continue;
            }
            run_round(f, &req, gen, now >= nb, now >= nv);
        }
        if (sig_pending()) {
            /* Interrupted: wait to be stopped, without spinning. */
            pthread_mutex_lock(&f->mu);
            stop = f->stop;
            pthread_mutex_unlock(&f->mu);
            if (!stop)
                idle_wait(f, clock_ms() + 200, &e);
        }
    }
    /* Leave the node as found: end the scheduler_wall_time guard now
     * (it would also end when the connection closes). */
    if (f->conn && f->guard)
        collect_swt_release(f->conn, f->guard, NULL);
    close_conn(f);
    pthread_mutex_lock(&f->mu);
    f->done = true;
    pthread_cond_broadcast(&f->done_cv);
    if (f->orphan) {
        pthread_mutex_unlock(&f->mu);
        feed_cleanup(f);
        return NULL;
    }
    pthread_mutex_unlock(&f->mu);
    return NULL;
}

int ui_feed_start(const struct ui_feed_conf *conf, struct ui_feed **out, struct bp_err *err)
{
    struct ui_feed *f = xcalloc(1, sizeof(*f));
    sigset_t set, old;
    int i, rc;

    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->done_cv, NULL);
    snprintf(f->node, sizeof(f->node), "%s", conf->node);
    f->conf = *conf;
    f->conf.node = f->node;
    f->conf.req = NULL;
    f->conn = conf->conn;
    f->conn_fd = -1;
    if (conf->req) {
        f->req = *conf->req;
        f->active = *conf->req;
        f->done_dump = conf->req->dump_seq;
        f->done_types = conf->req->types_seq;
        f->done_refresh = conf->req->refresh;
    }
    f->gen = 1;
    f->back = snap_new();
    f->mid = snap_new();
    f->spare = snap_new();
    arena_init(&f->round);
    arena_init(&f->keep);
    f->po = term_print_defaults;
    f->po.syntax = conf->syntax;
    if (pipe(f->wake) != 0) {
        f->wake[0] = f->wake[1] = -1;
        rc = bp_error(err, BP_EINTERNAL, "ui: cannot create a pipe: %s", strerror(errno));
        goto fail;
    }
    for (i = 0; i < 2; i++) {
        fcntl(f->wake[i], F_SETFL, fcntl(f->wake[i], F_GETFL) | O_NONBLOCK);
        fcntl(f->wake[i], F_SETFD, FD_CLOEXEC);
    }
    /* Signals go to the drawing thread, which polls the signal pipe. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGWINCH);
    sigaddset(&set, SIGTSTP);
    sigaddset(&set, SIGCONT);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    rc = pthread_create(&f->th, NULL, feed_main, f);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        rc = bp_error(err, BP_EINTERNAL, "ui: cannot start a thread: %s", strerror(rc));
        goto fail;
    }
    *out = f;
    return 0;
fail:
    f->done = true;
    feed_cleanup(f);
    return rc;
}

void ui_feed_request(struct ui_feed *f, const struct ui_req *r)
{
    pthread_mutex_lock(&f->mu);
    f->req = *r;
    f->gen++;
    pthread_mutex_unlock(&f->mu);
    if (f->wake[1] >= 0) {
        ssize_t w = write(f->wake[1], "r", 1);
        (void)w;
    }
}

bool ui_feed_take(struct ui_feed *f, struct ui_snap **cur)
{
    bool got = false;

    pthread_mutex_lock(&f->mu);
    if (!*cur) {
        *cur = f->spare;
        f->spare = NULL;
    }
    if (f->fresh) {
        struct ui_snap *t = f->mid;
        f->mid = *cur;
        *cur = t;
        f->fresh = false;
        got = true;
    }
    pthread_mutex_unlock(&f->mu);
    return got;
}

void ui_feed_stop(struct ui_feed *f)
{
    pthread_mutex_lock(&f->mu);
    f->stop = true;
    pthread_mutex_unlock(&f->mu);
    if (f->wake[1] >= 0) {
        ssize_t w = write(f->wake[1], "q", 1);
        (void)w;
    }
}

const char *ui_feed_node(const struct ui_feed *f)
{
    return f->node;
}

/* Wait until the thread is done or the deadline passes. */
static bool wait_done(struct ui_feed *f, int ms)
{
    struct timespec ts;
    bool done;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&f->mu);
    while (!f->done)
        if (pthread_cond_timedwait(&f->done_cv, &f->mu, &ts) != 0)
            break;
    done = f->done;
    pthread_mutex_unlock(&f->mu);
    return done;
}

static void feed_cleanup(struct ui_feed *f)
{
    int k;

    for (k = 0; k < B_COUNT; k++)
        set_blob(f, k, NULL);
    snap_free(f->back);
    snap_free(f->mid);
    snap_free(f->spare);
    arena_release(&f->round);
    arena_release(&f->keep);
    ui_rate_memo_release(&f->memo);
    free(f->rq);
    free(f->prev_active);
    free(f->prev_total);
    free(f->util);
    free(f->sched_ser);
    if (f->conn)
        node_close(f->conn);
    if (f->wake[0] >= 0) {
        close(f->wake[0]);
        close(f->wake[1]);
    }
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->done_cv);
    free(f);
}

void ui_feed_free(struct ui_feed *f, struct ui_snap **cur, int grace_ms)
{
    if (!f)
        return;
    ui_feed_stop(f);
    if (!wait_done(f, grace_ms)) {
        /* A call is in progress: cut the connection under it. */
        pthread_mutex_lock(&f->mu);
        if (f->conn_fd >= 0)
            shutdown(f->conn_fd, SHUT_RDWR);
        pthread_mutex_unlock(&f->mu);
        if (!wait_done(f, 1000)) {
            /* Still connecting somewhere: let the thread free itself. */
            bool done;
            pthread_mutex_lock(&f->mu);
            done = f->done;
            if (!done)
                f->orphan = true;
            pthread_mutex_unlock(&f->mu);
            if (!done) {
                /* The slot the drawing thread holds shares blobs with
                 * the running thread: leave it (we are exiting). */
                pthread_detach(f->th);
                if (cur)
                    *cur = NULL;
                return;
            }
        }
    }
    pthread_join(f->th, NULL);
    if (cur) {
        snap_free(*cur);
        *cur = NULL;
    }
    feed_cleanup(f);
}
