/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_load_template.c - unit tests for load/template.c: every generator's
 * exact values ($seq, $now_ms, integer encodings at each size), $rand's
 * bounds and uniformity, $pick's proportions over many draws, $str in both
 * syntaxes, struct literals, $event in --call argument lists, and that an
 * emitted event decodes to exactly the term the template describes.
 */
#include "load/template.h"
#include "unit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define ERL TERM_SYNTAX_ERLANG
#define EX TERM_SYNTAX_ELIXIR

static const struct term_encode_ctx ectx = { "app@host", 7 };

/* Compile src, emit one event with seq/now/rng, decode it. */
static struct term *emit1(struct arena *a, const char *src, enum term_syntax syn,
                          uint64_t seq, int64_t now, struct tpl_rng *rng)
{
    struct tpl *t = NULL;
    struct bp_err err = { 0, "" };
    struct tpl_buf b = TPL_BUF_INIT;
    struct tpl_ctx cx;
    struct term *out = NULL;
    size_t idx = 0;
    int rc;

    rc = tpl_parse(a, src, syn, NULL, &ectx, &t, &err);
    if (rc)
        unit_fail(__FILE__, __LINE__, "compile '%s': %s", src, err.msg);
    cx.seq = seq;
    cx.now_ms = now;
    cx.rng = rng;
    tpl_emit(t, &cx, &b);
    rc = term_decode(a, b.p, b.len, &idx, NULL, &out, &err);
    if (rc || idx != b.len)
        unit_fail(__FILE__, __LINE__, "decode of '%s' failed: %s", src, err.msg);
    tpl_buf_release(&b);
    return out;
}

/* The emitted event equals the literal `want` (parsed in the same syntax). */
static void same(const char *src, enum term_syntax syn, uint64_t seq, int64_t now,
                 const char *want)
{
    struct arena a = ARENA_INIT;
    struct tpl_rng rng;
    struct term *got, *exp = NULL;
    struct bp_err err;

    tpl_rng_seed(&rng, 1);
    got = emit1(&a, src, syn, seq, now, &rng);
    if (term_parse(&a, want, syn, 0, &exp, &err) != 0)
        unit_fail(__FILE__, __LINE__, "parse of '%s': %s", want, err.msg);
    if (!term_equal(got, exp)) {
        struct sbuf sb = SBUF_INIT;
        struct term_print_opts o = term_print_defaults;
        o.syntax = syn;
        term_print(&sb, got, &o);
        unit_fail(__FILE__, __LINE__, "'%s' gave %s, want %s", src, sbuf_str(&sb), want);
    }
    arena_release(&a);
}

TEST(template_constant)
{
    struct arena a = ARENA_INIT;
    struct tpl *t;
    struct bp_err err;

    ASSERT_OK(tpl_parse(&a, "{hello, [1, 2, 3], <<\"x\">>}", ERL, NULL, &ectx, &t, &err));
    ASSERT(tpl_is_constant(t));
    ASSERT_OK(tpl_parse(&a, "{hello, $seq}", ERL, NULL, &ectx, &t, &err));
    ASSERT(!tpl_is_constant(t));
    same("{hello, [1, 2, 3], <<\"x\">>}", ERL, 1, 0, "{hello, [1, 2, 3], <<\"x\">>}");
    /* A pid written <0.N.S> is the target node's (ectx). */
    {
        struct tpl_rng rng;
        struct term *p;
        tpl_rng_seed(&rng, 1);
        p = emit1(&a, "#{a => <0.5.1>}", ERL, 1, 0, &rng);
        p = (struct term *)term_map_get(p, "a");
        ASSERT(p && p->kind == TERM_PID);
        ASSERT_STREQ(p->u.pid.node, "app@host");
        ASSERT_EQ(p->u.pid.num, 5);
        ASSERT_EQ(p->u.pid.serial, 1);
        ASSERT_EQ(p->u.pid.creation, 7);
    }
    arena_release(&a);
}

TEST(template_seq_every_integer_size)
{
    same("{seq, $seq}", ERL, 1, 0, "{seq, 1}");
    same("{seq, $seq}", ERL, 255, 0, "{seq, 255}");
    same("{seq, $seq}", ERL, 256, 0, "{seq, 256}");
    same("{seq, $seq}", ERL, 70000, 0, "{seq, 70000}");
    same("{seq, $seq}", ERL, 2147483647, 0, "{seq, 2147483647}");
    same("{seq, $seq}", ERL, 2147483648ULL, 0, "{seq, 2147483648}");
    same("[$seq, $seq]", ERL, 1099511627776ULL, 0, "[1099511627776, 1099511627776]");
    same("$now_ms", ERL, 1, 1764121234567LL, "1764121234567");
    same("{$now_ms, $seq}", EX, 9, -5, "{-5, 9}");
}

