/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_term_parse.c - unit tests for term_parse, term_detect_syntax,
 * term_parse_call and term_parse_pid: the literal forms of both languages,
 * load-template generators, and the errors (with columns) and limits that
 * keep hostile text from hurting (depth, size).
 */
#include "term/term.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERL TERM_SYNTAX_ERLANG
#define EX TERM_SYNTAX_ELIXIR
#define AUTO TERM_SYNTAX_AUTO

/* Parse src and print the result in Erlang syntax (unlimited). */
static const char *parsed(const char *src, enum term_syntax syn, unsigned flags)
{
    static char buf[4096];
    struct arena a = ARENA_INIT;
    struct bp_err err = { 0, "" };
    struct term_print_opts o = term_print_defaults;
    struct sbuf sb = SBUF_INIT;
    struct term *t;

    o.limit = -1;
    if (term_parse(&a, src, syn, flags, &t, &err) != 0) {
        snprintf(buf, sizeof(buf), "error: %s", err.msg);
    } else {
        term_print(&sb, t, &o);
        snprintf(buf, sizeof(buf), "%s", sbuf_str(&sb));
    }
    sbuf_release(&sb);
    arena_release(&a);
    return buf;
}

#define P(src, syn, want) ASSERT_STREQ(parsed(src, syn, 0), want)
#define PT(src, syn, want) ASSERT_STREQ(parsed(src, syn, TERM_PARSE_TEMPLATES), want)

TEST(parse_integers)
{
    P("42", ERL, "42");
    P("-42", ERL, "-42");
    P("- 42", ERL, "-42");
    P("1_000_000", ERL, "1000000");
    P("16#FF", ERL, "255");
    P("2#1010", ERL, "10");
    P("36#zz", ERL, "1295");
    P("0xFF", EX, "255");
    P("0b1010", EX, "10");
    P("0o17", EX, "15");
    P("9223372036854775807", ERL, "9223372036854775807");
    P("9223372036854775808", ERL, "9223372036854775808");
    P("-9223372036854775808", ERL, "-9223372036854775808");
    P("123456789012345678901234567890", EX, "123456789012345678901234567890");
    P("16#FFFFFFFFFFFFFFFFFFFF", ERL, "1208925819614629174706175");
    P("$a", ERL, "97");
    P("$\\n", ERL, "10");
    P("$\\x{1F600}", ERL, "128512");
    P("$\xc3\xa9", ERL, "233");
    P("?a", EX, "97");
    P("?\\n", EX, "10");
    {
        struct arena a = ARENA_INIT;
        struct term *t;
        ASSERT_OK(term_parse(&a, "-9223372036854775808", ERL, 0, &t, NULL));
        ASSERT_EQ(t->kind, TERM_INT);
        ASSERT_OK(term_parse(&a, "9223372036854775808", ERL, 0, &t, NULL));
        ASSERT_EQ(t->kind, TERM_BIG);
        arena_release(&a);
    }
}

TEST(parse_floats)
{
    P("1.5", ERL, "1.5");
    P("-0.5", ERL, "-0.5");
    P("1.0e3", ERL, "1.0e3");
    P("1.0E-3", ERL, "0.001");
    P("1_000.5", EX, "1000.5");
    P("0.1", EX, "0.1");
    ASSERT(strstr(parsed("1.0e999", ERL, 0), "error: float out of range at column 1"));
}

