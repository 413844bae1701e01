/* SPDX-License-Identifier: Apache-2.0 */
/*
 * term_parse.c - term literals typed by the user, in Erlang or Elixir
 * syntax, and load-template generators.
 *
 * A recursive-descent parser over term_lex.c's tokens.  It is given text
 * from the command line, never from the network, but is still bounded:
 * input of at most 1 MiB, nesting of at most 256, binaries of at most
 * 4 MiB in all, so no input can exhaust the stack or memory.  Only atoms
 * the user wrote are created.  Map literals with repeated keys keep the
 * last value, as Erlang does (a node refuses maps with duplicate keys).
 * Errors are BP_EUSAGE, one line, naming the column.  term_parse_call and
 * term_parse_pid are in term_parse_call.c.
 */
#include "term/term_parse_int.h"
#include "term/term_text.h"

#include <stdlib.h>
#include <string.h>

#define MAX_INPUT ((size_t)1 << 20)
#define MAX_DEPTH 256
#define MAX_BINARY_BYTES ((size_t)4 << 20)
#define MAX_SEGMENT_BITS 65536u

/* ---------------------------------------------------------------------
 * Helpers
 */

int term_ps_advance(struct parser *ps)
{
    return term_lex_next(&ps->lx, &ps->cur);
}

int term_ps_expect(struct parser *ps, const char *punct)
{
    if (!term_tok_is(&ps->cur, punct))
        return term_lex_unexpected(&ps->lx, &ps->cur);
    return term_ps_advance(ps);
}

static int error_at(struct parser *ps, size_t pos, const char *what)
{
    return bp_error(ps->lx.err, BP_EUSAGE, "%s at column %zu", what,
                    term_lex_column(&ps->lx, pos));
}

void term_ps_push(struct parser *ps, struct term_vec *v, struct term *t)
{
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 8;
        struct term **nv = arena_alloc(ps->a, nc * sizeof(*nv));
        if (v->n)
            memcpy(nv, v->v, v->n * sizeof(*nv));
        v->v = nv;
        v->cap = nc;
    }
    v->v[v->n++] = t;
}

static struct term *new_kind(struct arena *a, enum term_kind kind)
{
    struct term *t = arena_zalloc(a, sizeof(*t));
    t->kind = kind;
    return t;
}

static struct term *atom_from_tok(struct parser *ps, const struct tok *t)
{
    return term_atomn(ps->a, t->text, t->tlen);
}

/* A list of the code points of a string token (Erlang "..." and Elixir
 * charlists); raw-byte escapes stand for their byte value. */
static struct term *units_list(struct parser *ps, const struct tok *t)
{
    struct term *l = term_list(ps->a, t->nunits);
    size_t i;

    for (i = 0; i < t->nunits; i++) {
        int32_t u = t->units[i];
        l->u.list.items[i] = term_int(ps->a, u < 0 ? -1 - u : u);
    }
    return l;
}

/* UTF-8 bytes of a string token's units (raw bytes as themselves). */
static unsigned char *units_utf8(struct parser *ps, const struct tok *t, size_t *len)
{
    unsigned char *b = arena_alloc(ps->a, t->nunits * 4 + 1);
    size_t i, k = 0;

    for (i = 0; i < t->nunits; i++) {
        int32_t u = t->units[i];
        if (u < 0)
            b[k++] = (unsigned char)(-1 - u);
        else
            k += utf8_put(b + k, (uint32_t)u);
    }
    *len = k;
    return b;
}

/* ---------------------------------------------------------------------
 * Maps: last value wins for repeated keys
 */

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h;
}

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

/* A structural hash consistent with term_equal (depth bounded by the
 * parser's own nesting limit). */
