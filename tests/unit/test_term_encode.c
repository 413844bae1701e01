/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_term_encode.c - unit tests for term_encode: every kind of term,
 * the refusals (generators, local funs, non-finite floats, bad refs), and
 * round trips parse -> encode -> decode -> print in both syntaxes.
 *
 * The expected bytes are what OTP 25's binary_to_term accepts (checked by
 * hand with erl when the tests were written); the round trips check that
 * what we encode decodes to an equal term.
 */
#include "term/term.h"
#include "unit.h"

#include <ei.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct term_encode_ctx ctx = { "app@host", 7 };

/* Encode t, decode it back, and return the decoded term. */
static struct term *roundtrip(struct arena *a, const struct term *t)
{
    ei_x_buff x;
    struct bp_err err = { 0, "" };
    struct term *back = NULL;
    size_t idx = 0;
    int rc;

    ei_x_new_with_version(&x);
    rc = term_encode(&x, t, &ctx, &err);
    if (rc == 0)
        rc = term_decode_versioned(a, (const unsigned char *)x.buff, (size_t)x.index, &idx,
                                   NULL, &back, &err);
    if (rc == 0 && idx != (size_t)x.index)
        rc = -1;
    ei_x_free(&x);
    if (rc != 0)
        unit_fail(__FILE__, __LINE__, "round trip failed (%d): %s", rc, err.msg);
    return back;
}

static const char *show(const struct term *t, enum term_syntax syn)
{
    static char buf[2048];
    struct sbuf sb = SBUF_INIT;
    struct term_print_opts o = term_print_defaults;

    o.syntax = syn;
    o.local_node = "app@host";
    term_print(&sb, t, &o);
    snprintf(buf, sizeof(buf), "%s", sbuf_str(&sb));
    sbuf_release(&sb);
    return buf;
}

/* Bytes of t's encoding (no version) as hex. */
static const char *hex(const struct term *t)
{
    static char buf[1024];
    ei_x_buff x;
    int i, k = 0;

    ei_x_new(&x);
    if (term_encode(&x, t, &ctx, NULL) != 0)
        snprintf(buf, sizeof(buf), "error");
    else
        for (i = 0; i < x.index && k < (int)sizeof(buf) - 3; i++)
            k += snprintf(buf + k, sizeof(buf) - (size_t)k, "%02x", (unsigned char)x.buff[i]);
    ei_x_free(&x);
    return buf;
}

TEST(encode_scalars)
{
    struct arena a = ARENA_INIT;

    ASSERT_STREQ(hex(term_int(&a, 5)), "6105");
    ASSERT_STREQ(hex(term_int(&a, -1)), "62ffffffff");
    ASSERT_STREQ(hex(term_int(&a, INT64_MIN)), "6e08010000000000000080");
    ASSERT_STREQ(hex(term_float(&a, 1.5)), "463ff8000000000000");
    ASSERT_STREQ(hex(term_atom(&a, "ok")), "77026f6b");
    ASSERT_STREQ(hex(term_atom(&a, "\xc3\xa9")), "7702c3a9");
    ASSERT_STREQ(hex(term_binstr(&a, "ab")), "6d000000026162");
    ASSERT_STREQ(hex(term_nil(&a)), "6a");
    arena_release(&a);
}