TEST(parse_atoms)
{
    P("foo", ERL, "foo");
    P("node@host", ERL, "node@host");
    P("'foo bar'", ERL, "'foo bar'");
    P("'a\\'b\\n'", ERL, "'a\\'b\\n'");
    P("'Elixir.Foo'", ERL, "'Elixir.Foo'");
    P(":foo", EX, "foo");
    P(":foo?", EX, "'foo?'");
    P(":\"foo bar\"", EX, "'foo bar'");
    P(":'foo bar'", EX, "'foo bar'");
    P(":+", EX, "'+'");
    P(":\\\\", EX, "'\\\\\\\\'");
    P(":\"a\\x01b\"", EX, "'a\\001b'");
    P("Foo.Bar", EX, "'Elixir.Foo.Bar'");
    P("Elixir.Foo", EX, "'Elixir.Foo'");
    P("Elixir", EX, "'Elixir'");
    P("nil", EX, "nil");
    P("true", EX, "true");
    P("false", ERL, "false");
    ASSERT(strstr(parsed("foo", EX, 0), "Elixir atoms are written :foo"));
    ASSERT(strstr(parsed("Foo", ERL, 0), "unexpected variable 'Foo' at column 1"));
    ASSERT(strstr(parsed(":\"\\xff\"", EX, 0), "error"));
}

TEST(parse_strings)
{
    P("\"abc\"", ERL, "\"abc\"");
    P("\"\"", ERL, "[]");
    P("\"abc\"", EX, "<<\"abc\">>");
    P("\"\"", EX, "<<>>");
    P("\"a\\tb\\\\\\\"\"", EX, "<<\"a\\tb\\\\\\\"\">>");
    P("\"\\x41\\x{42}\"", ERL, "\"AB\"");
    P("\"\\101\"", ERL, "\"A\"");
    P("\"\\xff\"", EX, "<<255>>");
    P("\"\\u00e9\"", EX, "<<\"\xc3\xa9\"/utf8>>");
    P("\"\\u{1F600}\"", EX, "<<\"\xf0\x9f\x98\x80\"/utf8>>");
    P("\"\xc3\xa9\"", ERL, "\"\xc3\xa9\"");
    P("\"\xc3\xa9\"", EX, "<<\"\xc3\xa9\"/utf8>>");
    P("'abc'", EX, "\"abc\"");
    P("~c\"abc\"", EX, "\"abc\"");
    P("~c'a\"b'", EX, "\"a\\\"b\"");
    P("\"a\\#{b}\"", EX, "<<\"a#{b}\">>");
    P("\"a#{b}\"", ERL, "\"a#{b}\"");
    ASSERT_STREQ(parsed("\"a#{b}\"", EX, 0),
                 "error: string interpolation is not supported at column 3");
    ASSERT_STREQ(parsed("\"abc", ERL, 0), "error: unterminated string at column 1");
    ASSERT_STREQ(parsed("\"\\x{110000}\"", ERL, 0),
                 "error: escape is not a valid character at column 2");
    ASSERT_STREQ(parsed("\"\xff\"", ERL, 0), "error: invalid UTF-8 at column 2");
}

TEST(parse_binaries)
{
    P("<<>>", ERL, "<<>>");
    P("<<1,2,3>>", ERL, "<<1,2,3>>");
    P("<<\"abc\">>", ERL, "<<\"abc\">>");
    P("<<\"abc\", 0>>", ERL, "<<97,98,99,0>>");
    P("<<\"\xc3\xa9\">>", ERL, "<<233>>");
    P("<<\"\xc3\xa9\"/utf8>>", ERL, "<<\"\xc3\xa9\"/utf8>>");
    P("<<\"\xc3\xa9\">>", EX, "<<\"\xc3\xa9\"/utf8>>");
    P("<<1:3>>", ERL, "<<1:3>>");
    P("<<1,2:3>>", ERL, "<<1,2:3>>");
    P("<<256:16>>", ERL, "<<1,0>>");
    P("<<256:16/little>>", ERL, "<<0,1>>");
    P("<<-1:8>>", ERL, "<<255>>");
    P("<<-1:12>>", ERL, "<<255,15:4>>");
    P("<<1:128>>", ERL, "<<0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1>>");
    P("<<$a/utf8>>", ERL, "<<\"a\">>");
    P("<<233/utf8>>", ERL, "<<\"\xc3\xa9\"/utf8>>");
    P("<<1, 2::size(3)>>", EX, "<<1,2:3>>");
    P("<<1::4, 2::4>>", EX, "<<18>>");
    P("<<?a, \"bc\"::binary>>", EX, "<<\"abc\">>");
    ASSERT(strstr(parsed("<<1:0>>", ERL, 0), "unsupported segment size"));
    ASSERT(strstr(parsed("<<1:100000>>", ERL, 0), "unsupported segment size"));
    ASSERT(strstr(parsed("<<1/float>>", ERL, 0), "unsupported binary segment type"));
    ASSERT(strstr(parsed("<<a>>", ERL, 0), "unexpected 'a'"));
}

