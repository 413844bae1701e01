/* SPDX-License-Identifier: Apache-2.0 */
/*
 * term_encode.c - struct term to external term format with libei.
 *
 * Every value goes through libei's ei_x_encode_* functions except bignums
 * (libei only encodes those through GMP or its undocumented erlang_big), whose
 * SMALL_BIG_EXT/LARGE_BIG_EXT bytes are appended as they are.  Values libei
 * would encode but a node would reject are refused here with BP_EUSAGE
 * before anything is appended: non-finite floats (libei writes them and the
 * node drops the connection), reference lengths outside 1..5 (libei reads
 * past its array), atoms over 255 characters.  Local funs cannot be rebuilt
 * from what struct term keeps and are refused too.  Never prints.
 */
#include "term/term.h"
#include "term/term_text.h"

#include <ei.h>

#include <limits.h>
#include <math.h>
#include <string.h>

/* Nesting beyond which a hand-built term is refused (decoded and parsed
 * terms are far shallower). */
#define MAX_DEPTH 4096

struct enc {
    ei_x_buff *x;
    const struct term_encode_ctx *ctx;
    struct bp_err *err;
};

static int ei_failed(struct enc *e, const char *what)
{
    return bp_error(e->err, BP_ENOMEM, "cannot encode %s", what);
}

/* An atom name libei and the node accept: UTF-8, at most 255 characters. */
static int check_atom(struct enc *e, const char *name, size_t len)
{
    size_t chars = 0, i;

    if (!utf8_valid((const unsigned char *)name, len))
        return bp_error(e->err, BP_EUSAGE, "atom is not valid UTF-8");
    for (i = 0; i < len; i++)
        if (((unsigned char)name[i] & 0xc0) != 0x80)
            chars++;
    if (chars > 255)
        return bp_error(e->err, BP_EUSAGE, "atom longer than 255 characters");
    return 0;
}

static int copy_node(struct enc *e, char *dst, const char *node, uint32_t *creation,
                     const char *what)
{
    size_t n;

    if (!node) {
        if (!e->ctx || !e->ctx->node)
            return bp_error(e->err, BP_EUSAGE, "cannot encode a %s without a node name",
                            what);
        node = e->ctx->node;
        *creation = e->ctx->creation;
    }
    n = strlen(node);
    if (n == 0 || n >= MAXATOMLEN_UTF8 || check_atom(e, node, n) < 0)
        return bp_error(e->err, BP_EUSAGE, "bad node name in %s", what);
    memcpy(dst, node, n + 1);
    return 0;
}

static int encode_atom(struct enc *e, const char *name, size_t len)
{
    int rc;

    if ((rc = check_atom(e, name, len)) < 0)
        return rc;
    if (ei_x_encode_atom_len_as(e->x, name, (int)len, ERLANG_UTF8, ERLANG_UTF8) < 0)
        return ei_failed(e, "atom");
    return 0;
}

static int encode_big(struct enc *e, const struct term *t)
{
    unsigned char hdr[6];
    size_t n = t->u.big.n, h;

    if (n > INT_MAX - 6)
        return bp_error(e->err, BP_ETOOBIG, "integer too large to encode");
    if (n <= 255) {
        hdr[0] = ERL_SMALL_BIG_EXT;
        hdr[1] = (unsigned char)n;
        h = 2;
    } else {
        hdr[0] = ERL_LARGE_BIG_EXT;
        hdr[1] = (unsigned char)(n >> 24);
        hdr[2] = (unsigned char)(n >> 16);
        hdr[3] = (unsigned char)(n >> 8);
        hdr[4] = (unsigned char)n;
        h = 5;
    }
    hdr[h++] = t->u.big.neg ? 1 : 0;
    if (ei_x_append_buf(e->x, (const char *)hdr, (int)h) < 0 ||
        (n && ei_x_append_buf(e->x, (const char *)t->u.big.digits, (int)n) < 0))
        return ei_failed(e, "integer");
    return 0;
}

