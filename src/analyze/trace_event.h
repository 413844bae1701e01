/* SPDX-License-Identifier: Apache-2.0 */
/*
 * trace_event.h - message trace events as plain values: their type (the
 * guide's MessageCounter classification), and how one is written as a
 * text line or a JSON object.
 *
 * Pure functions over terms already decoded (term/): no I/O, no node, so
 * the classification and the formatting are unit-tested without one.  The
 * same classification runs on the node for --count-types (as a match
 * specification in src/remote/trace_start.erl); msgtype_classify() is its C
 * twin, used to label streamed events, and msgtype_from_key() reads the
 * node's keys back.  Ownership: everything returned points into the terms
 * given (borrowed) or into the caller's sbuf.
 */
#ifndef BP_TRACE_EVENT_H
#define BP_TRACE_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "term/term.h"
#include "util/sbuf.h"

/* ---------------------------------------------------------------------
 * Message types
 */
enum msgtype_kind {
    MSGTYPE_STRUCT, /* a map with an atom __struct__: the struct's module */
    MSGTYPE_TAG,    /* a tuple whose first element is an atom: that atom */
    MSGTYPE_ATOM,   /* an atom: the atom */
    MSGTYPE_MAP,    /* any other map */
    MSGTYPE_BINARY, /* a binary (bitstrings are `other`) */
    MSGTYPE_LIST,   /* a list, proper or not, including [] */
    MSGTYPE_OTHER,  /* numbers, pids, refs, funs, other tuples ... */
    MSGTYPE_MORE    /* the node's bucket for types past its cap */
};

struct msgtype {
    enum msgtype_kind kind;
    const char *name; /* atom name for STRUCT, TAG, ATOM (borrowed); else NULL */
};

/*
 * The type of a message, as the guide's MessageCounter defines it
 * (message_type/1) with the catch-all split into map, binary, list and
 * other.  Never fails (NULL is `other`).
 */
void msgtype_classify(const struct term *msg, struct msgtype *out);

/*
 * Read a key the node counted under: {struct, S}, {tag, A}, {atom, A},
 * map, binary, list, other, {more}.  Returns 0, or BP_EDECODE for any
 * other shape (out is then `other`).
 */
int msgtype_from_key(const struct term *key, struct msgtype *out);

/* "struct", "tuple", "atom", "map", "binary", "list", "other", "more". */
const char *msgtype_kind_name(enum msgtype_kind k);

/*
 * The type as a person reads it in the given syntax: a struct's module
 * (Lasso.Events.RoutingDecision / 'Elixir.Lasso.Events.RoutingDecision'),
 * a tag or atom (:ping / ping), or the kind's name for the others
 * ("map", "binary", "list", "other", "other types").
 */
void msgtype_label(struct sbuf *out, const struct msgtype *t, enum term_syntax syntax);

/* ---------------------------------------------------------------------
 * Events
 */
enum trace_dir {
    TRACE_RECEIVE,     /* 'receive' */
    TRACE_SEND,        /* send */
    TRACE_SEND_NOPROC  /* send_to_non_existing_process */
};

struct trace_event {
    int64_t ts_ns;              /* the node's monotonic time, nanoseconds */
    const struct term *pid;     /* the traced process */
    enum trace_dir dir;
    const struct term *msg;     /* as received: cut down on the node when cut_from > 0 */
    const struct term *to;      /* the destination of a send, else NULL */
    int64_t cut_from;           /* 0, or the message's external size before it was cut */
};

/* "receive", "send", "send_to_non_existing_process" (the BEAM's tags). */
const char *trace_dir_name(enum trace_dir d);

/* Parse a direction tag; returns 0 or BP_EDECODE. */
int trace_dir_parse(const char *tag, enum trace_dir *out);

/*
 * How to write events.  who: the label of the traced process ("flooded
 * <0.93.0>"), or NULL to print its pid.
 */
struct trace_fmt {
    struct term_print_opts print; /* syntax, local node, limits of the message */
};

/*
 * "HH:MM:SS.uuuuuu" (UTC) for a wall time in nanoseconds since the epoch;
 * buf >= 20 bytes.  And the ISO 8601 form with microseconds,
 * "2026-11-26T00:24:55.123456Z"; buf >= 32 bytes.
 */
void trace_clock_us(int64_t wall_ns, char *buf, size_t n);
void trace_iso_us(int64_t wall_ns, char *buf, size_t n);

/*
 * One event as a text line (no newline):
 *   TIME  WHO  received  MESSAGE
 *   TIME  WHO  sent to PID  MESSAGE
 *   TIME  WHO  sent to PID (no such process)  MESSAGE
 * followed by "  [cut on the node from N bytes]" when it was cut.  The
 * message is printed with f->print (syntax, element and byte limits).
 */
void trace_event_text(struct sbuf *out, const struct trace_event *ev, int64_t wall_ns,
                      const char *who, const struct trace_fmt *f);

/*
 * One event as a JSON object: record "event", time (ISO, microseconds),
 * ts_ns (node monotonic), pid, process (who or null), direction, to,
 * type and kind (msgtype), message (term_json), text (the printed
 * message, with f's limits), cut_from (null when not cut).
 */
void trace_event_json(struct sbuf *out, const struct trace_event *ev, int64_t wall_ns,
                      const char *who, const struct trace_fmt *f);

#endif
