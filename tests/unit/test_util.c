/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_util.c - unit tests for util/: arena, sbuf, json writer, UTF-8,
 * durations and timestamps, error codes and exit statuses.
 */
#include "unit.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/json.h"
#include "util/sbuf.h"
#include "util/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

TEST(arena_alloc_and_limit)
{
    struct arena a = ARENA_INIT;
    size_t i;
    char *s;

    for (i = 0; i < 10000; i++) {
        void *p = arena_alloc(&a, 37);
        ASSERT(((uintptr_t)p % sizeof(void *)) == 0);
        memset(p, 0xab, 37);
    }
    s = arena_printf(&a, "%d-%s", 42, "x");
    ASSERT_STREQ(s, "42-x");
    ASSERT_STREQ(arena_strndup(&a, "hello", 3), "hel");
    a.limit = a.used + 100;
    ASSERT(arena_alloc_checked(&a, 64) != NULL);
    ASSERT(arena_alloc_checked(&a, 64) == NULL);
    ASSERT(arena_alloc_checked(&a, SIZE_MAX) == NULL);
    arena_clear(&a);
    ASSERT_EQ(a.used, 0);
    a.limit = 0;
    ASSERT(arena_alloc(&a, 2u << 20) != NULL); /* larger than a chunk */
    arena_release(&a);
}

TEST(sbuf_grows_and_caps)
{
    struct sbuf sb = SBUF_INIT;
    size_t len;
    char *d;

    sbuf_addstr(&sb, "abc");
    sbuf_addf(&sb, "%05d", 42);
    sbuf_addch(&sb, '!');
    ASSERT_STREQ(sbuf_str(&sb), "abc00042!");
    sbuf_truncate(&sb, 3);
    ASSERT_STREQ(sbuf_str(&sb), "abc");
    sbuf_addchars(&sb, '-', 1000);
    ASSERT_EQ(sb.len, 1003);
    d = sbuf_detach(&sb, &len);
    ASSERT_EQ(len, 1003);
    ASSERT_EQ(sb.len, 0);
    free(d);

    sbuf_init(&sb, 8);
    sbuf_addstr(&sb, "0123456789");
    ASSERT(sb.overflow);
    ASSERT_STREQ(sbuf_str(&sb), "01234567");
    sbuf_release(&sb);
}

TEST(json_strings_always_valid)
{
    struct sbuf sb = SBUF_INIT;
    const char bad[] = { 'a', '"', '\\', '\n', 0x01, (char)0xff, (char)0xc3, (char)0xa9, 'z' };

    json_str(&sb, bad, sizeof(bad));
    ASSERT_STREQ(sbuf_str(&sb), "\"a\\\"\\\\\\n\\u0001\\ufffd\xc3\xa9z\"");
    sbuf_reset(&sb);
    json_double(&sb, 0.1);
    ASSERT_STREQ(sbuf_str(&sb), "0.1");
    sbuf_reset(&sb);
    json_double(&sb, 1.0 / 0.0);
    ASSERT_STREQ(sbuf_str(&sb), "null");
    sbuf_reset(&sb);
    {
        int first = 1;
        sbuf_addch(&sb, '{');
        json_key(&sb, "a", &first);
        json_int(&sb, -5);
        json_key(&sb, "b", &first);
        json_int(&sb, INT64_MIN);
        sbuf_addch(&sb, '}');
    }
    ASSERT_STREQ(sbuf_str(&sb), "{\"a\":-5,\"b\":-9223372036854775808}");
    sbuf_reset(&sb);
    json_cstr_or_null(&sb, NULL);
    sbuf_addch(&sb, ',');
    json_cstr_or_null(&sb, "x");
    ASSERT_STREQ(sbuf_str(&sb), "null,\"x\"");
    sbuf_release(&sb);
}

