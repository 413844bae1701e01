/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_trace_spec.c - --match patterns (both syntaxes, variables, refusals,
 * the match specification built from them) and --rate limits.
 */
#include "analyze/trace_spec.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

/* The pattern printed back in Erlang syntax, or "ERR: message". */
static const char *pat(const char *src, enum term_syntax syn)
{
    static char buf[1024];
    struct arena a = ARENA_INIT;
    struct bp_err err = { 0, "" };
    struct term_print_opts o = term_print_defaults;
    struct sbuf sb = SBUF_INIT;
    struct term *t;

    if (trace_pattern_parse(&a, src, syn, &t, &err) != 0) {
        snprintf(buf, sizeof(buf), "ERR: %s", err.msg);
    } else {
        term_print(&sb, t, &o);
        snprintf(buf, sizeof(buf), "%s", sbuf_str(&sb));
    }
    sbuf_release(&sb);
    arena_release(&a);
    return buf;
}

#define ERL TERM_SYNTAX_ERLANG
#define EX TERM_SYNTAX_ELIXIR
#define AUTO TERM_SYNTAX_AUTO

TEST(trace_pattern_erlang_variables)
{
    ASSERT_STREQ(pat("{ping, _}", ERL), "{ping,'_'}");
    ASSERT_STREQ(pat("{reply, Ref, _Ignored}", ERL), "{reply,'_','_'}");
    ASSERT_STREQ(pat("{X, X}", ERL), "{'_','_'}");
    ASSERT_STREQ(pat("[H | T]", ERL), "['_'|'_']");
    ASSERT_STREQ(pat("#{id => _, kind => call}", ERL), "#{id => '_',kind => call}");
    ASSERT_STREQ(pat("{\"Str _ X\", 'Quoted Atom', $A, X}", ERL),
                 "{\"Str _ X\",'Quoted Atom',65,'_'}");
    ASSERT_STREQ(pat("{<0.1.0>, _}", ERL), "{<0.1.0>,'_'}");
    ASSERT_STREQ(pat("{16#ff, 1_000, 2.5e3, _}", ERL), "{255,1000,2.5e3,'_'}");
}

TEST(trace_pattern_elixir_variables)
{
    ASSERT_STREQ(pat("{:ping, _}", EX), "{ping,'_'}");
    ASSERT_STREQ(pat("{:reply, ref, _}", EX), "{reply,'_','_'}");
    ASSERT_STREQ(pat("%Lasso.Events.RoutingDecision{}", EX),
                 "#{'__struct__' => 'Elixir.Lasso.Events.RoutingDecision'}");
    ASSERT_STREQ(pat("%Foo{id: _, ok: true}", EX),
                 "#{'__struct__' => 'Elixir.Foo',id => '_',ok => true}");
    ASSERT_STREQ(pat("%{\"k\" => v, nil_key: nil}", EX), "#{<<\"k\">> => '_',nil_key => nil}");
    ASSERT_STREQ(pat("[a: _, b: false]", EX), "[{a,'_'},{b,false}]");
    ASSERT_STREQ(pat("{?a, 'cl', :\"x y\", _}", EX), "{97,\"cl\",'x y','_'}");
    ASSERT_STREQ(pat("{#PID<0.5.0>, pid}", EX), "{<0.5.0>,'_'}");
}

TEST(trace_pattern_auto_detects)
{
    ASSERT_STREQ(pat("{ping, _}", AUTO), "{ping,'_'}");
    ASSERT_STREQ(pat("{:ping, n}", AUTO), "{ping,'_'}");
    ASSERT_STREQ(pat("{ping, n}", AUTO), "{ping,n}"); /* Erlang: n is an atom */
    ASSERT_STREQ(pat("%{id: _}", AUTO), "#{id => '_'}");
}

