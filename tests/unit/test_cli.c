/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_cli.c - unit tests for option parsing, the cookie rules, the
 * distribution frame parser and small collector helpers: everything of the
 * upper layers that needs no node.
 */
#include "cli/opts.h"
#include "collect/collect.h"
#include "node/node.h"
#include "node/node_frame.h"
#include "render/style.h"
#include "unit.h"

#include <ei.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

TEST(opts_parse_forms)
{
    bool flag = false;
    const char *str = NULL;
    int64_t n = 0, d = 0;
    struct opt_list l = { NULL, 0 };
    struct opt opts[] = {
        OPT_FLAG("flag", 'f', &flag, "a flag"),
        OPT_STRING("name", 'N', &str, "X", "a string"),
        OPT_INT("count", 'n', &n, "N", "an int"),
        OPT_DURATION("watch", 'w', &d, "D", "a duration"),
        OPT_LIST("to", 0, &l, "T", "repeatable"),
        OPT_END
    };
    char *argv[] = { "pos1", "--flag", "--name=abc", "-n", "42", "-w500ms", "--to", "a",
                     "--to=b", "pos2", "--", "--not-an-option" };
    char *pos[8];
    int npos;
    struct bp_err e;

    ASSERT_OK(opts_parse(12, argv, opts, NULL, NULL, pos, 8, &npos, &e));
    ASSERT(flag);
    ASSERT_STREQ(str, "abc");
    ASSERT_EQ(n, 42);
    ASSERT_EQ(d, 500);
    ASSERT_EQ(l.n, 2);
    ASSERT_STREQ(l.items[1], "b");
    ASSERT_EQ(npos, 3);
    ASSERT_STREQ(pos[0], "pos1");
    ASSERT_STREQ(pos[2], "--not-an-option");
    free((void *)l.items);
}

TEST(opts_parse_errors)
{
    int64_t n = 0;
    bool f = false;
    struct opt opts[] = { OPT_INT("count", 'n', &n, "N", "x"), OPT_FLAG("f", 'f', &f, "x"),
                          OPT_END };
    char *pos[2];
    int npos;
    struct bp_err e;
    char *a1[] = { "--nope" };
    char *a2[] = { "--count" };
    char *a3[] = { "--count", "x1" };
    char *a4[] = { "--f=1" };
    char *a5[] = { "a", "b", "c" };
    char *a6[] = { "-5" };

    ASSERT_ERR(opts_parse(1, a1, opts, NULL, NULL, pos, 2, &npos, &e), BP_EUSAGE);
    ASSERT(strstr(e.msg, "--nope"));
    ASSERT_ERR(opts_parse(1, a2, opts, NULL, NULL, pos, 2, &npos, &e), BP_EUSAGE);
    ASSERT(strstr(e.msg, "needs a value"));
    ASSERT_ERR(opts_parse(2, a3, opts, NULL, NULL, pos, 2, &npos, &e), BP_EUSAGE);
    ASSERT_ERR(opts_parse(1, a4, opts, NULL, NULL, pos, 2, &npos, &e), BP_EUSAGE);
    ASSERT_ERR(opts_parse(3, a5, opts, NULL, NULL, pos, 2, &npos, &e), BP_EUSAGE);
    ASSERT_OK(opts_parse(1, a6, opts, NULL, NULL, pos, 2, &npos, &e)); /* -5 is positional */
    ASSERT_EQ(npos, 1);
}

static char *write_file(const char *content, mode_t mode)
{
    static char path[64];
    int fd;
    snprintf(path, sizeof(path), "/tmp/bp-unit-cookie-XXXXXX");
    fd = mkstemp(path);
    ASSERT(fd >= 0);
    ASSERT(write(fd, content, strlen(content)) == (ssize_t)strlen(content));
    close(fd);
    chmod(path, mode);
    return path;
}

TEST(cookie_sources_and_permissions)
{
    char buf[256];
    struct bp_err e;
    char *p;

    ASSERT_OK(node_cookie_find("explicit", NULL, buf, sizeof(buf), &e));
    ASSERT_STREQ(buf, "explicit");
    p = write_file("  secret42\n", 0400);
    ASSERT_OK(node_cookie_find(NULL, p, buf, sizeof(buf), &e));
    ASSERT_STREQ(buf, "secret42");
    chmod(p, 0644);
    ASSERT_ERR(node_cookie_find(NULL, p, buf, sizeof(buf), &e), BP_ECOOKIE);
    ASSERT(strstr(e.msg, "group or others"));
    ASSERT(!strstr(e.msg, "secret42"));
    unlink(p);
    p = write_file("\n", 0600);
    ASSERT_ERR(node_cookie_find(NULL, p, buf, sizeof(buf), &e), BP_ECOOKIE);
    ASSERT(strstr(e.msg, "empty"));
    unlink(p);
    ASSERT_ERR(node_cookie_find(NULL, "/nonexistent/cookie", buf, sizeof(buf), &e),
               BP_ECOOKIE);
    setenv("BEAMPROBE_COOKIE", "fromenv", 1);
    unsetenv("BEAMPROBE_COOKIE_FILE");
    ASSERT_OK(node_cookie_find(NULL, NULL, buf, sizeof(buf), &e));
    ASSERT_STREQ(buf, "fromenv");
    unsetenv("BEAMPROBE_COOKIE");
}

