/* SPDX-License-Identifier: Apache-2.0 */
/*
 * term_decode.c - external term format to struct term, bounds-checked.
 *
 * Input comes from a node over the network and is treated as hostile: every
 * length is checked against the bytes that remain before anything is read
 * or allocated (each element needs at least one byte, so a 4-byte count can
 * never make us allocate more than the input could describe), nesting is
 * bounded by term_limits.max_depth (and a hard cap, so recursion can never
 * exhaust the stack), and all memory comes from arena_alloc_checked under
 * the decode's arena budget.  libei's ei_decode_* functions take no buffer
 * length, so they are only called on byte ranges whose full extent has been
 * proven in bounds here first; the rest (atoms, bignums, old string floats,
 * funs) is decoded by hand with explicit checks.  Errors are BP_EDECODE or
 * BP_ETOOBIG with the byte offset in the message; this file never aborts.
 */
#include "term/term.h"
#include "term/term_text.h"

#include <ei.h>

#include <math.h>
#include <string.h>

/* Recursion cap whatever the caller's limits say (two small frames per
 * level; far below any thread stack). */
#define HARD_MAX_DEPTH 4096u

/* Tags libei does not name. */
#define TAG_NEW_FLOAT 70
#define TAG_COMPRESSED 80
#define TAG_ATOM_CACHE_REF 82
#define TAG_LOCAL 121

const struct term_limits term_default_limits = {
    .max_depth = 512,
    .max_atom_len = 1020,
    .max_big_bytes = 4096,
    .max_items = 16u << 20,
    .max_arena = (size_t)1 << 30,
};

