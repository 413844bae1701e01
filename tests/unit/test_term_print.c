/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_term_print.c - unit tests for term_print, term_print_atom/module/mfa:
 * golden prints of recorded node replies (tests/data/terms/golden.txt, read
 * from the repository root where the tests run), quoting rules of both
 * languages, floats, and the limits (elements, string bytes, total bytes).
 *
 * Expected strings come from io_lib:format("~0tp", [T]) on OTP 25 and
 * Elixir 1.14's inspect(T, limit: :infinity); golden.txt lists the few
 * intended differences.
 */
#include "term/term.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct term_print_opts opts(enum term_syntax syn)
{
    struct term_print_opts o = term_print_defaults;
    o.syntax = syn;
    o.local_node = "nonode@nohost";
    return o;
}

static const char *pr(const struct term *t, const struct term_print_opts *o)
{
    static char buf[8192];
    struct sbuf sb = SBUF_INIT;

    term_print(&sb, t, o);
    snprintf(buf, sizeof(buf), "%s", sbuf_str(&sb));
    sbuf_release(&sb);
    return buf;
}

/* Parse src in syntax `in`, print in syntax `out` with default limits. */
static void check(const char *src, enum term_syntax in, enum term_syntax out,
                  const char *want)
{
    struct arena a = ARENA_INIT;
    struct bp_err err = { 0, "" };
    struct term_print_opts o = opts(out);
    struct term *t;

    if (term_parse(&a, src, in, 0, &t, &err) != 0)
        unit_fail(__FILE__, __LINE__, "parse of '%s' failed: %s", src, err.msg);
    ASSERT_STREQ(pr(t, &o), want);
    arena_release(&a);
}

#define ERL TERM_SYNTAX_ERLANG
#define EX TERM_SYNTAX_ELIXIR

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        fclose(f);
        return NULL;
    }
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