/* A SEND frame {2, '', Pid} followed by the message `hello`. */
static size_t make_send_frame(unsigned char *out, size_t cap)
{
    ei_x_buff x;
    erlang_pid p;
    size_t n;

    memset(&p, 0, sizeof(p));
    strcpy(p.node, "a@b");
    p.num = 5;
    p.creation = 7;
    ei_x_new(&x);
    ei_x_append_buf(&x, "p", 1);
    ei_x_encode_version(&x);
    ei_x_encode_tuple_header(&x, 3);
    ei_x_encode_long(&x, DOP_SEND);
    ei_x_encode_atom(&x, "");
    ei_x_encode_pid(&x, &p);
    ei_x_encode_version(&x);
    ei_x_encode_atom(&x, "hello");
    n = (size_t)x.index;
    ASSERT(n <= cap);
    memcpy(out, x.buff, n);
    ei_x_free(&x);
    return n;
}

TEST(frame_parse_send_and_every_prefix)
{
    unsigned char buf[256];
    size_t n = make_send_frame(buf, sizeof(buf)), i;
    struct arena a = ARENA_INIT;
    struct dist_frame f;
    struct bp_err e;

    ASSERT_OK(node_frame_parse(&a, buf, n, &f, &e));
    ASSERT_EQ(f.op, DOP_SEND);
    ASSERT(node_frame_is_send(f.op));
    ASSERT(f.msg && f.msg[0] == 131);
    {
        struct term *m = NULL;
        size_t idx = 0;
        ASSERT_OK(term_decode_versioned(&a, f.msg, f.msg_len, &idx, NULL, &m, &e));
        ASSERT(term_is_atom(m, "hello"));
    }
    /* Every prefix parses cleanly or fails cleanly (message bytes are only
     * decoded by the caller, so prefixes inside them still parse). */
    for (i = 0; i < n; i++) {
        int rc = node_frame_parse(&a, buf, i, &f, &e);
        ASSERT(rc == 0 || rc == BP_EDECODE || rc == BP_ETOOBIG);
    }
    buf[0] = 'q';
    ASSERT_ERR(node_frame_parse(&a, buf, n, &f, &e), BP_EDECODE);
    arena_release(&a);
}

TEST(frame_parse_rejects_bad_control)
{
    /* 'p', 131, atom 'x': a control that is not a tuple. */
    const unsigned char notuple[] = { 112, 131, 119, 1, 'x' };
    /* 'p', 131, {} (empty tuple) */
    const unsigned char empty[] = { 112, 131, 104, 0 };
    /* 'p', 131, {2}, garbage message without version byte */
    const unsigned char nover[] = { 112, 131, 104, 1, 97, 2, 99 };
    /* absurd tuple arity */
    const unsigned char huge[] = { 112, 131, 105, 0xff, 0xff, 0xff, 0xff };
    struct arena a = ARENA_INIT;
    struct dist_frame f;
    struct bp_err e;

    ASSERT_ERR(node_frame_parse(&a, notuple, sizeof(notuple), &f, &e), BP_EDECODE);
    ASSERT_ERR(node_frame_parse(&a, empty, sizeof(empty), &f, &e), BP_EDECODE);
    ASSERT_ERR(node_frame_parse(&a, nover, sizeof(nover), &f, &e), BP_EDECODE);
    ASSERT(node_frame_parse(&a, huge, sizeof(huge), &f, &e) != 0);
    ASSERT(a.used < 64 * 1024);
    arena_release(&a);
}

TEST(gc_proplist_parsing)
{
    struct arena a = ARENA_INIT;
    struct term *t = NULL;
    struct proc_gc gc;
    struct bp_err e;

    ASSERT_OK(term_parse(&a, "[{max_heap_size,#{error_logger => true,kill => true,size => 1000}},"
                             "{min_bin_vheap_size,46422},{min_heap_size,233},"
                             "{fullsweep_after,65535},{minor_gcs,7}]",
                         TERM_SYNTAX_ERLANG, 0, &t, &e));
    collect_parse_gc(t, &gc);
    ASSERT_EQ(gc.minor_gcs, 7);
    ASSERT_EQ(gc.fullsweep_after, 65535);
    ASSERT_EQ(gc.min_heap_size, 233);
    ASSERT_EQ(gc.min_bin_vheap_size, 46422);
    ASSERT_EQ(gc.max_heap_size, 1000);
    ASSERT(gc.max_heap_kill);
    arena_release(&a);
}

TEST(mailbox_levels)
{
    ASSERT_EQ(level_mailbox(0), LEVEL_OK);
    ASSERT_EQ(level_mailbox(100), LEVEL_OK);
    ASSERT_EQ(level_mailbox(101), LEVEL_WARN);
    ASSERT_EQ(level_mailbox(1000), LEVEL_WARN);
    ASSERT_EQ(level_mailbox(1001), LEVEL_CRIT);
}

TEST(top_keys)
{
    enum top_key k;
    ASSERT_OK(top_key_parse("mailbox", &k));
    ASSERT_EQ(k, TOP_MAILBOX);
    ASSERT_OK(top_key_parse("message_queue_len", &k));
    ASSERT_EQ(k, TOP_MAILBOX);
    ASSERT_STREQ(top_key_name(TOP_GC), "gc");
    ASSERT_ERR(top_key_parse("nonsense", &k), BP_EUSAGE);
}