static uint64_t term_hash(const struct term *t)
{
    uint64_t h;
    size_t i;

    if (!t)
        return 0;
    h = mix(0xcbf29ce484222325ull, (uint64_t)t->kind);
    switch (t->kind) {
    case TERM_INT:
        return mix(h, (uint64_t)t->u.i);
    case TERM_FLOAT:
        return hash_bytes(h, &t->u.f, sizeof(t->u.f));
    case TERM_BIG:
        return hash_bytes(mix(h, t->u.big.neg), t->u.big.digits, t->u.big.n);
    case TERM_ATOM:
        return hash_bytes(h, t->u.atom.name, t->u.atom.len);
    case TERM_BINARY:
        return hash_bytes(mix(h, t->u.bin.bits), t->u.bin.data, t->u.bin.len);
    case TERM_LIST:
        for (i = 0; i < t->u.list.n; i++)
            h = mix(h, term_hash(t->u.list.items[i]));
        return mix(h, term_hash(t->u.list.tail));
    case TERM_TUPLE:
        for (i = 0; i < t->u.tuple.n; i++)
            h = mix(h, term_hash(t->u.tuple.items[i]));
        return h;
    case TERM_MAP:
        for (i = 0; i < t->u.map.n; i++)
            h = mix(mix(h, term_hash(t->u.map.keys[i])), term_hash(t->u.map.vals[i]));
        return h;
    case TERM_PID:
        h = mix(mix(h, t->u.pid.num), t->u.pid.serial);
        return t->u.pid.node ? hash_bytes(h, t->u.pid.node, strlen(t->u.pid.node)) : h;
    case TERM_PORT:
        h = mix(h, t->u.port.id);
        return t->u.port.node ? hash_bytes(h, t->u.port.node, strlen(t->u.port.node)) : h;
    case TERM_REF:
        for (i = 0; i < t->u.ref.len && i < 5; i++)
            h = mix(h, t->u.ref.ids[i]);
        return t->u.ref.node ? hash_bytes(h, t->u.ref.node, strlen(t->u.ref.node)) : h;
    case TERM_FUN:
        return mix(h, (uint64_t)t->u.fun.arity);
    case TERM_GEN:
        for (i = 0; i < t->u.gen.n; i++)
            h = mix(h, term_hash(t->u.gen.args[i]));
        return h;
    }
    return h; /* equal hashes are confirmed by term_equal */
}

struct keyhash {
    uint64_t h;
    size_t i;
};