static int encode_binary(struct enc *e, const struct term *t)
{
    size_t len = t->u.bin.len;
    unsigned bits = t->u.bin.bits;

    if (len > INT_MAX - 16)
        return bp_error(e->err, BP_ETOOBIG, "binary of %zu bytes too large to encode", len);
    if (bits == 8 || len == 0) {
        if (ei_x_encode_binary(e->x, t->u.bin.data, (int)len) < 0)
            return ei_failed(e, "binary");
        return 0;
    }
    if (bits < 1 || bits > 8)
        return bp_error(e->err, BP_EUSAGE, "bitstring with %u bits in its last byte", bits);
    if (ei_x_encode_bitstring(e->x, (const char *)t->u.bin.data, 0, (len - 1) * 8 + bits) <
        0)
        return ei_failed(e, "bitstring");
    return 0;
}

static int encode(struct enc *e, const struct term *t, unsigned depth);

static int encode_items(struct enc *e, struct term *const *items, size_t n, unsigned depth)
{
    size_t i;
    int rc;

    for (i = 0; i < n; i++)
        if ((rc = encode(e, items[i], depth + 1)) < 0)
            return rc;
    return 0;
}

static int encode_pid(struct enc *e, const struct term *t)
{
    erlang_pid p;
    int rc;

    memset(&p, 0, sizeof(p));
    p.creation = t->u.pid.creation;
    if ((rc = copy_node(e, p.node, t->u.pid.node, &p.creation, "pid")) < 0)
        return rc;
    p.num = t->u.pid.num;
    p.serial = t->u.pid.serial;
    if (ei_x_encode_pid(e->x, &p) < 0)
        return ei_failed(e, "pid");
    return 0;
}

static int encode_port(struct enc *e, const struct term *t)
{
    erlang_port p;
    int rc;

    memset(&p, 0, sizeof(p));
    p.creation = t->u.port.creation;
    if ((rc = copy_node(e, p.node, t->u.port.node, &p.creation, "port")) < 0)
        return rc;
    p.id = t->u.port.id;
    if (ei_x_encode_port(e->x, &p) < 0)
        return ei_failed(e, "port");
    return 0;
}

static int encode_ref(struct enc *e, const struct term *t)
{
    erlang_ref r;
    unsigned i;
    int rc;

    if (t->u.ref.len < 1 || t->u.ref.len > 5)
        return bp_error(e->err, BP_EUSAGE, "reference with %u ids (1 to 5 allowed)",
                        t->u.ref.len);
    memset(&r, 0, sizeof(r));
    r.creation = t->u.ref.creation;
    if ((rc = copy_node(e, r.node, t->u.ref.node, &r.creation, "reference")) < 0)
        return rc;
    r.len = (int)t->u.ref.len;
    for (i = 0; i < t->u.ref.len; i++)
        r.n[i] = t->u.ref.ids[i];
    if (ei_x_encode_ref(e->x, &r) < 0)
        return ei_failed(e, "reference");
    return 0;
}

static int encode_fun(struct enc *e, const struct term *t)
{
    erlang_fun f;
    size_t n;
    int rc;

    if (!t->u.fun.name)
        return bp_error(e->err, BP_EUSAGE,
                        "cannot encode a local fun (only fun Module:Function/Arity)");
    if (!t->u.fun.module || t->u.fun.arity < 0 || t->u.fun.arity > 255)
        return bp_error(e->err, BP_EUSAGE, "bad external fun");
    n = strlen(t->u.fun.module);
    if ((rc = check_atom(e, t->u.fun.module, n)) < 0 ||
        (rc = check_atom(e, t->u.fun.name, strlen(t->u.fun.name))) < 0)
        return rc;
    if (n >= sizeof(f.module))
        return bp_error(e->err, BP_EUSAGE, "bad module name in fun");
    memset(&f, 0, sizeof(f));
    f.type = EI_FUN_EXPORT;
    f.arity = t->u.fun.arity;
    memcpy(f.module, t->u.fun.module, n + 1);
    f.u.exprt.func = (char *)(uintptr_t)t->u.fun.name; /* libei only reads it */
    if (ei_x_encode_fun(e->x, &f) < 0)
        return ei_failed(e, "fun");
    return 0;
}

