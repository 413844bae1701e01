/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_trace_event.c - the guide's message-type classification (and the
 * node's keys read back), type labels in both syntaxes, and trace events
 * written as text lines and JSON objects.
 */
#include "analyze/trace_event.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

static struct term *parse(struct arena *a, const char *src, enum term_syntax syn)
{
    struct term *t = NULL;
    struct bp_err err = { 0, "" };
    if (term_parse(a, src, syn, 0, &t, &err) != 0)
        unit_fail(__FILE__, __LINE__, "parse of '%s' failed: %s", src, err.msg);
    return t;
}

/* "kind label" of a message, in syntax syn. */
static const char *classify(const char *src, enum term_syntax in, enum term_syntax out)
{
    static char buf[256];
    struct arena a = ARENA_INIT;
    struct sbuf sb = SBUF_INIT;
    struct msgtype mt;

    msgtype_classify(parse(&a, src, in), &mt);
    msgtype_label(&sb, &mt, out);
    snprintf(buf, sizeof(buf), "%s %s", msgtype_kind_name(mt.kind), sbuf_str(&sb));
    sbuf_release(&sb);
    arena_release(&a);
    return buf;
}

#define ERL TERM_SYNTAX_ERLANG
#define EX TERM_SYNTAX_ELIXIR

TEST(msgtype_classify_guide_rules)
{
    ASSERT_STREQ(classify("%Lasso.Events.RoutingDecision{id: 1}", EX, EX),
                 "struct Lasso.Events.RoutingDecision");
    ASSERT_STREQ(classify("%Lasso.Events.RoutingDecision{id: 1}", EX, ERL),
                 "struct 'Elixir.Lasso.Events.RoutingDecision'");
    ASSERT_STREQ(classify("{ping, 1}", ERL, ERL), "tuple ping");
    ASSERT_STREQ(classify("{ping, 1}", ERL, EX), "tuple :ping");
    ASSERT_STREQ(classify("{'$gen_call', {x, y}, req}", ERL, ERL), "tuple '$gen_call'");
    ASSERT_STREQ(classify("stale_check", ERL, EX), "atom :stale_check");
    ASSERT_STREQ(classify("#{a => 1}", ERL, ERL), "map map");
    ASSERT_STREQ(classify("#{'__struct__' => 1}", ERL, ERL), "map map"); /* not an atom */
    ASSERT_STREQ(classify("<<\"bin\">>", ERL, ERL), "binary binary");
    ASSERT_STREQ(classify("<<1:3>>", ERL, ERL), "other other");   /* a bitstring */
    ASSERT_STREQ(classify("[1, 2]", ERL, ERL), "list list");
    ASSERT_STREQ(classify("[]", ERL, ERL), "list list");
    ASSERT_STREQ(classify("\"chars\"", ERL, ERL), "list list");
    ASSERT_STREQ(classify("{1, 2}", ERL, ERL), "other other");    /* untagged tuple */
    ASSERT_STREQ(classify("{}", ERL, ERL), "other other");
    ASSERT_STREQ(classify("42", ERL, ERL), "other other");
    ASSERT_STREQ(classify("<0.1.0>", ERL, ERL), "other other");
}

TEST(msgtype_from_node_keys)
{
    struct arena a = ARENA_INIT;
    struct msgtype mt;

    ASSERT_OK(msgtype_from_key(parse(&a, "{struct, 'Elixir.Foo'}", ERL), &mt));
    ASSERT_EQ(mt.kind, MSGTYPE_STRUCT);
    ASSERT_STREQ(mt.name, "Elixir.Foo");
    ASSERT_OK(msgtype_from_key(parse(&a, "{tag, ping}", ERL), &mt));
    ASSERT_EQ(mt.kind, MSGTYPE_TAG);
    ASSERT_OK(msgtype_from_key(parse(&a, "{atom, map}", ERL), &mt));
    ASSERT_EQ(mt.kind, MSGTYPE_ATOM); /* the atom `map`, not a map */
    ASSERT_STREQ(mt.name, "map");
    ASSERT_OK(msgtype_from_key(parse(&a, "map", ERL), &mt));
    ASSERT_EQ(mt.kind, MSGTYPE_MAP);
    ASSERT_OK(msgtype_from_key(parse(&a, "binary", ERL), &mt));
    ASSERT_EQ(mt.kind, MSGTYPE_BINARY);
    ASSERT_OK(msgtype_from_key(parse(&a, "list", ERL), &mt));
    ASSERT_EQ(mt.kind, MSGTYPE_LIST);
    ASSERT_OK(msgtype_from_key(parse(&a, "other", ERL), &mt));
    ASSERT_EQ(mt.kind, MSGTYPE_OTHER);
    ASSERT_OK(msgtype_from_key(parse(&a, "{more}", ERL), &mt));
    ASSERT_EQ(mt.kind, MSGTYPE_MORE);
    ASSERT_ERR(msgtype_from_key(parse(&a, "{tag, 1}", ERL), &mt), BP_EDECODE);
    ASSERT_ERR(msgtype_from_key(parse(&a, "banana", ERL), &mt), BP_EDECODE);
    ASSERT_ERR(msgtype_from_key(parse(&a, "{struct, x, y}", ERL), &mt), BP_EDECODE);
    ASSERT_ERR(msgtype_from_key(NULL, &mt), BP_EDECODE);
    arena_release(&a);
}

