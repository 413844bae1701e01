/* SPDX-License-Identifier: Apache-2.0 */
/*
 * template.c - compiled load templates; see template.h.
 *
 * Compilation walks the template term.  A subtree without generators is
 * encoded once with term_encode; a tuple, list or map that holds
 * generators has its header encoded and its elements compiled in turn.
 * Static bytes accumulate in one buffer; each generator closes the current
 * run of static bytes (an OP_BYTES step) and adds its own step.  Emitting
 * an event replays the steps.  The integer encoding below is the one
 * term_to_binary uses (SMALL_INTEGER_EXT, INTEGER_EXT, SMALL_BIG_EXT), so
 * an emitted event is byte-for-byte what the node would produce itself.
 */
#include "load/template.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include <ei.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------
 * Random numbers: xoshiro256** seeded with splitmix64
 */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void tpl_rng_seed(struct tpl_rng *r, uint64_t seed)
{
    int i;
    for (i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t tpl_rng_next(struct tpl_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

int64_t tpl_rng_range(struct tpl_rng *r, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1, threshold, x;

    if (span == 0) /* the whole int64 range */
        return (int64_t)tpl_rng_next(r);
    /* Reject the few values that would make some results likelier. */
    threshold = (0 - span) % span;
    do
        x = tpl_rng_next(r);
    while (x < threshold);
    return (int64_t)((uint64_t)lo + x % span);
}

/* ---------------------------------------------------------------------
 * Buffers
 */

void tpl_buf_release(struct tpl_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

unsigned char *tpl_buf_grow(struct tpl_buf *b, size_t n)
{
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len < n)
            cap *= 2;
        b->p = xrealloc(b->p, cap);
        b->cap = cap;
    }
    return b->p + b->len;
}

/* ---------------------------------------------------------------------
 * The compiled form
 */

enum op_kind { OP_BYTES, OP_SEQ, OP_NOW, OP_RAND, OP_PICK, OP_STR, OP_SUB };
enum text_kind { TX_LIT, TX_SEQ, TX_NOW, TX_RAND, TX_PICK };

struct pick {
    size_t n;
    uint64_t *cum;   /* cumulative weights */
    uint64_t total;
    void **choices;  /* struct tpl * (terms) or struct text * (text) */
};

struct text_part {
    enum text_kind kind;
    const unsigned char *s; /* TX_LIT */
    size_t n;
    int64_t lo, hi;         /* TX_RAND */
    struct pick *pick;      /* TX_PICK of struct text */
};

struct text {
    struct text_part *parts;
    size_t n;
};

struct op {
    enum op_kind kind;
    size_t off, len;        /* OP_BYTES: range of tpl->bytes */
    int64_t lo, hi;         /* OP_RAND */
    struct pick *pick;      /* OP_PICK of struct tpl */
    struct text *text;      /* OP_STR */
    int binary;             /* OP_STR: binary, else string */
    const struct tpl *sub;  /* OP_SUB ($event) */
};

struct tpl {
    unsigned char *bytes;
    size_t nbytes;
    struct op *ops;
    size_t nops;
};

struct builder {
    struct arena *a;
    ei_x_buff x;
    struct op *ops;
    size_t n, cap;
    int mark;               /* start of the static bytes not yet in an op */
    const struct tpl *event;
    enum term_syntax syntax;
    const struct term_encode_ctx *ectx;
    struct bp_err *err;
};

#define MAX_DEPTH 300

static int has_gen(const struct term *t, unsigned depth)
{
    size_t i;

    if (!t || depth > MAX_DEPTH)
        return 0;
    switch (t->kind) {
    case TERM_GEN:
        return 1;
    case TERM_LIST:
        for (i = 0; i < t->u.list.n; i++)
            if (has_gen(t->u.list.items[i], depth + 1))
                return 1;
        return has_gen(t->u.list.tail, depth + 1);
    case TERM_TUPLE:
        for (i = 0; i < t->u.tuple.n; i++)
            if (has_gen(t->u.tuple.items[i], depth + 1))
                return 1;
        return 0;
    case TERM_MAP:
        for (i = 0; i < t->u.map.n; i++)
            if (has_gen(t->u.map.keys[i], depth + 1) || has_gen(t->u.map.vals[i], depth + 1))
                return 1;
        return 0;
    default:
        return 0;
    }
}

static struct op *push_op(struct builder *b, enum op_kind kind)
{
    struct op *o;

    /* Close the run of static bytes before this step. */
    if (kind != OP_BYTES && b->x.index > b->mark) {
        o = push_op(b, OP_BYTES);
        o->off = (size_t)b->mark;
        o->len = (size_t)(b->x.index - b->mark);
        b->mark = b->x.index;
    }
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 8;
        b->ops = xreallocarray(b->ops, b->cap, sizeof(*b->ops));
    }
    o = &b->ops[b->n++];
    memset(o, 0, sizeof(*o));
    o->kind = kind;
    return o;
}

static int builder_init(struct builder *b, struct arena *a, const struct tpl *event,
                        enum term_syntax syntax, const struct term_encode_ctx *ectx,
                        struct bp_err *err)
{
    memset(b, 0, sizeof(*b));
    b->a = a;
    b->event = event;
    b->syntax = syntax;
    b->ectx = ectx;
    b->err = err;
    if (ei_x_new(&b->x) < 0)
        return bp_error(err, BP_ENOMEM, "out of memory");
    return 0;
}

static struct tpl *builder_finish(struct builder *b)
{
    struct tpl *t = arena_zalloc(b->a, sizeof(*t));

    if (b->x.index > b->mark) {
        struct op *o = push_op(b, OP_BYTES);
        o->off = (size_t)b->mark;
        o->len = (size_t)(b->x.index - b->mark);
        b->mark = b->x.index;
    }
    t->nbytes = (size_t)b->x.index;
    t->bytes = arena_alloc(b->a, t->nbytes ? t->nbytes : 1);
    if (t->nbytes)
        memcpy(t->bytes, b->x.buff, t->nbytes);
    t->nops = b->n;
    t->ops = arena_alloc(b->a, (b->n ? b->n : 1) * sizeof(*t->ops));
    if (b->n)
        memcpy(t->ops, b->ops, b->n * sizeof(*t->ops));
    return t;
}

static void builder_release(struct builder *b)
{
    ei_x_free(&b->x);
    free(b->ops);
    b->ops = NULL;
}

static int compile(struct builder *b, const struct term *t, unsigned depth);

/* Weighted choices {Choice, Weight}; each choice compiled by fn. */
static int compile_pick(struct builder *b, const struct term *g, struct pick **out,
                        int (*fn)(struct builder *b, const struct term *t, void **out))
{
    struct pick *p = arena_zalloc(b->a, sizeof(*p));
    size_t i;
    int rc;

    p->n = g->u.gen.n;
    p->cum = arena_zalloc(b->a, (p->n ? p->n : 1) * sizeof(*p->cum));
    p->choices = arena_zalloc(b->a, (p->n ? p->n : 1) * sizeof(*p->choices));
    for (i = 0; i < p->n; i++) {
        const struct term *arg = g->u.gen.args[i];
        const struct term *w = term_elem(arg, 1);
        if (!arg || arg->kind != TERM_TUPLE || arg->u.tuple.n != 2 || !w ||
            w->kind != TERM_INT || w->u.i < 0)
            return bp_error(b->err, BP_EUSAGE, "$pick takes Term:Weight choices");
        if (p->total > UINT64_MAX / 2 || (uint64_t)w->u.i > UINT64_MAX / 2)
            return bp_error(b->err, BP_EUSAGE, "$pick weights are too large");
        p->total += (uint64_t)w->u.i;
        p->cum[i] = p->total;
        if ((rc = fn(b, term_elem(arg, 0), &p->choices[i])) < 0)
            return rc;
    }
    if (p->total == 0)
        return bp_error(b->err, BP_EUSAGE, "$pick needs at least one weight above 0");
    *out = p;
    return 0;
}

/* The generators a template may use, read once for both contexts. */
enum gen_kind { GEN_SEQ, GEN_NOW, GEN_RAND, GEN_PICK, GEN_STR, GEN_EVENT };

/*
 * Which generator g is; for $rand its bounds in *lo, *hi (checked).
 * BP_EUSAGE for an unknown name or bad arguments.
 */
static int gen_kind(struct builder *b, const struct term *g, enum gen_kind *kind,
                    int64_t *lo, int64_t *hi)
{
    const char *name = g->u.gen.name ? g->u.gen.name : "?";

    if (strcmp(name, "seq") == 0) {
        *kind = GEN_SEQ;
    } else if (strcmp(name, "now_ms") == 0) {
        *kind = GEN_NOW;
    } else if (strcmp(name, "rand") == 0) {
        if (g->u.gen.n != 2 || g->u.gen.args[0]->kind != TERM_INT ||
            g->u.gen.args[1]->kind != TERM_INT ||
            g->u.gen.args[0]->u.i > g->u.gen.args[1]->u.i)
            return bp_error(b->err, BP_EUSAGE, "$rand(Lo, Hi) needs integers Lo <= Hi");
        *kind = GEN_RAND;
        *lo = g->u.gen.args[0]->u.i;
        *hi = g->u.gen.args[1]->u.i;
    } else if (strcmp(name, "pick") == 0) {
        *kind = GEN_PICK;
    } else if (strcmp(name, "str") == 0) {
        *kind = GEN_STR;
    } else if (strcmp(name, "event") == 0) {
        *kind = GEN_EVENT;
    } else {
        return bp_error(b->err, BP_EUSAGE, "unknown generator $%s", name);
    }
    return 0;
}

static int pick_term(struct builder *b, const struct term *t, void **out)
{
    struct builder sub;
    struct tpl *tp;
    int rc;

    if ((rc = builder_init(&sub, b->a, b->event, b->syntax, b->ectx, b->err)) < 0)
        return rc;
    rc = compile(&sub, t, 0);
    if (rc == 0) {
        tp = builder_finish(&sub);
        *out = tp;
    }
    builder_release(&sub);
    return rc;
}

/* ---------------------------------------------------------------------
 * $str
 */

struct text_builder {
    struct text_part *parts;
    size_t n, cap;
    int seen_binary, seen_list;
};

static struct text_part *text_push(struct text_builder *tb, enum text_kind kind)
{
    struct text_part *p;
    if (tb->n == tb->cap) {
        tb->cap = tb->cap ? tb->cap * 2 : 8;
        tb->parts = xreallocarray(tb->parts, tb->cap, sizeof(*tb->parts));
    }
    p = &tb->parts[tb->n++];
    memset(p, 0, sizeof(*p));
    p->kind = kind;
    return p;
}

static void text_lit(struct builder *b, struct text_builder *tb, const void *s, size_t n)
{
    struct text_part *p;
    unsigned char *copy;
    if (!n)
        return;
    copy = arena_alloc(b->a, n);
    memcpy(copy, s, n);
    p = text_push(tb, TX_LIT);
    p->s = copy;
    p->n = n;
}

/* Shortest %g form that reads back as the same double, with a ".0" when
 * it would look like an integer (Elixir's to_string/1 of a float). */
static void float_text(double v, char *buf, size_t n)
{
    int prec;
    for (prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (!strpbrk(buf, ".eEn"))
        snprintf(buf + strlen(buf), n - strlen(buf), ".0");
}

static int text_of(struct builder *b, struct text_builder *tb, const struct term *t,
                   unsigned depth);

static int pick_text(struct builder *b, const struct term *t, void **out)
{
    struct text_builder tb;
    struct text *tx;
    int rc;

    memset(&tb, 0, sizeof(tb));
    rc = text_of(b, &tb, t, 0);
    if (rc == 0) {
        tx = arena_zalloc(b->a, sizeof(*tx));
        tx->n = tb.n;
        tx->parts = arena_alloc(b->a, (tb.n ? tb.n : 1) * sizeof(*tx->parts));
        if (tb.n)
            memcpy(tx->parts, tb.parts, tb.n * sizeof(*tx->parts));
        *out = tx;
    }
    free(tb.parts);
    return rc;
}

static int text_of(struct builder *b, struct text_builder *tb, const struct term *t,
                   unsigned depth)
{
    char num[64];
    size_t i;
    int rc;

    if (!t || depth > MAX_DEPTH)
        return bp_error(b->err, BP_EUSAGE, "$str argument missing or nested too deep");
    switch (t->kind) {
    case TERM_BINARY:
        if (t->u.bin.bits != 8)
            return bp_error(b->err, BP_EUSAGE, "$str cannot take a bitstring");
        tb->seen_binary = 1;
        text_lit(b, tb, t->u.bin.data, t->u.bin.len);
        return 0;
    case TERM_LIST: {
        /* A string: code points become UTF-8. */
        unsigned char *u;
        size_t k = 0;
        if (t->u.list.tail)
            return bp_error(b->err, BP_EUSAGE, "$str cannot take an improper list");
        tb->seen_list = 1;
        u = arena_alloc(b->a, t->u.list.n * 4 + 1);
        for (i = 0; i < t->u.list.n; i++) {
            const struct term *c = t->u.list.items[i];
            if (!c || c->kind != TERM_INT || c->u.i < 0 || c->u.i > 0x10FFFF)
                return bp_error(b->err, BP_EUSAGE,
                                "$str takes strings, binaries, numbers, atoms and "
                                "generators, not a list of other terms");
            k += utf8_put(u + k, (uint32_t)c->u.i);
        }
        text_lit(b, tb, u, k);
        return 0;
    }
    case TERM_INT:
        snprintf(num, sizeof(num), "%" PRId64, t->u.i);
        text_lit(b, tb, num, strlen(num));
        return 0;
    case TERM_FLOAT:
        float_text(t->u.f, num, sizeof(num));
        text_lit(b, tb, num, strlen(num));
        return 0;
    case TERM_ATOM:
        text_lit(b, tb, t->u.atom.name, t->u.atom.len);
        return 0;
    case TERM_GEN: {
        const char *g = t->u.gen.name;
        struct text_part *p;
        enum gen_kind k;
        int64_t lo = 0, hi = 0;
        if ((rc = gen_kind(b, t, &k, &lo, &hi)) < 0)
            return rc;
        if (k == GEN_SEQ) {
            text_push(tb, TX_SEQ);
        } else if (k == GEN_NOW) {
            text_push(tb, TX_NOW);
        } else if (k == GEN_RAND) {
            p = text_push(tb, TX_RAND);
            p->lo = lo;
            p->hi = hi;
        } else if (k == GEN_PICK) {
            struct pick *pk;
            if ((rc = compile_pick(b, t, &pk, pick_text)) < 0)
                return rc;
            p = text_push(tb, TX_PICK);
            p->pick = pk;
        } else if (k == GEN_STR) {
            for (i = 0; i < t->u.gen.n; i++)
                if ((rc = text_of(b, tb, t->u.gen.args[i], depth + 1)) < 0)
                    return rc;
        } else {
            return bp_error(b->err, BP_EUSAGE, "$%s has no text form for $str", g);
        }
        return 0;
    }
    default:
        return bp_error(b->err, BP_EUSAGE,
                        "$str takes strings, binaries, numbers, atoms and generators");
    }
}

static int compile_str(struct builder *b, const struct term *g)
{
    struct text_builder tb;
    struct text *tx;
    struct op *o;
    size_t i;
    int rc = 0;

    memset(&tb, 0, sizeof(tb));
    for (i = 0; i < g->u.gen.n && rc == 0; i++)
        rc = text_of(b, &tb, g->u.gen.args[i], 1);
    if (rc == 0) {
        tx = arena_zalloc(b->a, sizeof(*tx));
        tx->n = tb.n;
        tx->parts = arena_alloc(b->a, (tb.n ? tb.n : 1) * sizeof(*tx->parts));
        if (tb.n)
            memcpy(tx->parts, tb.parts, tb.n * sizeof(*tx->parts));
        o = push_op(b, OP_STR);
        o->text = tx;
        o->binary = tb.seen_binary ? 1 : tb.seen_list ? 0 : b->syntax == TERM_SYNTAX_ELIXIR;
    }
    free(tb.parts);
    return rc;
}

/* ---------------------------------------------------------------------
 * Terms
 */

static int ei_fail(struct builder *b)
{
    return bp_error(b->err, BP_ENOMEM, "cannot encode the template");
}

static int compile_gen(struct builder *b, const struct term *g)
{
    enum gen_kind k;
    int64_t lo = 0, hi = 0;
    struct op *o;
    int rc;

    if ((rc = gen_kind(b, g, &k, &lo, &hi)) < 0)
        return rc;
    switch (k) {
    case GEN_SEQ:
        push_op(b, OP_SEQ);
        break;
    case GEN_NOW:
        push_op(b, OP_NOW);
        break;
    case GEN_RAND:
        o = push_op(b, OP_RAND);
        o->lo = lo;
        o->hi = hi;
        break;
    case GEN_PICK: {
        struct pick *p;
        if ((rc = compile_pick(b, g, &p, pick_term)) < 0)
            return rc;
        o = push_op(b, OP_PICK);
        o->pick = p;
        break;
    }
    case GEN_STR:
        return compile_str(b, g);
    case GEN_EVENT:
        if (!b->event)
            return bp_error(b->err, BP_EUSAGE,
                            "$event stands for the event in a --call argument list; "
                            "it cannot appear in the event template itself");
        o = push_op(b, OP_SUB);
        o->sub = b->event;
        break;
    }
    return 0;
}

static int compile(struct builder *b, const struct term *t, unsigned depth)
{
    size_t i;
    int rc;

    if (!t)
        return bp_error(b->err, BP_EUSAGE, "missing term in template");
    if (depth > MAX_DEPTH)
        return bp_error(b->err, BP_EUSAGE, "template nested too deep");
    if (!has_gen(t, 0))
        return term_encode(&b->x, t, b->ectx, b->err);
    switch (t->kind) {
    case TERM_GEN:
        return compile_gen(b, t);
    case TERM_LIST:
        if (t->u.list.n == 0)
            return compile(b, t->u.list.tail, depth + 1);
        if (ei_x_encode_list_header(&b->x, (long)t->u.list.n) < 0)
            return ei_fail(b);
        for (i = 0; i < t->u.list.n; i++)
            if ((rc = compile(b, t->u.list.items[i], depth + 1)) < 0)
                return rc;
        if (t->u.list.tail)
            return compile(b, t->u.list.tail, depth + 1);
        if (ei_x_encode_empty_list(&b->x) < 0)
            return ei_fail(b);
        return 0;
    case TERM_TUPLE:
        if (ei_x_encode_tuple_header(&b->x, (long)t->u.tuple.n) < 0)
            return ei_fail(b);
        for (i = 0; i < t->u.tuple.n; i++)
            if ((rc = compile(b, t->u.tuple.items[i], depth + 1)) < 0)
                return rc;
        return 0;
    case TERM_MAP:
        if (ei_x_encode_map_header(&b->x, (long)t->u.map.n) < 0)
            return ei_fail(b);
        for (i = 0; i < t->u.map.n; i++)
            if ((rc = compile(b, t->u.map.keys[i], depth + 1)) < 0 ||
                (rc = compile(b, t->u.map.vals[i], depth + 1)) < 0)
                return rc;
        return 0;
    default:
        return term_encode(&b->x, t, b->ectx, b->err);
    }
}

int tpl_compile(struct arena *a, const struct term *t, const struct tpl *event,
                enum term_syntax syntax, const struct term_encode_ctx *ectx,
                struct tpl **out, struct bp_err *err)
{
    struct builder b;
    int rc;

    if ((rc = builder_init(&b, a, event, syntax, ectx, err)) < 0)
        return rc;
    rc = compile(&b, t, 0);
    if (rc == 0)
        *out = builder_finish(&b);
    builder_release(&b);
    return rc;
}

int tpl_parse(struct arena *a, const char *src, enum term_syntax syntax,
              const struct tpl *event, const struct term_encode_ctx *ectx,
              struct tpl **out, struct bp_err *err)
{
    struct term *t = NULL;
    int rc;

    if (syntax == TERM_SYNTAX_AUTO)
        syntax = term_detect_syntax(src);
    rc = term_parse(a, src, syntax, TERM_PARSE_TEMPLATES, &t, err);
    if (rc)
        return rc;
    return tpl_compile(a, t, event, syntax, ectx, out, err);
}

int tpl_is_constant(const struct tpl *t)
{
    return t->nops == 0 || (t->nops == 1 && t->ops[0].kind == OP_BYTES);
}

size_t tpl_static_size(const struct tpl *t)
{
    return t->nbytes;
}

/* ---------------------------------------------------------------------
 * Emitting
 */

static void put_int(struct tpl_buf *b, int64_t v)
{
    unsigned char *o = tpl_buf_grow(b, 11);

    if (v >= 0 && v <= 255) {
        o[0] = 97; /* SMALL_INTEGER_EXT */
        o[1] = (unsigned char)v;
        b->len += 2;
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
        uint32_t u = (uint32_t)v;
        o[0] = 98; /* INTEGER_EXT */
        o[1] = (unsigned char)(u >> 24);
        o[2] = (unsigned char)(u >> 16);
        o[3] = (unsigned char)(u >> 8);
        o[4] = (unsigned char)u;
        b->len += 5;
    } else {
        uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        size_t n = 0;
        o[0] = 110; /* SMALL_BIG_EXT */
        o[2] = v < 0;
        while (m) {
            o[3 + n++] = (unsigned char)m;
            m >>= 8;
        }
        o[1] = (unsigned char)n;
        b->len += 3 + n;
    }
}

/* Decimal digits of v into b (no term header). */
static void put_decimal(struct tpl_buf *b, int64_t v)
{
    char tmp[24];
    size_t n = 0;
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    unsigned char *o;

    do {
        tmp[n++] = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    if (v < 0)
        tmp[n++] = '-';
    o = tpl_buf_grow(b, n);
    b->len += n;
    while (n)
        *o++ = (unsigned char)tmp[--n];
}

static size_t pick_index(const struct pick *p, struct tpl_rng *rng)
{
    uint64_t u = (uint64_t)tpl_rng_range(rng, 0, (int64_t)(p->total - 1));
    size_t lo = 0, hi = p->n - 1;

    /* The first choice whose cumulative weight passes u. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (u < p->cum[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static void emit_text(const struct text *tx, struct tpl_ctx *cx, struct tpl_buf *b)
{
    size_t i;

    for (i = 0; i < tx->n; i++) {
        const struct text_part *p = &tx->parts[i];
        switch (p->kind) {
        case TX_LIT:
            memcpy(tpl_buf_grow(b, p->n), p->s, p->n);
            b->len += p->n;
            break;
        case TX_SEQ:
            put_decimal(b, (int64_t)cx->seq);
            break;
        case TX_NOW:
            put_decimal(b, cx->now_ms);
            break;
        case TX_RAND:
            put_decimal(b, tpl_rng_range(cx->rng, p->lo, p->hi));
            break;
        case TX_PICK:
            emit_text(p->pick->choices[pick_index(p->pick, cx->rng)], cx, b);
            break;
        }
    }
}

/* The text at b->p[start + 5 ..) becomes a BINARY_EXT, STRING_EXT or
 * LIST_EXT term starting at start. */
static void finish_str(struct tpl_buf *b, size_t start, int binary)
{
    size_t n = b->len - start - 5, i, k, units = 0;
    unsigned char *s = b->p + start + 5;
    int wide = 0;

    if (binary) {
        b->p[start] = 109; /* BINARY_EXT */
        b->p[start + 1] = (unsigned char)(n >> 24);
        b->p[start + 2] = (unsigned char)(n >> 16);
        b->p[start + 3] = (unsigned char)(n >> 8);
        b->p[start + 4] = (unsigned char)n;
        return;
    }
    for (i = 0; i < n;) {
        uint32_t cp;
        size_t l = utf8_next(s + i, n - i, &cp);
        if (l == 0) {
            cp = s[i];
            l = 1;
        }
        if (cp > 255)
            wide = 1;
        units++;
        i += l;
    }
    if (units == 0) {
        b->p[start] = 106; /* NIL_EXT */
        b->len = start + 1;
    } else if (!wide && units <= 65535) {
        /* STRING_EXT: the code points as bytes, compacted in place. */
        unsigned char *d = b->p + start + 3;
        for (i = 0; i < n;) {
            uint32_t cp;
            size_t l = utf8_next(s + i, n - i, &cp);
            if (l == 0) {
                cp = s[i];
                l = 1;
            }
            *d++ = (unsigned char)cp;
            i += l;
        }
        b->p[start] = 107;
        b->p[start + 1] = (unsigned char)(units >> 8);
        b->p[start + 2] = (unsigned char)units;
        b->len = start + 3 + units;
    } else {
        /* LIST_EXT of integers: rebuild from a copy of the text. */
        unsigned char *copy = xmalloc(n ? n : 1);
        unsigned char *o;
        memcpy(copy, s, n);
        b->len = start;
        o = tpl_buf_grow(b, 5);
        o[0] = 108;
        o[1] = (unsigned char)(units >> 24);
        o[2] = (unsigned char)(units >> 16);
        o[3] = (unsigned char)(units >> 8);
        o[4] = (unsigned char)units;
        b->len += 5;
        for (k = 0; k < n;) {
            uint32_t cp;
            size_t l = utf8_next(copy + k, n - k, &cp);
            if (l == 0) {
                cp = copy[k];
                l = 1;
            }
            put_int(b, (int64_t)cp);
            k += l;
        }
        *tpl_buf_grow(b, 1) = 106;
        b->len++;
        free(copy);
    }
}

void tpl_emit(const struct tpl *t, struct tpl_ctx *cx, struct tpl_buf *b)
{
    size_t i;

    for (i = 0; i < t->nops; i++) {
        const struct op *o = &t->ops[i];
        switch (o->kind) {
        case OP_BYTES:
            memcpy(tpl_buf_grow(b, o->len), t->bytes + o->off, o->len);
            b->len += o->len;
            break;
        case OP_SEQ:
            put_int(b, (int64_t)cx->seq);
            break;
        case OP_NOW:
            put_int(b, cx->now_ms);
            break;
        case OP_RAND:
            put_int(b, tpl_rng_range(cx->rng, o->lo, o->hi));
            break;
        case OP_PICK:
            tpl_emit(o->pick->choices[pick_index(o->pick, cx->rng)], cx, b);
            break;
        case OP_STR: {
            size_t start = b->len;
            tpl_buf_grow(b, 5);
            b->len += 5;
            emit_text(o->text, cx, b);
            finish_str(b, start, o->binary);
            break;
        }
        case OP_SUB:
            tpl_emit(o->sub, cx, b);
            break;
        }
    }
}