TEST(template_seq_encoding_is_term_to_binary)
{
    /* The bytes are those of term_to_binary: 97 for 0..255, 98 for int32,
     * 110 (SMALL_BIG_EXT) beyond. */
    struct arena a = ARENA_INIT;
    struct tpl *t;
    struct bp_err err;
    struct tpl_buf b = TPL_BUF_INIT;
    struct tpl_ctx cx = { 200, 0, NULL };
    static const unsigned char small[] = { 97, 200 };
    static const unsigned char i32[] = { 98, 0, 1, 0, 0 };
    static const unsigned char big[] = { 110, 5, 0, 0, 0, 0, 0, 1 };

    ASSERT_OK(tpl_parse(&a, "$seq", ERL, NULL, &ectx, &t, &err));
    tpl_emit(t, &cx, &b);
    ASSERT_EQ(b.len, sizeof(small));
    ASSERT(memcmp(b.p, small, sizeof(small)) == 0);
    b.len = 0;
    cx.seq = 65536;
    tpl_emit(t, &cx, &b);
    ASSERT_EQ(b.len, sizeof(i32));
    ASSERT(memcmp(b.p, i32, sizeof(i32)) == 0);
    b.len = 0;
    cx.seq = 1ULL << 32;
    tpl_emit(t, &cx, &b);
    ASSERT_EQ(b.len, sizeof(big));
    ASSERT(memcmp(b.p, big, sizeof(big)) == 0);
    tpl_buf_release(&b);
    arena_release(&a);
}

/* Draw n values of an integer template. */
static void draws(const char *src, int64_t *out, size_t n, uint64_t seed)
{
    struct arena a = ARENA_INIT, d = ARENA_INIT;
    struct tpl *t;
    struct bp_err err;
    struct tpl_buf b = TPL_BUF_INIT;
    struct tpl_rng rng;
    struct tpl_ctx cx;
    size_t i;

    if (tpl_parse(&a, src, ERL, NULL, &ectx, &t, &err) != 0)
        unit_fail(__FILE__, __LINE__, "%s", err.msg);
    tpl_rng_seed(&rng, seed);
    cx.seq = 1;
    cx.now_ms = 0;
    cx.rng = &rng;
    for (i = 0; i < n; i++) {
        struct term *v = NULL;
        size_t idx = 0;
        b.len = 0;
        tpl_emit(t, &cx, &b);
        if (term_decode(&d, b.p, b.len, &idx, NULL, &v, &err) != 0 || v->kind != TERM_INT)
            unit_fail(__FILE__, __LINE__, "bad draw");
        out[i] = v->u.i;
        if (i % 4096 == 4095)
            arena_clear(&d);
    }
    tpl_buf_release(&b);
    arena_release(&d);
    arena_release(&a);
}

TEST(template_rand_bounds_and_uniformity)
{
    enum { N = 200000 };
    static int64_t v[N];
    long counts[101];
    double mean = 0, chi = 0;
    size_t i;

    draws("$rand(1, 100)", v, N, 42);
    memset(counts, 0, sizeof(counts));
    for (i = 0; i < N; i++) {
        ASSERT(v[i] >= 1 && v[i] <= 100);
        counts[v[i]]++;
        mean += (double)v[i];
    }
    mean /= N;
    /* Every value appears; mean 50.5; chi-square with 99 degrees of
     * freedom stays far below 200 for a uniform generator. */
    for (i = 1; i <= 100; i++) {
        double e = N / 100.0, d = (double)counts[i] - e;
        ASSERT(counts[i] > 0);
        chi += d * d / e;
    }
    ASSERT(fabs(mean - 50.5) < 0.5);
    ASSERT(chi < 200);
    /* Degenerate and negative ranges, and the extremes of int64. */
    draws("$rand(7, 7)", v, 100, 1);
    for (i = 0; i < 100; i++)
        ASSERT_EQ(v[i], 7);
    draws("$rand(-3, 3)", v, 10000, 2);
    {
        int seen_lo = 0, seen_hi = 0;
        for (i = 0; i < 10000; i++) {
            ASSERT(v[i] >= -3 && v[i] <= 3);
            seen_lo |= v[i] == -3;
            seen_hi |= v[i] == 3;
        }
        ASSERT(seen_lo && seen_hi);
    }
}