TEST(utf8_strict)
{
    uint32_t cp;
    const unsigned char euro[] = { 0xe2, 0x82, 0xac };
    const unsigned char overlong[] = { 0xc0, 0xaf };
    const unsigned char surrogate[] = { 0xed, 0xa0, 0x80 };
    unsigned char out[4];

    ASSERT_EQ(utf8_next(euro, 3, &cp), 3);
    ASSERT_EQ(cp, 0x20ac);
    ASSERT_EQ(utf8_next(euro, 2, &cp), 0); /* truncated */
    ASSERT_EQ(utf8_next(overlong, 2, &cp), 0);
    ASSERT_EQ(utf8_next(surrogate, 3, &cp), 0);
    ASSERT(utf8_valid(euro, 3));
    ASSERT(!utf8_valid(overlong, 2));
    ASSERT_EQ(utf8_put(out, 0x1f534), 4);
    ASSERT_EQ(utf8_next(out, 4, &cp), 4);
    ASSERT_EQ(cp, 0x1f534);
    ASSERT_EQ(utf8_cut(euro, 3, 2), 0);
}

TEST(durations)
{
    int64_t ms;
    struct bp_err e;

    ASSERT_OK(duration_parse("500ms", 1000, &ms, &e));
    ASSERT_EQ(ms, 500);
    ASSERT_OK(duration_parse("1.5s", 1000, &ms, &e));
    ASSERT_EQ(ms, 1500);
    ASSERT_OK(duration_parse("2m", 1000, &ms, &e));
    ASSERT_EQ(ms, 120000);
    ASSERT_OK(duration_parse("3", 1000, &ms, &e));
    ASSERT_EQ(ms, 3000);
    ASSERT_OK(duration_parse("1h", 1000, &ms, &e));
    ASSERT_EQ(ms, 3600000);
    ASSERT_ERR(duration_parse("", 1000, &ms, &e), BP_EUSAGE);
    ASSERT_ERR(duration_parse("5x", 1000, &ms, &e), BP_EUSAGE);
    ASSERT_ERR(duration_parse("-1s", 1000, &ms, &e), BP_EUSAGE);
    ASSERT_ERR(duration_parse("nan", 1000, &ms, &e), BP_EUSAGE);
    ASSERT_ERR(duration_parse("1e30h", 1000, &ms, &e), BP_EUSAGE);
}

TEST(timestamps)
{
    char buf[40];
    timestamp_iso(1795652695123LL, buf, sizeof(buf));
    ASSERT_STREQ(buf, "2026-11-26T00:24:55.123Z");
    timestamp_clock(1795652695123LL, buf, sizeof(buf));
    ASSERT_STREQ(buf, "00:24:55.123");
}

TEST(errors_and_exit_codes)
{
    struct bp_err e;

    ASSERT_EQ(bp_error(&e, BP_EAUTH, "cookie %s", "mismatch"), BP_EAUTH);
    ASSERT_STREQ(e.msg, "cookie mismatch");
    bp_err_prefix(&e, "node '%s': ", "a@b");
    ASSERT_STREQ(e.msg, "node 'a@b': cookie mismatch");
    ASSERT_EQ(bp_error(NULL, BP_EIO, "x"), BP_EIO);
    ASSERT_EQ(bp_exit_code(BP_OK), 0);
    ASSERT_EQ(bp_exit_code(BP_EUSAGE), 1);
    ASSERT_EQ(bp_exit_code(BP_ENOEPMD), 2);
    ASSERT_EQ(bp_exit_code(BP_ENONODE), 2);
    ASSERT_EQ(bp_exit_code(BP_EAUTH), 2);
    ASSERT_EQ(bp_exit_code(BP_ENODEGONE), 2);
    ASSERT_EQ(bp_exit_code(BP_ENOPROC), 3);
    ASSERT_EQ(bp_exit_code(BP_ETIMEDOUT), 4);
    ASSERT_EQ(bp_exit_code(BP_EBADRPC), 5);
    ASSERT_EQ(bp_exit_code(BP_ETHRESHOLD), 6);
    ASSERT_EQ(bp_exit_code(BP_EINTR), 0);
    ASSERT_EQ(bp_exit_code(BP_EINTERNAL), 70);
    /* Long prefixes never overflow. */
    memset(e.msg, 'x', sizeof(e.msg) - 1);
    e.msg[sizeof(e.msg) - 1] = '\0';
    bp_err_prefix(&e, "%0200d", 1);
    ASSERT_EQ(strlen(e.msg), sizeof(e.msg) - 1);
}
