/* SPDX-License-Identifier: Apache-2.0 */
/*
 * trace_event.c - message types and event formatting; see trace_event.h.
 */
#include "analyze/trace_event.h"
#include "util/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------------
 * Message types
 */

void msgtype_classify(const struct term *msg, struct msgtype *out)
{
    out->name = NULL;
    out->kind = MSGTYPE_OTHER;
    if (!msg)
        return;
    switch (msg->kind) {
    case TERM_MAP: {
        const struct term *s = term_map_get(msg, "__struct__");
        if (s && s->kind == TERM_ATOM) {
            out->kind = MSGTYPE_STRUCT;
            out->name = s->u.atom.name;
        } else {
            out->kind = MSGTYPE_MAP;
        }
        return;
    }
    case TERM_TUPLE:
        if (msg->u.tuple.n > 0 && msg->u.tuple.items[0]->kind == TERM_ATOM) {
            out->kind = MSGTYPE_TAG;
            out->name = msg->u.tuple.items[0]->u.atom.name;
        }
        return;
    case TERM_ATOM:
        out->kind = MSGTYPE_ATOM;
        out->name = msg->u.atom.name;
        return;
    case TERM_BINARY:
        if (msg->u.bin.bits == 8)
            out->kind = MSGTYPE_BINARY;
        return;
    case TERM_LIST:
        out->kind = MSGTYPE_LIST;
        return;
    default:
        return;
    }
}

int msgtype_from_key(const struct term *key, struct msgtype *out)
{
    static const struct {
        const char *tag;
        enum msgtype_kind kind;
    } named[] = { { "struct", MSGTYPE_STRUCT }, { "tag", MSGTYPE_TAG }, { "atom", MSGTYPE_ATOM } },
      plain[] = { { "map", MSGTYPE_MAP }, { "binary", MSGTYPE_BINARY },
                  { "list", MSGTYPE_LIST }, { "other", MSGTYPE_OTHER } };
    size_t i;

    out->kind = MSGTYPE_OTHER;
    out->name = NULL;
    if (!key)
        return BP_EDECODE;
    if (key->kind == TERM_ATOM) {
        for (i = 0; i < sizeof(plain) / sizeof(*plain); i++)
            if (strcmp(key->u.atom.name, plain[i].tag) == 0) {
                out->kind = plain[i].kind;
                return 0;
            }
        return BP_EDECODE;
    }
    if (term_is_tagged(key, "more", 1)) {
        out->kind = MSGTYPE_MORE;
        return 0;
    }
    for (i = 0; i < sizeof(named) / sizeof(*named); i++)
        if (term_is_tagged(key, named[i].tag, 2)) {
            const struct term *n = term_elem(key, 1);
            if (!n || n->kind != TERM_ATOM)
                return BP_EDECODE;
            out->kind = named[i].kind;
            out->name = n->u.atom.name;
            return 0;
        }
    return BP_EDECODE;
}

const char *msgtype_kind_name(enum msgtype_kind k)
{
    switch (k) {
    case MSGTYPE_STRUCT: return "struct";
    case MSGTYPE_TAG: return "tuple";
    case MSGTYPE_ATOM: return "atom";
    case MSGTYPE_MAP: return "map";
    case MSGTYPE_BINARY: return "binary";
    case MSGTYPE_LIST: return "list";
    case MSGTYPE_MORE: return "more";
    default: return "other";
    }
}

void msgtype_label(struct sbuf *out, const struct msgtype *t, enum term_syntax syntax)
{
    switch (t->kind) {
    case MSGTYPE_STRUCT:
        if (t->name) {
            term_print_module(out, t->name, syntax);
            return;
        }
        break;
    case MSGTYPE_TAG:
    case MSGTYPE_ATOM:
        if (t->name) {
            term_print_atom(out, t->name, syntax);
            return;
        }
        break;
    case MSGTYPE_MORE:
        sbuf_addstr(out, "other types");
        return;
    default:
        break;
    }
    sbuf_addstr(out, msgtype_kind_name(t->kind));
}

/* ---------------------------------------------------------------------
 * Events
 */

const char *trace_dir_name(enum trace_dir d)
{
    switch (d) {
    case TRACE_SEND: return "send";
    case TRACE_SEND_NOPROC: return "send_to_non_existing_process";
    default: return "receive";
    }
}

int trace_dir_parse(const char *tag, enum trace_dir *out)
{
    if (!tag)
        return BP_EDECODE;
    if (strcmp(tag, "receive") == 0)
        *out = TRACE_RECEIVE;
    else if (strcmp(tag, "send") == 0)
        *out = TRACE_SEND;
    else if (strcmp(tag, "send_to_non_existing_process") == 0)
        *out = TRACE_SEND_NOPROC;
    else
        return BP_EDECODE;
    return 0;
}

