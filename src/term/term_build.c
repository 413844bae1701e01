/* SPDX-License-Identifier: Apache-2.0 */
/*
 * term_build.c - constructing and inspecting struct term values.
 *
 * Constructors take all memory from the caller's arena (arena_alloc, which
 * aborts on out-of-memory like xmalloc: they are for terms the program
 * builds itself, not for sizes read from the wire - the decoder budgets
 * its own allocations).  Accessors never fail on NULL or on a term of the
 * wrong kind: they answer NULL/false/an error code, so code walking a
 * reply from a node can chain them without checking every step.
 */
#include "term/term.h"

#include <math.h>
#include <string.h>

static struct term *new_term(struct arena *a, enum term_kind kind)
{
    struct term *t = arena_zalloc(a, sizeof(*t));
    t->kind = kind;
    return t;
}

/* An array of n NULL term pointers (none at all when n is 0). */
static struct term **new_slots(struct arena *a, size_t n)
{
    if (n == 0)
        return NULL;
    if (n > SIZE_MAX / sizeof(struct term *))
        return arena_zalloc(a, SIZE_MAX); /* aborts, as xmalloc would */
    return arena_zalloc(a, n * sizeof(struct term *));
}

struct term *term_int(struct arena *a, int64_t v)
{
    struct term *t = new_term(a, TERM_INT);
    t->u.i = v;
    return t;
}

struct term *term_float(struct arena *a, double v)
{
    struct term *t = new_term(a, TERM_FLOAT);
    t->u.f = v;
    return t;
}

struct term *term_atomn(struct arena *a, const char *name, size_t len)
{
    struct term *t = new_term(a, TERM_ATOM);
    t->u.atom.name = arena_strndup(a, name, len);
    t->u.atom.len = len;
    return t;
}

struct term *term_atom(struct arena *a, const char *name)
{
    return term_atomn(a, name, strlen(name));
}

struct term *term_binary(struct arena *a, const void *data, size_t len)
{
    struct term *t = new_term(a, TERM_BINARY);
    unsigned char *d = arena_alloc(a, len ? len : 1);

    if (len)
        memcpy(d, data, len);
    t->u.bin.data = d;
    t->u.bin.len = len;
    t->u.bin.bits = 8;
    return t;
}

struct term *term_binstr(struct arena *a, const char *s)
{
    return term_binary(a, s, strlen(s));
}

struct term *term_tuple(struct arena *a, size_t n)
{
    struct term *t = new_term(a, TERM_TUPLE);
    t->u.tuple.items = new_slots(a, n);
    t->u.tuple.n = n;
    return t;
}

struct term *term_list(struct arena *a, size_t n)
{
    struct term *t = new_term(a, TERM_LIST);
    t->u.list.items = new_slots(a, n);
    t->u.list.n = n;
    return t;
}

struct term *term_map(struct arena *a, size_t n)
{
    struct term *t = new_term(a, TERM_MAP);
    t->u.map.keys = new_slots(a, n);
    t->u.map.vals = new_slots(a, n);
    t->u.map.n = n;
    return t;
}

struct term *term_nil(struct arena *a)
{
    return term_list(a, 0);
}

struct term *term_pidv(struct arena *a, const char *node, uint32_t num,
                       uint32_t serial, uint32_t creation)
{
    struct term *t = new_term(a, TERM_PID);
    t->u.pid.node = node ? arena_strdup(a, node) : NULL;
    t->u.pid.num = num;
    t->u.pid.serial = serial;
    t->u.pid.creation = creation;
    return t;
}

struct term *term_tuple2(struct arena *a, struct term *x, struct term *y)
{
    struct term *t = term_tuple(a, 2);
    t->u.tuple.items[0] = x;
    t->u.tuple.items[1] = y;
    return t;
}

struct term *term_tuple3(struct arena *a, struct term *x, struct term *y,
                         struct term *z)
{
    struct term *t = term_tuple(a, 3);
    t->u.tuple.items[0] = x;
    t->u.tuple.items[1] = y;
    t->u.tuple.items[2] = z;
    return t;
}

/* ---------------------------------------------------------------------
 * Inspection
 */

bool term_is_atom(const struct term *t, const char *name)
{
    return t && t->kind == TERM_ATOM && strcmp(t->u.atom.name, name) == 0;
}

bool term_is_nil(const struct term *t)
{
    return t && t->kind == TERM_LIST && t->u.list.n == 0 && !t->u.list.tail;
}

bool term_is_tagged(const struct term *t, const char *tag, size_t arity)
{
    return t && t->kind == TERM_TUPLE && t->u.tuple.n == arity && arity > 0 &&
           term_is_atom(t->u.tuple.items[0], tag);
}

const struct term *term_elem(const struct term *t, size_t i)
{
    if (!t || t->kind != TERM_TUPLE || i >= t->u.tuple.n)
        return NULL;
    return t->u.tuple.items[i];
}

const struct term *term_prop(const struct term *list, const char *key)
{
    size_t i;

    if (!list || list->kind != TERM_LIST)
        return NULL;
    for (i = 0; i < list->u.list.n; i++) {
        const struct term *e = list->u.list.items[i];
        if (e && e->kind == TERM_TUPLE && e->u.tuple.n == 2 &&
            term_is_atom(e->u.tuple.items[0], key))
            return e->u.tuple.items[1];
    }
    return NULL;
}

