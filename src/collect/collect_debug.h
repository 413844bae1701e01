/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_debug.h - collectors for debugging and production monitoring:
 * stuck processes, leak series, telemetry relay, doctor's scan, export.
 *
 * Same rules as collect.h: each states which BIFs it calls and what it
 * costs the node; none prints; results are plain C values in the caller's
 * arena.  Work over all processes runs on the node with compiled library
 * functions (src/remote/stuck_all.erl, doctor_scan.erl); helper processes
 * on the node (the stuck probe, the telemetry relay) are bounded in time
 * and remove what they set up on every exit path.
 */
#ifndef BP_COLLECT_DEBUG_H
#define BP_COLLECT_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

#include "analyze/stuck.h"
#include "collect/collect.h"

/* ---------------------------------------------------------------------
 * Stuck processes (collect_stuck.c)
 */
enum stuck_probe_mode { STUCK_PROBE_AUTO, STUCK_PROBE_ALWAYS, STUCK_PROBE_NEVER };

struct stuck_point {
    int64_t at_us;                       /* since the first sample */
    const char *status;                  /* running, waiting, ... */
    const struct term *current_function; /* {M, F, A} */
    int64_t message_queue_len, reductions, memory;
};

struct stuck_one {
    struct stuck_point *points;
    size_t n;
    bool died;                         /* it died during the window */
    const struct term *stack_start;    /* current_stacktrace frames, or NULL */
    const struct term *stack_end;
    const struct term *registered_name; /* NULL when not registered */
    const struct term *initial_call;
    char message_queue_data[16];
    int64_t total_heap_size, heap_size; /* words */
    struct proc_gc gc;
    bool otp;                          /* answers OTP system messages */
    enum stuck_probe probe;
    int64_t probe_us;
    const struct term *reply;          /* the --call reply, or NULL */
    const struct term *down_reason;    /* PROBE_DOWN: why */
    int64_t step_ms;
};

/*
 * One process over window_ms: `samples` readings of status,
 * current_function, message_queue_len, reductions and memory, the
 * stacktrace at both ends, and a bounded responsiveness probe
 * (src/remote/stuck_one.erl).  request: NULL for the system-message probe,
 * else the term of a gen_server call.  Blocks for about
 * max(window, probe timeout).  BP_ENOPROC if the process is dead at the
 * start.  Cost: see stuck_one.erl.
 */
int collect_stuck_one(struct node_conn *c, struct arena *a, const struct term *pid,
                      int64_t window_ms, int samples, enum stuck_probe_mode mode,
                      const struct term *request, int64_t probe_timeout_ms,
                      struct stuck_one *out, struct bp_err *err);

struct stuck_row {
    const char *node;                  /* borrowed */
    struct term *pid;
    int64_t mq0, mq2, reds_delta;
    const char *status[3];             /* start, middle, end */
    const struct term *cf[3];
    const struct term *registered_name, *initial_call, *proc_lib_call;
    const struct term *stack;          /* frames at the end */
    int64_t memory;
    char message_queue_data[16];
    bool otp;
    enum stuck_probe probe;            /* set by collect_stuck_probe */
    int64_t probe_us;
};

struct stuck_all {
    struct stuck_row *rows;
    size_t n;
    int64_t process_count, elapsed_us, window_us;
};

/*
 * Candidates for stuck processes over window_ms, at most max_rows of them
 * (src/remote/stuck_all.erl).  Cost: 12 process_info/2 per process on the
 * node; only the candidates cross the wire.
 */
int collect_stuck_all(struct node_conn *c, struct arena *a, int64_t window_ms,
                      size_t max_rows, struct stuck_all *out, struct bp_err *err);

/*
 * Probe rows[i] for i in idx[0..n) at once (src/remote/stuck_probe.erl),
 * filling their probe and probe_us.  Blocks about timeout_ms.
 */
int collect_stuck_probe(struct node_conn *c, struct stuck_row *rows, const size_t *idx,
                        size_t n, int64_t timeout_ms, struct bp_err *err);

/* ---------------------------------------------------------------------
 * Leak series (collect_leak.c)
 */
struct leak_proc_point {
    bool alive;
    int64_t memory;          /* bytes */
    int64_t bin_words;       /* refc binaries referenced (bin_vheap + old), words */
    int64_t message_queue_len;
    int64_t total_heap_size; /* words */
    int64_t used_words;      /* heap in use: young + old + heap fragments, words */
};

struct leak_reading {
    int64_t at_us;            /* node monotonic time */
    struct node_memory mem;   /* erlang:memory() */
    struct leak_proc_point *procs;
    size_t n;
};

/*
 * One reading of node memory and of each pid (src/remote/leak_sample.erl).
 * Cost: erlang:memory/0 and one process_info/2 of 4 items per pid.
 */
int collect_leak_sample(struct node_conn *c, struct arena *a, struct term *const *pids,
                        size_t n, struct leak_reading *out, struct bp_err *err);


/* ---------------------------------------------------------------------
 * Telemetry relay (collect_telemetry.c)
 */