TEST(parse_binary_budget)
{
    /* Many maximal segments: refused at 4 MiB instead of eating memory. */
    size_t n = 600, i, k = 0;
    char *src = malloc(n * 16 + 16);
    struct arena a = ARENA_INIT;
    struct bp_err err;
    struct term *t;

    src[k++] = '[';
    for (i = 0; i < n; i++)
        k += (size_t)sprintf(src + k, "%s<<0:65536>>", i ? "," : "");
    src[k++] = ']';
    src[k] = '\0';
    ASSERT_ERR(term_parse(&a, src, ERL, 0, &t, &err), BP_EUSAGE);
    ASSERT(strstr(err.msg, "larger than 4 MiB"));
    arena_release(&a);
    free(src);
}

TEST(parse_collections)
{
    P("{}", ERL, "{}");
    P("{a, 1, \"x\"}", ERL, "{a,1,\"x\"}");
    P("[]", ERL, "[]");
    P("[1, 2 | 3]", ERL, "[1,2|3]");
    P("[1 | [2, 3]]", ERL, "[1,2,3]");
    P("[1 | []]", ERL, "[1]");
    P("[a: 1, b: 2]", EX, "[{a,1},{b,2}]");
    P("[1, a: 2]", EX, "[1,{a,2}]");
    P("[\"foo bar\": 1, Foo: 2, +: 3]", EX, "[{'foo bar',1},{'Foo',2},{'+',3}]");
    /* Keys Elixir writes unquoted although they are no alias (fuzzing). */
    P("[Elixir@r: 1, A?: 2, a@b: 3]", EX, "[{'Elixir@r',1},{'A?',2},{a@b,3}]");
    ASSERT_STREQ(parsed("Foo@bar", EX, 0), "error: unexpected 'Foo@bar' at column 1");
    ASSERT_STREQ(parsed("[Foo?]", EX, 0), "error: unexpected 'Foo?' at column 2");
    P("{1, a: 2, b: 3}", EX, "{1,[{a,2},{b,3}]}");
    P("#{}", ERL, "#{}");
    P("#{a => 1, <<\"k\">> => [x]}", ERL, "#{a => 1,<<\"k\">> => [x]}");
    P("%{}", EX, "#{}");
    P("%{a: 1, b: :c}", EX, "#{a => 1,b => c}");
    P("%{\"k\" => 1, a: 2}", EX, "#{<<\"k\">> => 1,a => 2}");
    P("%Foo.Bar{a: 1}", EX, "#{'__struct__' => 'Elixir.Foo.Bar',a => 1}");
    P("%Foo{}", EX, "#{'__struct__' => 'Elixir.Foo'}");
    /* Repeated keys: the last one wins, as in Erlang. */
    P("#{a => 1, b => 2, a => 3}", ERL, "#{b => 2,a => 3}");
    P("%{a: 1, a: 2}", EX, "#{a => 2}");
    P("{[1,2],[1,2]}", ERL, "{[1,2],[1,2]}");
    P("#{[1] => x, [1] => y, {1} => z}", ERL, "#{[1] => y,{1} => z}");
    P("{a,b}.", ERL, "{a,b}");
    ASSERT_STREQ(parsed("[a: 1, 2]", EX, 0), "error: unexpected '2' at column 8");
    ASSERT_STREQ(parsed("[1,]", ERL, 0), "error: unexpected ']' at column 4");
    ASSERT_STREQ(parsed("{1 2}", ERL, 0), "error: unexpected '2' at column 4");
    ASSERT_STREQ(parsed("%Foo{\"a\" => 1}", EX, 0), "error: unexpected '\"a\"' at column 6");
    ASSERT_STREQ(parsed("{a, b", ERL, 0), "error: unexpected end of input at column 6");
    ASSERT_STREQ(parsed("{a,b}}", ERL, 0), "error: unexpected '}' at column 6");
}

