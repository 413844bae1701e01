/* SPDX-License-Identifier: Apache-2.0 */
/*
 * term_print_text.c - the leaves of term printing: atoms, module and
 * function names, strings, binaries, char lists, bignums and floats, in
 * Erlang or Elixir syntax.
 *
 * Quoting follows the languages' own printers: io_lib (write_atom, ~tp as
 * with `+pc unicode` for binaries, the Latin-1 range for char lists) and
 * Elixir's Inspect (Macro.classify_atom, String.printable?).  Only ASCII
 * letters count as identifier letters, so an atom like 'été' is quoted
 * where Erlang would not need it (still valid syntax).  Scans that decide
 * between a string and a list of numbers look only at what can be shown
 * (see term_pr_scan_limit).  Output goes through the printer's budget.
 */
#include "term/term_printer.h"
#include "term/term_text.h"
#include "util/xalloc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *const erlang_reserved[] = {
    "after", "and", "andalso", "band", "begin", "bnot", "bor", "bsl", "bsr",
    "bxor", "case", "catch", "cond", "div", "end", "fun", "if", "let", "not",
    "of", "or", "orelse", "receive", "rem", "try", "when", "xor", "maybe",
    "else", NULL
};

/* Operators Elixir prints unquoted (as :+ or as the keyword key +:). */
static const char *const elixir_operators[] = {
    "+", "-", "*", "/", "++", "--", "**", "..", "...", "<>", "!", "^", "&&",
    "||", "&", "@", ".", "<-", "\\\\", "|", "|>", "<<<", ">>>", "<<~", "~>>",
    "<~", "~>", "<~>", "==", "!=", "===", "!==", "=~", "<", ">", "<=", ">=",
    "->", "=", "&&&", "|||", "%{}", "{}", "<<>>", "%", "..//", "+++", "---",
    NULL
};

static bool in_list(const char *const *list, const char *s, size_t n)
{
    for (; *list; list++)
        if (strlen(*list) == n && memcmp(*list, s, n) == 0)
            return true;
    return false;
}

static bool erlang_bare_atom(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || s[0] < 'a' || s[0] > 'z')
        return false;
    for (i = 1; i < n; i++)
        if (!term_is_ident_char((unsigned char)s[i]) && s[i] != '@')
            return false;
    return !in_list(erlang_reserved, s, n);
}

/* Elixir identifier atom: [A-Za-z_][A-Za-z0-9_@]*[?!]? */
static bool elixir_ident(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') ||
                    (s[0] >= 'A' && s[0] <= 'Z')))
        return false;
    if (n > 1 && (s[n - 1] == '?' || s[n - 1] == '!'))
        n--;
    for (i = 1; i < n; i++)
        if (!term_is_ident_char((unsigned char)s[i]) && s[i] != '@')
            return false;
    return true;
}

static bool elixir_plain_atom(const char *s, size_t n)
{
    return elixir_ident(s, n) || in_list(elixir_operators, s, n);
}

/*
 * One character of a quoted text.  `next` is the following character (or
 * -1), for Elixir's \#{.  Characters that are not printable (only in
 * atoms, which always print) get a numeric escape.
 */
static void put_char(struct term_printer *p, uint32_t cp, long next, char quote)
{
    bool ex = p->syn == TERM_SYNTAX_ELIXIR;
    unsigned char u[4];
    const char *esc = NULL;

    switch (cp) {
    case '\n': esc = "\\n"; break;
    case '\r': esc = "\\r"; break;
    case '\t': esc = "\\t"; break;
    case '\v': esc = "\\v"; break;
    case '\b': esc = "\\b"; break;
    case '\f': esc = "\\f"; break;
    case 0x1b: esc = "\\e"; break;
    case 0x7f: esc = "\\d"; break;
    case '\\': esc = "\\\\"; break;
    case 0x07:
        if (ex)
            esc = "\\a";
        break;
    case '#':
        if (ex && next == '{')
            esc = "\\#";
        break;
    case 0xfeff:
        if (ex)
            esc = "\\uFEFF";
        break;
    default:
        break;
    }
    if (esc) {
        term_pr_str(p, esc);
        return;
    }
    if (cp == (unsigned char)quote) {
        term_pr_ch(p, '\\');
        term_pr_ch(p, quote);
        return;
    }
    if (cp < 0x20 || (cp >= 0x80 && cp < 0xa0)) {
        if (ex)
            term_pr_fmt(p, "\\x%02" PRIX32, cp);
        else
            term_pr_fmt(p, "\\%03" PRIo32, cp);
        return;
    }
    term_pr_add(p, (const char *)u, utf8_put(u, cp));
}