TEST(encode_bignums)
{
    struct arena a = ARENA_INIT;
    struct term *t = term_int(&a, 0);
    static const unsigned char mag[9] = { 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    unsigned char big[300];

    t->kind = TERM_BIG;
    t->u.big.neg = true;
    t->u.big.n = 9;
    t->u.big.digits = mag;
    ASSERT_STREQ(hex(t), "6e0901000000000000000001");
    ASSERT_STREQ(show(roundtrip(&a, t), TERM_SYNTAX_ERLANG), "-18446744073709551616");
    memset(big, 0xff, sizeof(big));
    t->u.big.neg = false;
    t->u.big.n = sizeof(big);
    t->u.big.digits = big;
    ASSERT(strncmp(hex(t), "6f0000012c00ffff", 16) == 0); /* LARGE_BIG_EXT */
    ASSERT(term_equal(roundtrip(&a, t), t));
    arena_release(&a);
}

TEST(encode_collections)
{
    struct arena a = ARENA_INIT;
    struct term *l = term_list(&a, 2), *m = term_map(&a, 1);

    l->u.list.items[0] = term_int(&a, 1);
    l->u.list.items[1] = term_int(&a, 2);
    ASSERT_STREQ(hex(l), "6c0000000261016102" "6a");
    l->u.list.tail = term_atom(&a, "t");
    ASSERT_STREQ(hex(l), "6c000000026101610277" "0174");
    m->u.map.keys[0] = term_atom(&a, "a");
    m->u.map.vals[0] = term_tuple2(&a, term_int(&a, 1), term_nil(&a));
    ASSERT_STREQ(hex(m), "7400000001770161680261016a");
    arena_release(&a);
}

TEST(build_lists_of_items_and_int_arrays)
{
    struct arena a = ARENA_INIT;
    struct term *items[3];
    struct term *l, *mixed = term_list(&a, 3);
    int64_t *v;
    size_t n = 99;

    items[0] = term_int(&a, 1);
    items[1] = term_atom(&a, "x");
    items[2] = term_int(&a, 3);
    l = term_list_of(&a, items, 3);
    ASSERT_STREQ(hex(l), "6c00000003610177017861036a");
    ASSERT_STREQ(hex(term_list_of(&a, items, 0)), "6a");
    mixed->u.list.items[0] = term_int(&a, -5);
    mixed->u.list.items[1] = term_atom(&a, "not_an_int");
    mixed->u.list.items[2] = term_int(&a, 40000000000LL);
    v = term_int_array(&a, mixed, &n);
    ASSERT_EQ(n, 3);
    ASSERT_EQ(v[0], -5);
    ASSERT_EQ(v[1], 0);
    ASSERT_EQ(v[2], 40000000000LL);
    v = term_int_array(&a, term_nil(&a), &n);
    ASSERT_EQ(n, 0);
    ASSERT(v != NULL);
    arena_release(&a);
}

TEST(encode_bitstrings)
{
    struct arena a = ARENA_INIT;
    struct term *t = term_binary(&a, "\x01\xe0", 2);

    t->u.bin.bits = 3;
    ASSERT_STREQ(hex(t), "4d000000020301e0");
    ASSERT_STREQ(show(roundtrip(&a, t), TERM_SYNTAX_ERLANG), "<<1,7:3>>");
    t->u.bin.bits = 0;
    ASSERT_STREQ(hex(t), "error");
    arena_release(&a);
}

TEST(encode_pids_ports_refs)
{
    struct arena a = ARENA_INIT;
    struct term *p = term_pidv(&a, NULL, 12, 0, 0), *back;
    struct term *port = term_int(&a, 0), *ref = term_int(&a, 0);
    struct bp_err err;
    ei_x_buff x;

    /* A pid without a node takes the context's node and creation. */
    back = roundtrip(&a, p);
    ASSERT_STREQ(back->u.pid.node, "app@host");
    ASSERT_EQ(back->u.pid.creation, 7);
    ASSERT_STREQ(show(back, TERM_SYNTAX_ERLANG), "<0.12.0>");
    ei_x_new(&x);
    ASSERT_ERR(term_encode(&x, p, NULL, &err), BP_EUSAGE);
    ASSERT(strstr(err.msg, "node"));
    ASSERT_EQ(x.index, 0);
    ei_x_free(&x);
    p = term_pidv(&a, "other@host", 1, 2, 3);
    ASSERT(term_equal(roundtrip(&a, p), p));

    port->kind = TERM_PORT;
    port->u.port.node = "n@h";
    port->u.port.id = (uint64_t)1 << 40; /* needs V4_PORT_EXT */
    port->u.port.creation = 1;
    ASSERT_EQ((unsigned char)hex(port)[1], '8'); /* tag 0x78 */
    ASSERT(term_equal(roundtrip(&a, port), port));

    ref->kind = TERM_REF;
    ref->u.ref.node = NULL;
    ref->u.ref.len = 3;
    ref->u.ref.ids[0] = 1;
    ref->u.ref.ids[1] = 2;
    ref->u.ref.ids[2] = 3;
    back = roundtrip(&a, ref);
    ASSERT_STREQ(show(back, TERM_SYNTAX_ELIXIR), "#Reference<0.3.2.1>");
    ref->u.ref.len = 6; /* libei would read past its array */
    ASSERT_STREQ(hex(ref), "error");
    ref->u.ref.len = 0;
    ASSERT_STREQ(hex(ref), "error");
    arena_release(&a);
}

TEST(encode_funs)
{
    struct arena a = ARENA_INIT;
    struct term *f = term_int(&a, 0), *back;

    f->kind = TERM_FUN;
    f->u.fun.module = "Elixir.Enum";
    f->u.fun.name = "map";
    f->u.fun.arity = 2;
    back = roundtrip(&a, f);
    ASSERT_STREQ(show(back, TERM_SYNTAX_ELIXIR), "&Enum.map/2");
    ASSERT_STREQ(show(back, TERM_SYNTAX_ERLANG), "fun 'Elixir.Enum':map/2");
    /* Local funs cannot be rebuilt from what a struct term keeps. */
    f->u.fun.name = NULL;
    ASSERT_STREQ(hex(f), "error");
    arena_release(&a);
}

TEST(encode_refusals_leave_buffer_alone)
{
    struct arena a = ARENA_INIT;
    struct term *gen, *t;
    struct bp_err err;
    ei_x_buff x;
    char longname[300];

    ASSERT_OK(term_parse(&a, "{ok, [1, $seq]}", TERM_SYNTAX_ERLANG, TERM_PARSE_TEMPLATES, &gen,
                         &err));
    ei_x_new_with_version(&x);
    ASSERT_ERR(term_encode(&x, gen, &ctx, &err), BP_EUSAGE);
    ASSERT(strstr(err.msg, "$seq"));
    ASSERT_EQ(x.index, 1); /* only the version byte */
    ASSERT_ERR(term_encode(&x, term_float(&a, NAN), &ctx, &err), BP_EUSAGE);
    ASSERT_ERR(term_encode(&x, term_float(&a, INFINITY), &ctx, &err), BP_EUSAGE);
    ASSERT(strstr(err.msg, "non-finite"));
    memset(longname, 'a', sizeof(longname));
    t = term_atomn(&a, longname, 256);
    ASSERT_ERR(term_encode(&x, t, &ctx, &err), BP_EUSAGE);
    t = term_atomn(&a, longname, 255);
    ASSERT_OK(term_encode(&x, t, &ctx, &err));
    t = term_atomn(&a, "\xff", 1);
    ASSERT_ERR(term_encode(&x, t, &ctx, &err), BP_EUSAGE);
    ASSERT_ERR(term_encode(&x, NULL, &ctx, &err), BP_EUSAGE);
    ei_x_free(&x);
    arena_release(&a);
}

/* parse -> encode -> decode -> print, in the syntax it was written in. */
static void round_trip_text(const char *src, enum term_syntax syn, const char *want)
{
    struct arena a = ARENA_INIT;
    struct bp_err err = { 0, "" };
    struct term *t, *back;

    if (term_parse(&a, src, syn, 0, &t, &err) != 0)
        unit_fail(__FILE__, __LINE__, "parse of '%s' failed: %s", src, err.msg);
    back = roundtrip(&a, t);
    /* Once pids, ports and refs have their node filled in, the term
     * survives encoding unchanged. */
    ASSERT(term_equal(roundtrip(&a, back), back));
    ASSERT_STREQ(show(back, syn), want ? want : src);
    arena_release(&a);
}

TEST(encode_round_trips)
{
    round_trip_text("{ok,[1,2,3],\"abc\",<<\"x\">>,#{k => 1.5},-17,255}", TERM_SYNTAX_ERLANG,
                    NULL);
    round_trip_text("[1,2|3]", TERM_SYNTAX_ERLANG, NULL);
    round_trip_text("123456789012345678901234567890", TERM_SYNTAX_ERLANG, NULL);
    round_trip_text("-9223372036854775808", TERM_SYNTAX_ERLANG, NULL);
    round_trip_text("[1.0e100,-0.0,0.1,5.0e-324]", TERM_SYNTAX_ERLANG, NULL);
    round_trip_text("<<1,2:3>>", TERM_SYNTAX_ERLANG, NULL);
    round_trip_text("<<\"\xc3\xa9\"/utf8>>", TERM_SYNTAX_ERLANG, NULL);
    round_trip_text("['\xc3\xa9','',' ','Elixir.Foo']", TERM_SYNTAX_ERLANG, NULL);
    round_trip_text("<0.5.0>", TERM_SYNTAX_ERLANG, NULL);
    round_trip_text("<other@host.5.0>", TERM_SYNTAX_ERLANG, NULL);
    round_trip_text("{#Port<0.5>,#Ref<0.1.2.3>}", TERM_SYNTAX_ERLANG, NULL);
    round_trip_text("%Lasso.Events.RoutingDecision{request_id: \"req_1\", ts: 1}",
                    TERM_SYNTAX_ELIXIR, NULL);
    round_trip_text("[a: 1, b: [c: :d]]", TERM_SYNTAX_ELIXIR, NULL);
    round_trip_text("%{\"k\" => 1, :a => 2}", TERM_SYNTAX_ELIXIR, NULL);
    round_trip_text("{:ok, 'abc', nil, true, Foo.Bar}", TERM_SYNTAX_ELIXIR, NULL);
    round_trip_text("#PID<0.1.0>", TERM_SYNTAX_ELIXIR, NULL);
}

TEST(encode_decoded_reply_round_trip)
{
    /* A decoded process_info-like reply encodes back to an equal term. */
    struct arena a = ARENA_INIT;
    struct term *t;
    struct bp_err err;

    ASSERT_OK(term_parse(&a,
                         "[{registered_name,lasso_agg_default},{status,waiting},"
                         "{message_queue_len,1},{links,[<0.80.0>]},{dictionary,[{role,x}]},"
                         "{garbage_collection,[{max_heap_size,#{error_logger => true,"
                         "kill => true,size => 0}},{minor_gcs,0}]}]",
                         TERM_SYNTAX_ERLANG, 0, &t, &err));
    ASSERT(term_equal(roundtrip(&a, roundtrip(&a, t)), roundtrip(&a, t)));
    arena_release(&a);
}