TEST(parse_pids_ports_refs)
{
    struct arena a = ARENA_INIT;
    struct term *t;

    P("<0.123.0>", ERL, "<0.123.0>");
    P("0.123.0", ERL, "<0.123.0>");
    P("  0.123.0  ", EX, "<0.123.0>");
    P("#PID<0.123.0>", EX, "<0.123.0>");
    P("#PID<0.123.0>", ERL, "<0.123.0>");
    P("[<0.1.0>, <0.2.0>]", ERL, "[<0.1.0>,<0.2.0>]");
    P("#Port<0.5>", ERL, "#Port<0.5>");
    P("#Ref<0.1.2.3>", ERL, "#Ref<0.1.2.3>");
    P("#Reference<0.1.2.3>", EX, "#Ref<0.1.2.3>");
    ASSERT_OK(term_parse(&a, "<app@host.example.1.2>", ERL, 0, &t, NULL));
    ASSERT_STREQ(t->u.pid.node, "app@host.example");
    ASSERT_EQ(t->u.pid.num, 1);
    ASSERT_EQ(t->u.pid.serial, 2);
    ASSERT_OK(term_parse(&a, "<0.7.0>", ERL, 0, &t, NULL));
    ASSERT(t->u.pid.node == NULL);
    ASSERT_OK(term_parse(&a, "#Ref<0.1.2.3>", ERL, 0, &t, NULL));
    ASSERT_EQ(t->u.ref.len, 3);
    ASSERT_EQ(t->u.ref.ids[0], 3); /* printed most significant first */
    arena_release(&a);
    ASSERT(strstr(parsed("<5.1.0>", ERL, 0), "node name"));
    ASSERT(strstr(parsed("<0.1>", ERL, 0), "malformed"));
    ASSERT(strstr(parsed("<0.1.0", ERL, 0), "missing '>'"));
    ASSERT(strstr(parsed("<0.99999999999.0>", ERL, 0), "too large"));
}

TEST(parse_pid_api)
{
    struct arena a = ARENA_INIT;
    struct term_pid p;
    struct bp_err err;

    ASSERT_OK(term_parse_pid("<0.123.0>", &p, &a, &err));
    ASSERT(p.node == NULL && p.num == 123 && p.serial == 0);
    ASSERT_OK(term_parse_pid("0.124.1", &p, &a, &err));
    ASSERT(p.num == 124 && p.serial == 1);
    ASSERT_OK(term_parse_pid(" #PID<0.125.0> ", &p, &a, &err));
    ASSERT_EQ(p.num, 125);
    ASSERT_OK(term_parse_pid("<lasso1@127.0.0.1.42.0>", &p, &a, &err));
    ASSERT_STREQ(p.node, "lasso1@127.0.0.1");
    ASSERT_EQ(p.num, 42);
    ASSERT_ERR(term_parse_pid("my_server", &p, &a, &err), BP_EUSAGE);
    ASSERT(strstr(err.msg, "not a pid"));
    ASSERT_ERR(term_parse_pid("<0.1.0> x", &p, &a, &err), BP_EUSAGE);
    ASSERT_ERR(term_parse_pid("1.2.3", &p, &a, &err), BP_EUSAGE);
    ASSERT_ERR(term_parse_pid(NULL, &p, &a, &err), BP_EUSAGE);
    arena_release(&a);
}