TEST(trace_dir_names)
{
    enum trace_dir d;
    ASSERT_OK(trace_dir_parse("receive", &d));
    ASSERT_EQ(d, TRACE_RECEIVE);
    ASSERT_OK(trace_dir_parse("send_to_non_existing_process", &d));
    ASSERT_EQ(d, TRACE_SEND_NOPROC);
    ASSERT_STREQ(trace_dir_name(TRACE_SEND), "send");
    ASSERT_ERR(trace_dir_parse("call", &d), BP_EDECODE);
}

TEST(trace_clock_formats)
{
    char b[40];
    /* 2026-11-26T00:24:55.123456Z */
    int64_t t = 1795652695123456789LL;
    trace_clock_us(t, b, sizeof(b));
    ASSERT_STREQ(b, "00:24:55.123456");
    trace_iso_us(t, b, sizeof(b));
    ASSERT_STREQ(b, "2026-11-26T00:24:55.123456Z");
    trace_iso_us(0, b, sizeof(b));
    ASSERT_STREQ(b, "1970-01-01T00:00:00.000000Z");
}

static struct trace_fmt fmt(enum term_syntax syn)
{
    struct trace_fmt f;
    f.print = term_print_defaults;
    f.print.syntax = syn;
    f.print.limit = 5;
    f.print.max_len = 120;
    return f;
}

TEST(trace_event_text_lines)
{
    struct arena a = ARENA_INIT;
    struct sbuf sb = SBUF_INIT;
    struct trace_fmt f = fmt(ERL);
    struct trace_event ev = { 0 };
    int64_t t = 1795652695123456789LL;

    ev.pid = parse(&a, "<0.93.0>", ERL);
    ev.dir = TRACE_RECEIVE;
    ev.msg = parse(&a, "{ping, 1}", ERL);
    trace_event_text(&sb, &ev, t, "agg <0.93.0>", &f);
    ASSERT_STREQ(sbuf_str(&sb), "00:24:55.123456  agg <0.93.0>  received  {ping,1}");

    sbuf_reset(&sb);
    ev.dir = TRACE_SEND;
    ev.to = parse(&a, "<0.95.0>", ERL);
    trace_event_text(&sb, &ev, t, NULL, &f);
    ASSERT_STREQ(sbuf_str(&sb), "00:24:55.123456  <0.93.0>  sent to <0.95.0>  {ping,1}");

    sbuf_reset(&sb);
    ev.dir = TRACE_SEND_NOPROC;
    trace_event_text(&sb, &ev, t, NULL, &f);
    ASSERT_STREQ(sbuf_str(&sb),
                 "00:24:55.123456  <0.93.0>  sent to <0.95.0> (no such process)  {ping,1}");

    /* Limits and the cut mark. */
    sbuf_reset(&sb);
    ev.dir = TRACE_RECEIVE;
    ev.msg = parse(&a, "{big, [1,2,3,4,5,6,7,8,9,10], '...'}", ERL);
    ev.cut_from = 1048600;
    trace_event_text(&sb, &ev, t, NULL, &f);
    ASSERT_STREQ(sbuf_str(&sb), "00:24:55.123456  <0.93.0>  received  "
                                "{big,[1,2,3,4,5|...],'...'}  "
                                "[cut on the node from 1048600 bytes]");

    /* Elixir syntax. */
    sbuf_reset(&sb);
    f = fmt(EX);
    ev.cut_from = 0;
    ev.msg = parse(&a, "%Lasso.Events.RoutingDecision{id: 1}", EX);
    trace_event_text(&sb, &ev, t, NULL, &f);
    ASSERT_STREQ(sbuf_str(&sb), "00:24:55.123456  #PID<0.93.0>  received  "
                                "%Lasso.Events.RoutingDecision{id: 1}");
    sbuf_release(&sb);
    arena_release(&a);
}

TEST(trace_event_json_object)
{
    struct arena a = ARENA_INIT;
    struct sbuf sb = SBUF_INIT;
    struct trace_fmt f = fmt(EX);
    struct trace_event ev = { 0 };

    ev.ts_ns = -576460751;
    ev.pid = parse(&a, "<0.93.0>", ERL);
    ev.dir = TRACE_SEND;
    ev.to = parse(&a, "<0.95.0>", ERL);
    ev.msg = parse(&a, "{:pong, \"é\"}", EX);
    trace_event_json(&sb, &ev, 1795652695123456789LL, "agg", &f);
    ASSERT_STREQ(sbuf_str(&sb),
                 "{\"record\":\"event\",\"time\":\"2026-11-26T00:24:55.123456Z\","
                 "\"ts_ns\":-576460751,\"pid\":\"#PID<0.93.0>\",\"process\":\"agg\","
                 "\"direction\":\"send\",\"to\":\"#PID<0.95.0>\",\"type\":\":pong\","
                 "\"kind\":\"tuple\",\"message\":[\"pong\",\"é\"],"
                 "\"text\":\"{:pong, \\\"é\\\"}\",\"cut_from\":null}");
    sbuf_release(&sb);
    arena_release(&a);
}