static int cmp_keyhash(const void *a, const void *b)
{
    const struct keyhash *x = a, *y = b;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* A map of the pairs in keys/vals, dropping all but the last of equal keys. */
static struct term *make_map(struct parser *ps, struct term_vec *keys, struct term_vec *vals)
{
    size_t n = keys->n, i, j, k = 0;
    struct keyhash *kh;
    bool *drop;
    struct term *m;

    if (n > 1) {
        kh = arena_alloc(ps->a, n * sizeof(*kh));
        drop = arena_zalloc(ps->a, n);
        for (i = 0; i < n; i++) {
            kh[i].h = term_hash(keys->v[i]);
            kh[i].i = i;
        }
        qsort(kh, n, sizeof(*kh), cmp_keyhash);
        for (i = 0; i < n; i++)
            for (j = i + 1; j < n && kh[j].h == kh[i].h; j++)
                if (term_equal(keys->v[kh[i].i], keys->v[kh[j].i])) {
                    drop[kh[i].i] = true; /* a later one (higher index) wins */
                    break;
                }
    } else {
        drop = NULL;
    }
    m = term_map(ps->a, n);
    for (i = 0; i < n; i++) {
        if (drop && drop[i])
            continue;
        m->u.map.keys[k] = keys->v[i];
        m->u.map.vals[k] = vals->v[i];
        k++;
    }
    m->u.map.n = k;
    return m;
}

/* ---------------------------------------------------------------------
 * Binaries
 */

struct bitbuf {
    unsigned char *b;
    size_t nbits, cap; /* cap in bytes */
};

static int put_bit(struct parser *ps, struct bitbuf *bb, unsigned bit)
{
    if (bb->nbits / 8 >= bb->cap) {
        size_t nc = bb->cap ? bb->cap * 2 : 16;
        unsigned char *nb;
        if (nc - bb->cap > ps->bin_budget)
            return error_at(ps, ps->cur.pos, "binary literals larger than 4 MiB");
        ps->bin_budget -= nc - bb->cap;
        nb = arena_zalloc(ps->a, nc);
        if (bb->cap)
            memcpy(nb, bb->b, bb->cap);
        bb->b = nb;
        bb->cap = nc;
    }
    if (bit)
        bb->b[bb->nbits / 8] |= (unsigned char)(0x80 >> (bb->nbits % 8));
    bb->nbits++;
    return 0;
}

/* An integer term as `bits` bits of two's complement, big or little endian. */
static int put_int(struct parser *ps, struct bitbuf *bb, const struct term *v, unsigned bits,
                   bool little)
{
    size_t w = (bits + 7) / 8, i;
    unsigned char *le = arena_zalloc(ps->a, w ? w : 1);
    bool neg;
    int rc;

    if (v->kind == TERM_INT) {
        uint64_t m = v->u.i < 0 ? 0 - (uint64_t)v->u.i : (uint64_t)v->u.i;
        neg = v->u.i < 0;
        for (i = 0; i < w && i < 8; i++)
            le[i] = (unsigned char)(m >> (8 * i));
    } else {
        neg = v->u.big.neg;
        for (i = 0; i < w && i < v->u.big.n; i++)
            le[i] = v->u.big.digits[i];
    }
    if (neg) {
        unsigned carry = 1;
        for (i = 0; i < w; i++) {
            unsigned x = (unsigned)(unsigned char)~le[i] + carry;
            le[i] = (unsigned char)x;
            carry = x >> 8;
        }
    }
    if (little && bits % 8 == 0) {
        for (i = 0; i < w; i++) {
            unsigned b;
            for (b = 8; b > 0; b--)
                if ((rc = put_bit(ps, bb, (le[i] >> (b - 1)) & 1)) < 0)
                    return rc;
        }
        return 0;
    }
    for (i = bits; i > 0; i--)
        if ((rc = put_bit(ps, bb, (le[(i - 1) / 8] >> ((i - 1) % 8)) & 1)) < 0)
            return rc;
    return 0;
}

struct segspec {
    unsigned size;   /* 0: default */
    bool utf8, little, binary;
};

/* Erlang ":Size/type-type" or Elixir "::size(N)-type" after a segment. */
static int parse_segspec(struct parser *ps, struct segspec *sp)
{
    bool ex = ps->lx.syn == TERM_SYNTAX_ELIXIR;
    int rc;

    memset(sp, 0, sizeof(*sp));
    if (!ex && term_tok_is(&ps->cur, ":")) {
        if ((rc = term_ps_advance(ps)) < 0)
            return rc;
        if (ps->cur.kind != TOK_INT || ps->cur.nmag > 1)
            return term_lex_unexpected(&ps->lx, &ps->cur);
        sp->size = ps->cur.nmag ? ps->cur.mag[0] : 0;
        if (sp->size == 0 || sp->size > MAX_SEGMENT_BITS)
            return error_at(ps, ps->cur.pos, "unsupported segment size");
        if ((rc = term_ps_advance(ps)) < 0)
            return rc;
    }
    if (!(ex ? term_tok_is(&ps->cur, "::") : term_tok_is(&ps->cur, "/")))
        return 0;
    do {
        const char *w;
        if ((rc = term_ps_advance(ps)) < 0)
            return rc;
        if (ex && ps->cur.kind == TOK_INT && ps->cur.nmag <= 1 && !sp->size) {
            sp->size = ps->cur.nmag ? ps->cur.mag[0] : 0;
            if (sp->size == 0 || sp->size > MAX_SEGMENT_BITS)
                return error_at(ps, ps->cur.pos, "unsupported segment size");
            if ((rc = term_ps_advance(ps)) < 0)
                return rc;
            continue;
        }
        if (ps->cur.kind != TOK_IDENT)
            return term_lex_unexpected(&ps->lx, &ps->cur);
        w = ps->cur.text;
        if (ex && strcmp(w, "size") == 0) {
            if ((rc = term_ps_advance(ps)) < 0 || (rc = term_ps_expect(ps, "(")) < 0)
                return rc;
            if (ps->cur.kind != TOK_INT || ps->cur.nmag > 1)
                return term_lex_unexpected(&ps->lx, &ps->cur);
            sp->size = ps->cur.nmag ? ps->cur.mag[0] : 0;
            if (sp->size == 0 || sp->size > MAX_SEGMENT_BITS)
                return error_at(ps, ps->cur.pos, "unsupported segment size");
            if ((rc = term_ps_advance(ps)) < 0 || (rc = term_ps_expect(ps, ")")) < 0)
                return rc;
            continue;
        }
        if (strcmp(w, "utf8") == 0)
            sp->utf8 = true;
        else if (strcmp(w, "little") == 0)
            sp->little = true;
        else if (strcmp(w, "binary") == 0 || strcmp(w, "bytes") == 0 ||
                 strcmp(w, "bitstring") == 0 || strcmp(w, "bits") == 0)
            sp->binary = true;
        else if (strcmp(w, "big") != 0 && strcmp(w, "integer") != 0 &&
                 strcmp(w, "signed") != 0 && strcmp(w, "unsigned") != 0)
            return error_at(ps, ps->cur.pos, "unsupported binary segment type");
        if ((rc = term_ps_advance(ps)) < 0)
            return rc;
    } while (term_tok_is(&ps->cur, "-"));
    return 0;
}

static int put_utf8(struct parser *ps, struct bitbuf *bb, uint32_t cp)
{
    unsigned char u[4];
    size_t n = utf8_put(u, cp), i;
    struct term v;
    int rc;

    memset(&v, 0, sizeof(v));
    v.kind = TERM_INT;
    for (i = 0; i < n; i++) {
        v.u.i = u[i];
        if ((rc = put_int(ps, bb, &v, 8, false)) < 0)
            return rc;
    }
    return 0;
}

static int parse_segment(struct parser *ps, struct bitbuf *bb)
{
    bool ex = ps->lx.syn == TERM_SYNTAX_ELIXIR, neg = false;
    struct segspec sp;
    struct tok val;
    struct term *iv = NULL, tmp;
    size_t i;
    int rc;

    if (term_tok_is(&ps->cur, "-")) {
        neg = true;
        if ((rc = term_ps_advance(ps)) < 0)
            return rc;
    }
    val = ps->cur;
    if (val.kind == TOK_INT)
        iv = term_lex_integer(ps->a, val.mag, val.nmag, neg);
    else if (val.kind != TOK_STRING || neg)
        return term_lex_unexpected(&ps->lx, &ps->cur);
    if ((rc = term_ps_advance(ps)) < 0 || (rc = parse_segspec(ps, &sp)) < 0)
        return rc;
    if (iv) {
        if (sp.utf8) {
            if (iv->kind != TERM_INT || iv->u.i < 0 || iv->u.i > 0x10ffff ||
                (iv->u.i >= 0xd800 && iv->u.i <= 0xdfff))
                return error_at(ps, val.pos, "not a character for utf8");
            return put_utf8(ps, bb, (uint32_t)iv->u.i);
        }
        return put_int(ps, bb, iv, sp.size ? sp.size : 8, sp.little);
    }
    memset(&tmp, 0, sizeof(tmp));
    tmp.kind = TERM_INT;
    for (i = 0; i < val.nunits; i++) {
        int32_t u = val.units[i];
        if (u < 0) {
            tmp.u.i = -1 - u; /* Elixir raw byte */
            rc = put_int(ps, bb, &tmp, 8, false);
        } else if (sp.utf8 || (ex && !sp.size)) {
            rc = put_utf8(ps, bb, (uint32_t)u);
        } else {
            tmp.u.i = u;
            rc = put_int(ps, bb, &tmp, sp.size ? sp.size : 8, sp.little);
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int parse_binary(struct parser *ps, struct term **out)
{
    struct bitbuf bb = { NULL, 0, 0 };
    struct term *t;
    int rc;

    if ((rc = term_ps_advance(ps)) < 0)
        return rc;
    while (!term_tok_is(&ps->cur, ">>")) {
        if ((rc = parse_segment(ps, &bb)) < 0)
            return rc;
        if (term_tok_is(&ps->cur, ","))
            rc = term_ps_advance(ps);
        else if (!term_tok_is(&ps->cur, ">>"))
            rc = term_lex_unexpected(&ps->lx, &ps->cur);
        if (rc < 0)
            return rc;
    }
    t = term_binary(ps->a, bb.b, (bb.nbits + 7) / 8);
    t->u.bin.bits = bb.nbits % 8 ? (unsigned)(bb.nbits % 8) : 8;
    *out = t;
    return term_ps_advance(ps);
}

/* ---------------------------------------------------------------------
 * Collections
 */

/* A keyword pair `key: value` (cur is the TOK_KEY). */
static int parse_kw_pair(struct parser *ps, struct term **key, struct term **val)
{
    int rc;

    *key = atom_from_tok(ps, &ps->cur);
    if ((rc = term_ps_advance(ps)) < 0)
        return rc;
    return term_ps_parse(ps, val);
}

int term_ps_items(struct parser *ps, const char *close, bool group_kw,
                  struct term ***items, size_t *n, struct term **tail)
{
    struct term_vec v = { NULL, 0, 0 }, kwv = { NULL, 0, 0 };
    bool kw = false;
    int rc;

    if (tail)
        *tail = NULL;
    while (!term_tok_is(&ps->cur, close)) {
        struct term *t;
        if (ps->cur.kind == TOK_KEY && ps->lx.syn == TERM_SYNTAX_ELIXIR) {
            struct term *k, *val;
            kw = true;
            if ((rc = parse_kw_pair(ps, &k, &val)) < 0)
                return rc;
            t = term_tuple2(ps->a, k, val);
            if (group_kw) {
                term_ps_push(ps, &kwv, t);
                t = NULL;
            }
        } else {
            if (kw) /* Elixir: keywords come last */
                return term_lex_unexpected(&ps->lx, &ps->cur);
            if ((rc = term_ps_parse(ps, &t)) < 0)
                return rc;
        }
        if (t)
            term_ps_push(ps, &v, t);
        if (term_tok_is(&ps->cur, ",")) {
            if ((rc = term_ps_advance(ps)) < 0)
                return rc;
            if (term_tok_is(&ps->cur, close))
                return term_lex_unexpected(&ps->lx, &ps->cur);
        } else if (tail && !kw && term_tok_is(&ps->cur, "|")) {
            if ((rc = term_ps_advance(ps)) < 0 || (rc = term_ps_parse(ps, tail)) < 0)
                return rc;
            if (!term_tok_is(&ps->cur, close))
                return term_lex_unexpected(&ps->lx, &ps->cur);
        } else if (!term_tok_is(&ps->cur, close)) {
            return term_lex_unexpected(&ps->lx, &ps->cur);
        }
    }
    if (kwv.n) {
        struct term *l = term_list(ps->a, 0);
        l->u.list.items = kwv.v;
        l->u.list.n = kwv.n;
        term_ps_push(ps, &v, l);
    }
    *items = v.v;
    *n = v.n;
    return term_ps_advance(ps);
}

static int parse_list(struct parser *ps, struct term **out)
{
    struct term **items, *tail, *t;
    size_t n;
    int rc;

    if ((rc = term_ps_advance(ps)) < 0 ||
        (rc = term_ps_items(ps, "]", false, &items, &n, &tail)) < 0)
        return rc;
    /* [1|[2,3]] is [1,2,3]: keep lists in the shape the decoder makes. */
    while (tail && tail->kind == TERM_LIST) {
        struct term **m = arena_alloc(ps->a, (n + tail->u.list.n + 1) * sizeof(*m));
        if (n)
            memcpy(m, items, n * sizeof(*m));
        if (tail->u.list.n)
            memcpy(m + n, tail->u.list.items, tail->u.list.n * sizeof(*m));
        items = m;
        n += tail->u.list.n;
        tail = tail->u.list.tail;
    }
    if (n == 0 && tail) {
        *out = tail;
        return 0;
    }
    t = term_list(ps->a, 0);
    t->u.list.items = items;
    t->u.list.n = n;
    t->u.list.tail = tail;
    *out = t;
    return 0;
}

static int parse_tuple(struct parser *ps, struct term **out)
{
    struct term **items, *t;
    size_t n;
    int rc;

    if ((rc = term_ps_advance(ps)) < 0 ||
        (rc = term_ps_items(ps, "}", true, &items, &n, NULL)) < 0)
        return rc;
    t = term_tuple(ps->a, 0);
    t->u.tuple.items = items;
    t->u.tuple.n = n;
    *out = t;
    return 0;
}

/* Map pairs up to '}' (cur just past '{'); struct_mod adds __struct__. */
static int parse_map_body(struct parser *ps, struct term *struct_mod, struct term **out)
{
    struct term_vec keys = { NULL, 0, 0 }, vals = { NULL, 0, 0 };
    bool ex = ps->lx.syn == TERM_SYNTAX_ELIXIR;
    int rc;

    if (struct_mod) {
        term_ps_push(ps, &keys, term_atom(ps->a, "__struct__"));
        term_ps_push(ps, &vals, struct_mod);
    }
    while (!term_tok_is(&ps->cur, "}")) {
        struct term *k, *v;
        if (ex && ps->cur.kind == TOK_KEY) {
            if ((rc = parse_kw_pair(ps, &k, &v)) < 0)
                return rc;
        } else {
            if (struct_mod)
                return term_lex_unexpected(&ps->lx, &ps->cur);
            if ((rc = term_ps_parse(ps, &k)) < 0 || (rc = term_ps_expect(ps, "=>")) < 0 ||
                (rc = term_ps_parse(ps, &v)) < 0)
                return rc;
        }
        term_ps_push(ps, &keys, k);
        term_ps_push(ps, &vals, v);
        if (term_tok_is(&ps->cur, ",")) {
            if ((rc = term_ps_advance(ps)) < 0)
                return rc;
            if (term_tok_is(&ps->cur, "}"))
                return term_lex_unexpected(&ps->lx, &ps->cur);
        } else if (!term_tok_is(&ps->cur, "}")) {
            return term_lex_unexpected(&ps->lx, &ps->cur);
        }
    }
    *out = make_map(ps, &keys, &vals);
    return term_ps_advance(ps);
}

/* Alias segments Foo.Bar.Baz (cur is the first TOK_ALIAS) as one atom.
 * Stops before a '.' followed by anything but another alias. */
int term_ps_alias(struct parser *ps, struct term **out, bool *dot_after)
{
    struct sbuf sb = SBUF_INIT;
    size_t start = ps->cur.pos;
    int rc = 0;

    *dot_after = false;
    if (strcmp(ps->cur.text, "Elixir") != 0)
        sbuf_addstr(&sb, "Elixir.");
    sbuf_add(&sb, ps->cur.text, ps->cur.tlen);
    for (;;) {
        if ((rc = term_ps_advance(ps)) < 0)
            goto out;
        if (!term_tok_is(&ps->cur, "."))
            break;
        if ((rc = term_ps_advance(ps)) < 0)
            goto out;
        if (ps->cur.kind != TOK_ALIAS) {
            *dot_after = true;
            break;
        }
        sbuf_addch(&sb, '.');
        sbuf_add(&sb, ps->cur.text, ps->cur.tlen);
    }
    if (sb.len > 255 * 4) {
        rc = error_at(ps, start, "module name too long");
        goto out;
    }
    *out = term_atomn(ps->a, sbuf_str(&sb), sb.len);
out:
    sbuf_release(&sb);
    return rc;
}

/* '#': Erlang map #{...}, or #PID<..>, #Port<..>, #Ref<..>/#Reference<..>. */
static int parse_hash(struct parser *ps, struct term **out)
{
    const char *node;
    uint64_t nums[5];
    size_t n, i;
    struct term *t;
    const char *what;
    int rc;

    if ((rc = term_ps_advance(ps)) < 0)
        return rc;
    if (term_tok_is(&ps->cur, "{") && ps->lx.syn == TERM_SYNTAX_ERLANG) {
        if ((rc = term_ps_advance(ps)) < 0)
            return rc;
        return parse_map_body(ps, NULL, out);
    }
    if (ps->cur.kind != TOK_ALIAS || ps->lx.pos >= ps->lx.len ||
        ps->lx.src[ps->lx.pos] != '<')
        return term_lex_unexpected(&ps->lx, &ps->cur);
    what = ps->cur.text;
    ps->lx.pos++;
    if (strcmp(what, "PID") == 0) {
        if ((rc = term_lex_angle(&ps->lx, &node, nums, 2, 2, &n)) < 0)
            return rc;
        if (nums[0] > UINT32_MAX || nums[1] > UINT32_MAX)
            return error_at(ps, ps->cur.pos, "pid number too large");
        t = term_pidv(ps->a, node, (uint32_t)nums[0], (uint32_t)nums[1], 0);
    } else if (strcmp(what, "Port") == 0) {
        if ((rc = term_lex_angle(&ps->lx, &node, nums, 1, 1, &n)) < 0)
            return rc;
        t = new_kind(ps->a, TERM_PORT);
        t->u.port.node = node;
        t->u.port.id = nums[0];
    } else if (strcmp(what, "Ref") == 0 || strcmp(what, "Reference") == 0) {
        if ((rc = term_lex_angle(&ps->lx, &node, nums, 1, 5, &n)) < 0)
            return rc;
        t = new_kind(ps->a, TERM_REF);
        t->u.ref.node = node;
        t->u.ref.len = (unsigned)n;
        for (i = 0; i < n; i++) {
            if (nums[n - 1 - i] > UINT32_MAX)
                return error_at(ps, ps->cur.pos, "reference number too large");
            t->u.ref.ids[i] = (uint32_t)nums[n - 1 - i]; /* printed most significant first */
        }
    } else {
        return term_lex_unexpected(&ps->lx, &ps->cur);
    }
    *out = t;
    return term_ps_advance(ps);
}

/* '%': Elixir map %{...} or struct %Mod{...}. */
static int parse_percent(struct parser *ps, struct term **out)
{
    struct term *mod = NULL;
    bool dot;
    int rc;

    if (ps->lx.syn != TERM_SYNTAX_ELIXIR)
        return term_lex_unexpected(&ps->lx, &ps->cur);
    if ((rc = term_ps_advance(ps)) < 0)
        return rc;
    if (ps->cur.kind == TOK_ALIAS) {
        if ((rc = term_ps_alias(ps, &mod, &dot)) < 0)
            return rc;
        if (dot)
            return term_lex_unexpected(&ps->lx, &ps->cur);
    }
    if ((rc = term_ps_expect(ps, "{")) < 0)
        return rc;
    return parse_map_body(ps, mod, out);
}

static int parse_pid(struct parser *ps, struct term **out)
{
    const char *node;
    uint64_t nums[2];
    size_t n;
    int rc;

    /* The lexer stands just past the '<'. */
    if ((rc = term_lex_angle(&ps->lx, &node, nums, 2, 2, &n)) < 0)
        return rc;
    if (nums[0] > UINT32_MAX || nums[1] > UINT32_MAX)
        return error_at(ps, ps->cur.pos, "pid number too large");
    *out = term_pidv(ps->a, node, (uint32_t)nums[0], (uint32_t)nums[1], 0);
    return term_ps_advance(ps);
}

/* ---------------------------------------------------------------------
 * Terms
 */

static int parse_number(struct parser *ps, struct term **out)
{
    bool neg = term_tok_is(&ps->cur, "-");
    int rc;

    if (neg || term_tok_is(&ps->cur, "+"))
        if ((rc = term_ps_advance(ps)) < 0)
            return rc;
    if (ps->cur.kind == TOK_INT)
        *out = term_lex_integer(ps->a, ps->cur.mag, ps->cur.nmag, neg);
    else if (ps->cur.kind == TOK_FLOAT)
        *out = term_float(ps->a, neg ? -ps->cur.f : ps->cur.f);
    else
        return term_lex_unexpected(&ps->lx, &ps->cur);
    return term_ps_advance(ps);
}

static int parse_inner(struct parser *ps, struct term **out)
{
    bool ex = ps->lx.syn == TERM_SYNTAX_ELIXIR, dot;
    const struct tok *t = &ps->cur;
    int rc;

    switch (t->kind) {
    case TOK_INT:
    case TOK_FLOAT:
        return parse_number(ps, out);
    case TOK_ATOM:
        *out = atom_from_tok(ps, t);
        return term_ps_advance(ps);
    case TOK_IDENT:
        if (ex)
            return bp_error(ps->lx.err, BP_EUSAGE,
                            "unexpected '%s' at column %zu (Elixir atoms are written :%s)",
                            t->text, term_lex_column(&ps->lx, t->pos), t->text);
        *out = atom_from_tok(ps, t);
        return term_ps_advance(ps);
    case TOK_ALIAS:
        if (!ex)
            return bp_error(ps->lx.err, BP_EUSAGE,
                            "unexpected variable '%s' at column %zu (quote atoms: '%s')",
                            t->text, term_lex_column(&ps->lx, t->pos), t->text);
        if ((rc = term_ps_alias(ps, out, &dot)) < 0)
            return rc;
        return dot ? term_lex_unexpected(&ps->lx, &ps->cur) : 0;
    case TOK_STRING:
        if (ex) {
            size_t len;
            unsigned char *b = units_utf8(ps, t, &len);
            *out = term_binary(ps->a, b, len);
        } else {
            *out = units_list(ps, t);
        }
        return term_ps_advance(ps);
    case TOK_CHARLIST:
        *out = units_list(ps, t);
        return term_ps_advance(ps);
    case TOK_GEN:
        return term_ps_generator(ps, out);
    case TOK_KEY:
    case TOK_EOF:
        return term_lex_unexpected(&ps->lx, t);
    case TOK_PUNCT:
        break;
    }
    if (term_tok_is(t, "-") || term_tok_is(t, "+"))
        return parse_number(ps, out);
    if (term_tok_is(t, "["))
        return parse_list(ps, out);
    if (term_tok_is(t, "{"))
        return parse_tuple(ps, out);
    if (term_tok_is(t, "<<"))
        return parse_binary(ps, out);
    if (term_tok_is(t, "<"))
        return parse_pid(ps, out);
    if (term_tok_is(t, "#"))
        return parse_hash(ps, out);
    if (term_tok_is(t, "%"))
        return parse_percent(ps, out);
    return term_lex_unexpected(&ps->lx, t);
}

int term_ps_parse(struct parser *ps, struct term **out)
{
    int rc;

    if (ps->depth >= MAX_DEPTH)
        return error_at(ps, ps->cur.pos, "terms nested deeper than 256");
    ps->depth++;
    rc = parse_inner(ps, out);
    ps->depth--;
    return rc;
}

int term_ps_init(struct parser *ps, struct arena *a, const char *src,
                 enum term_syntax syntax, unsigned flags, struct bp_err *err)
{
    size_t len;

    if (!src)
        return bp_error(err, BP_EUSAGE, "no term given");
    len = strnlen(src, MAX_INPUT + 1);
    if (len > MAX_INPUT)
        return bp_error(err, BP_EUSAGE, "term text longer than 1 MiB");
    ps->a = a;
    ps->depth = 0;
    ps->bin_budget = MAX_BINARY_BYTES;
    term_lex_init(&ps->lx, a, src, len, syntax, flags, err);
    return term_ps_advance(ps);
}

/* After the last term: an optional Erlang full stop, then nothing. */
int term_ps_end(struct parser *ps)
{
    int rc;

    if (ps->lx.syn == TERM_SYNTAX_ERLANG && term_tok_is(&ps->cur, "."))
        if ((rc = term_ps_advance(ps)) < 0)
            return rc;
    if (ps->cur.kind != TOK_EOF)
        return term_lex_unexpected(&ps->lx, &ps->cur);
    return 0;
}

int term_parse(struct arena *a, const char *src, enum term_syntax syntax, unsigned flags,
               struct term **out, struct bp_err *err)
{
    struct parser ps;
    struct term *t;
    struct term_pid pid;
    int rc;

    if (src && term_ps_bare_pid(src, &pid)) {
        *out = term_pidv(a, pid.node, pid.num, pid.serial, 0);
        return 0;
    }
    if (syntax == TERM_SYNTAX_AUTO && src)
        syntax = term_detect_syntax(src);
    if ((rc = term_ps_init(&ps, a, src, syntax, flags, err)) < 0 ||
        (rc = term_ps_parse(&ps, &t)) < 0 || (rc = term_ps_end(&ps)) < 0)
        return rc;
    *out = t;
    return 0;
}