/* UTF-8 text s[0..n) (valid) between quotes. */
static void put_quoted(struct term_printer *p, const char *s, size_t n, char quote)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    term_pr_ch(p, quote);
    while (i < n && !p->full) {
        uint32_t cp, nx;
        size_t l = utf8_next(u + i, n - i, &cp), l2;
        if (l == 0) {
            cp = u[i]; /* not reached for valid input; keep going */
            l = 1;
        }
        l2 = i + l < n ? utf8_next(u + i + l, n - i - l, &nx) : 0;
        put_char(p, cp, l2 ? (long)nx : -1, quote);
        i += l;
    }
    term_pr_ch(p, quote);
}

/* ---------------------------------------------------------------------
 * Atoms and names
 */

void term_pr_atom(struct term_printer *p, const char *name, size_t len)
{
    size_t pre;

    if (p->syn != TERM_SYNTAX_ELIXIR) {
        if (erlang_bare_atom(name, len))
            term_pr_add(p, name, len);
        else
            put_quoted(p, name, len, '\'');
        return;
    }
    if ((len == 3 && memcmp(name, "nil", 3) == 0) ||
        (len == 4 && memcmp(name, "true", 4) == 0) ||
        (len == 5 && memcmp(name, "false", 5) == 0) ||
        (len == 6 && memcmp(name, "Elixir", 6) == 0)) {
        term_pr_add(p, name, len);
        return;
    }
    if ((pre = term_alias_prefix(name, len)) > 0) {
        term_pr_add(p, name + pre, len - pre);
        return;
    }
    term_pr_ch(p, ':');
    if (elixir_plain_atom(name, len))
        term_pr_add(p, name, len);
    else
        put_quoted(p, name, len, '"');
}

bool term_pr_is_keyword_atom(const struct term *t)
{
    return t && t->kind == TERM_ATOM &&
           !(t->u.atom.len >= 7 && memcmp(t->u.atom.name, "Elixir.", 7) == 0);
}

void term_pr_keyword_key(struct term_printer *p, const char *name, size_t len)
{
    if (elixir_plain_atom(name, len) && !(len == 6 && memcmp(name, "Elixir", 6) == 0))
        term_pr_add(p, name, len);
    else
        put_quoted(p, name, len, '"');
    term_pr_str(p, ": ");
}

void term_pr_module(struct term_printer *p, const char *mod)
{
    term_pr_atom(p, mod, strlen(mod));
}

void term_pr_mf(struct term_printer *p, const char *mod, const char *fun)
{
    size_t n = strlen(fun);

    term_pr_module(p, mod);
    if (p->syn != TERM_SYNTAX_ELIXIR) {
        term_pr_ch(p, ':');
        term_pr_atom(p, fun, n);
        return;
    }
    term_pr_ch(p, '.');
    if (elixir_plain_atom(fun, n))
        term_pr_add(p, fun, n);
    else
        put_quoted(p, fun, n, '"');
}

/* ---------------------------------------------------------------------
 * Numbers
 */

void term_pr_float(struct term_printer *p, double v)
{
    char buf[32];
    term_pr_add(p, buf, term_fmt_double(buf, v, p->syn));
}

void term_pr_big(struct term_printer *p, const struct term *t)
{
    size_t n = t->u.big.n, nw = (n + 3) / 4, i, nd = 0, cap;
    uint32_t *w;
    char *dig;

    if (n == 0) {
        term_pr_ch(p, '0');
        return;
    }
    w = xcalloc(nw, sizeof(*w));
    cap = n * 3 + 10; /* 256^n < 10^(2.41n) */
    dig = xmalloc(cap);
    for (i = 0; i < n; i++)
        w[i / 4] |= (uint32_t)t->u.big.digits[i] << (8 * (i % 4));
    /* Repeated division by 10^9, least significant chunk first. */
    while (nw > 0) {
        uint64_t rem = 0;
        int k;
        for (i = nw; i > 0; i--) {
            uint64_t cur = rem << 32 | w[i - 1];
            w[i - 1] = (uint32_t)(cur / 1000000000u);
            rem = cur % 1000000000u;
        }
        while (nw > 0 && w[nw - 1] == 0)
            nw--;
        for (k = 0; k < 9 && (nw > 0 || rem > 0); k++) {
            dig[nd++] = (char)('0' + rem % 10);
            rem /= 10;
        }
    }
    if (nd == 0)
        dig[nd++] = '0';
    if (t->u.big.neg)
        term_pr_ch(p, '-');
    for (i = nd; i > 0 && !p->full; i--)
        term_pr_ch(p, dig[i - 1]);
    free(w);
    free(dig);
}