TEST(parse_detect_syntax)
{
    static const struct {
        const char *src;
        enum term_syntax want;
    } cases[] = {
        { "{ok, [1,2,3]}", ERL },
        { "#{a => 1}", ERL },
        { "'Elixir.Foo'", ERL },
        { "\"abc\"", ERL },
        { "<0.1.0>", ERL },
        { "#Ref<0.1.2.3>", ERL },
        { "16#FF", ERL },
        { "$A", ERL },
        { "mod:fun", ERL },
        { "'Mod':fun", ERL },
        { "{a, \"Foo: bar\"}", ERL },
        { "%{a: 1}", EX },
        { "%Foo{}", EX },
        { ":ok", EX },
        { "{:ok, 1}", EX },
        { "#PID<0.1.0>", EX },
        { "[a: 1]", EX },
        { "[\"a b\": 1]", EX },
        { "nil", EX },
        { "[nil]", EX },
        { "Foo.Bar", EX },
        { "{Foo, 1}", EX },
        { "~c\"abc\"", EX },
        { "?a", EX },
        { "0xFF", EX },
        { "<<1::8>>", EX },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (term_detect_syntax(cases[i].src) != cases[i].want)
            unit_fail(__FILE__, __LINE__, "detect '%s' gave %d", cases[i].src,
                      (int)term_detect_syntax(cases[i].src));
    ASSERT_EQ(term_detect_syntax(NULL), ERL);
    P("\"abc\"", AUTO, "\"abc\"");
    P("[a: \"abc\"]", AUTO, "[{a,<<\"abc\">>}]");
}

static const char *call(const char *src, unsigned flags)
{
    static char buf[2048];
    struct arena a = ARENA_INIT;
    struct bp_err err = { 0, "" };
    struct term_call c;
    struct term_print_opts o = term_print_defaults;
    size_t i, k;

    if (term_parse_call(&a, src, flags, &c, &err) != 0) {
        snprintf(buf, sizeof(buf), "error: %s", err.msg);
        arena_release(&a);
        return buf;
    }
    k = (size_t)snprintf(buf, sizeof(buf), "%s|%s|%s", c.syntax == EX ? "ex" : "erl", c.module,
                         c.function);
    for (i = 0; i < c.nargs; i++) {
        struct sbuf sb = SBUF_INIT;
        o.syntax = c.syntax;
        term_print(&sb, c.args[i], &o);
        k += (size_t)snprintf(buf + k, sizeof(buf) - k, "|%s", sbuf_str(&sb));
        sbuf_release(&sb);
    }
    arena_release(&a);
    return buf;
}

TEST(parse_calls)
{
    ASSERT_STREQ(call("LassoWeb.Dashboard.ClusterEventAggregator.ensure_started(\"default\")", 0),
                 "ex|Elixir.LassoWeb.Dashboard.ClusterEventAggregator|ensure_started|\"default\"");
    ASSERT_STREQ(call("Phoenix.PubSub.broadcast(Lasso.PubSub, \"routing:decisions:default\", "
                      "$event)",
                      TERM_PARSE_TEMPLATES),
                 "ex|Elixir.Phoenix.PubSub|broadcast|Lasso.PubSub|\"routing:decisions:default\"|"
                 "$event");
    ASSERT_STREQ(call("lists:seq(1, 3)", 0), "erl|lists|seq|1|3");
    ASSERT_STREQ(call("  erlang:node() ", 0), "erl|erlang|node");
    ASSERT_STREQ(call("erlang:node().", 0), "erl|erlang|node");
    ASSERT_STREQ(call("'Elixir.Foo':'bar baz'(\"x\")", 0), "erl|Elixir.Foo|bar baz|\"x\"");
    ASSERT_STREQ(call(":erlang.whereis(:lasso_pubsub)", 0), "ex|erlang|whereis|:lasso_pubsub");
    ASSERT_STREQ(call(":\"my mod\".f()", 0), "ex|my mod|f");
    ASSERT_STREQ(call("Mod.fun", 0), "ex|Elixir.Mod|fun");
    ASSERT_STREQ(call("Mod.Sub.fun?()", 0), "ex|Elixir.Mod.Sub|fun?");
    ASSERT_STREQ(call("GenServer.call(pid_holder, :msg, timeout: 5)", 0),
                 "error: unexpected 'pid_holder' at column 16 (Elixir atoms are written "
                 ":pid_holder)");
    ASSERT_STREQ(call("GenServer.call(:srv, :msg, timeout: 5, x: 1)", 0),
                 "ex|Elixir.GenServer|call|:srv|:msg|[timeout: 5, x: 1]");
    ASSERT_STREQ(call("Foo.Bar", 0),
                 "error: expected a call like mod:fun(Args) or Mod.fun(args) at column 8");
    ASSERT_STREQ(call("my_server", 0),
                 "error: expected a call like mod:fun(Args) or Mod.fun(args) at column 10");
    ASSERT_STREQ(call("lists:seq(1, 3", 0), "error: unexpected end of input at column 15");
    ASSERT_STREQ(call("lists:seq(1, 3))", 0), "error: unexpected ')' at column 16");
    ASSERT(strstr(call("Phoenix.PubSub.broadcast(Lasso.PubSub, \"t\", $event)", 0),
                  "only in load templates"));
    ASSERT(strstr(call(NULL, 0), "error"));
}

TEST(parse_templates)
{
    struct arena a = ARENA_INIT;
    struct term *t;
    struct bp_err err;

    PT("$seq", ERL, "$seq");
    PT("{$now_ms, $event}", ERL, "{$now_ms,$event}");
    PT("$rand(1, 100)", ERL, "$rand(1, 100)");
    PT("$str(\"load_test_\", $seq)", EX, "$str(<<\"load_test_\">>, $seq)");
    PT("$pick(success:95, error:5)", ERL, "$pick(success:95, error:5)");
    PT("$pick(success: 95, error: 5)", EX, "$pick(success:95, error:5)");
    PT("$pick(success:95, error:5)", EX, "$pick(success:95, error:5)");
    PT("$pick({ok, 1}:1)", ERL, "$pick({ok,1}:1)");
    PT("#{ts => $now_ms, id => $str(\"req_\", $seq)}", ERL,
       "#{ts => $now_ms,id => $str(\"req_\", $seq)}");
    ASSERT_OK(term_parse(&a, "$pick(success: 95, error: 5)", EX, TERM_PARSE_TEMPLATES, &t,
                         &err));
    ASSERT_EQ(t->kind, TERM_GEN);
    ASSERT_STREQ(t->u.gen.name, "pick");
    ASSERT_EQ(t->u.gen.n, 2);
    ASSERT(term_is_tagged(t->u.gen.args[0], "success", 2));
    ASSERT_EQ(t->u.gen.args[0]->u.tuple.items[1]->u.i, 95);
    arena_release(&a);
    ASSERT(strstr(parsed("$seq", ERL, 0), "only allowed in load templates"));
    ASSERT(strstr(parsed("$seq", EX, 0), "only in load templates"));
    ASSERT(strstr(parsed("$nope", ERL, TERM_PARSE_TEMPLATES), "unknown generator $nope"));
    ASSERT(strstr(parsed("$rand(5, 1)", ERL, TERM_PARSE_TEMPLATES), "Lo <= Hi"));
    ASSERT(strstr(parsed("$rand(1)", ERL, TERM_PARSE_TEMPLATES), "needs 2 arguments"));
    ASSERT(strstr(parsed("$seq(1)", ERL, TERM_PARSE_TEMPLATES), "too many arguments"));
    ASSERT(strstr(parsed("$pick(a:x)", ERL, TERM_PARSE_TEMPLATES), "non-negative integer"));
    ASSERT(strstr(parsed("$pick(a:-1)", ERL, TERM_PARSE_TEMPLATES), "non-negative integer"));
    ASSERT(strstr(parsed("$pick(a)", ERL, TERM_PARSE_TEMPLATES), "unexpected ')'"));
    ASSERT(strstr(parsed("$", ERL, TERM_PARSE_TEMPLATES), "generator name"));
    /* Char literals are still there without the flag. */
    P("[$a, $b]", ERL, "\"ab\"");
}

TEST(parse_error_columns)
{
    ASSERT_STREQ(parsed("{a, b))", ERL, 0), "error: unexpected ')' at column 6");
    ASSERT_STREQ(parsed("{\xc3\xa9\xc3\xa9, ]", ERL, 0),
                 "error: unexpected '\xc3\xa9' at column 2");
    ASSERT_STREQ(parsed("", ERL, 0), "error: unexpected end of input at column 1");
    ASSERT_STREQ(parsed("   ", EX, 0), "error: unexpected end of input at column 4");
    ASSERT_STREQ(parsed("{a,\x01}", ERL, 0),
                 "error: unexpected control character 0x01 at column 4");
    ASSERT_STREQ(parsed("[1, @]", ERL, 0), "error: unexpected '@' at column 5");
}

TEST(parse_depth_limit)
{
    size_t n = 100000, i;
    char *src = malloc(2 * n + 1);
    struct arena a = ARENA_INIT;
    struct bp_err err;
    struct term *t;

    for (i = 0; i < n; i++) {
        src[i] = '[';
        src[n + i] = ']';
    }
    src[2 * n] = '\0';
    ASSERT_ERR(term_parse(&a, src, ERL, 0, &t, &err), BP_EUSAGE);
    ASSERT(strstr(err.msg, "nested deeper than 256 at column 257"));
    /* 255 levels are fine. */
    memset(src, '{', 255);
    memset(src + 255, '}', 255);
    src[510] = '\0';
    ASSERT_OK(term_parse(&a, src, ERL, 0, &t, &err));
    arena_release(&a);
    free(src);
}

TEST(parse_input_limits)
{
    size_t n = (1u << 20) + 1;
    char *src = malloc(n + 1);
    struct arena a = ARENA_INIT;
    struct bp_err err;
    struct term *t;

    memset(src, ' ', n);
    src[0] = '1';
    src[n] = '\0';
    ASSERT_ERR(term_parse(&a, src, ERL, 0, &t, &err), BP_EUSAGE);
    ASSERT(strstr(err.msg, "longer than 1 MiB"));
    src[n - 1] = '\0';
    ASSERT_OK(term_parse(&a, src, ERL, 0, &t, &err));
    /* Integer literals are bounded too. */
    memset(src, '9', 20000);
    src[20000] = '\0';
    ASSERT_ERR(term_parse(&a, src, ERL, 0, &t, &err), BP_EUSAGE);
    ASSERT(strstr(err.msg, "integer literal too long"));
    src[5000] = '\0';
    ASSERT_OK(term_parse(&a, src, ERL, 0, &t, &err));
    ASSERT_EQ(t->kind, TERM_BIG);
    ASSERT_ERR(term_parse(&a, NULL, ERL, 0, &t, &err), BP_EUSAGE);
    arena_release(&a);
    free(src);
}

TEST(parse_many_map_keys_is_fast)
{
    /* Duplicate detection must not be quadratic: 100k keys, all equal. */
    size_t n = 100000, i, k = 0;
    char *src = malloc(n * 8 + 8);
    struct arena a = ARENA_INIT;
    struct term *t;

    k += (size_t)sprintf(src + k, "#{");
    for (i = 0; i < n; i++)
        k += (size_t)sprintf(src + k, "%sa => 1", i ? "," : "");
    sprintf(src + k, "}");
    ASSERT_OK(term_parse(&a, src, ERL, 0, &t, NULL));
    ASSERT_EQ(t->u.map.n, 1);
    arena_release(&a);
    free(src);
}