TEST(template_rand_is_reproducible)
{
    static int64_t a[1000], b[1000], c[1000];
    draws("$rand(0, 1000000)", a, 1000, 99);
    draws("$rand(0, 1000000)", b, 1000, 99);
    draws("$rand(0, 1000000)", c, 1000, 100);
    ASSERT(memcmp(a, b, sizeof(a)) == 0);
    ASSERT(memcmp(a, c, sizeof(a)) != 0);
}

TEST(template_pick_proportions)
{
    enum { N = 200000 };
    struct arena a = ARENA_INIT, d = ARENA_INIT;
    struct tpl *t;
    struct bp_err err;
    struct tpl_buf b = TPL_BUF_INIT;
    struct tpl_rng rng;
    struct tpl_ctx cx;
    long success = 0, error = 0, other = 0;
    double p;
    size_t i;

    ASSERT_OK(tpl_parse(&a, "$pick(success: 95, error: 5)", EX, NULL, &ectx, &t, &err));
    tpl_rng_seed(&rng, 7);
    cx.seq = 1;
    cx.now_ms = 0;
    cx.rng = &rng;
    for (i = 0; i < N; i++) {
        struct term *v = NULL;
        size_t idx = 0;
        b.len = 0;
        tpl_emit(t, &cx, &b);
        ASSERT_OK(term_decode(&d, b.p, b.len, &idx, NULL, &v, &err));
        if (term_is_atom(v, "success"))
            success++;
        else if (term_is_atom(v, "error"))
            error++;
        else
            other++;
        if (i % 4096 == 4095)
            arena_clear(&d);
    }
    ASSERT_EQ(other, 0);
    ASSERT_EQ(success + error, N);
    /* 95 %: the standard deviation over 200,000 draws is 0.05 %. */
    p = (double)success / N;
    ASSERT(fabs(p - 0.95) < 0.003);
    /* A zero weight is never drawn; one choice always is. */
    ASSERT_OK(tpl_parse(&a, "$pick(a:1, b:0, c:1)", ERL, NULL, &ectx, &t, &err));
    for (i = 0; i < 5000; i++) {
        struct term *v = NULL;
        size_t idx = 0;
        b.len = 0;
        tpl_emit(t, &cx, &b);
        ASSERT_OK(term_decode(&a, b.p, b.len, &idx, NULL, &v, &err));
        ASSERT(!term_is_atom(v, "b"));
    }
    same("$pick({ok, 1}:1)", ERL, 1, 0, "{ok, 1}");
    /* Choices may hold generators. */
    same("$pick({id, $seq}:3)", ERL, 12, 0, "{id, 12}");
    tpl_buf_release(&b);
    arena_release(&d);
    arena_release(&a);
}

TEST(template_str)
{
    /* Erlang: "..." is a string, so the result is a string. */
    same("$str(\"load_test_\", $seq)", ERL, 42, 0, "\"load_test_42\"");
    /* Elixir: "..." is a binary. */
    same("$str(\"load_test_\", $seq)", EX, 42, 0, "\"load_test_42\"");
    same("$str(<<\"req_\">>, $seq, \"_\", $now_ms)", ERL, 3, 17, "<<\"req_3_17\">>");
    /* Atoms by name, integers in decimal, nested $str and $pick. */
    same("$str(abc, 12, $str(x, $pick(y:1)))", ERL, 1, 0, "\"abc12xy\"");
    same("$str($seq)", ERL, 5, 0, "\"5\"");
    same("$str($seq)", EX, 5, 0, "\"5\"");
    same("$str(\"\")", EX, 5, 0, "\"\"");
    same("$str(\"\")", ERL, 5, 0, "[]");
    /* Unicode: Latin-1 stays a string, wider code points a list. */
    same("$str(\"é\", $seq)", ERL, 1, 0, "[233, 49]");
    same("$str(\"€\", $seq)", ERL, 1, 0, "[8364, 49]");
    same("$str(\"€\", $seq)", EX, 1, 0, "\"€1\"");
    /* $rand inside $str stays in bounds. */
    {
        struct arena a = ARENA_INIT;
        struct tpl_rng rng;
        int i;
        tpl_rng_seed(&rng, 3);
        for (i = 0; i < 200; i++) {
            struct term *t = emit1(&a, "$str(<<\"r\">>, $rand(1, 9))", ERL, 1, 0, &rng);
            ASSERT_EQ(t->kind, TERM_BINARY);
            ASSERT_EQ(t->u.bin.len, 2);
            ASSERT(t->u.bin.data[1] >= '1' && t->u.bin.data[1] <= '9');
        }
        arena_release(&a);
    }
}

