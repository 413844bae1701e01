/* SPDX-License-Identifier: Apache-2.0 */
/*
 * term_lex.c - tokens of Erlang and Elixir term literals; see term_lex.h.
 *
 * Input is the user's command line (at most 1 MiB, checked by the caller),
 * so the lexer is strict and explains itself: invalid UTF-8, unterminated
 * strings, string interpolation, numbers too long to be sensible are all
 * BP_EUSAGE with the column.  Integer literals are converted a chunk of
 * digits at a time into 32-bit words, so a long literal costs little (and
 * is bounded at 10000 digits); floats are read by term_parse_double,
 * independent of the C locale.  All memory comes from the parse's arena.
 */
#include "term/term_lex.h"
#include "term/term_text.h"

#include <string.h>

/* Longest integer literal accepted, in digits (a 4096-byte bignum has
 * about 9900 decimal digits). */
#define MAX_INT_DIGITS 10000
#define MAX_FLOAT_CHARS 1000
#define MAX_ATOM_CHARS 255

/* Elixir operators Elixir writes unquoted as atoms (:+) and keyword keys
 * (+: 1); each comes before any operator that is a prefix of it. */
static const char *const operator_atoms[] = {
    "\\\\", "..//", "<<>>", "===", "!==", "<<<", ">>>", "<<~", "~>>", "<~>",
    "&&&", "|||", "+++", "---", "...", "%{}", "++", "--", "**", "..", "<>",
    "&&", "||", "<-", "|>", "<~", "~>", "==", "!=", "=~", "<=", ">=", "->",
    "{}", "+", "-", "*", "/", "!", "^", "&", "@", ".", "|", "<", ">", "=",
    "%", NULL
};

void term_lex_init(struct lexer *lx, struct arena *a, const char *src, size_t len,
                   enum term_syntax syn, unsigned flags, struct bp_err *err)
{
    lx->a = a;
    lx->src = src;
    lx->len = len;
    lx->pos = 0;
    lx->syn = syn == TERM_SYNTAX_ELIXIR ? TERM_SYNTAX_ELIXIR : TERM_SYNTAX_ERLANG;
    lx->flags = flags;
    lx->err = err;
}

size_t term_lex_column(const struct lexer *lx, size_t pos)
{
    size_t i, col = 1;

    for (i = 0; i < pos && i < lx->len; i++)
        if (((unsigned char)lx->src[i] & 0xc0) != 0x80)
            col++;
    return col;
}

static int fail(struct lexer *lx, size_t pos, const char *what)
{
    return bp_error(lx->err, BP_EUSAGE, "%s at column %zu", what, term_lex_column(lx, pos));
}

int term_lex_unexpected(struct lexer *lx, const struct tok *t)
{
    size_t n;

    if (t->kind == TOK_EOF)
        return bp_error(lx->err, BP_EUSAGE, "unexpected end of input at column %zu",
                        term_lex_column(lx, t->pos));
    n = utf8_cut((const unsigned char *)lx->src + t->pos, t->end - t->pos, 24);
    return bp_error(lx->err, BP_EUSAGE, "unexpected '%.*s'%s at column %zu", (int)n,
                    lx->src + t->pos, n < t->end - t->pos ? "..." : "",
                    term_lex_column(lx, t->pos));
}

int term_tok_is(const struct tok *t, const char *p)
{
    return t->kind == TOK_PUNCT && strcmp(t->punct, p) == 0;
}