struct dec {
    struct arena *a;
    const unsigned char *buf;
    size_t end;                  /* bytes of buf that may be read */
    const struct term_limits *lim;
    unsigned max_depth;
    struct bp_err *err;
    const char *last_node;       /* node name cache: pids share one copy */
};

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get16(const unsigned char *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static int truncated(struct dec *d, size_t pos, size_t need)
{
    return bp_error(d->err, BP_EDECODE,
                    "truncated term at byte %zu: %zu bytes needed, %zu left", pos,
                    need, pos < d->end ? d->end - pos : 0);
}

/* Succeeds when n bytes starting at pos are inside the input. */
static int need(struct dec *d, size_t pos, size_t n)
{
    if (pos > d->end || d->end - pos < n)
        return truncated(d, pos, n);
    return 0;
}

static void *alloc(struct dec *d, size_t n, size_t pos, int *rc)
{
    void *p = arena_alloc_checked(d->a, n ? n : 1);
    if (!p)
        *rc = bp_error(d->err, BP_ETOOBIG,
                       "term at byte %zu exceeds the decode memory budget", pos);
    return p;
}

static void *alloc_array(struct dec *d, size_t n, size_t size, size_t pos, int *rc)
{
    if (n > SIZE_MAX / size) {
        *rc = bp_error(d->err, BP_ETOOBIG, "collection at byte %zu too large", pos);
        return NULL;
    }
    return alloc(d, n * size, pos, rc);
}

static struct term *new_term(struct dec *d, enum term_kind kind, size_t pos, int *rc)
{
    struct term *t = alloc(d, sizeof(*t), pos, rc);
    if (t) {
        memset(t, 0, sizeof(*t));
        t->kind = kind;
    }
    return t;
}

/*
 * A count read from the input at pos: at most max_items, and no more than
 * the remaining bytes from `from` can hold at min_bytes per element.
 */
static int check_count(struct dec *d, size_t pos, size_t count, size_t from,
                       size_t min_bytes, const char *what)
{
    size_t left = from <= d->end ? d->end - from : 0;

    if (count > left / min_bytes)
        return bp_error(d->err, BP_EDECODE,
                        "%s at byte %zu claims %zu elements but only %zu bytes remain",
                        what, pos, count, left);
    if (count > d->lim->max_items)
        return bp_error(d->err, BP_ETOOBIG,
                        "%s at byte %zu has %zu elements (limit %zu)", what, pos, count,
                        d->lim->max_items);
    return 0;
}

/* ---------------------------------------------------------------------
 * Atoms
 */

/*
 * The atom at pos, proven in bounds: its name is n bytes at *name_at,
 * Latin-1 (ATOM_EXT, SMALL_ATOM_EXT) when *latin1, else UTF-8.
 */
static int atom_header(struct dec *d, size_t pos, size_t *name_at, size_t *n, bool *latin1)
{
    size_t hdr;
    unsigned char tag;
    int rc;

    if ((rc = need(d, pos, 1)) < 0)
        return rc;
    tag = d->buf[pos];
    if (tag == ERL_ATOM_EXT || tag == ERL_ATOM_UTF8_EXT)
        hdr = 3;
    else if (tag == ERL_SMALL_ATOM_EXT || tag == ERL_SMALL_ATOM_UTF8_EXT)
        hdr = 2;
    else if (tag == TAG_ATOM_CACHE_REF)
        return bp_error(d->err, BP_EDECODE,
                        "atom cache reference at byte %zu: not supported here", pos);
    else
        return bp_error(d->err, BP_EDECODE, "expected an atom at byte %zu, found tag %u",
                        pos, tag);
    if ((rc = need(d, pos, hdr)) < 0)
        return rc;
    *n = hdr == 3 ? get16(d->buf + pos + 1) : d->buf[pos + 1];
    if ((rc = need(d, pos + hdr, *n)) < 0)
        return rc;
    *name_at = pos + hdr;
    *latin1 = tag == ERL_ATOM_EXT || tag == ERL_SMALL_ATOM_EXT;
    return 0;
}

/*
 * Decode the atom at *pos into an arena copy of its UTF-8 name (Latin-1
 * atoms converted), advancing *pos.
 */
static int decode_atom_name(struct dec *d, size_t *pos, const char **name, size_t *len)
{
    size_t at, n, i, outlen;
    bool latin1;
    char *s;
    int rc = 0;

    if ((rc = atom_header(d, *pos, &at, &n, &latin1)) < 0)
        return rc;
    outlen = n;
    if (latin1) {
        for (i = 0; i < n; i++)
            if (d->buf[at + i] >= 0x80)
                outlen++;
    } else if (!utf8_valid(d->buf + at, n)) {
        return bp_error(d->err, BP_EDECODE, "atom at byte %zu is not valid UTF-8", *pos);
    }
    if (outlen > d->lim->max_atom_len)
        return bp_error(d->err, BP_ETOOBIG, "atom at byte %zu is %zu bytes long (limit %zu)",
                        *pos, outlen, d->lim->max_atom_len);
    if (!(s = alloc(d, outlen + 1, *pos, &rc)))
        return rc;
    if (latin1) {
        size_t k = 0;
        for (i = 0; i < n; i++)
            k += utf8_put((unsigned char *)s + k, d->buf[at + i]);
    } else {
        memcpy(s, d->buf + at, n);
    }
    s[outlen] = '\0';
    *name = s;
    *len = outlen;
    *pos = at + n;
    return 0;
}

/*
 * Extent of the node atom at pos of a pid, port or ref (which libei
 * decodes): its end in *next, once proven in bounds and small enough for
 * libei's fixed node buffer (MAXATOMLEN_UTF8; Latin-1 at most doubles).
 */
static int atom_extent(struct dec *d, size_t pos, size_t *next)
{
    size_t at, n;
    bool latin1;
    int rc;

    if ((rc = atom_header(d, pos, &at, &n, &latin1)) < 0)
        return rc;
    if ((latin1 ? 2 * n : n) >= MAXATOMLEN_UTF8 || (latin1 ? 2 * n : n) > d->lim->max_atom_len)
        return bp_error(d->err, BP_ETOOBIG, "node name at byte %zu is too long", pos);
    *next = at + n;
    return 0;
}

/* The arena copy of a node name decoded by libei, shared with the last one. */
static const char *node_copy(struct dec *d, const char *node, size_t pos, int *rc)
{
    size_t n = strlen(node);
    char *s;

    if (d->last_node && strcmp(d->last_node, node) == 0)
        return d->last_node;
    s = alloc(d, n + 1, pos, rc);
    if (!s)
        return NULL;
    memcpy(s, node, n + 1);
    d->last_node = s;
    return s;
}

/* ---------------------------------------------------------------------
 * Pids, ports, references (libei, on proven extents)
 */

/*
 * A pid, port or reference: the extent (node atom, then fixed fields) is
 * proven in bounds first, then libei decodes it, and must agree on its
 * length.
 */
static int decode_id(struct dec *d, size_t *pos, struct term **out)
{
    size_t p = *pos, atom_at = p + 1, after = 0, tail, nids = 0, i;
    unsigned char tag = d->buf[p];
    union {
        erlang_pid pid;
        erlang_port port;
        erlang_ref ref;
    } u;
    const char *node;
    struct term *t;
    int idx = 0, rc = 0, bad;

    switch (tag) {
    case ERL_PID_EXT: tail = 9; break;
    case ERL_NEW_PID_EXT: tail = 12; break;
    case ERL_PORT_EXT: tail = 5; break;
    case ERL_NEW_PORT_EXT: tail = 8; break;
    case ERL_V4_PORT_EXT: tail = 12; break;
    case ERL_REFERENCE_EXT: tail = 5; break;
    default: /* NEW_REFERENCE_EXT, NEWER_REFERENCE_EXT */
        if ((rc = need(d, p, 3)) < 0)
            return rc;
        nids = get16(d->buf + p + 1);
        if (nids < 1 || nids > 5)
            return bp_error(d->err, BP_EDECODE,
                            "reference at byte %zu has %zu ids (1 to 5 allowed)", p, nids);
        atom_at = p + 3;
        tail = (tag == ERL_NEWER_REFERENCE_EXT ? 4 : 1) + 4 * nids;
        break;
    }
    if ((rc = atom_extent(d, atom_at, &after)) < 0 || (rc = need(d, after, tail)) < 0)
        return rc;
    after += tail;
    if (tag == ERL_PID_EXT || tag == ERL_NEW_PID_EXT) {
        bad = ei_decode_pid((const char *)d->buf + p, &idx, &u.pid);
        node = u.pid.node;
        t = new_term(d, TERM_PID, p, &rc);
    } else if (tag == ERL_PORT_EXT || tag == ERL_NEW_PORT_EXT || tag == ERL_V4_PORT_EXT) {
        bad = ei_decode_port((const char *)d->buf + p, &idx, &u.port);
        node = u.port.node;
        t = new_term(d, TERM_PORT, p, &rc);
    } else {
        bad = ei_decode_ref((const char *)d->buf + p, &idx, &u.ref);
        bad = bad < 0 || u.ref.len < 1 || u.ref.len > 5;
        node = u.ref.node;
        t = new_term(d, TERM_REF, p, &rc);
    }
    if (bad || (size_t)idx != after - p)
        return bp_error(d->err, BP_EDECODE, "malformed pid, port or reference at byte %zu", p);
    if (!t)
        return rc;
    if (!(node = node_copy(d, node, p, &rc)))
        return rc;
    switch (t->kind) {
    case TERM_PID:
        t->u.pid.node = node;
        t->u.pid.num = u.pid.num;
        t->u.pid.serial = u.pid.serial;
        t->u.pid.creation = u.pid.creation;
        break;
    case TERM_PORT:
        t->u.port.node = node;
        t->u.port.id = u.port.id;
        t->u.port.creation = u.port.creation;
        break;
    default:
        t->u.ref.node = node;
        t->u.ref.creation = u.ref.creation;
        t->u.ref.len = (unsigned)u.ref.len;
        for (i = 0; i < t->u.ref.len; i++)
            t->u.ref.ids[i] = u.ref.n[i];
        break;
    }
    *pos = after;
    *out = t;
    return 0;
}

/* ---------------------------------------------------------------------
 * Numbers
 */

static int decode_float(struct dec *d, size_t *pos, struct term **out)
{
    size_t p = *pos, n;
    struct term *t;
    double v;
    int rc = 0, idx = 0;

    if (d->buf[p] == TAG_NEW_FLOAT) {
        if ((rc = need(d, p, 9)) < 0)
            return rc;
        if (ei_decode_double((const char *)d->buf + p, &idx, &v) < 0 || idx != 9)
            return bp_error(d->err, BP_EDECODE, "malformed float at byte %zu", p);
        *pos = p + 9;
    } else {
        /* FLOAT_EXT: "%.20e" in 31 bytes, NUL padded.  libei would sscanf
         * it without a length, so it is read here. */
        char s[32];
        if ((rc = need(d, p, 32)) < 0)
            return rc;
        memcpy(s, d->buf + p + 1, 31);
        s[31] = '\0';
        n = strlen(s);
        if (term_parse_double(s, n, &v) < 0)
            return bp_error(d->err, BP_EDECODE, "malformed string float at byte %zu", p);
        *pos = p + 32;
    }
    if (!isfinite(v))
        return bp_error(d->err, BP_EDECODE, "non-finite float at byte %zu", p);
    if (!(t = new_term(d, TERM_FLOAT, p, &rc)))
        return rc;
    t->u.f = v;
    *out = t;
    return 0;
}

static int decode_big(struct dec *d, size_t *pos, struct term **out)
{
    size_t p = *pos, hdr, n;
    const unsigned char *mag;
    unsigned char sign;
    struct term *t;
    unsigned char *digits;
    int rc = 0;

    hdr = d->buf[p] == ERL_SMALL_BIG_EXT ? 3 : 6;
    if ((rc = need(d, p, hdr)) < 0)
        return rc;
    n = hdr == 3 ? d->buf[p + 1] : get32(d->buf + p + 1);
    sign = d->buf[p + hdr - 1];
    if ((rc = need(d, p + hdr, n)) < 0)
        return rc;
    if (n > d->lim->max_big_bytes)
        return bp_error(d->err, BP_ETOOBIG, "integer at byte %zu has %zu bytes (limit %zu)",
                        p, n, d->lim->max_big_bytes);
    mag = d->buf + p + hdr; /* any nonzero sign byte is negative, as in erts */
    *pos = p + hdr + n;
    while (n > 0 && mag[n - 1] == 0)
        n--;
    if (n <= 8) {
        uint64_t m = 0;
        size_t i;
        for (i = n; i > 0; i--)
            m = m << 8 | mag[i - 1];
        if (m <= (uint64_t)INT64_MAX || (sign && m == (uint64_t)INT64_MAX + 1)) {
            if (!(t = new_term(d, TERM_INT, p, &rc)))
                return rc;
            t->u.i = sign ? (m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m)
                          : (int64_t)m;
            *out = t;
            return 0;
        }
    }
    if (!(t = new_term(d, TERM_BIG, p, &rc)) || !(digits = alloc(d, n, p, &rc)))
        return rc;
    memcpy(digits, mag, n);
    t->u.big.neg = sign != 0;
    t->u.big.n = n;
    t->u.big.digits = digits;
    *out = t;
    return 0;
}

/* ---------------------------------------------------------------------
 * Binaries and strings
 */

static int decode_binary(struct dec *d, size_t *pos, struct term **out)
{
    size_t p = *pos, hdr, n;
    unsigned bits = 8;
    unsigned char *data;
    struct term *t;
    int rc = 0;

    hdr = d->buf[p] == ERL_BINARY_EXT ? 5 : 6;
    if ((rc = need(d, p, hdr)) < 0)
        return rc;
    n = get32(d->buf + p + 1);
    if (hdr == 6) {
        bits = d->buf[p + 5];
        if (n == 0 ? bits != 0 : (bits < 1 || bits > 8))
            return bp_error(d->err, BP_EDECODE, "bad bit count %u at byte %zu", bits, p);
        if (n == 0)
            bits = 8;
    }
    if ((rc = need(d, p + hdr, n)) < 0)
        return rc;
    if (!(t = new_term(d, TERM_BINARY, p, &rc)) || !(data = alloc(d, n, p, &rc)))
        return rc;
    if (n)
        memcpy(data, d->buf + p + hdr, n);
    if (n && bits < 8)
        data[n - 1] &= (unsigned char)(0xff << (8 - bits));
    t->u.bin.data = data;
    t->u.bin.len = n;
    t->u.bin.bits = bits;
    *pos = p + hdr + n;
    *out = t;
    return 0;
}

/* Integer terms for the n bytes of a STRING_EXT body at src, into items. */
static int string_items(struct dec *d, const unsigned char *src, size_t n,
                        struct term **items, size_t pos)
{
    struct term *ts;
    size_t i;
    int rc = 0;

    if (n == 0)
        return 0;
    if (!(ts = alloc_array(d, n, sizeof(*ts), pos, &rc)))
        return rc;
    for (i = 0; i < n; i++) {
        memset(&ts[i], 0, sizeof(ts[i]));
        ts[i].kind = TERM_INT;
        ts[i].u.i = src[i];
        items[i] = &ts[i];
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Collections
 */

static int decode_at(struct dec *d, size_t *pos, unsigned depth, struct term **out);

static int deeper(struct dec *d, size_t pos, unsigned depth)
{
    if (depth >= d->max_depth)
        return bp_error(d->err, BP_ETOOBIG, "term nested deeper than %u at byte %zu",
                        d->max_depth, pos);
    return 0;
}

static int decode_tuple(struct dec *d, size_t *pos, unsigned depth, struct term **out)
{
    size_t p = *pos, hdr, n, i, q;
    struct term *t;
    int rc = 0;

    hdr = d->buf[p] == ERL_SMALL_TUPLE_EXT ? 2 : 5;
    if ((rc = need(d, p, hdr)) < 0)
        return rc;
    n = hdr == 2 ? d->buf[p + 1] : get32(d->buf + p + 1);
    if ((rc = check_count(d, p, n, p + hdr, 1, "tuple")) < 0)
        return rc;
    if (n && (rc = deeper(d, p, depth)) < 0)
        return rc;
    if (!(t = new_term(d, TERM_TUPLE, p, &rc)))
        return rc;
    if (n && !(t->u.tuple.items = alloc_array(d, n, sizeof(struct term *), p, &rc)))
        return rc;
    t->u.tuple.n = n;
    q = p + hdr;
    for (i = 0; i < n; i++)
        if ((rc = decode_at(d, &q, depth + 1, &t->u.tuple.items[i])) < 0)
            return rc;
    *pos = q;
    *out = t;
    return 0;
}

static int decode_map(struct dec *d, size_t *pos, unsigned depth, struct term **out)
{
    size_t p = *pos, n, i, q;
    struct term *t;
    int rc = 0;

    if ((rc = need(d, p, 5)) < 0)
        return rc;
    n = get32(d->buf + p + 1);
    if ((rc = check_count(d, p, n, p + 5, 2, "map")) < 0)
        return rc;
    if (n && (rc = deeper(d, p, depth)) < 0)
        return rc;
    if (!(t = new_term(d, TERM_MAP, p, &rc)))
        return rc;
    if (n && (!(t->u.map.keys = alloc_array(d, n, sizeof(struct term *), p, &rc)) ||
              !(t->u.map.vals = alloc_array(d, n, sizeof(struct term *), p, &rc))))
        return rc;
    t->u.map.n = n;
    q = p + 5;
    for (i = 0; i < n; i++) {
        if ((rc = decode_at(d, &q, depth + 1, &t->u.map.keys[i])) < 0 ||
            (rc = decode_at(d, &q, depth + 1, &t->u.map.vals[i])) < 0)
            return rc;
    }
    *pos = q;
    *out = t;
    return 0;
}

/* Room for at least want items in *items (capacity *cap, n used). */
static int grow_items(struct dec *d, struct term ***items, size_t *cap, size_t n,
                      size_t want, size_t pos)
{
    struct term **ni;
    size_t nc;
    int rc = 0;

    if (want <= *cap)
        return 0;
    nc = *cap * 2 > want ? *cap * 2 : want;
    if (nc > d->lim->max_items)
        nc = want;
    if (!(ni = alloc_array(d, nc, sizeof(*ni), pos, &rc)))
        return rc;
    if (n)
        memcpy(ni, *items, n * sizeof(*ni));
    *items = ni;
    *cap = nc;
    return 0;
}

/*
 * A list: LIST_EXT or STRING_EXT, plus any chain of LIST_EXT/STRING_EXT
 * tails (which binary_to_term joins into one list), walked iteratively so a
 * long chain costs no stack.
 */
static int decode_list(struct dec *d, size_t *pos, unsigned depth, struct term **out)
{
    size_t p = *pos, q = p, n = 0, cap = 0, i;
    struct term **items = NULL;
    struct term *t, *tail = NULL;
    int rc = 0;

    for (;;) {
        unsigned char tag;
        size_t seg;

        if ((rc = need(d, q, 1)) < 0)
            return rc;
        tag = d->buf[q];
        if (tag == ERL_NIL_EXT) {
            q++;
            break;
        }
        if (tag == ERL_STRING_EXT) {
            /* A string is a proper list: it ends the chain. */
            if ((rc = need(d, q, 3)) < 0)
                return rc;
            seg = get16(d->buf + q + 1);
            if ((rc = need(d, q + 3, seg)) < 0)
                return rc;
            if (n + seg > d->lim->max_items)
                return bp_error(d->err, BP_ETOOBIG,
                                "list at byte %zu has more than %zu elements", p,
                                d->lim->max_items);
            if (seg && ((rc = grow_items(d, &items, &cap, n, n + seg, q)) < 0 ||
                        (rc = string_items(d, d->buf + q + 3, seg, items + n, q)) < 0))
                return rc;
            n += seg;
            q += 3 + seg;
            break;
        }
        if (tag != ERL_LIST_EXT) {
            /* An improper tail. */
            if ((rc = deeper(d, q, depth)) < 0 ||
                (rc = decode_at(d, &q, depth + 1, &tail)) < 0)
                return rc;
            break;
        }
        if ((rc = need(d, q, 5)) < 0)
            return rc;
        seg = get32(d->buf + q + 1);
        /* Each element and the tail take at least one byte. */
        if ((rc = check_count(d, q, seg, q + 6, 1, "list")) < 0)
            return rc;
        if (n + seg > d->lim->max_items)
            return bp_error(d->err, BP_ETOOBIG, "list at byte %zu has more than %zu elements",
                            p, d->lim->max_items);
        if (seg && (rc = deeper(d, q, depth)) < 0)
            return rc;
        if ((rc = grow_items(d, &items, &cap, n, n + seg, q)) < 0)
            return rc;
        q += 5;
        for (i = 0; i < seg; i++)
            if ((rc = decode_at(d, &q, depth + 1, &items[n++])) < 0)
                return rc;
    }
    if (n == 0 && tail) {
        /* [|T] (a zero-length LIST_EXT) is T itself. */
        *pos = q;
        *out = tail;
        return 0;
    }
    if (!(t = new_term(d, TERM_LIST, p, &rc)))
        return rc;
    t->u.list.items = items;
    t->u.list.n = n;
    t->u.list.tail = tail;
    *pos = q;
    *out = t;
    return 0;
}

/* ---------------------------------------------------------------------
 * Funs
 */

/* A SMALL_INTEGER_EXT or INTEGER_EXT field of a fun, as uint32. */
static int fun_int(struct dec *d, size_t *pos, uint32_t *v)
{
    size_t p = *pos;
    int rc;

    if ((rc = need(d, p, 2)) < 0)
        return rc;
    if (d->buf[p] == ERL_SMALL_INTEGER_EXT) {
        *v = d->buf[p + 1];
        *pos = p + 2;
        return 0;
    }
    if (d->buf[p] == ERL_INTEGER_EXT) {
        if ((rc = need(d, p, 5)) < 0)
            return rc;
        *v = get32(d->buf + p + 1);
        *pos = p + 5;
        return 0;
    }
    return bp_error(d->err, BP_EDECODE, "expected an integer in fun at byte %zu", p);
}

static int fun_pid(struct dec *d, size_t *pos, const char **node)
{
    struct term *pid;
    int rc;

    if ((rc = need(d, *pos, 1)) < 0)
        return rc;
    if (d->buf[*pos] != ERL_PID_EXT && d->buf[*pos] != ERL_NEW_PID_EXT)
        return bp_error(d->err, BP_EDECODE, "expected a pid in fun at byte %zu", *pos);
    if ((rc = decode_id(d, pos, &pid)) < 0)
        return rc;
    *node = pid->u.pid.node;
    return 0;
}

static int decode_new_fun(struct dec *d, size_t *pos, struct term **out)
{
    size_t p = *pos, size, q, saved_end = d->end;
    const char *module;
    size_t mlen;
    struct term *t;
    int rc = 0;

    if ((rc = need(d, p, 5)) < 0)
        return rc;
    size = get32(d->buf + p + 1);
    if (size < 4 + 1 + 16 + 4 + 4)
        return bp_error(d->err, BP_EDECODE, "fun at byte %zu too short", p);
    if ((rc = need(d, p + 1, size)) < 0)
        return rc;
    if (!(t = new_term(d, TERM_FUN, p, &rc)))
        return rc;
    /* Everything of the fun lies in its Size bytes; free variables after
     * the pid are skipped by Size, never decoded. */
    d->end = p + 1 + size;
    t->u.fun.arity = d->buf[p + 5];
    q = p + 1 + 4 + 1 + 16 + 4 + 4;
    if ((rc = decode_atom_name(d, &q, &module, &mlen)) < 0 ||
        (rc = fun_int(d, &q, &t->u.fun.index)) < 0 ||
        (rc = fun_int(d, &q, &t->u.fun.uniq)) < 0 ||
        (rc = fun_pid(d, &q, &t->u.fun.pid_node)) < 0) {
        d->end = saved_end;
        return rc;
    }
    d->end = saved_end;
    t->u.fun.module = module;
    *pos = p + 1 + size;
    *out = t;
    return 0;
}

static int decode_old_fun(struct dec *d, size_t *pos, unsigned depth, struct term **out)
{
    size_t p = *pos, nfree, q, i, mlen;
    struct term *t, *skip;
    int rc = 0;

    if ((rc = need(d, p, 5)) < 0)
        return rc;
    nfree = get32(d->buf + p + 1);
    if ((rc = check_count(d, p, nfree, p + 5, 1, "fun")) < 0)
        return rc;
    if (!(t = new_term(d, TERM_FUN, p, &rc)))
        return rc;
    q = p + 5;
    t->u.fun.arity = -1;
    if ((rc = fun_pid(d, &q, &t->u.fun.pid_node)) < 0 ||
        (rc = decode_atom_name(d, &q, &t->u.fun.module, &mlen)) < 0 ||
        (rc = fun_int(d, &q, &t->u.fun.index)) < 0 ||
        (rc = fun_int(d, &q, &t->u.fun.uniq)) < 0)
        return rc;
    if (nfree && (rc = deeper(d, p, depth)) < 0)
        return rc;
    for (i = 0; i < nfree; i++)
        if ((rc = decode_at(d, &q, depth + 1, &skip)) < 0)
            return rc;
    *pos = q;
    *out = t;
    return 0;
}

static int decode_export(struct dec *d, size_t *pos, struct term **out)
{
    size_t q = *pos + 1, mlen, flen;
    struct term *t;
    int rc = 0;

    if (!(t = new_term(d, TERM_FUN, *pos, &rc)))
        return rc;
    if ((rc = decode_atom_name(d, &q, &t->u.fun.module, &mlen)) < 0 ||
        (rc = decode_atom_name(d, &q, &t->u.fun.name, &flen)) < 0 ||
        (rc = need(d, q, 2)) < 0)
        return rc;
    if (d->buf[q] != ERL_SMALL_INTEGER_EXT)
        return bp_error(d->err, BP_EDECODE, "expected an arity at byte %zu", q);
    t->u.fun.arity = d->buf[q + 1];
    *pos = q + 2;
    *out = t;
    return 0;
}

/* ---------------------------------------------------------------------
 * Dispatch
 */

static int decode_at(struct dec *d, size_t *pos, unsigned depth, struct term **out)
{
    size_t p = *pos;
    struct term *t;
    int rc = 0;
    unsigned char tag;

    if ((rc = need(d, p, 1)) < 0)
        return rc;
    tag = d->buf[p];
    switch (tag) {
    case ERL_SMALL_INTEGER_EXT:
    case ERL_INTEGER_EXT: {
        long v;
        int idx = 0;
        size_t n = tag == ERL_SMALL_INTEGER_EXT ? 2 : 5;
        if ((rc = need(d, p, n)) < 0)
            return rc;
        if (ei_decode_long((const char *)d->buf + p, &idx, &v) < 0 || (size_t)idx != n)
            return bp_error(d->err, BP_EDECODE, "malformed integer at byte %zu", p);
        if (!(t = new_term(d, TERM_INT, p, &rc)))
            return rc;
        t->u.i = v;
        *pos = p + n;
        *out = t;
        return 0;
    }
    case ERL_FLOAT_EXT:
    case TAG_NEW_FLOAT:
        return decode_float(d, pos, out);
    case ERL_SMALL_BIG_EXT:
    case ERL_LARGE_BIG_EXT:
        return decode_big(d, pos, out);
    case ERL_ATOM_EXT:
    case ERL_SMALL_ATOM_EXT:
    case ERL_ATOM_UTF8_EXT:
    case ERL_SMALL_ATOM_UTF8_EXT:
        if (!(t = new_term(d, TERM_ATOM, p, &rc)))
            return rc;
        if ((rc = decode_atom_name(d, pos, &t->u.atom.name, &t->u.atom.len)) < 0)
            return rc;
        *out = t;
        return 0;
    case ERL_SMALL_TUPLE_EXT:
    case ERL_LARGE_TUPLE_EXT:
        return decode_tuple(d, pos, depth, out);
    case ERL_NIL_EXT:
        if (!(t = new_term(d, TERM_LIST, p, &rc)))
            return rc;
        *pos = p + 1;
        *out = t;
        return 0;
    case ERL_STRING_EXT:
    case ERL_LIST_EXT:
        return decode_list(d, pos, depth, out);
    case ERL_BINARY_EXT:
    case ERL_BIT_BINARY_EXT:
        return decode_binary(d, pos, out);
    case ERL_MAP_EXT:
        return decode_map(d, pos, depth, out);
    case ERL_PID_EXT:
    case ERL_NEW_PID_EXT:
    case ERL_PORT_EXT:
    case ERL_NEW_PORT_EXT:
    case ERL_V4_PORT_EXT:
    case ERL_REFERENCE_EXT:
    case ERL_NEW_REFERENCE_EXT:
    case ERL_NEWER_REFERENCE_EXT:
        return decode_id(d, pos, out);
    case ERL_NEW_FUN_EXT:
        return decode_new_fun(d, pos, out);
    case ERL_FUN_EXT:
        return decode_old_fun(d, pos, depth, out);
    case ERL_EXPORT_EXT:
        return decode_export(d, pos, out);
    case TAG_COMPRESSED:
        return bp_error(d->err, BP_EDECODE,
                        "compressed term at byte %zu: not supported (decompress first)", p);
    case TAG_ATOM_CACHE_REF:
        return bp_error(d->err, BP_EDECODE,
                        "atom cache reference at byte %zu: not supported here", p);
    case TAG_LOCAL:
        return bp_error(d->err, BP_EDECODE,
                        "LOCAL_EXT term at byte %zu: only the node that made it can decode it",
                        p);
    case 131:
        return bp_error(d->err, BP_EDECODE, "unexpected version byte 131 at byte %zu", p);
    default:
        return bp_error(d->err, BP_EDECODE, "unknown term tag %u at byte %zu", tag, p);
    }
}

int term_decode(struct arena *a, const unsigned char *buf, size_t len, size_t *index,
                const struct term_limits *lim, struct term **out, struct bp_err *err)
{
    struct dec d;
    size_t pos = *index, saved_limit = a->limit;
    struct term *t = NULL;
    int rc;

    if (!lim)
        lim = &term_default_limits;
    if (pos > len)
        return bp_error(err, BP_EDECODE, "decode offset %zu past the end (%zu bytes)", pos,
                        len);
    d.a = a;
    d.buf = buf;
    d.end = len;
    d.lim = lim;
    d.max_depth = lim->max_depth < HARD_MAX_DEPTH ? lim->max_depth : HARD_MAX_DEPTH;
    d.err = err;
    d.last_node = NULL;
    /* The decode's budget on top of what the arena already holds, never
     * above a limit the caller set on the arena itself. */
    if (lim->max_arena) {
        size_t lim_abs = a->used > SIZE_MAX - lim->max_arena ? SIZE_MAX
                                                             : a->used + lim->max_arena;
        if (!a->limit || lim_abs < a->limit)
            a->limit = lim_abs;
    }
    rc = decode_at(&d, &pos, 0, &t);
    a->limit = saved_limit;
    if (rc < 0)
        return rc;
    *index = pos;
    *out = t;
    return 0;
}

int term_decode_versioned(struct arena *a, const unsigned char *buf, size_t len,
                          size_t *index, const struct term_limits *lim, struct term **out,
                          struct bp_err *err)
{
    size_t pos = *index;
    int rc;

    if (pos >= len)
        return bp_error(err, BP_EDECODE, "truncated term at byte %zu: no version byte", pos);
    if (buf[pos] != 131)
        return bp_error(err, BP_EDECODE, "bad version byte %u at byte %zu (expected 131)",
                        buf[pos], pos);
    pos++;
    if ((rc = term_decode(a, buf, len, &pos, lim, out, err)) < 0)
        return rc;
    *index = pos;
    return 0;
}