TEST(template_routing_decision_struct)
{
    struct arena a = ARENA_INIT;
    struct tpl_rng rng;
    struct term *t;
    const struct term *v;

    tpl_rng_seed(&rng, 5);
    t = emit1(&a,
              "%Lasso.Events.RoutingDecision{ts: $now_ms, request_id: $str(\"load_test_\", "
              "$seq), profile: \"default\", transport: :http, duration_ms: $rand(1, 100), "
              "result: $pick(success: 95, error: 5), failover_count: 0}",
              EX, 1234, 1764121234567LL, &rng);
    ASSERT_EQ(t->kind, TERM_MAP);
    ASSERT_EQ(t->u.map.n, 8);
    ASSERT(term_is_atom(term_map_get(t, "__struct__"), "Elixir.Lasso.Events.RoutingDecision"));
    ASSERT_EQ(term_int_or(term_map_get(t, "ts"), 0), 1764121234567LL);
    v = term_map_get(t, "request_id");
    ASSERT(v && v->kind == TERM_BINARY && v->u.bin.len == 14 &&
           memcmp(v->u.bin.data, "load_test_1234", 14) == 0);
    v = term_map_get(t, "duration_ms");
    ASSERT(v && v->kind == TERM_INT && v->u.i >= 1 && v->u.i <= 100);
    v = term_map_get(t, "result");
    ASSERT(term_is_atom(v, "success") || term_is_atom(v, "error"));
    ASSERT(term_is_atom(term_map_get(t, "transport"), "http"));
    arena_release(&a);
}

TEST(template_event_in_call_args)
{
    struct arena a = ARENA_INIT;
    struct tpl *ev, *args;
    struct term_call call;
    struct term *l;
    struct bp_err err;
    struct tpl_buf b = TPL_BUF_INIT;
    struct tpl_rng rng;
    struct tpl_ctx cx;
    struct term *got = NULL, *want = NULL;
    size_t i, idx = 0;

    ASSERT_OK(tpl_parse(&a, "{event, $seq}", ERL, NULL, &ectx, &ev, &err));
    ASSERT_OK(term_parse_call(&a,
                              "Phoenix.PubSub.broadcast(Lasso.PubSub, "
                              "\"routing:decisions:default\", $event)",
                              TERM_PARSE_TEMPLATES, &call, &err));
    ASSERT_STREQ(call.module, "Elixir.Phoenix.PubSub");
    l = term_list(&a, call.nargs);
    for (i = 0; i < call.nargs; i++)
        l->u.list.items[i] = call.args[i];
    ASSERT_OK(tpl_compile(&a, l, ev, call.syntax, &ectx, &args, &err));
    tpl_rng_seed(&rng, 1);
    cx.seq = 77;
    cx.now_ms = 0;
    cx.rng = &rng;
    tpl_emit(args, &cx, &b);
    ASSERT_OK(term_decode(&a, b.p, b.len, &idx, NULL, &got, &err));
    ASSERT_OK(term_parse(&a, "[Lasso.PubSub, \"routing:decisions:default\", {:event, 77}]", EX,
                         0, &want, &err));
    ASSERT(term_equal(got, want));
    /* $event is only for argument lists. */
    ASSERT_ERR(tpl_parse(&a, "{x, $event}", ERL, NULL, &ectx, &ev, &err), BP_EUSAGE);
    ASSERT(strstr(err.msg, "$event"));
    tpl_buf_release(&b);
    arena_release(&a);
}

TEST(template_refusals)
{
    struct arena a = ARENA_INIT;
    struct tpl *t;
    struct bp_err err;

    ASSERT_ERR(tpl_parse(&a, "$pick(a:0, b:0)", ERL, NULL, &ectx, &t, &err), BP_EUSAGE);
    ASSERT(strstr(err.msg, "above 0"));
    ASSERT_ERR(tpl_parse(&a, "$str({a, b})", ERL, NULL, &ectx, &t, &err), BP_EUSAGE);
    ASSERT_ERR(tpl_parse(&a, "$rand(5, 1)", ERL, NULL, &ectx, &t, &err), BP_EUSAGE);
    ASSERT_ERR(tpl_parse(&a, "{unclosed", ERL, NULL, &ectx, &t, &err), BP_EUSAGE);
    arena_release(&a);
}