static int at(const struct lexer *lx, size_t pos)
{
    return pos < lx->len ? (unsigned char)lx->src[pos] : -1;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_lower(int c)
{
    return (c >= 'a' && c <= 'z') || c == '_';
}

static int is_upper(int c)
{
    return c >= 'A' && c <= 'Z';
}

static int digit_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/* ---------------------------------------------------------------------
 * Numbers
 */

/* mag = mag * mul + add, growing by a word when needed. */
static void mag_muladd(uint32_t *mag, size_t *n, uint32_t mul, uint32_t add)
{
    uint64_t carry = add;
    size_t i;

    for (i = 0; i < *n; i++) {
        uint64_t cur = (uint64_t)mag[i] * mul + carry;
        mag[i] = (uint32_t)cur;
        carry = cur >> 32;
    }
    if (carry)
        mag[(*n)++] = (uint32_t)carry;
}

/*
 * Digits of base `base` from pos (with '_' between digits) into t->mag.
 * Returns 0 with lx->pos after them, or an error.
 */
static int lex_digits(struct lexer *lx, struct tok *t, unsigned base)
{
    size_t start = lx->pos, count = 0, i;
    uint32_t chunk = 0, mul = 1, chunk_max;

    chunk_max = base >= 10 ? 1000000u : 1u << 20; /* mul * base stays < 2^32 */
    while (lx->pos < lx->len) {
        int c = at(lx, lx->pos);
        if (c == '_' && count && (unsigned)digit_value(at(lx, lx->pos + 1)) < base) {
            lx->pos++;
            continue;
        }
        if ((unsigned)digit_value(c) >= base)
            break;
        count++;
        lx->pos++;
    }
    if (count == 0)
        return fail(lx, start, "expected digits");
    if (count > MAX_INT_DIGITS)
        return fail(lx, start, "integer literal too long");
    /* base^count < 2^(6*count): enough words for the result. */
    t->mag = arena_zalloc(lx->a, ((count * 6) / 32 + 2) * sizeof(uint32_t));
    t->nmag = 0;
    for (i = start; i < lx->pos; i++) {
        int c = at(lx, i);
        if (c == '_')
            continue;
        chunk = chunk * base + (uint32_t)digit_value(c);
        mul *= base;
        if (mul >= chunk_max) {
            mag_muladd(t->mag, &t->nmag, mul, chunk);
            chunk = 0;
            mul = 1;
        }
    }
    if (mul > 1)
        mag_muladd(t->mag, &t->nmag, mul, chunk);
    t->kind = TOK_INT;
    return 0;
}

static int lex_float(struct lexer *lx, struct tok *t, size_t start)
{
    char buf[MAX_FLOAT_CHARS + 1];
    size_t k = 0, i;

    /* lx->pos is at the '.', known to be followed by a digit. */
    lx->pos++;
    while (is_digit(at(lx, lx->pos)) ||
           (at(lx, lx->pos) == '_' && is_digit(at(lx, lx->pos + 1))))
        lx->pos++;
    if (at(lx, lx->pos) == 'e' || at(lx, lx->pos) == 'E') {
        size_t e = lx->pos + 1;
        if (at(lx, e) == '+' || at(lx, e) == '-')
            e++;
        if (is_digit(at(lx, e))) {
            lx->pos = e;
            while (is_digit(at(lx, lx->pos)))
                lx->pos++;
        }
    }
    if (lx->pos - start > MAX_FLOAT_CHARS)
        return fail(lx, start, "float literal too long");
    for (i = start; i < lx->pos; i++)
        if (lx->src[i] != '_')
            buf[k++] = lx->src[i];
    if (term_parse_double(buf, k, &t->f) < 0)
        return fail(lx, start, "float out of range");
    t->kind = TOK_FLOAT;
    return 0;
}

static int lex_number(struct lexer *lx, struct tok *t)
{
    size_t start = lx->pos;
    int rc;

    if (lx->syn == TERM_SYNTAX_ELIXIR && at(lx, start) == '0') {
        int x = at(lx, start + 1);
        unsigned base = x == 'x' ? 16 : x == 'b' ? 2 : x == 'o' ? 8 : 0;
        if (base) {
            lx->pos += 2;
            return lex_digits(lx, t, base);
        }
    }
    if ((rc = lex_digits(lx, t, 10)) < 0)
        return rc;
    if (lx->syn == TERM_SYNTAX_ERLANG && at(lx, lx->pos) == '#' && t->nmag <= 1) {
        uint32_t base = t->nmag ? t->mag[0] : 0;
        if (base >= 2 && base <= 36 &&
            (unsigned)digit_value(at(lx, lx->pos + 1)) < base) {
            lx->pos++;
            return lex_digits(lx, t, base);
        }
    }
    if (at(lx, lx->pos) == '.' && is_digit(at(lx, lx->pos + 1)))
        return lex_float(lx, t, start);
    return 0;
}

struct term *term_lex_integer(struct arena *a, const uint32_t *mag, size_t nmag, bool neg)
{
    unsigned char *d;
    struct term *t;
    size_t n, i;

    while (nmag > 0 && mag[nmag - 1] == 0)
        nmag--;
    if (nmag <= 2) {
        uint64_t m = nmag == 0 ? 0 : nmag == 1 ? mag[0] : ((uint64_t)mag[1] << 32 | mag[0]);
        if (m <= (uint64_t)INT64_MAX)
            return term_int(a, neg ? -(int64_t)m : (int64_t)m);
        if (neg && m == (uint64_t)INT64_MAX + 1)
            return term_int(a, INT64_MIN);
    }
    n = nmag * 4;
    d = arena_alloc(a, n);
    for (i = 0; i < n; i++)
        d[i] = (unsigned char)(mag[i / 4] >> (8 * (i % 4)));
    while (n > 0 && d[n - 1] == 0)
        n--;
    t = term_int(a, 0);
    t->kind = TERM_BIG;
    t->u.big.neg = neg;
    t->u.big.n = n;
    t->u.big.digits = d;
    return t;
}

/* ---------------------------------------------------------------------
 * Characters, escapes, strings
 */

/* The code point at lx->pos (advancing), or an error for bad UTF-8. */
static int lex_char(struct lexer *lx, uint32_t *cp)
{
    size_t l;

    if (lx->pos >= lx->len)
        return fail(lx, lx->pos, "unexpected end of input");
    l = utf8_next((const unsigned char *)lx->src + lx->pos, lx->len - lx->pos, cp);
    if (l == 0)
        return fail(lx, lx->pos, "invalid UTF-8");
    lx->pos += l;
    return 0;
}

/* n hex digits (or {hex...} when braces) at lx->pos into *v. */
static int lex_hex(struct lexer *lx, size_t n, bool braces, uint32_t *v)
{
    size_t start = lx->pos, k = 0;

    *v = 0;
    if (braces)
        lx->pos++;
    while ((braces || k < n) && digit_value(at(lx, lx->pos)) < 16) {
        if (k++ >= 6)
            return fail(lx, start, "bad escape");
        *v = *v * 16 + (uint32_t)digit_value(at(lx, lx->pos));
        lx->pos++;
    }
    if (k == 0 || (!braces && k != n) || (braces && at(lx, lx->pos) != '}'))
        return fail(lx, start, "bad escape");
    if (braces)
        lx->pos++;
    return 0;
}

/* The escape after a backslash (lx->pos just past it) into *unit. */
static int lex_escape(struct lexer *lx, int32_t *unit)
{
    bool ex = lx->syn == TERM_SYNTAX_ELIXIR;
    size_t start = lx->pos - 1;
    int c = at(lx, lx->pos);
    uint32_t v = 0;
    int rc;

    switch (c) {
    case 'n': v = '\n'; break;
    case 't': v = '\t'; break;
    case 'r': v = '\r'; break;
    case 'v': v = '\v'; break;
    case 'b': v = '\b'; break;
    case 'f': v = '\f'; break;
    case 'e': v = 0x1b; break;
    case 's': v = ' '; break;
    case 'd': v = 0x7f; break;
    case 'a':
        v = ex ? 7 : 'a';
        break;
    case 'x':
        lx->pos++;
        if ((rc = lex_hex(lx, 2, at(lx, lx->pos) == '{', &v)) < 0)
            return rc;
        if (ex && lx->src[lx->pos - 1] != '}') {
            *unit = -1 - (int32_t)v; /* Elixir: a raw byte */
            return 0;
        }
        goto check;
    case 'u':
        if (!ex)
            break;
        lx->pos++;
        if ((rc = lex_hex(lx, 4, at(lx, lx->pos) == '{', &v)) < 0)
            return rc;
        goto check;
    case -1:
        return fail(lx, start, "unterminated escape");
    default:
        if (!ex && c >= '0' && c <= '7') {
            int k;
            for (k = 0; k < 3 && at(lx, lx->pos) >= '0' && at(lx, lx->pos) <= '7'; k++)
                v = v * 8 + (uint32_t)(at(lx, lx->pos++) - '0');
            goto check;
        }
        if (ex && c == '0') {
            v = 0;
            break;
        }
        if (!ex && c == '^' && lx->pos + 1 < lx->len && is_lower(at(lx, lx->pos + 1) | 0x20)) {
            lx->pos += 2;
            *unit = at(lx, lx->pos - 1) & 31;
            return 0;
        }
        if ((rc = lex_char(lx, &v)) < 0)
            return rc;
        *unit = (int32_t)v; /* any other character stands for itself */
        return 0;
    }
    lx->pos++;
check:
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return fail(lx, start, "escape is not a valid character");
    *unit = (int32_t)v;
    return 0;
}

/* A quoted text ending at `quote` (lx->pos just past the opening one). */
static int lex_quoted(struct lexer *lx, struct tok *t, char quote)
{
    size_t start = lx->pos - 1, i, n = 0;
    int rc;

    /* Find the end first: the units take at most one per byte. */
    for (i = lx->pos; i < lx->len && lx->src[i] != quote; i++)
        if (lx->src[i] == '\\')
            i++;
    if (i >= lx->len)
        return fail(lx, start, "unterminated string");
    t->units = arena_alloc(lx->a, (i - lx->pos + 1) * sizeof(int32_t));
    while (lx->src[lx->pos] != quote) {
        uint32_t cp;
        if (lx->src[lx->pos] == '\\') {
            lx->pos++;
            if ((rc = lex_escape(lx, &t->units[n])) < 0)
                return rc;
            n++;
            continue;
        }
        if (lx->syn == TERM_SYNTAX_ELIXIR && lx->src[lx->pos] == '#' &&
            at(lx, lx->pos + 1) == '{')
            return fail(lx, lx->pos, "string interpolation is not supported");
        if ((rc = lex_char(lx, &cp)) < 0)
            return rc;
        t->units[n++] = (int32_t)cp;
    }
    lx->pos++;
    t->nunits = n;
    return 0;
}

/* UTF-8 text of a token's units (no raw bytes), as an atom name. */
static int units_text(struct lexer *lx, struct tok *t, size_t pos)
{
    unsigned char *s;
    size_t i, k = 0;

    if (t->nunits > MAX_ATOM_CHARS)
        return fail(lx, pos, "atom longer than 255 characters");
    s = arena_alloc(lx->a, t->nunits * 4 + 1);
    for (i = 0; i < t->nunits; i++) {
        int32_t u = t->units[i];
        if (u < -0x80) /* a raw byte escape is a character only below 0x80 */
            return fail(lx, pos, "byte escape above \\x7F in an atom");
        k += utf8_put(s + k, (uint32_t)(u < 0 ? -1 - u : u));
    }
    s[k] = '\0';
    t->text = (const char *)s;
    t->tlen = k;
    return 0;
}

/* ---------------------------------------------------------------------
 * Words
 */

/* An Elixir keyword key ends in ':' not followed by another ':'. */
static bool key_colon(const struct lexer *lx)
{
    return lx->syn == TERM_SYNTAX_ELIXIR && at(lx, lx->pos) == ':' &&
           at(lx, lx->pos + 1) != ':';
}

static int lex_word(struct lexer *lx, struct tok *t)
{
    size_t start = lx->pos;
    bool upper = is_upper(at(lx, start));

    while (term_is_ident_char(at(lx, lx->pos)) || at(lx, lx->pos) == '@')
        lx->pos++;
    if (lx->syn == TERM_SYNTAX_ELIXIR && (at(lx, lx->pos) == '?' || at(lx, lx->pos) == '!'))
        lx->pos++;
    if (lx->pos - start > MAX_ATOM_CHARS)
        return fail(lx, start, "name longer than 255 characters");
    t->text = arena_strndup(lx->a, lx->src + start, lx->pos - start);
    t->tlen = lx->pos - start;
    if (key_colon(lx)) {
        lx->pos++;
        t->kind = TOK_KEY;
        return 0;
    }
    if (upper || (lx->syn == TERM_SYNTAX_ERLANG && at(lx, start) == '_')) {
        /* A@b and A? are only keyword keys ([A@b: 1]), never aliases. */
        if (lx->syn == TERM_SYNTAX_ELIXIR && strcspn(t->text, "@?!") != t->tlen)
            return bp_error(lx->err, BP_EUSAGE, "unexpected '%s' at column %zu", t->text,
                            term_lex_column(lx, start));
        t->kind = TOK_ALIAS;
        return 0;
    }
    t->kind = TOK_IDENT;
    if (lx->syn == TERM_SYNTAX_ELIXIR &&
        (strcmp(t->text, "nil") == 0 || strcmp(t->text, "true") == 0 ||
         strcmp(t->text, "false") == 0))
        t->kind = TOK_ATOM;
    return 0;
}

/* Elixir ':' atoms: :foo, :"foo bar", :+ (lx->pos just past ':'). */
static int lex_colon_atom(struct lexer *lx, struct tok *t)
{
    size_t start = lx->pos - 1;
    const char *const *op;
    int c = at(lx, lx->pos), rc;

    if (c == '"' || c == '\'') {
        lx->pos++;
        if ((rc = lex_quoted(lx, t, (char)c)) < 0 || (rc = units_text(lx, t, start)) < 0)
            return rc;
        t->kind = TOK_ATOM;
        return 0;
    }
    if (is_lower(c) || is_upper(c)) {
        size_t s = lx->pos;
        while (term_is_ident_char(at(lx, lx->pos)) || at(lx, lx->pos) == '@')
            lx->pos++;
        if (at(lx, lx->pos) == '?' || at(lx, lx->pos) == '!')
            lx->pos++;
        if (lx->pos - s > MAX_ATOM_CHARS)
            return fail(lx, start, "atom longer than 255 characters");
        t->text = arena_strndup(lx->a, lx->src + s, lx->pos - s);
        t->tlen = lx->pos - s;
        t->kind = TOK_ATOM;
        return 0;
    }
    for (op = operator_atoms; *op; op++) {
        size_t n = strlen(*op);
        if (lx->len - lx->pos >= n && memcmp(lx->src + lx->pos, *op, n) == 0) {
            t->text = arena_strndup(lx->a, *op, n);
            t->tlen = n;
            t->kind = TOK_ATOM;
            lx->pos += n;
            return 0;
        }
    }
    t->kind = TOK_PUNCT;
    t->punct = ":";
    return 0;
}

/* $name: a generator (template mode) or an Erlang char literal. */
static int lex_dollar(struct lexer *lx, struct tok *t)
{
    size_t start = lx->pos - 1;
    uint32_t cp;
    int32_t unit;
    int rc;

    if (lx->flags & TERM_PARSE_TEMPLATES) {
        size_t s = lx->pos;
        while (term_is_ident_char(at(lx, lx->pos)))
            lx->pos++;
        if (lx->pos == s)
            return fail(lx, start, "expected a generator name after '$'");
        t->text = arena_strndup(lx->a, lx->src + s, lx->pos - s);
        t->tlen = lx->pos - s;
        t->kind = TOK_GEN;
        return 0;
    }
    if (lx->syn == TERM_SYNTAX_ELIXIR)
        return fail(lx, start, "unexpected '$' (generators only in load templates)");
    if (at(lx, lx->pos) == '\\') {
        lx->pos++;
        if ((rc = lex_escape(lx, &unit)) < 0)
            return rc;
        cp = unit < 0 ? (uint32_t)(-1 - unit) : (uint32_t)unit;
    } else if ((rc = lex_char(lx, &cp)) < 0) {
        return rc;
    }
    if (is_lower(at(lx, lx->pos)) && cp != '\\' && term_is_ident_char((int)cp))
        return fail(lx, start, "generators like $name are only allowed in load templates");
    t->mag = arena_alloc(lx->a, sizeof(uint32_t));
    t->mag[0] = cp;
    t->nmag = 1;
    t->kind = TOK_INT;
    return 0;
}

/* Elixir ?a char literal (lx->pos just past '?'). */
static int lex_question(struct lexer *lx, struct tok *t)
{
    uint32_t cp;
    int32_t unit;
    int rc;

    if (at(lx, lx->pos) == '\\') {
        lx->pos++;
        if ((rc = lex_escape(lx, &unit)) < 0)
            return rc;
        cp = unit < 0 ? (uint32_t)(-1 - unit) : (uint32_t)unit;
    } else if ((rc = lex_char(lx, &cp)) < 0) {
        return rc;
    }
    t->mag = arena_alloc(lx->a, sizeof(uint32_t));
    t->mag[0] = cp;
    t->nmag = 1;
    t->kind = TOK_INT;
    return 0;
}

/* ---------------------------------------------------------------------
 * The token stream
 */

static const char *const puncts[] = {
    "<<", ">>", "=>", "::", "(", ")", "[", "]", "{", "}", "<", ">", ",", "|",
    ":", ".", "/", "-", "+", "#", "%", NULL
};

static int lex_token(struct lexer *lx, struct tok *t)
{
    bool ex = lx->syn == TERM_SYNTAX_ELIXIR;
    int c = at(lx, lx->pos), rc;
    const char *const *p;

    if (is_digit(c))
        return lex_number(lx, t);
    if (is_lower(c) || is_upper(c))
        return lex_word(lx, t);
    switch (c) {
    case '"':
    case '\'':
        lx->pos++;
        if ((rc = lex_quoted(lx, t, (char)c)) < 0)
            return rc;
        if (key_colon(lx)) {
            lx->pos++;
            t->kind = TOK_KEY;
            return units_text(lx, t, t->pos);
        }
        if (c == '"') {
            t->kind = TOK_STRING;
            return 0;
        }
        if (ex) {
            t->kind = TOK_CHARLIST;
            return 0;
        }
        t->kind = TOK_ATOM;
        return units_text(lx, t, t->pos);
    case '~':
        if (ex && at(lx, lx->pos + 1) == 'c' &&
            (at(lx, lx->pos + 2) == '"' || at(lx, lx->pos + 2) == '\'')) {
            char q = (char)at(lx, lx->pos + 2);
            lx->pos += 3;
            if ((rc = lex_quoted(lx, t, q)) < 0)
                return rc;
            t->kind = TOK_CHARLIST;
            return 0;
        }
        break;
    case ':':
        if (ex && at(lx, lx->pos + 1) != ':') {
            lx->pos++;
            return lex_colon_atom(lx, t);
        }
        break;
    case '$':
        lx->pos++;
        return lex_dollar(lx, t);
    case '?':
        if (ex) {
            lx->pos++;
            return lex_question(lx, t);
        }
        break;
    default:
        break;
    }
    if (ex) {
        /* Operator keyword keys as Elixir prints them: [+: 1], %{..: 2}. */
        for (p = operator_atoms; *p; p++) {
            size_t n = strlen(*p);
            if (lx->len - lx->pos > n && memcmp(lx->src + lx->pos, *p, n) == 0 &&
                lx->src[lx->pos + n] == ':' &&
                (lx->pos + n + 1 == lx->len || strchr(" \t\n\r", lx->src[lx->pos + n + 1]))) {
                t->text = arena_strndup(lx->a, *p, n);
                t->tlen = n;
                t->kind = TOK_KEY;
                lx->pos += n + 1;
                return 0;
            }
        }
    }
    for (p = puncts; *p; p++) {
        size_t n = strlen(*p);
        if (lx->len - lx->pos >= n && memcmp(lx->src + lx->pos, *p, n) == 0) {
            t->kind = TOK_PUNCT;
            t->punct = *p;
            lx->pos += n;
            return 0;
        }
    }
    if (c >= 0x80) {
        uint32_t cp;
        size_t l = utf8_next((const unsigned char *)lx->src + lx->pos,
                                  lx->len - lx->pos, &cp);
        if (l == 0)
            return fail(lx, lx->pos, "invalid UTF-8");
        return bp_error(lx->err, BP_EUSAGE, "unexpected '%.*s' at column %zu", (int)l,
                        lx->src + lx->pos, term_lex_column(lx, lx->pos));
    }
    if (c < 0x20 || c == 0x7f)
        return bp_error(lx->err, BP_EUSAGE,
                        "unexpected control character 0x%02x at column %zu", (unsigned)c,
                        term_lex_column(lx, lx->pos));
    return bp_error(lx->err, BP_EUSAGE, "unexpected '%c' at column %zu", c,
                    term_lex_column(lx, lx->pos));
}

int term_lex_next(struct lexer *lx, struct tok *t)
{
    int rc;

    while (lx->pos < lx->len && strchr(" \t\n\r\f\v", lx->src[lx->pos]))
        lx->pos++;
    memset(t, 0, sizeof(*t));
    t->pos = lx->pos;
    if (lx->pos >= lx->len) {
        t->kind = TOK_EOF;
        t->end = lx->pos;
        return 0;
    }
    rc = lex_token(lx, t);
    t->end = lx->pos;
    return rc;
}

/* ---------------------------------------------------------------------
 * <...> bodies of pids, ports and refs
 */

/* Is src[s..e) a non-empty run of digits? */
static bool all_digits(const char *src, size_t s, size_t e)
{
    size_t i;

    if (s >= e)
        return false;
    for (i = s; i < e; i++)
        if (!is_digit((unsigned char)src[i]))
            return false;
    return true;
}

int term_lex_angle(struct lexer *lx, const char **node, uint64_t *nums, size_t min,
                   size_t max, size_t *n)
{
    size_t start = lx->pos, end, *dot, np = 0, i, k;
    const char *src = lx->src;

    for (end = start; end < lx->len && src[end] != '>'; end++) {
        int c = (unsigned char)src[end];
        if (end - start > 1100 || !(term_is_ident_char(c) || c == '@' || c == '.' || c == '-'))
            return fail(lx, end, "malformed pid, port or reference");
    }
    if (end >= lx->len)
        return fail(lx, start, "missing '>'");
    /* Part j runs from dot[j] + 1 to dot[j + 1] (or end). */
    dot = arena_alloc(lx->a, (end - start + 2) * sizeof(*dot));
    dot[np++] = start - 1;
    for (i = start; i < end; i++)
        if (src[i] == '.')
            dot[np++] = i;
#define PART_END(j) ((j) + 1 < np ? dot[(j) + 1] : end)
    if (all_digits(src, start, PART_END(0))) {
        /* <0.N.S>: a node index, which can only be 0 (this node). */
        if (PART_END(0) != start + 1 || src[start] != '0')
            return fail(lx, start,
                        "write remote pids with their node name, like <node@host.N.S>");
        *node = NULL;
        k = np - 1;
    } else {
        /* <node@host.N.S>: the node name may itself contain dots. */
        k = min;
        while (min != max && k < max && k + 1 < np - 1 &&
               all_digits(src, dot[np - k - 1] + 1, PART_END(np - k - 1)))
            k++;
        if (np < k + 1 || dot[np - k] == start)
            return fail(lx, start, "malformed pid, port or reference");
        *node = arena_strndup(lx->a, src + start, dot[np - k] - start);
    }
    if (k < min || k > max)
        return fail(lx, start, "malformed pid, port or reference");
    for (i = 0; i < k; i++) {
        size_t j = np - k + i, e = PART_END(j), c;
        uint64_t v = 0;
        if (!all_digits(src, dot[j] + 1, e))
            return fail(lx, dot[j] + 1, "malformed pid, port or reference");
        for (c = dot[j] + 1; c < e; c++) {
            if (v > (UINT64_MAX - 9) / 10)
                return fail(lx, dot[j] + 1, "number too large");
            v = v * 10 + (uint64_t)(src[c] - '0');
        }
        nums[i] = v;
    }
#undef PART_END
    *n = k;
    lx->pos = end + 1;
    return 0;
}