/* Split a wall time in ns into calendar fields (UTC) and microseconds. */
static void split_time(int64_t wall_ns, struct tm *tm, int *us)
{
    int64_t secs = wall_ns / 1000000000, rem = wall_ns % 1000000000;
    time_t t;

    if (rem < 0) {
        rem += 1000000000;
        secs--;
    }
    t = (time_t)secs;
    gmtime_r(&t, tm);
    *us = (int)(rem / 1000);
}

void trace_clock_us(int64_t wall_ns, char *buf, size_t n)
{
    struct tm tm;
    int us;

    split_time(wall_ns, &tm, &us);
    snprintf(buf, n, "%02d:%02d:%02d.%06d", tm.tm_hour, tm.tm_min, tm.tm_sec, us);
}

void trace_iso_us(int64_t wall_ns, char *buf, size_t n)
{
    struct tm tm;
    int us;

    split_time(wall_ns, &tm, &us);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, us);
}

/* A pid (or any term) with small limits, for the who/to columns. */
static void small_term(struct sbuf *out, const struct term *t, const struct trace_fmt *f)
{
    struct term_print_opts o = f->print;
    o.limit = 8;
    o.max_len = 200;
    term_print(out, t, &o);
}

void trace_event_text(struct sbuf *out, const struct trace_event *ev, int64_t wall_ns,
                      const char *who, const struct trace_fmt *f)
{
    char clk[24];

    trace_clock_us(wall_ns, clk, sizeof(clk));
    sbuf_addstr(out, clk);
    sbuf_addstr(out, "  ");
    if (who)
        sbuf_addstr(out, who);
    else
        small_term(out, ev->pid, f);
    switch (ev->dir) {
    case TRACE_RECEIVE:
        sbuf_addstr(out, "  received  ");
        break;
    case TRACE_SEND:
    case TRACE_SEND_NOPROC:
        sbuf_addstr(out, "  sent to ");
        if (ev->to)
            small_term(out, ev->to, f);
        else
            sbuf_addch(out, '?');
        sbuf_addstr(out, ev->dir == TRACE_SEND_NOPROC ? " (no such process)  " : "  ");
        break;
    }
    term_print(out, ev->msg, &f->print);
    if (ev->cut_from > 0)
        sbuf_addf(out, "  [cut on the node from %" PRId64 " bytes]", ev->cut_from);
}

void trace_event_json(struct sbuf *out, const struct trace_event *ev, int64_t wall_ns,
                      const char *who, const struct trace_fmt *f)
{
    struct sbuf tmp = SBUF_INIT;
    struct msgtype mt;
    char iso[40];
    int first = 1;

    trace_iso_us(wall_ns, iso, sizeof(iso));
    sbuf_addch(out, '{');
    json_key(out, "record", &first);
    json_cstr(out, "event");
    json_key(out, "time", &first);
    json_cstr(out, iso);
    json_key(out, "ts_ns", &first);
    json_int(out, ev->ts_ns);
    json_key(out, "pid", &first);
    small_term(&tmp, ev->pid, f);
    json_cstr(out, sbuf_str(&tmp));
    json_key(out, "process", &first);
    json_cstr_or_null(out, who);
    json_key(out, "direction", &first);
    json_cstr(out, trace_dir_name(ev->dir));
    json_key(out, "to", &first);
    if (ev->to) {
        sbuf_reset(&tmp);
        small_term(&tmp, ev->to, f);
        json_cstr(out, sbuf_str(&tmp));
    } else {
        sbuf_addstr(out, "null");
    }
    msgtype_classify(ev->msg, &mt);
    json_key(out, "type", &first);
    sbuf_reset(&tmp);
    msgtype_label(&tmp, &mt, f->print.syntax);
    json_cstr(out, sbuf_str(&tmp));
    json_key(out, "kind", &first);
    json_cstr(out, msgtype_kind_name(mt.kind));
    json_key(out, "message", &first);
    term_json(out, ev->msg, &f->print);
    json_key(out, "text", &first);
    sbuf_reset(&tmp);
    term_print(&tmp, ev->msg, &f->print);
    json_cstr(out, sbuf_str(&tmp));
    json_key(out, "cut_from", &first);
    if (ev->cut_from > 0)
        json_int(out, ev->cut_from);
    else
        sbuf_addstr(out, "null");
    sbuf_addch(out, '}');
    sbuf_release(&tmp);
}