enum tm_meta { TM_META_ALL, TM_META_NONE, TM_META_KEY };

struct tm_opts {
    int64_t max;          /* stop after this many forwarded events; 0: no limit */
    int64_t rate;         /* forwarded per second per event; 0: no limit */
    int64_t max_ms;       /* hard time limit on the node */
    enum tm_meta meta;
    const char *meta_key; /* TM_META_KEY */
    int64_t meta_bytes;   /* larger metadata is reduced to its keys */
    int64_t batch_ms;
    int64_t heap_words;   /* the relay's max_heap_size */
};

struct tm_session {
    struct term *guard;   /* the relay process on the node */
    size_t *slot_event;   /* slot (1-based, from the node) - 1 -> index of the event asked */
    size_t nslots;
    const struct term *missing; /* event names whose atoms do not exist */
};

/*
 * Attach the relay (src/remote/telemetry_attach.erl) for events: a list
 * term of lists of binaries (segments).  Errors: BP_EUNSUPPORTED "the node
 * does not run the telemetry library", BP_EUSAGE for events or a metadata
 * key no loaded code can emit, BP_EBADRPC when attaching failed.
 */
int collect_telemetry_attach(struct node_conn *c, struct arena *a, struct term *events,
                             const struct tm_opts *o, struct tm_session *out,
                             struct bp_err *err);

/* Ask the relay to detach and send its last batch (it also detaches by
 * itself when the connection goes away). */
int collect_telemetry_stop(struct node_conn *c, const struct tm_session *s, struct bp_err *err);

struct tm_event {
    int64_t system_time_us;
    size_t event;                      /* index of the event asked */
    const struct term *measurements;
    const struct term *metadata;
};

enum tm_msg_kind { TM_MSG_OTHER, TM_MSG_BATCH, TM_MSG_DONE };

struct tm_msg {
    enum tm_msg_kind kind;
    bool final;                 /* the relay's last batch */
    int64_t seq;
    struct tm_event *events;
    size_t n;
    int64_t *totals;            /* per slot: events seen so far (exact) */
    size_t ntotals;
    int64_t lost;               /* could not be sent (busy distribution) */
    const struct term *reason;  /* TM_MSG_DONE: why the relay ended */
};

/* Classify and decode a message received from the relay of session s. */
void collect_telemetry_decode(const struct term *msg, const struct tm_session *s,
                              struct arena *a, struct tm_msg *out);

/*
 * The handlers attached on the node under prefix (a list of binaries), at
 * most max rows {EventName, Id, Function} (src/remote/telemetry_list.erl).
 */
int collect_telemetry_list(struct node_conn *c, struct arena *a, struct term *prefix,
                           int64_t max, int64_t *total, const struct term **rows,
                           struct bp_err *err);

/* ---------------------------------------------------------------------
 * Doctor's scan (collect_doctor.c)
 */
struct doctor_reading {
    int64_t at_us;
    int64_t *run_queues;     /* normal schedulers, dirty cpu, dirty io */
    size_t n_run_queues;
    struct node_memory mem;  /* total, processes, system, atom, binary, code, ets */
    int64_t *active, *total; /* scheduler_wall_time by id - 1, NULL when off */
    size_t n_wall;
};

struct doctor_proc {
    const char *node;                  /* borrowed */
    struct term *pid;
    const struct term *registered_name, *initial_call, *proc_lib_call, *current_function;
    int64_t memory, message_queue_len, total_heap_size; /* at the end of the scan */
    double minor_gcs_per_sec;          /* over the window; 0 if not in the GC top */
    bool on_heap;                      /* message_queue_data = on_heap */
};

struct doctor_scan {
    int64_t process_count, elapsed_us, gc_window_us;
    int schedulers_online;
    struct doctor_reading *readings;
    size_t nreadings;
    struct doctor_proc *procs;         /* every process in some top list */
    size_t nprocs;
    size_t *top_mailbox, *top_memory, *top_gc; /* indices into procs, largest first */
    size_t n_mailbox, n_memory, n_gc;
};

/*
 * Everything doctor checks over window_ms (src/remote/doctor_scan.erl):
 * steps + 1 node readings, GCs per second, the n largest mailboxes, memory
 * and GC rates.  Cost: 4 process_info/2 per process; blocks window_ms plus
 * the scan.
 */
int collect_doctor_scan(struct node_conn *c, struct arena *a, int64_t window_ms, int steps,
                        size_t n, struct doctor_scan *out, struct bp_err *err);

/* ---------------------------------------------------------------------
 * Export (collect_export.c)
 */
struct export_proc {
    bool alive;
    int64_t message_queue_len, memory, heap_size, total_heap_size, reductions;
    int64_t minor_gcs;
};

/*
 * The export items of each pid in one round trip (src/remote/
 * proc_info_many.erl with 6 items).  Cost: one process_info/2 per pid.
 */
int collect_export_procs(struct node_conn *c, struct term *const *pids, size_t n,
                         struct export_proc *out, struct bp_err *err);

#endif
