/* SPDX-License-Identifier: Apache-2.0 */
/*
 * term_print.c - print a term in Erlang or Elixir syntax, on one line.
 *
 * Erlang output matches io_lib:format("~0tp", [T]) (OTP 25, `+pc unicode`
 * for binaries, Latin-1 char lists); Elixir output matches Elixir 1.14's
 * inspect(T, limit: :infinity), except that maps with a __struct__ alias
 * always print as %Struct{} (beamprobe has no module to ask) and funs show
 * only what the external format carries.  Pids, ports and refs of
 * opts.local_node print as <0.N.S>, others with their node name.  The
 * limits (elements per collection, string bytes, total bytes) are applied
 * while printing, so the cost is bounded by the output, never by the term.
 * Leaves (atoms, strings, numbers) are in term_print_text.c.  Never fails.
 */
#include "term/term_printer.h"
#include "term/term_text.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Nesting beyond which a (hand-built) term prints as "..." */
#define MAX_DEPTH 4096

const struct term_print_opts term_print_defaults = {
    .syntax = TERM_SYNTAX_ERLANG,
    .local_node = NULL,
    .limit = 50,
    .printable_limit = 4096,
    .max_len = 0,
    .charlist_sigil = false,
};

/* ---------------------------------------------------------------------
 * The printer
 */

void term_printer_init(struct term_printer *p, struct sbuf *out,
                       const struct term_print_opts *o)
{
    p->out = out;
    p->o = o ? o : &term_print_defaults;
    p->syn = p->o->syntax == TERM_SYNTAX_ELIXIR ? TERM_SYNTAX_ELIXIR : TERM_SYNTAX_ERLANG;
    p->start = out->len;
    p->max = p->o->max_len;
    p->full = out->overflow;
}

void term_printer_finish(struct term_printer *p)
{
    size_t keep;

    if (!p->full || !p->max)
        return;
    keep = utf8_cut((const unsigned char *)p->out->buf + p->start,
                         p->out->len - p->start, p->max > 3 ? p->max - 3 : 0);
    sbuf_truncate(p->out, p->start + keep);
    sbuf_add(p->out, "...", p->max < 3 ? p->max : 3);
}

void term_pr_add(struct term_printer *p, const char *s, size_t n)
{
    size_t used;

    if (p->full)
        return;
    used = p->out->len - p->start;
    if (p->max && n > p->max - used) {
        sbuf_add(p->out, s, p->max - used);
        p->full = true;
        return;
    }
    sbuf_add(p->out, s, n);
    if (p->out->overflow)
        p->full = true;
}

void term_pr_str(struct term_printer *p, const char *s)
{
    term_pr_add(p, s, strlen(s));
}

void term_pr_ch(struct term_printer *p, char c)
{
    term_pr_add(p, &c, 1);
}

