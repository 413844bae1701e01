/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect.h - what is asked of the node, returned as plain C values.
 *
 * One collector per diagnostic.  Each states which BIFs it calls and what
 * it costs the node; none prints.  Process collectors use only
 * erlang:process_info/2 with explicit item lists: never `messages` (a copy
 * of a whole mailbox) unless the caller asks for a bounded number.
 */
#ifndef BP_COLLECT_H
#define BP_COLLECT_H

#include <stdbool.h>
#include <stdint.h>

#include "node/node.h"
#include "term/term.h"
#include "util/arena.h"

/* ---------------------------------------------------------------------
 * Targets (collect_target.c)
 */
struct target {
    const char *spec;   /* as typed */
    struct term *pid;   /* TERM_PID on the node */
    const char *label;  /* how to show it: the name or call as typed, or the pid */
};

/*
 * Resolve a TARGET: a pid (<0.1.0>, 0.1.0, #PID<0.1.0>), a registered name
 * (my_server, Foo.Bar, 'Elixir.Foo.Bar', {global, Name}, {via, Mod, Name})
 * or a call returning a pid or {ok, Pid} (mod:fun(Args), Mod.fun(args)).
 * Cost: none for a pid; one erlang:whereis/1 or the user's call otherwise.
 * BP_EUSAGE for malformed text, BP_ENOPROC when nothing is registered or
 * the call returns no pid.
 */
int collect_target(struct node_conn *c, struct arena *a, const char *spec,
                   struct target *out, struct bp_err *err);

/* ---------------------------------------------------------------------
 * Processes (collect_process.c)
 */
struct proc_gc {
    int64_t minor_gcs;
    int64_t fullsweep_after;
    int64_t min_heap_size;       /* words */
    int64_t min_bin_vheap_size;  /* words */
    int64_t max_heap_size;       /* words, 0 = no limit */
    bool max_heap_kill;
    bool max_heap_error_logger;
};

struct proc_sample {
    int64_t at_ms;               /* local monotonic time of the reading */
    int64_t memory;              /* bytes */
    int64_t heap_size;           /* words */
    int64_t stack_size;          /* words */
    int64_t total_heap_size;     /* words */
    int64_t message_queue_len;
    int64_t reductions;
    struct proc_gc gc;
    char message_queue_data[16]; /* on_heap | off_heap */
};

/*
 * Read the sample items of one process: one erlang:process_info/2 call
 * with 8 items (no message copying).  BP_ENOPROC if it is dead.
 */
int collect_proc_sample(struct node_conn *c, const struct term *pid,
                        struct proc_sample *out, struct bp_err *err);

/*
 * message_queue_len of many processes in one round trip; lens[i] = -1 for
 * a dead process.  Cost: one process_info/2 per pid, on the node.
 */
int collect_mailboxes(struct node_conn *c, struct term *const *pids, size_t n,
                      int64_t *lens, struct bp_err *err);

/*
 * process_info(Pid, Items) for arbitrary item names, as a proplist term in
 * arena a.  BP_ENOPROC if the process is dead.
 */
int collect_proc_items(struct node_conn *c, struct arena *a, const struct term *pid,
                       const char *const *items, size_t nitems, struct term **out,
                       struct bp_err *err);

/*
 * process_info(P, Items) of n processes in one call: *out is a list of n
 * proplists, `undefined` for a process that is dead.
 */
int collect_proc_info_many(struct node_conn *c, struct arena *a, struct term *const *pids,
                           size_t n, const char *const *items, size_t nitems,
                           struct term **out, struct bp_err *err);

/*
 * The first max_msgs messages of a process, only if its queue holds at
 * most max_queue messages (copying a long mailbox into another process is
 * what tips a struggling node over).  *queue_len receives the length; the
 * list (or NULL when refused) is in *out.  One erl_eval round trip.
 */
int collect_proc_messages(struct node_conn *c, struct arena *a, const struct term *pid,
                          int64_t max_msgs, int64_t max_queue, int64_t *queue_len,
                          struct term **out, struct bp_err *err);

/* Parse a garbage_collection proplist into *gc. */
void collect_parse_gc(const struct term *list, struct proc_gc *gc);

/* ---------------------------------------------------------------------
 * Top processes (collect_procs.c)
 */
enum top_key { TOP_MEMORY, TOP_MAILBOX, TOP_REDUCTIONS, TOP_HEAP, TOP_BINARY, TOP_GC };