TEST(trace_pattern_refusals)
{
    ASSERT(strncmp(pat("", ERL), "ERR: --match: empty", 19) == 0);
    ASSERT(strncmp(pat("{ping, ", ERL), "ERR: --match: ", 14) == 0);
    ASSERT(strstr(pat("{ping, ", ERL), "column") != NULL);
    ASSERT(strstr(pat("#{K => 1}", ERL), "map keys must be literals") != NULL);
    ASSERT(strstr(pat("{'_', x}", ERL), "cannot be matched literally") != NULL);
    ASSERT(strstr(pat("{'$1', x}", ERL), "cannot be matched literally") != NULL);
    ASSERT(strstr(pat("{:_, x}", EX), "cannot be matched literally") != NULL);
    ASSERT(strstr(pat("'$bp_wild'", ERL), "reserved") != NULL);
    ASSERT(strncmp(pat("foo:bar(1)", ERL), "ERR: ", 5) == 0);
    ASSERT(strncmp(pat("\"interp #{x}\"", EX), "ERR: ", 5) == 0);
}

TEST(trace_match_spec_shape)
{
    struct arena a = ARENA_INIT;
    struct term_print_opts o = term_print_defaults;
    struct sbuf sb = SBUF_INIT;
    struct term *t, *ms;

    ASSERT_OK(trace_pattern_parse(&a, "{ping, _}", ERL, &t, NULL));
    ms = trace_match_spec(&a, t);
    term_print(&sb, ms, &o);
    ASSERT_STREQ(sbuf_str(&sb),
                 "[{{trace_ts,'_','receive',{ping,'_'},'_'},[],['$_']},"
                 "{{trace_ts,'_',send,{ping,'_'},'_','_'},[],['$_']},"
                 "{{trace_ts,'_',send_to_non_existing_process,{ping,'_'},'_','_'},[],['$_']}]");
    sbuf_release(&sb);
    arena_release(&a);
}

TEST(trace_rate_forms)
{
    int64_t n = 0, ms = 0;
    struct bp_err err;

    ASSERT_OK(trace_rate_parse("500", &n, &ms, &err));
    ASSERT_EQ(n, 500);
    ASSERT_EQ(ms, 1000);
    ASSERT_OK(trace_rate_parse("500/s", &n, &ms, &err));
    ASSERT_EQ(ms, 1000);
    ASSERT_OK(trace_rate_parse("50/100ms", &n, &ms, &err));
    ASSERT_EQ(n, 50);
    ASSERT_EQ(ms, 100);
    ASSERT_OK(trace_rate_parse("10/ms", &n, &ms, &err));
    ASSERT_EQ(ms, 1);
    ASSERT_OK(trace_rate_parse("600/m", &n, &ms, &err));
    ASSERT_EQ(ms, 60000);
    ASSERT_OK(trace_rate_parse("3/1.5s", &n, &ms, &err));
    ASSERT_EQ(ms, 1500);
    ASSERT_ERR(trace_rate_parse("", &n, &ms, &err), BP_EUSAGE);
    ASSERT_ERR(trace_rate_parse("fast", &n, &ms, &err), BP_EUSAGE);
    ASSERT_ERR(trace_rate_parse("0/s", &n, &ms, &err), BP_EUSAGE);
    ASSERT_ERR(trace_rate_parse("-5/s", &n, &ms, &err), BP_EUSAGE);
    ASSERT_ERR(trace_rate_parse("5/", &n, &ms, &err), BP_EUSAGE);
    ASSERT_ERR(trace_rate_parse("5/5", &n, &ms, &err), BP_EUSAGE);
    ASSERT_ERR(trace_rate_parse("5/2h", &n, &ms, &err), BP_EUSAGE);
    ASSERT_ERR(trace_rate_parse("5/10us", &n, &ms, &err), BP_EUSAGE);
    ASSERT_ERR(trace_rate_parse("5/s/s", &n, &ms, &err), BP_EUSAGE);
    ASSERT_ERR(trace_rate_parse("99999999999/s", &n, &ms, &err), BP_EUSAGE);
}
