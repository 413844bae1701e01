/* SPDX-License-Identifier: Apache-2.0 */
/*
 * term_json.c - a term as one JSON value (see term_json in term.h).
 *
 * The mapping is chosen for people and tools reading process_info-style
 * replies: proplists and atom/binary-keyed maps become objects, atoms
 * become their names (Elixir aliases without "Elixir." when the syntax is
 * Elixir), true/false booleans and nil/undefined null.  Values JSON has no
 * word for (pids, ports, refs, funs, non-UTF-8 binaries, improper lists)
 * become strings in the print syntax.  JSON output is never cut: limits in
 * the print options do not apply, so the output stays valid JSON; callers
 * bound what they hand in.  Floats are written without the C locale.
 */
#include "term/term.h"
#include "term/term_printer.h"
#include "term/term_text.h"
#include "util/json.h"

#include <math.h>
#include <string.h>

#define MAX_DEPTH 4096

/* The text an atom stands for in JSON. */
static void atom_text(const struct term_print_opts *o, const struct term *t,
                      const char **s, size_t *n)
{
    size_t pre = 0;

    if (o->syntax == TERM_SYNTAX_ELIXIR)
        pre = term_alias_prefix(t->u.atom.name, t->u.atom.len);
    *s = t->u.atom.name + pre;
    *n = t->u.atom.len - pre;
}

/* t printed in the print syntax, without limits, as a JSON string. */
static void printed(struct sbuf *out, const struct term *t, const struct term_print_opts *o)
{
    struct term_print_opts po = *o;
    struct sbuf tmp = SBUF_INIT;

    po.limit = -1;
    po.printable_limit = -1;
    po.max_len = 0;
    term_print(&tmp, t, &po);
    json_str(out, sbuf_str(&tmp), tmp.len);
    sbuf_release(&tmp);
}

static bool is_text_binary(const struct term *t)
{
    return t && t->kind == TERM_BINARY && t->u.bin.bits == 8 &&
           utf8_valid(t->u.bin.data, t->u.bin.len);
}

/* A proper, non-empty list of {atom, V}. */
static bool is_proplist(const struct term *t)
{
    size_t i;

    if (t->u.list.n == 0 || t->u.list.tail)
        return false;
    for (i = 0; i < t->u.list.n; i++) {
        const struct term *e = t->u.list.items[i];
        if (!e || e->kind != TERM_TUPLE || e->u.tuple.n != 2 || !e->u.tuple.items[0] ||
            e->u.tuple.items[0]->kind != TERM_ATOM)
            return false;
    }
    return true;
}

static bool has_object_keys(const struct term *t)
{
    size_t i;

    for (i = 0; i < t->u.map.n; i++) {
        const struct term *k = t->u.map.keys[i];
        if (!k || (k->kind != TERM_ATOM && !is_text_binary(k)))
            return false;
    }
    return true;
}

static void key(struct sbuf *out, const struct term *k, const struct term_print_opts *o)
{
    const char *s;
    size_t n;

    if (k->kind == TERM_ATOM) {
        atom_text(o, k, &s, &n);
        json_str(out, s, n);
    } else {
        json_str(out, (const char *)k->u.bin.data, k->u.bin.len);
    }
    sbuf_addch(out, ':');
}

/*
 * A non-empty list of printable Latin-1 character codes (what Erlang's
 * printer shows as "text", e.g. file names in stack traces) becomes a JSON
 * string; returns false for any other list.
 */
static bool charlist(struct sbuf *out, const struct term *t)
{
    unsigned char buf[4];
    struct sbuf tmp = SBUF_INIT;
    size_t i;

    if (t->u.list.n == 0)
        return false;
    for (i = 0; i < t->u.list.n; i++) {
        const struct term *e = t->u.list.items[i];
        if (!e || e->kind != TERM_INT || e->u.i < 0 || e->u.i > 255 ||
            !term_char_printable((uint32_t)e->u.i, TERM_SYNTAX_ERLANG, false)) {
            sbuf_release(&tmp);
            return false;
        }
        sbuf_add(&tmp, buf, utf8_put(buf, (uint32_t)e->u.i));
    }
    json_str(out, tmp.buf, tmp.len);
    sbuf_release(&tmp);
    return true;
}