TEST(print_golden_replies)
{
    size_t glen, checked = 0;
    char *golden = read_file("tests/data/terms/golden.txt", &glen), *line, *save = NULL;

    if (!golden)
        unit_fail(__FILE__, __LINE__, "cannot read tests/data/terms/golden.txt "
                                      "(run the tests from the repository root)");
    for (line = strtok_r(golden, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *syn, *want, path[256];
        unsigned char *bin;
        size_t blen, idx = 0;
        struct arena a = ARENA_INIT;
        struct term *t;
        struct term_print_opts o;
        struct sbuf sb = SBUF_INIT;
        struct bp_err err = { 0, "" };

        if (line[0] == '#' || !(syn = strchr(line, '\t')) || !(want = strchr(syn + 1, '\t')))
            continue;
        *syn++ = '\0';
        *want++ = '\0';
        snprintf(path, sizeof(path), "tests/data/terms/%s.bin", line);
        bin = (unsigned char *)read_file(path, &blen);
        if (!bin)
            unit_fail(__FILE__, __LINE__, "cannot read %s", path);
        if (term_decode_versioned(&a, bin, blen, &idx, NULL, &t, &err) != 0)
            unit_fail(__FILE__, __LINE__, "%s: %s", path, err.msg);
        o = opts(strcmp(syn, "elixir") == 0 ? EX : ERL);
        o.limit = -1;
        o.printable_limit = -1;
        if (strcmp(syn, "json") == 0)
            term_json(&sb, t, &o);
        else
            term_print(&sb, t, &o);
        if (strcmp(sbuf_str(&sb), want) != 0)
            unit_fail(__FILE__, __LINE__, "%s (%s):\n  got:  %s\n  want: %s", line, syn,
                      sbuf_str(&sb), want);
        sbuf_release(&sb);
        arena_release(&a);
        free(bin);
        checked++;
    }
    free(golden);
    ASSERT(checked >= 36);
}

TEST(print_atoms_erlang)
{
    struct sbuf sb = SBUF_INIT;
    static const char *const cases[][2] = {
        { "foo", "foo" },        { "foo_Bar@1", "foo_Bar@1" }, { "Foo", "'Foo'" },
        { "_x", "'_x'" },        { "", "''" },                 { "a b", "'a b'" },
        { "a'b", "'a\\'b'" },    { "a\\b", "'a\\\\b'" },       { "a\nb", "'a\\nb'" },
        { "a\x01" "b", "'a\\001b'" }, { "a\x7f", "'a\\d'" },   { "after", "'after'" },
        { "maybe", "'maybe'" },  { "else", "'else'" },         { "orelse", "'orelse'" },
        { "Elixir.Foo.Bar", "'Elixir.Foo.Bar'" },              { "\xce\xb1", "'\xce\xb1'" },
        { "a\"b", "'a\"b'" },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sbuf_reset(&sb);
        term_print_atom(&sb, cases[i][0], ERL);
        ASSERT_STREQ(sbuf_str(&sb), cases[i][1]);
    }
    sbuf_release(&sb);
}

TEST(print_atoms_elixir)
{
    struct sbuf sb = SBUF_INIT;
    static const char *const cases[][2] = {
        { "foo", ":foo" },
        { "foo?", ":foo?" },
        { "foo!", ":foo!" },
        { "Foo", ":Foo" },
        { "_", ":_" },
        { "a@b", ":a@b" },
        { "foo bar", ":\"foo bar\"" },
        { "foo?bar", ":\"foo?bar\"" },
        { "1a", ":\"1a\"" },
        { "a.b", ":\"a.b\"" },
        { "", ":\"\"" },
        { "+", ":+" },
        { "==", ":==" },
        { "\\\\", ":\\\\" },
        { "::", ":\"::\"" },
        { "=>", ":\"=>\"" },
        { "%{}", ":%{}" },
        { "nil", "nil" },
        { "true", "true" },
        { "false", "false" },
        { "Elixir", "Elixir" },
        { "Elixir.Foo.Bar", "Foo.Bar" },
        { "Elixir.Foo_1.B2", "Foo_1.B2" },
        { "Elixir.foo", ":\"Elixir.foo\"" },
        { "Elixir.Foo.bar", ":\"Elixir.Foo.bar\"" },
        { "Elixir.Foo..Bar", ":\"Elixir.Foo..Bar\"" },
        { "Elixir.", ":\"Elixir.\"" },
        { "a\"b", ":\"a\\\"b\"" },
        { "a\x01" "b", ":\"a\\x01b\"" },
        { "a#{", ":\"a\\#{\"" },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sbuf_reset(&sb);
        term_print_atom(&sb, cases[i][0], EX);
        ASSERT_STREQ(sbuf_str(&sb), cases[i][1]);
    }
    sbuf_release(&sb);
}

TEST(print_modules_and_mfas)
{
    struct sbuf sb = SBUF_INIT;

    term_print_module(&sb, "lists", ERL);
    ASSERT_STREQ(sbuf_str(&sb), "lists");
    sbuf_reset(&sb);
    term_print_module(&sb, "lists", EX);
    ASSERT_STREQ(sbuf_str(&sb), ":lists");
    sbuf_reset(&sb);
    term_print_module(&sb, "Elixir.Foo.Bar", EX);
    ASSERT_STREQ(sbuf_str(&sb), "Foo.Bar");
    sbuf_reset(&sb);
    term_print_module(&sb, "Elixir.Foo.Bar", ERL);
    ASSERT_STREQ(sbuf_str(&sb), "'Elixir.Foo.Bar'");
    sbuf_reset(&sb);
    term_print_mfa(&sb, "lists", "map", 2, ERL);
    ASSERT_STREQ(sbuf_str(&sb), "lists:map/2");
    sbuf_reset(&sb);
    term_print_mfa(&sb, "lists", "map", 2, EX);
    ASSERT_STREQ(sbuf_str(&sb), ":lists.map/2");
    sbuf_reset(&sb);
    term_print_mfa(&sb, "Elixir.Foo.Bar", "baz", 1, EX);
    ASSERT_STREQ(sbuf_str(&sb), "Foo.Bar.baz/1");
    sbuf_reset(&sb);
    term_print_mfa(&sb, "Elixir.Foo.Bar", "baz", 1, ERL);
    ASSERT_STREQ(sbuf_str(&sb), "'Elixir.Foo.Bar':baz/1");
    sbuf_reset(&sb);
    term_print_mfa(&sb, "gen_server", "loop", 7, TERM_SYNTAX_AUTO);
    ASSERT_STREQ(sbuf_str(&sb), "gen_server:loop/7");
    sbuf_reset(&sb);
    term_print_mfa(&sb, "erlang", "-main/1-fun-0-", 1, ERL);
    ASSERT_STREQ(sbuf_str(&sb), "erlang:'-main/1-fun-0-'/1");
    sbuf_reset(&sb);
    term_print_mfa(&sb, "erlang", "-main/1-fun-0-", 1, EX);
    ASSERT_STREQ(sbuf_str(&sb), ":erlang.\"-main/1-fun-0-\"/1");
    sbuf_reset(&sb);
    term_print_mfa(&sb, "Elixir.Kernel", "+", 2, EX);
    ASSERT_STREQ(sbuf_str(&sb), "Kernel.+/2");
    sbuf_release(&sb);
}

TEST(print_floats)
{
    static const char *const cases[][3] = {
        /* value, Erlang ~p, Elixir inspect */
        { "1.0", "1.0", "1.0" },
        { "0.1", "0.1", "0.1" },
        { "1.0e100", "1.0e100", "1.0e100" },
        { "1.0e-5", "1.0e-5", "1.0e-5" },
        { "123456789.0", "123456789.0", "123456789.0" },
        { "1.0e15", "1.0e15", "1000000000000000.0" },
        { "1.0e16", "1.0e16", "1.0e16" },
        { "1.0e7", "1.0e7", "10000000.0" },
        { "100.0", "100.0", "100.0" },
        { "0.0001", "0.0001", "0.0001" },
        { "1.2e-4", "1.2e-4", "1.2e-4" },
        { "-0.0", "-0.0", "-0.0" },
        { "5.0e-324", "5.0e-324", "5.0e-324" },
        { "1.7976931348623157e308", "1.7976931348623157e308", "1.7976931348623157e308" },
        { "9007199254740992.0", "9.007199254740992e15", "9007199254740992.0" },
        { "9999999999999998.0", "9.999999999999998e15", "9999999999999998.0" },
        { "1000000000000000.5", "1000000000000000.5", "1000000000000000.5" },
        { "0.30000000000000004", "0.30000000000000004", "0.30000000000000004" },
        { "123.456", "123.456", "123.456" },
        { "-1.5e-7", "-1.5e-7", "-1.5e-7" },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        check(cases[i][0], ERL, ERL, cases[i][1]);
        check(cases[i][0], ERL, EX, cases[i][2]);
    }
}

TEST(print_strings_and_binaries)
{
    check("\"abc\"", ERL, ERL, "\"abc\"");
    check("\"abc\"", ERL, EX, "'abc'");
    check("\"a\\nb\\\"c\\\\\"", ERL, ERL, "\"a\\nb\\\"c\\\\\"");
    check("[233,97]", ERL, ERL, "\"\xc3\xa9" "a\"");
    check("[233,97]", ERL, EX, "[233, 97]");
    check("[1000]", ERL, ERL, "[1000]");
    check("[7]", ERL, EX, "'\\a'");
    check("[127]", ERL, EX, "[127]");
    check("[]", ERL, EX, "[]");
    check("\"abc\"", EX, ERL, "<<\"abc\">>");
    check("\"\xc3\xa9\"", EX, ERL, "<<\"\xc3\xa9\"/utf8>>");
    check("\"\xc3\xa9\"", EX, EX, "\"\xc3\xa9\"");
    check("<<233>>", ERL, ERL, "<<233>>");
    check("<<233>>", ERL, EX, "<<233>>");
    check("<<1,2,3>>", ERL, EX, "<<1, 2, 3>>");
    check("<<>>", ERL, EX, "\"\"");
    check("<<1,2:3>>", ERL, ERL, "<<1,2:3>>");
    check("<<1,2:3>>", ERL, EX, "<<1, 2::size(3)>>");
    check("\"a\\#{b}\\a\\d\\e\"", EX, EX, "\"a\\#{b}\\a\\d\\e\"");
    check("<<\"#x\">>", ERL, EX, "\"#x\"");
    check("\"\\uFEFF\"", EX, EX, "\"\\uFEFF\"");
    check("<<7>>", ERL, ERL, "<<7>>");
    check("<<0>>", ERL, EX, "<<0>>");
    check("'a\\'b'", EX, EX, "'a\\'b'");
    check("'a\"b'", EX, EX, "'a\"b'");
}

TEST(print_charlist_sigil)
{
    struct arena a = ARENA_INIT;
    struct term_print_opts o = opts(EX);
    struct term *t;

    ASSERT_OK(term_parse(&a, "'a\"b'", EX, 0, &t, NULL));
    o.charlist_sigil = true;
    ASSERT_STREQ(pr(t, &o), "~c\"a\\\"b\"");
    arena_release(&a);
}

TEST(print_collections)
{
    check("{a,[1,2|3],#{a => 1,b => 2}}", ERL, ERL, "{a,[1,2|3],#{a => 1,b => 2}}");
    check("{a,[1,2|3],#{a => 1,b => 2}}", ERL, EX, "{:a, [1, 2 | 3], %{a: 1, b: 2}}");
    check("[{a,1},{b,2}]", ERL, EX, "[a: 1, b: 2]");
    check("[{'foo bar',1},{'Foo',2},{'+',3},{'Elixir',4}]", ERL, EX,
          "[\"foo bar\": 1, Foo: 2, +: 3, \"Elixir\": 4]");
    check("[{'Elixir.Foo',1}]", ERL, EX, "[{Foo, 1}]");
    check("[{a,1}|b]", ERL, EX, "[{:a, 1} | :b]");
    check("[{a,1},{b,2,3}]", ERL, EX, "[{:a, 1}, {:b, 2, 3}]");
    check("#{<<\"k\">> => 1, a => 2}", ERL, EX, "%{\"k\" => 1, :a => 2}");
    check("#{'Elixir.Foo' => 1}", ERL, EX, "%{Foo => 1}");
    check("#{'foo bar' => 1, b => 2}", ERL, EX, "%{\"foo bar\": 1, b: 2}");
    check("#{}", ERL, EX, "%{}");
    check("{}", ERL, EX, "{}");
    check("[[]]", ERL, EX, "[[]]");
}

TEST(print_structs)
{
    check("%Lasso.Events.RoutingDecision{ts: 1, request_id: \"req_1\"}", EX, EX,
          "%Lasso.Events.RoutingDecision{ts: 1, request_id: \"req_1\"}");
    check("%Foo{}", EX, EX, "%Foo{}");
    check("%Foo{}", EX, ERL, "#{'__struct__' => 'Elixir.Foo'}");
    /* Not an alias: an ordinary map. */
    check("#{'__struct__' => foo, a => 1}", ERL, EX, "%{__struct__: :foo, a: 1}");
    check("#{'__struct__' => 'Elixir.Foo', <<\"a\">> => 1}", ERL, EX,
          "%{:__struct__ => Foo, \"a\" => 1}");
}

TEST(print_pids_ports_refs_funs)
{
    struct arena a = ARENA_INIT;
    struct term_print_opts o = opts(ERL), x = opts(EX);
    struct term *t = term_pidv(&a, "nonode@nohost", 123, 0, 0);
    struct term *f = term_int(&a, 0);

    ASSERT_STREQ(pr(t, &o), "<0.123.0>");
    ASSERT_STREQ(pr(t, &x), "#PID<0.123.0>");
    t = term_pidv(&a, "app@host", 123, 4, 0);
    ASSERT_STREQ(pr(t, &o), "<app@host.123.4>");
    ASSERT_STREQ(pr(t, &x), "#PID<app@host.123.4>");
    t = term_pidv(&a, NULL, 1, 2, 0);
    ASSERT_STREQ(pr(t, &o), "<0.1.2>");
    o.local_node = NULL;
    t = term_pidv(&a, "nonode@nohost", 1, 2, 0);
    ASSERT_STREQ(pr(t, &o), "<nonode@nohost.1.2>");
    o.local_node = "nonode@nohost";
    check("{#Port<0.5>,#Ref<0.1.2.3>}", ERL, ERL, "{#Port<0.5>,#Ref<0.1.2.3>}");
    check("{#Port<0.5>,#Ref<0.1.2.3>}", ERL, EX, "{#Port<0.5>, #Reference<0.1.2.3>}");
    f->kind = TERM_FUN;
    f->u.fun.module = "lists";
    f->u.fun.name = "map";
    f->u.fun.arity = 2;
    ASSERT_STREQ(pr(f, &o), "fun lists:map/2");
    ASSERT_STREQ(pr(f, &x), "&:lists.map/2");
    f->u.fun.module = "Elixir.Enum";
    ASSERT_STREQ(pr(f, &o), "fun 'Elixir.Enum':map/2");
    ASSERT_STREQ(pr(f, &x), "&Enum.map/2");
    f->u.fun.name = NULL;
    f->u.fun.index = 3;
    f->u.fun.uniq = 99;
    f->u.fun.arity = 1;
    ASSERT_STREQ(pr(f, &o), "#Fun<Elixir.Enum.3.99>");
    ASSERT_STREQ(pr(f, &x), "#Function<3.99/1 in Enum>");
    f->u.fun.arity = -1; /* old FUN_EXT: no arity on the wire */
    f->u.fun.module = "erl_eval";
    ASSERT_STREQ(pr(f, &x), "#Function<3.99 in :erl_eval>");
    arena_release(&a);
}

TEST(print_bignums)
{
    check("123456789012345678901234567890", ERL, ERL, "123456789012345678901234567890");
    check("-18446744073709551616", ERL, EX, "-18446744073709551616");
    check("16#FFFFFFFFFFFFFFFFFFFFFFFF", ERL, ERL, "79228162514264337593543950335");
    check("-9223372036854775808", ERL, ERL, "-9223372036854775808");
    check("9223372036854775808", ERL, ERL, "9223372036854775808");
}

TEST(print_generators)
{
    struct arena a = ARENA_INIT;
    struct term_print_opts o = opts(ERL), x = opts(EX);
    struct term *t;

    ASSERT_OK(term_parse(&a, "{$seq, $rand(1, 100), $pick(ok:95, error:5)}", ERL,
                         TERM_PARSE_TEMPLATES, &t, NULL));
    ASSERT_STREQ(pr(t, &o), "{$seq,$rand(1, 100),$pick(ok:95, error:5)}");
    ASSERT_STREQ(pr(t, &x), "{$seq, $rand(1, 100), $pick(ok: 95, error: 5)}");
    arena_release(&a);
    /* Choices that are not atoms, and aliases, must read back the same
     * (an alias printed as `Foo:5` once read back as the key Foo:). */
    ASSERT_OK(term_parse(&a, "$pick(Foo : 5, \"s\" :1, {:x}:2, nil: 3)", EX,
                         TERM_PARSE_TEMPLATES, &t, NULL));
    ASSERT_STREQ(pr(t, &x), "$pick(\"Elixir.Foo\": 5, \"s\" :1, {:x} :2, nil: 3)");
    ASSERT_STREQ(pr(t, &o), "$pick('Elixir.Foo':5, <<\"s\">>:1, {x}:2, nil:3)");
    {
        struct term *back;
        char first[256];
        snprintf(first, sizeof(first), "%s", pr(t, &x));
        ASSERT_OK(term_parse(&a, first, EX, TERM_PARSE_TEMPLATES, &back, NULL));
        ASSERT(term_equal(t, back));
    }
    arena_release(&a);
}

/* ---------------------------------------------------------------------
 * Limits
 */

TEST(print_element_limit)
{
    struct arena a = ARENA_INIT;
    struct term_print_opts o = opts(ERL), x = opts(EX);
    struct term *t;

    ASSERT_OK(term_parse(&a, "{[1,2,3,4],{1,2,3,4},#{a => 1,b => 2,c => 3},<<1,2,3,4>>,"
                             "[{a,1},{b,2},{c,3}],[1,2|3],[1,2]}",
                         ERL, 0, &t, NULL));
    o.limit = 2;
    x.limit = 2;
    ASSERT_STREQ(pr(t, &o), "{[1,2|...],{1,2,...},...}");
    ASSERT_STREQ(pr(t->u.tuple.items[2], &o), "#{a => 1,b => 2,...}");
    ASSERT_STREQ(pr(t->u.tuple.items[3], &o), "<<1,2,...>>");
    ASSERT_STREQ(pr(t->u.tuple.items[5], &o), "[1,2|3]");
    ASSERT_STREQ(pr(t->u.tuple.items[6], &o), "[1,2]");
    ASSERT_STREQ(pr(t->u.tuple.items[0], &x), "[1, 2, ...]");
    ASSERT_STREQ(pr(t->u.tuple.items[1], &x), "{1, 2, ...}");
    ASSERT_STREQ(pr(t->u.tuple.items[2], &x), "%{a: 1, b: 2, ...}");
    ASSERT_STREQ(pr(t->u.tuple.items[3], &x), "<<1, 2, ...>>");
    ASSERT_STREQ(pr(t->u.tuple.items[4], &x), "[a: 1, b: 2, ...]");
    o.limit = 0;
    ASSERT_STREQ(pr(t->u.tuple.items[0], &o), "[...]");
    arena_release(&a);
}

TEST(print_printable_limit)
{
    struct arena a = ARENA_INIT;
    struct term_print_opts o = opts(ERL), x = opts(EX);
    struct term *t;

    ASSERT_OK(term_parse(&a, "{<<\"abcdefgh\">>,\"abcdefgh\",<<\"\xc3\xa9\xc3\xa9\">>}", ERL,
                         0, &t, NULL));
    o.printable_limit = 3;
    x.printable_limit = 3;
    ASSERT_STREQ(pr(t, &o), "{<<\"abc\"...>>,\"abc\"...,<<233,233>>}");
    ASSERT_STREQ(pr(t, &x), "{\"abc\" <> ..., 'abc' ++ ..., <<233, 233>>}");
    arena_release(&a);
    ASSERT_OK(term_parse(&a, "{<<\"abcdefgh\">>,\"\xc3\xa9\xc3\xa9\"}", EX, 0, &t, NULL));
    /* Never cut inside a character. */
    ASSERT_STREQ(pr(t->u.tuple.items[1], &x), "\"\xc3\xa9\" <> ...");
    arena_release(&a);
}

TEST(print_max_len)
{
    struct arena a = ARENA_INIT;
    struct term_print_opts o = opts(ERL);
    struct term *t;
    struct sbuf sb = SBUF_INIT;
    size_t i;

    ASSERT_OK(term_parse(&a, "{abcdefghij,[1,2,3,4,5,6,7,8,9,10]}", ERL, 0, &t, NULL));
    o.max_len = 15;
    ASSERT_STREQ(pr(t, &o), "{abcdefghij,...");
    o.max_len = 35;
    ASSERT_STREQ(pr(t, &o), "{abcdefghij,[1,2,3,4,5,6,7,8,9,10]}");
    o.max_len = 34;
    ASSERT_STREQ(pr(t, &o), "{abcdefghij,[1,2,3,4,5,6,7,8,9,...");
    o.max_len = 2;
    ASSERT_STREQ(pr(t, &o), "..");
    /* Appending after existing text counts only the new bytes. */
    sbuf_addstr(&sb, "pre: ");
    o.max_len = 8;
    term_print(&sb, t, &o);
    ASSERT_STREQ(sbuf_str(&sb), "pre: {abcd...");
    sbuf_release(&sb);
    /* A cut never splits a UTF-8 character. */
    arena_release(&a);
    ASSERT_OK(term_parse(&a, "\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"", EX, 0, &t, NULL));
    o = opts(EX);
    for (i = 4; i < 12; i++) {
        const char *s;
        o.max_len = i;
        s = pr(t, &o);
        ASSERT(strlen(s) <= i);
        ASSERT(strcmp(s + strlen(s) - 3, "...") == 0 || strlen(s) == 10);
        ASSERT((((unsigned char)s[strlen(s) - 4]) & 0xc0) != 0xc0);
    }
    arena_release(&a);
}

TEST(print_huge_list_is_bounded)
{
    /* A million-element list with no element limit: max_len bounds both
     * the output and the time. */
    struct arena a = ARENA_INIT;
    struct term_print_opts o = opts(EX);
    struct term *t = term_list(&a, 1000000);
    size_t i;
    clock_t c0;
    const char *s;

    for (i = 0; i < t->u.list.n; i++)
        t->u.list.items[i] = term_int(&a, (int64_t)i);
    o.limit = -1;
    o.printable_limit = -1;
    o.max_len = 100;
    c0 = clock();
    s = pr(t, &o);
    ASSERT(strlen(s) == 100);
    ASSERT(strcmp(s + 97, "...") == 0);
    ASSERT((double)(clock() - c0) / CLOCKS_PER_SEC < 0.05);
    /* A charlist-looking list: the printable scan is bounded too. */
    for (i = 0; i < t->u.list.n; i++)
        t->u.list.items[i]->u.i = 'a';
    c0 = clock();
    s = pr(t, &o);
    ASSERT(strlen(s) == 100);
    ASSERT(s[0] == '\'');
    ASSERT((double)(clock() - c0) / CLOCKS_PER_SEC < 0.05);
    arena_release(&a);
}

TEST(print_deep_hand_built_term)
{
    /* Terms built by hand deeper than anything decoded: no stack overflow. */
    struct arena a = ARENA_INIT;
    struct term_print_opts o = opts(ERL);
    struct term *t = term_nil(&a);
    size_t i;

    for (i = 0; i < 100000; i++) {
        struct term *l = term_list(&a, 1);
        l->u.list.items[0] = t;
        t = l;
    }
    o.max_len = 50;
    ASSERT(strlen(pr(t, &o)) == 50);
    arena_release(&a);
}

TEST(print_reparses)
{
    /* What we print in a syntax parses back to a term that prints the same. */
    static const char *const srcs[] = {
        "{ok,[1,2|3],#{a => 1,<<\"k\">> => [{x,y}]},<<1,2:3>>,'foo bar','Elixir.Foo'}",
        "[1.0e100,-0.0,0.1,123456789012345678901234567890,-5,<<\"\xc3\xa9\"/utf8>>]",
        "{<0.1.2>,<app@host.3.4>,#Port<0.5>,#Ref<0.1.2.3>,\"a\\nb\",'a\\'b','\\001'}",
        "#{'__struct__' => 'Elixir.Foo.Bar',a => [{b,1}],'c d' => nil,'+' => '::'}",
    };
    size_t i;
    int s;

    for (i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
        for (s = 0; s < 2; s++) {
            struct arena a = ARENA_INIT;
            enum term_syntax syn = s ? EX : ERL;
            struct term_print_opts o = opts(syn);
            struct term *t, *back;
            struct bp_err err = { 0, "" };
            char first[8192];

            o.local_node = NULL;
            ASSERT_OK(term_parse(&a, srcs[i], ERL, 0, &t, &err));
            snprintf(first, sizeof(first), "%s", pr(t, &o));
            if (term_parse(&a, first, syn, 0, &back, &err) != 0)
                unit_fail(__FILE__, __LINE__, "'%s' does not parse: %s", first, err.msg);
            ASSERT_STREQ(pr(back, &o), first);
            arena_release(&a);
        }
    }
}