struct top_row {
    const char *node;                  /* borrowed: the node's name */
    struct term *pid;
    int64_t score;                     /* the ranked value (or its growth) */
    int64_t memory, message_queue_len, reductions, total_heap_size;
    const struct term *registered_name; /* NULL when not registered */
    const struct term *initial_call;    /* {M, F, A} */
    const struct term *proc_lib_call;   /* $initial_call of proc_lib processes, or NULL */
    const struct term *label;           /* proc_lib label (OTP 27+), or NULL */
    const struct term *current_function;
};

struct top_result {
    struct top_row *rows;
    size_t n;
    int64_t process_count;   /* processes scanned */
    int64_t node_elapsed_us; /* time the ranking took on the node */
    int64_t window_ms;
};

/* Name of a key for --sort and the process_info item it reads. */
int top_key_parse(const char *s, enum top_key *out);
const char *top_key_name(enum top_key k);

/*
 * The n processes ranking highest by key (window_ms 0) or by the growth of
 * key over window_ms (recon's proc_count / proc_window), ranked on the node
 * by src/remote/rank_procs.erl.  Processes that die mid-scan are skipped.
 * Cost: one process_info/2 per process per snapshot on the node; only n
 * rows cross the wire.  The call's deadline is the window plus the
 * connection's timeout.
 */
int collect_top(struct node_conn *c, struct arena *a, enum top_key key, size_t n,
                int64_t window_ms, struct top_result *out, struct bp_err *err);

/* ---------------------------------------------------------------------
 * Node health (collect_node.c)
 */
struct node_memory {
    int64_t total, processes, processes_used, system, atom, atom_used, binary, code, ets;
};

struct node_stats {
    int64_t at_us;            /* node monotonic time of the reading */
    struct node_memory mem;
    int64_t process_count, process_limit, port_count, port_limit;
    int64_t atom_count, atom_limit, ets_count, ets_limit;
    int64_t reductions;       /* totals since boot */
    int64_t gcs, words_reclaimed;
    int64_t io_in, io_out;    /* bytes */
    int64_t context_switches;
    int64_t uptime_ms;
    int64_t *run_queues;      /* arena array: normal schedulers, then dirty cpu, dirty io */
    size_t n_run_queues;
};

/* Parse the proplist erlang:memory() returns into *m (missing: 0). */
void collect_parse_memory(const struct term *list, struct node_memory *m);

/*
 * The initial call proc_lib recorded for a process ($initial_call, as
 * proc_lib:translate_initial_call/1 returns it), or NULL when that is
 * proc_lib's answer for a process it did not start ({proc_lib, init_p, 5})
 * or not an {M, F, A}.
 */
const struct term *collect_proc_lib_call(const struct term *t);

/* One reading (src/remote/node_stats.erl).  Cost: a dozen BIFs. */
int collect_node_stats(struct node_conn *c, struct arena *a, struct node_stats *out,
                       struct bp_err *err);

/* ---------------------------------------------------------------------
 * Schedulers (collect_sched.c)
 */
struct sched_sample {
    int64_t at_us;
    int64_t *run_queues;      /* schedulers normal..., dirty cpu, dirty io */
    size_t n_run_queues;
    int schedulers, schedulers_online, dirty_cpu, dirty_cpu_online, dirty_io;
    /* scheduler_wall_time_all, indexed by scheduler id - 1; NULL if off */
    int64_t *active, *total;
    size_t n_wall;
};

int collect_sched_sample(struct node_conn *c, struct arena *a, struct sched_sample *out,
                         struct bp_err *err);

/*
 * Keep scheduler_wall_time enabled on the node through a guard process
 * (src/remote/swt_guard.erl) that exits, restoring the previous state, on
 * collect_swt_release, when beamprobe's connection goes away, or after
 * max_ms (< 0: no limit).  *guard receives its pid (in arena a).
 */
int collect_swt_acquire(struct node_conn *c, struct arena *a, int64_t max_ms,
                        struct term **guard, struct bp_err *err);
int collect_swt_release(struct node_conn *c, const struct term *guard, struct bp_err *err);

/* ---------------------------------------------------------------------
 * Clusters (collect_cluster.c)
 */

/*
 * The names of the nodes the entry node is connected to (visible, and
 * hidden ones too when hidden is true), without beamprobe's own names;
 * the entry node first.
 */
int collect_cluster_nodes(struct node_conn *entry, struct arena *a, bool hidden, const char ***names,
                          size_t *n, struct bp_err *err);

#endif