static void value(struct sbuf *out, const struct term *t, const struct term_print_opts *o,
                  unsigned depth);

static void array(struct sbuf *out, struct term *const *items, size_t n,
                  const struct term_print_opts *o, unsigned depth)
{
    size_t i;

    sbuf_addch(out, '[');
    for (i = 0; i < n; i++) {
        if (i)
            sbuf_addch(out, ',');
        value(out, items[i], o, depth + 1);
    }
    sbuf_addch(out, ']');
}

static void value(struct sbuf *out, const struct term *t, const struct term_print_opts *o,
                  unsigned depth)
{
    size_t i;

    if (!t || depth > MAX_DEPTH) {
        sbuf_addstr(out, "null");
        return;
    }
    switch (t->kind) {
    case TERM_INT:
        json_int(out, t->u.i);
        return;
    case TERM_BIG: {
        /* Exact decimal digits are a valid JSON number. */
        struct term_printer p;
        term_printer_init(&p, out, &term_print_defaults);
        term_pr_big(&p, t);
        return;
    }
    case TERM_FLOAT: {
        char buf[32];
        if (!isfinite(t->u.f))
            sbuf_addstr(out, "null");
        else
            sbuf_add(out, buf, term_fmt_double(buf, t->u.f, TERM_SYNTAX_ERLANG));
        return;
    }
    case TERM_ATOM: {
        const char *s;
        size_t n;
        if (term_is_atom(t, "true") || term_is_atom(t, "false"))
            sbuf_addstr(out, t->u.atom.name);
        else if (term_is_atom(t, "nil") || term_is_atom(t, "undefined"))
            sbuf_addstr(out, "null");
        else {
            atom_text(o, t, &s, &n);
            json_str(out, s, n);
        }
        return;
    }
    case TERM_BINARY:
        if (is_text_binary(t))
            json_str(out, (const char *)t->u.bin.data, t->u.bin.len);
        else
            printed(out, t, o);
        return;
    case TERM_LIST:
        if (t->u.list.tail) {
            printed(out, t, o);
        } else if (charlist(out, t)) {
            /* printed as a JSON string */
        } else if (is_proplist(t)) {
            sbuf_addch(out, '{');
            for (i = 0; i < t->u.list.n; i++) {
                const struct term *e = t->u.list.items[i];
                if (i)
                    sbuf_addch(out, ',');
                key(out, e->u.tuple.items[0], o);
                value(out, e->u.tuple.items[1], o, depth + 1);
            }
            sbuf_addch(out, '}');
        } else {
            array(out, t->u.list.items, t->u.list.n, o, depth);
        }
        return;
    case TERM_TUPLE:
        array(out, t->u.tuple.items, t->u.tuple.n, o, depth);
        return;
    case TERM_MAP:
        if (has_object_keys(t)) {
            sbuf_addch(out, '{');
            for (i = 0; i < t->u.map.n; i++) {
                if (i)
                    sbuf_addch(out, ',');
                key(out, t->u.map.keys[i], o);
                value(out, t->u.map.vals[i], o, depth + 1);
            }
            sbuf_addch(out, '}');
        } else {
            sbuf_addch(out, '[');
            for (i = 0; i < t->u.map.n; i++) {
                if (i)
                    sbuf_addch(out, ',');
                sbuf_addch(out, '[');
                value(out, t->u.map.keys[i], o, depth + 1);
                sbuf_addch(out, ',');
                value(out, t->u.map.vals[i], o, depth + 1);
                sbuf_addch(out, ']');
            }
            sbuf_addch(out, ']');
        }
        return;
    case TERM_PID:
    case TERM_PORT:
    case TERM_REF:
    case TERM_FUN:
    case TERM_GEN:
        printed(out, t, o);
        return;
    }
    sbuf_addstr(out, "null");
}

void term_json(struct sbuf *out, const struct term *t, const struct term_print_opts *o)
{
    value(out, t, o ? o : &term_print_defaults, 0);
}