/* ---------------------------------------------------------------------
 * Binaries and char lists
 */

/*
 * Is the text in the first `scan` bytes of data[0..len) printable UTF-8?
 * Returns the end of the checked text (scan, or a little past it to finish
 * the last character), or 0 when it is not printable.
 */
static size_t text_printable(const unsigned char *data, size_t len, size_t scan,
                             enum term_syntax syn)
{
    size_t i = 0;

    while (i < scan) {
        uint32_t cp;
        size_t l = utf8_next(data + i, len - i, &cp);
        if (l == 0 || !term_char_printable(cp, syn, true))
            return 0;
        i += l;
    }
    return i;
}

static void binary_numbers(struct term_printer *p, const struct term *t)
{
    bool ex = p->syn == TERM_SYNTAX_ELIXIR;
    const char *sep = ex ? ", " : ",";
    size_t len = t->u.bin.len, shown = term_pr_scan_limit(p, len, false), i;
    bool partial = t->u.bin.bits < 8;

    term_pr_str(p, "<<");
    for (i = 0; i < shown && !p->full; i++) {
        unsigned v = t->u.bin.data[i];
        if (i)
            term_pr_str(p, sep);
        if (partial && i == len - 1) {
            unsigned bits = t->u.bin.bits;
            term_pr_fmt(p, ex ? "%u::size(%u)" : "%u:%u", v >> (8 - bits), bits);
        } else {
            term_pr_fmt(p, "%u", v);
        }
    }
    if (shown < len)
        term_pr_str(p, shown ? (ex ? ", ..." : ",...") : "...");
    term_pr_str(p, ">>");
}

void term_pr_binary(struct term_printer *p, const struct term *t)
{
    bool ex = p->syn == TERM_SYNTAX_ELIXIR;
    const unsigned char *data = t->u.bin.data;
    size_t len = t->u.bin.len, scan, checked, shown, i;
    bool ascii = true;

    if (t->u.bin.bits < 8) {
        binary_numbers(p, t);
        return;
    }
    if (len == 0) {
        term_pr_str(p, ex ? "\"\"" : "<<>>");
        return;
    }
    scan = term_pr_scan_limit(p, len, true);
    checked = text_printable(data, len, scan, p->syn);
    if (checked == 0 && scan > 0) {
        binary_numbers(p, t);
        return;
    }
    /* Show what was checked, cut to the printable limit; past max_len the
     * printer is full before the end anyway. */
    shown = len;
    if (p->o->printable_limit >= 0 && len > (size_t)p->o->printable_limit)
        shown = utf8_cut(data, len, (size_t)p->o->printable_limit);
    if (shown > checked)
        shown = checked;
    for (i = 0; i < shown; i++)
        if (data[i] >= 0x80)
            ascii = false;
    if (!ex)
        term_pr_str(p, "<<");
    put_quoted(p, (const char *)data, shown, '"');
    if (ex) {
        if (shown < len)
            term_pr_str(p, " <> ...");
        return;
    }
    if (!ascii)
        term_pr_str(p, "/utf8");
    if (shown < len)
        term_pr_str(p, "...");
    term_pr_str(p, ">>");
}

bool term_pr_charlist(struct term_printer *p, const struct term *t)
{
    bool ex = p->syn == TERM_SYNTAX_ELIXIR, sigil = ex && p->o->charlist_sigil;
    size_t n = t->u.list.n, scan, shown, i;
    char quote = ex && !sigil ? '\'' : '"';

    if (n == 0 || t->u.list.tail)
        return false;
    scan = term_pr_scan_limit(p, n, true);
    for (i = 0; i < scan; i++) {
        const struct term *c = t->u.list.items[i];
        if (!c || c->kind != TERM_INT || c->u.i < 0 || c->u.i > 0x10ffff ||
            !term_char_printable((uint32_t)c->u.i, p->syn, false))
            return false;
    }
    /* Only checked elements are shown: past max_len the printer is full
     * before the end anyway. */
    shown = scan;
    if (sigil)
        term_pr_str(p, "~c");
    term_pr_ch(p, quote);
    for (i = 0; i < shown && !p->full; i++) {
        long next = i + 1 < shown ? (long)t->u.list.items[i + 1]->u.i : -1;
        put_char(p, (uint32_t)t->u.list.items[i]->u.i, next, quote);
    }
    term_pr_ch(p, quote);
    if (shown < n)
        term_pr_str(p, ex ? " ++ ..." : "...");
    return true;
}
