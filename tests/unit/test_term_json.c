/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_term_json.c - unit tests for term_json: the mapping of every kind
 * of term to JSON (term.h), and that the output is always valid JSON,
 * checked by a small strict validator below.
 */
#include "term/term.h"
#include "unit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------------
 * A strict RFC 8259 validator (enough for the tests)
 */

static const char *ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static const char *value(const char *p, int depth);

static const char *string(const char *p)
{
    if (*p++ != '"')
        return NULL;
    while (*p != '"') {
        unsigned char c = (unsigned char)*p;
        if (c == '\0' || c < 0x20)
            return NULL;
        if (c == '\\') {
            p++;
            if (*p == 'u') {
                int i;
                for (i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
                        return NULL;
                p += 5;
                continue;
            }
            if (!*p || !strchr("\"\\/bfnrt", *p))
                return NULL;
        }
        p++;
    }
    return p + 1;
}

static const char *number(const char *p)
{
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return NULL;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return NULL;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return NULL;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return p;
}

static const char *items(const char *p, char close, bool object, int depth)
{
    p = ws(p + 1);
    if (*p == close)
        return p + 1;
    for (;;) {
        if (object) {
            if (!(p = string(ws(p))) || *(p = ws(p)) != ':')
                return NULL;
            p++;
        }
        if (!(p = value(p, depth + 1)))
            return NULL;
        p = ws(p);
        if (*p == close)
            return p + 1;
        if (*p != ',')
            return NULL;
        p++;
    }
}

static const char *value(const char *p, int depth)
{
    p = ws(p);
    if (depth > 1000)
        return NULL;
    switch (*p) {
    case '{':
        return items(p, '}', true, depth);
    case '[':
        return items(p, ']', false, depth);
    case '"':
        return string(p);
    case 't':
        return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
    case 'f':
        return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
    case 'n':
        return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
    default:
        return number(p);
    }
}

static bool valid_json(const char *s)
{
    const char *end = value(s, 0);
    return end && *ws(end) == '\0';
}

/* ---------------------------------------------------------------------
 * Tests
 */

static const char *js(const struct term *t, enum term_syntax syn)
{
    static char buf[4096];
    struct sbuf sb = SBUF_INIT;
    struct term_print_opts o = term_print_defaults;

    o.syntax = syn;
    o.local_node = "app@host";
    term_json(&sb, t, &o);
    snprintf(buf, sizeof(buf), "%s", sbuf_str(&sb));
    sbuf_release(&sb);
    if (!valid_json(buf))
        unit_fail(__FILE__, __LINE__, "not valid JSON: %s", buf);
    return buf;
}

static void check(const char *src, enum term_syntax in, enum term_syntax syn, const char *want)
{
    struct arena a = ARENA_INIT;
    struct bp_err err = { 0, "" };
    struct term *t;

    if (term_parse(&a, src, in, 0, &t, &err) != 0)
        unit_fail(__FILE__, __LINE__, "parse of '%s' failed: %s", src, err.msg);
    ASSERT_STREQ(js(t, syn), want);
    arena_release(&a);
}

#define ERL TERM_SYNTAX_ERLANG
#define EX TERM_SYNTAX_ELIXIR

TEST(json_scalars)
{
    struct arena a = ARENA_INIT;

    check("[1,-5,123456789012345678901234567890,-18446744073709551616]", ERL, ERL,
          "[1,-5,123456789012345678901234567890,-18446744073709551616]");
    check("[1.5,1.0e100,-0.0,5.0e-324,0.1]", ERL, ERL, "[1.5,1.0e100,-0.0,5.0e-324,0.1]");
    check("[true,false,nil,undefined,ok,'foo bar']", ERL, ERL,
          "[true,false,null,null,\"ok\",\"foo bar\"]");
    ASSERT_STREQ(js(term_float(&a, NAN), ERL), "null");
    ASSERT_STREQ(js(term_float(&a, -INFINITY), ERL), "null");
    arena_release(&a);
}

TEST(json_atoms_follow_syntax)
{
    check("['Elixir.Foo.Bar', 'Elixir.foo', lists]", ERL, ERL,
          "[\"Elixir.Foo.Bar\",\"Elixir.foo\",\"lists\"]");
    check("['Elixir.Foo.Bar', 'Elixir.foo', lists]", ERL, EX,
          "[\"Foo.Bar\",\"Elixir.foo\",\"lists\"]");
}

TEST(json_binaries)
{
    check("[<<\"abc\">>,<<\"\xc3\xa9\"/utf8>>,<<\"a\\\"b\\n\">>,<<>>]", ERL, ERL,
          "[\"abc\",\"\xc3\xa9\",\"a\\\"b\\n\",\"\"]");
    /* Not UTF-8, or not whole bytes: the printed form as a string. */
    check("[<<255,1>>,<<1,2:3>>]", ERL, ERL, "[\"<<255,1>>\",\"<<1,2:3>>\"]");
    check("[<<255,1>>,<<1,2:3>>]", ERL, EX, "[\"<<255, 1>>\",\"<<1, 2::size(3)>>\"]");
}

TEST(json_objects)
{
    check("[{message_queue_len,0},{status,waiting},{links,[]}]", ERL, ERL,
          "{\"message_queue_len\":0,\"status\":\"waiting\",\"links\":[]}");
    check("#{a => 1, <<\"b\">> => 2}", ERL, ERL, "{\"a\":1,\"b\":2}");
    check("%Lasso.Events.RoutingDecision{ts: 1}", EX, EX,
          "{\"__struct__\":\"Lasso.Events.RoutingDecision\",\"ts\":1}");
    /* Other keys: an array of [key, value] pairs. */
    check("#{1 => a, {x} => b}", ERL, ERL, "[[1,\"a\"],[[\"x\"],\"b\"]]");
    check("#{<<255>> => 1}", ERL, ERL, "[[\"<<255>>\",1]]");
    check("#{}", ERL, ERL, "{}");
}

TEST(json_arrays)
{
    check("{a,[1,2],{}}", ERL, ERL, "[\"a\",[1,2],[]]");
    check("[{a,1},2]", ERL, ERL, "[[\"a\",1],2]");
    check("\"abc\"", ERL, ERL, "\"abc\"");          /* printable char list */
    check("[1,2,3]", ERL, ERL, "[1,2,3]");              /* not printable */
    check("[]", ERL, ERL, "[]");
    check("[1|2]", ERL, ERL, "\"[1|2]\"");
    check("[1|2]", ERL, EX, "\"[1 | 2]\"");
}

TEST(json_pids_refs_funs)
{
    struct arena a = ARENA_INIT;
    struct term *f = term_int(&a, 0);

    check("[<0.1.0>,#Port<0.2>,#Ref<0.1.2.3>]", ERL, ERL,
          "[\"<0.1.0>\",\"#Port<0.2>\",\"#Ref<0.1.2.3>\"]");
    check("[<0.1.0>,#Port<0.2>,#Ref<0.1.2.3>]", ERL, EX,
          "[\"#PID<0.1.0>\",\"#Port<0.2>\",\"#Reference<0.1.2.3>\"]");
    f->kind = TERM_FUN;
    f->u.fun.module = "lists";
    f->u.fun.name = "map";
    f->u.fun.arity = 2;
    ASSERT_STREQ(js(f, ERL), "\"fun lists:map/2\"");
    ASSERT_STREQ(js(f, EX), "\"&:lists.map/2\"");
    arena_release(&a);
}

TEST(json_is_never_cut)
{
    /* Limits in the options do not apply: the output stays valid JSON. */
    struct arena a = ARENA_INIT;
    struct term *t = term_list(&a, 100);
    struct term_print_opts o = term_print_defaults;
    struct sbuf sb = SBUF_INIT;
    size_t i;

    for (i = 0; i < 100; i++)
        t->u.list.items[i] = term_binstr(&a, "0123456789");
    o.limit = 2;
    o.printable_limit = 3;
    o.max_len = 10;
    term_json(&sb, t, &o);
    ASSERT(valid_json(sbuf_str(&sb)));
    ASSERT_EQ(sb.len, 100 * 12 + 99 + 2);
    sbuf_release(&sb);
    arena_release(&a);
}

TEST(json_generators_and_nulls)
{
    struct arena a = ARENA_INIT;
    struct term *t;
    struct term *l = term_list(&a, 2);

    ASSERT_OK(term_parse(&a, "[$seq, $rand(1, 6)]", ERL, TERM_PARSE_TEMPLATES, &t, NULL));
    ASSERT_STREQ(js(t, ERL), "[\"$seq\",\"$rand(1, 6)\"]");
    /* Missing items (a caller's half-built term) are null, not a crash. */
    ASSERT_STREQ(js(l, ERL), "[null,null]");
    arena_release(&a);
}