const struct term *term_map_get(const struct term *map, const char *key)
{
    size_t i;

    if (!map || map->kind != TERM_MAP)
        return NULL;
    for (i = 0; i < map->u.map.n; i++)
        if (term_is_atom(map->u.map.keys[i], key))
            return map->u.map.vals[i];
    return NULL;
}

int term_get_int(const struct term *t, int64_t *out)
{
    if (!t || t->kind != TERM_INT)
        return BP_EDECODE;
    *out = t->u.i;
    return 0;
}

int term_get_number(const struct term *t, double *out)
{
    size_t i;
    double v = 0;

    if (!t)
        return BP_EDECODE;
    switch (t->kind) {
    case TERM_INT:
        *out = (double)t->u.i;
        return 0;
    case TERM_FLOAT:
        *out = t->u.f;
        return 0;
    case TERM_BIG:
        for (i = t->u.big.n; i > 0; i--)
            v = v * 256.0 + t->u.big.digits[i - 1];
        *out = t->u.big.neg ? -v : v;
        return 0;
    default:
        return BP_EDECODE;
    }
}

size_t term_list_len(const struct term *t)
{
    return t && t->kind == TERM_LIST ? t->u.list.n : 0;
}

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool items_equal(struct term *const *a, struct term *const *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!term_equal(a[i], b[i]))
            return false;
    return true;
}

bool term_equal(const struct term *a, const struct term *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case TERM_INT:
        return a->u.i == b->u.i;
    case TERM_FLOAT:
        /* Equal values of the same sign: 0.0 and -0.0 are different terms
         * on the wire, and round trips must keep them apart. */
        return a->u.f == b->u.f && signbit(a->u.f) == signbit(b->u.f);
    case TERM_BIG:
        return a->u.big.neg == b->u.big.neg && a->u.big.n == b->u.big.n &&
               memcmp(a->u.big.digits, b->u.big.digits, a->u.big.n) == 0;
    case TERM_ATOM:
        return a->u.atom.len == b->u.atom.len &&
               memcmp(a->u.atom.name, b->u.atom.name, a->u.atom.len) == 0;
    case TERM_BINARY:
        return a->u.bin.len == b->u.bin.len && a->u.bin.bits == b->u.bin.bits &&
               (a->u.bin.len == 0 ||
                memcmp(a->u.bin.data, b->u.bin.data, a->u.bin.len) == 0);
    case TERM_LIST:
        return a->u.list.n == b->u.list.n &&
               items_equal(a->u.list.items, b->u.list.items, a->u.list.n) &&
               term_equal(a->u.list.tail, b->u.list.tail);
    case TERM_TUPLE:
        return a->u.tuple.n == b->u.tuple.n &&
               items_equal(a->u.tuple.items, b->u.tuple.items, a->u.tuple.n);
    case TERM_MAP:
        return a->u.map.n == b->u.map.n &&
               items_equal(a->u.map.keys, b->u.map.keys, a->u.map.n) &&
               items_equal(a->u.map.vals, b->u.map.vals, a->u.map.n);
    case TERM_PID:
        return str_eq(a->u.pid.node, b->u.pid.node) && a->u.pid.num == b->u.pid.num &&
               a->u.pid.serial == b->u.pid.serial &&
               a->u.pid.creation == b->u.pid.creation;
    case TERM_PORT:
        return str_eq(a->u.port.node, b->u.port.node) && a->u.port.id == b->u.port.id &&
               a->u.port.creation == b->u.port.creation;
    case TERM_REF:
        return str_eq(a->u.ref.node, b->u.ref.node) &&
               a->u.ref.creation == b->u.ref.creation && a->u.ref.len == b->u.ref.len &&
               a->u.ref.len <= 5 &&
               memcmp(a->u.ref.ids, b->u.ref.ids, a->u.ref.len * sizeof(uint32_t)) == 0;
    case TERM_FUN:
        return str_eq(a->u.fun.module, b->u.fun.module) &&
               str_eq(a->u.fun.name, b->u.fun.name) && a->u.fun.arity == b->u.fun.arity &&
               a->u.fun.index == b->u.fun.index && a->u.fun.uniq == b->u.fun.uniq &&
               str_eq(a->u.fun.pid_node, b->u.fun.pid_node);
    case TERM_GEN:
        return str_eq(a->u.gen.name, b->u.gen.name) && a->u.gen.n == b->u.gen.n &&
               items_equal(a->u.gen.args, b->u.gen.args, a->u.gen.n);
    }
    return false;
}

int64_t term_int_or(const struct term *t, int64_t dflt)
{
    int64_t v;
    return term_get_int(t, &v) == 0 ? v : dflt;
}

int64_t term_prop_int(const struct term *list, const char *key, int64_t dflt)
{
    return term_int_or(term_prop(list, key), dflt);
}

struct term *term_atom_list(struct arena *a, const char *const *names, size_t n)
{
    struct term *l = term_list(a, n);
    size_t i;
    for (i = 0; i < n; i++)
        l->u.list.items[i] = term_atom(a, names[i]);
    return l;
}

struct term *term_list_of(struct arena *a, struct term *const *items, size_t n)
{
    struct term *l = term_list(a, n);
    size_t i;
    for (i = 0; i < n; i++)
        l->u.list.items[i] = items[i];
    return l;
}

int64_t *term_int_array(struct arena *a, const struct term *l, size_t *n)
{
    size_t i, len = term_list_len(l);
    int64_t *v = arena_zalloc(a, (len + 1) * sizeof(*v));
    for (i = 0; i < len; i++)
        v[i] = term_int_or(l->u.list.items[i], 0);
    *n = len;
    return v;
}