static int encode(struct enc *e, const struct term *t, unsigned depth)
{
    int rc;

    if (!t)
        return bp_error(e->err, BP_EUSAGE, "cannot encode a missing term");
    if (depth > MAX_DEPTH)
        return bp_error(e->err, BP_ETOOBIG, "term nested deeper than %d", MAX_DEPTH);
    switch (t->kind) {
    case TERM_INT:
        if (ei_x_encode_longlong(e->x, t->u.i) < 0)
            return ei_failed(e, "integer");
        return 0;
    case TERM_BIG:
        return encode_big(e, t);
    case TERM_FLOAT:
        if (!isfinite(t->u.f))
            return bp_error(e->err, BP_EUSAGE, "cannot encode a non-finite float");
        if (ei_x_encode_double(e->x, t->u.f) < 0)
            return ei_failed(e, "float");
        return 0;
    case TERM_ATOM:
        return encode_atom(e, t->u.atom.name, t->u.atom.len);
    case TERM_BINARY:
        return encode_binary(e, t);
    case TERM_LIST:
        if (t->u.list.n == 0) {
            if (t->u.list.tail)
                return encode(e, t->u.list.tail, depth);
            if (ei_x_encode_empty_list(e->x) < 0)
                return ei_failed(e, "list");
            return 0;
        }
        if (t->u.list.n > INT_MAX)
            return bp_error(e->err, BP_ETOOBIG, "list too long to encode");
        if (ei_x_encode_list_header(e->x, (long)t->u.list.n) < 0)
            return ei_failed(e, "list");
        if ((rc = encode_items(e, t->u.list.items, t->u.list.n, depth)) < 0)
            return rc;
        if (t->u.list.tail)
            return encode(e, t->u.list.tail, depth + 1);
        if (ei_x_encode_empty_list(e->x) < 0)
            return ei_failed(e, "list");
        return 0;
    case TERM_TUPLE:
        if (t->u.tuple.n > INT_MAX)
            return bp_error(e->err, BP_ETOOBIG, "tuple too large to encode");
        if (ei_x_encode_tuple_header(e->x, (long)t->u.tuple.n) < 0)
            return ei_failed(e, "tuple");
        return encode_items(e, t->u.tuple.items, t->u.tuple.n, depth);
    case TERM_MAP: {
        size_t i;
        if (t->u.map.n > INT_MAX)
            return bp_error(e->err, BP_ETOOBIG, "map too large to encode");
        if (ei_x_encode_map_header(e->x, (long)t->u.map.n) < 0)
            return ei_failed(e, "map");
        for (i = 0; i < t->u.map.n; i++)
            if ((rc = encode(e, t->u.map.keys[i], depth + 1)) < 0 ||
                (rc = encode(e, t->u.map.vals[i], depth + 1)) < 0)
                return rc;
        return 0;
    }
    case TERM_PID:
        return encode_pid(e, t);
    case TERM_PORT:
        return encode_port(e, t);
    case TERM_REF:
        return encode_ref(e, t);
    case TERM_FUN:
        return encode_fun(e, t);
    case TERM_GEN:
        return bp_error(e->err, BP_EUSAGE,
                        "template generator $%s cannot be sent as a term",
                        t->u.gen.name ? t->u.gen.name : "?");
    }
    return bp_error(e->err, BP_EUSAGE, "unknown term kind %d", (int)t->kind);
}

int term_encode(struct ei_x_buff_TAG *x, const struct term *t,
                const struct term_encode_ctx *ctx, struct bp_err *err)
{
    struct enc e;
    int start = x->index, rc;

    e.x = x;
    e.ctx = ctx;
    e.err = err;
    rc = encode(&e, t, 0);
    if (rc < 0)
        x->index = start; /* nothing half-written stays behind */
    return rc;
}