void term_pr_fmt(struct term_printer *p, const char *fmt, ...)
{
    char buf[128];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0)
        term_pr_add(p, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

size_t term_pr_scan_limit(const struct term_printer *p, size_t n, bool text)
{
    int lim = text ? p->o->printable_limit : p->o->limit;

    if (lim >= 0 && n > (size_t)lim)
        n = (size_t)lim;
    if (p->max && n > p->max)
        n = p->max;
    return n;
}

/* ---------------------------------------------------------------------
 * Pids, ports, refs, funs
 */

static bool is_local(const struct term_printer *p, const char *node)
{
    return !node || (p->o->local_node && strcmp(node, p->o->local_node) == 0);
}

/* "0" for the local node, else the node name. */
static void put_node(struct term_printer *p, const char *node)
{
    if (is_local(p, node))
        term_pr_ch(p, '0');
    else
        term_pr_str(p, node);
}

static void put_pid(struct term_printer *p, const struct term_pid *pid)
{
    bool ex = p->syn == TERM_SYNTAX_ELIXIR;

    term_pr_str(p, ex ? "#PID<" : "<");
    put_node(p, pid->node);
    term_pr_fmt(p, ".%" PRIu32 ".%" PRIu32 ">", pid->num, pid->serial);
}

static void put_port(struct term_printer *p, const struct term_port *port)
{
    term_pr_str(p, "#Port<");
    put_node(p, port->node);
    term_pr_fmt(p, ".%" PRIu64 ">", port->id);
}

static void put_ref(struct term_printer *p, const struct term_ref *ref)
{
    unsigned i, n = ref->len <= 5 ? ref->len : 5;

    term_pr_str(p, p->syn == TERM_SYNTAX_ELIXIR ? "#Reference<" : "#Ref<");
    put_node(p, ref->node);
    for (i = n; i > 0; i--)
        term_pr_fmt(p, ".%" PRIu32, ref->ids[i - 1]);
    term_pr_ch(p, '>');
}

static void put_fun(struct term_printer *p, const struct term_fun *f)
{
    bool ex = p->syn == TERM_SYNTAX_ELIXIR;
    const char *mod = f->module ? f->module : "?";

    if (f->name) {
        term_pr_str(p, ex ? "&" : "fun ");
        term_pr_mf(p, mod, f->name);
        term_pr_fmt(p, "/%d", f->arity);
        return;
    }
    if (!ex) {
        term_pr_str(p, "#Fun<");
        term_pr_str(p, mod);
        term_pr_fmt(p, ".%" PRIu32 ".%" PRIu32 ">", f->index, f->uniq);
        return;
    }
    term_pr_fmt(p, "#Function<%" PRIu32 ".%" PRIu32, f->index, f->uniq);
    if (f->arity >= 0)
        term_pr_fmt(p, "/%d", f->arity);
    term_pr_str(p, " in ");
    term_pr_module(p, mod);
    term_pr_ch(p, '>');
}

/* ---------------------------------------------------------------------
 * Collections
 */

static void put(struct term_printer *p, const struct term *t, unsigned depth);

static const char *sep(const struct term_printer *p)
{
    return p->syn == TERM_SYNTAX_ELIXIR ? ", " : ",";
}

/* The "..." that ends a collection cut by opts.limit. */
static void put_more(struct term_printer *p, size_t shown)
{
    if (shown)
        term_pr_str(p, sep(p));
    term_pr_str(p, "...");
}

/* Elixir keyword list: a proper, non-empty list of {atom, V}. */
static bool is_keyword(const struct term_printer *p, const struct term *t)
{
    size_t i, scan;

    if (t->u.list.n == 0 || t->u.list.tail)
        return false;
    scan = term_pr_scan_limit(p, t->u.list.n, false);
    for (i = 0; i < scan; i++) {
        const struct term *e = t->u.list.items[i];
        if (!e || e->kind != TERM_TUPLE || e->u.tuple.n != 2 ||
            !term_pr_is_keyword_atom(e->u.tuple.items[0]))
            return false;
    }
    return true;
}

static void put_list(struct term_printer *p, const struct term *t, unsigned depth)
{
    bool ex = p->syn == TERM_SYNTAX_ELIXIR, kw;
    size_t n = t->u.list.n, shown, i;

    if (n == 0 && !t->u.list.tail) {
        term_pr_str(p, "[]");
        return;
    }
    if (term_pr_charlist(p, t))
        return;
    kw = ex && is_keyword(p, t);
    shown = term_pr_scan_limit(p, n, false);
    term_pr_ch(p, '[');
    for (i = 0; i < shown && !p->full; i++) {
        const struct term *e = t->u.list.items[i];
        if (i)
            term_pr_str(p, sep(p));
        if (kw) {
            const struct term *k = e->u.tuple.items[0];
            term_pr_keyword_key(p, k->u.atom.name, k->u.atom.len);
            put(p, e->u.tuple.items[1], depth + 1);
        } else {
            put(p, e, depth + 1);
        }
    }
    if (shown < n) {
        /* Erlang writes a cut list as [1,2|...]. */
        if (ex)
            put_more(p, shown);
        else
            term_pr_str(p, shown ? "|..." : "...");
    } else if (t->u.list.tail) {
        term_pr_str(p, ex ? " | " : "|");
        put(p, t->u.list.tail, depth + 1);
    }
    term_pr_ch(p, ']');
}

static void put_tuple(struct term_printer *p, const struct term *t, unsigned depth)
{
    size_t n = t->u.tuple.n, shown = term_pr_scan_limit(p, n, false), i;

    term_pr_ch(p, '{');
    for (i = 0; i < shown && !p->full; i++) {
        if (i)
            term_pr_str(p, sep(p));
        put(p, t->u.tuple.items[i], depth + 1);
    }
    if (shown < n)
        put_more(p, shown);
    term_pr_ch(p, '}');
}

/*
 * Index of a __struct__ key whose value is an alias, or n if none.  Only
 * the keys that could be shown are looked at (small maps are sorted, and
 * '__struct__' sorts before every lower-case field name).
 */
static size_t struct_key(const struct term_printer *p, const struct term *t)
{
    size_t i, n = t->u.map.n, scan = term_pr_scan_limit(p, n, false) + 1;

    for (i = 0; i < n && i < scan; i++) {
        const struct term *v = t->u.map.vals[i];
        if (term_is_atom(t->u.map.keys[i], "__struct__") && v && v->kind == TERM_ATOM &&
            term_alias_prefix(v->u.atom.name, v->u.atom.len))
            return i;
    }
    return n;
}

static void put_map(struct term_printer *p, const struct term *t, unsigned depth)
{
    bool ex = p->syn == TERM_SYNTAX_ELIXIR, kw = ex;
    size_t n = t->u.map.n, shown, i, skip = n, count = 0;

    if (ex) {
        size_t scan = term_pr_scan_limit(p, n, false) + 1;
        for (i = 0; i < n && i < scan; i++)
            if (!term_pr_is_keyword_atom(t->u.map.keys[i]))
                kw = false;
        skip = kw ? struct_key(p, t) : n;
    }
    if (skip < n) {
        const struct term *mod = t->u.map.vals[skip];
        term_pr_ch(p, '%');
        term_pr_atom(p, mod->u.atom.name, mod->u.atom.len);
        term_pr_ch(p, '{');
    } else {
        term_pr_str(p, ex ? "%{" : "#{");
    }
    shown = term_pr_scan_limit(p, n - (skip < n), false);
    for (i = 0; i < n && count < shown && !p->full; i++) {
        const struct term *k = t->u.map.keys[i];
        if (i == skip)
            continue;
        if (count++)
            term_pr_str(p, sep(p));
        if (kw) {
            term_pr_keyword_key(p, k->u.atom.name, k->u.atom.len);
        } else {
            put(p, k, depth + 1);
            term_pr_str(p, " => ");
        }
        put(p, t->u.map.vals[i], depth + 1);
    }
    if (shown < n - (skip < n))
        put_more(p, shown);
    term_pr_ch(p, '}');
}

static void put_gen(struct term_printer *p, const struct term *t, unsigned depth)
{
    size_t i;
    bool pick = t->u.gen.name && strcmp(t->u.gen.name, "pick") == 0;

    term_pr_ch(p, '$');
    term_pr_str(p, t->u.gen.name ? t->u.gen.name : "?");
    if (t->u.gen.n == 0)
        return;
    term_pr_ch(p, '(');
    for (i = 0; i < t->u.gen.n && !p->full; i++) {
        const struct term *a = t->u.gen.args[i];
        if (i)
            term_pr_str(p, ", ");
        if (pick && a && a->kind == TERM_TUPLE && a->u.tuple.n == 2) {
            /* Term:Weight; in Elixir an atom choice is a keyword key and
             * anything else takes a space, or `Foo:95` would read as the
             * key Foo: (found by fuzzing). */
            const struct term *c = a->u.tuple.items[0];
            if (p->syn == TERM_SYNTAX_ELIXIR && c && c->kind == TERM_ATOM) {
                term_pr_keyword_key(p, c->u.atom.name, c->u.atom.len);
            } else {
                put(p, c, depth + 1);
                term_pr_str(p, p->syn == TERM_SYNTAX_ELIXIR ? " :" : ":");
            }
            put(p, a->u.tuple.items[1], depth + 1);
        } else {
            put(p, a, depth + 1);
        }
    }
    term_pr_ch(p, ')');
}

static void put(struct term_printer *p, const struct term *t, unsigned depth)
{
    if (p->full)
        return;
    if (!t) {
        term_pr_str(p, "?");
        return;
    }
    if (depth > MAX_DEPTH) {
        term_pr_str(p, "...");
        return;
    }
    switch (t->kind) {
    case TERM_INT:
        term_pr_fmt(p, "%" PRId64, t->u.i);
        break;
    case TERM_BIG:
        term_pr_big(p, t);
        break;
    case TERM_FLOAT:
        term_pr_float(p, t->u.f);
        break;
    case TERM_ATOM:
        term_pr_atom(p, t->u.atom.name, t->u.atom.len);
        break;
    case TERM_BINARY:
        term_pr_binary(p, t);
        break;
    case TERM_LIST:
        put_list(p, t, depth);
        break;
    case TERM_TUPLE:
        put_tuple(p, t, depth);
        break;
    case TERM_MAP:
        put_map(p, t, depth);
        break;
    case TERM_PID:
        put_pid(p, &t->u.pid);
        break;
    case TERM_PORT:
        put_port(p, &t->u.port);
        break;
    case TERM_REF:
        put_ref(p, &t->u.ref);
        break;
    case TERM_FUN:
        put_fun(p, &t->u.fun);
        break;
    case TERM_GEN:
        put_gen(p, t, depth);
        break;
    }
}

/* ---------------------------------------------------------------------
 * Public entry points
 */

void term_print(struct sbuf *out, const struct term *t, const struct term_print_opts *o)
{
    struct term_printer p;

    term_printer_init(&p, out, o);
    put(&p, t, 0);
    term_printer_finish(&p);
}

/* A printer with default limits in the given syntax (names are never cut). */
static void name_printer(struct term_printer *p, struct term_print_opts *o,
                         struct sbuf *out, enum term_syntax syntax)
{
    *o = term_print_defaults;
    o->syntax = syntax;
    term_printer_init(p, out, o);
}

void term_print_atom(struct sbuf *out, const char *name, enum term_syntax syntax)
{
    struct term_print_opts o;
    struct term_printer p;

    name_printer(&p, &o, out, syntax);
    term_pr_atom(&p, name, strlen(name));
}

void term_print_module(struct sbuf *out, const char *module, enum term_syntax syntax)
{
    struct term_print_opts o;
    struct term_printer p;

    name_printer(&p, &o, out, syntax);
    term_pr_module(&p, module);
}

void term_print_mfa(struct sbuf *out, const char *mod, const char *fun, int arity,
                    enum term_syntax syntax)
{
    struct term_print_opts o;
    struct term_printer p;

    name_printer(&p, &o, out, syntax);
    term_pr_mf(&p, mod, fun);
    term_pr_fmt(&p, "/%d", arity);
}
