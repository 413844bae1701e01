/* SPDX-License-Identifier: Apache-2.0 */
/*
 * term_text.c - UTF-8, printability, alias and float text helpers for the
 * term layer; see term_text.h.
 *
 * Floats are written and read without ever letting the C locale choose the
 * decimal point: digits come from "%.*e" (whose only non-digit besides the
 * exponent is the decimal point, skipped here) and text is read back by
 * strtod on a mantissa without a decimal point ("15e-1" for "1.5").
 */
#include "term/term_text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool term_char_printable(uint32_t cp, enum term_syntax syntax, bool binary)
{
    switch (cp) {
    case '\n': case '\r': case '\t': case '\v': case '\b': case '\f':
    case 0x1b:
        return true;
    case 0x07: /* \a: Elixir strings and char lists */
        return syntax == TERM_SYNTAX_ELIXIR;
    case 0x7f: /* \d: Elixir strings only */
        return syntax == TERM_SYNTAX_ELIXIR && binary;
    default:
        break;
    }
    if (cp >= 0x20 && cp <= 0x7e)
        return true;
    if (syntax == TERM_SYNTAX_ELIXIR && !binary)
        return false; /* List.ascii_printable? */
    if (syntax != TERM_SYNTAX_ELIXIR && !binary)
        return cp >= 0xa0 && cp <= 0xff; /* io_lib:printable_latin1_list */
    return (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
           (cp >= 0x10000 && cp <= 0x10ffff);
}

bool term_is_ident_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

size_t term_alias_prefix(const char *name, size_t len)
{
    size_t i = 7;

    if (len <= 7 || memcmp(name, "Elixir.", 7) != 0)
        return 0;
    for (;;) {
        if (i >= len || name[i] < 'A' || name[i] > 'Z')
            return 0;
        while (i < len && term_is_ident_char((unsigned char)name[i]))
            i++;
        if (i == len)
            return 7;
        if (name[i] != '.')
            return 0;
        i++;
    }
}

/* ---------------------------------------------------------------------
 * Floats
 */

/*
 * Shortest digits of a > 0 that read back as a: digits[0..*nd) with the
 * decimal exponent *e of the first digit (a = d.ddd x 10^e).
 */
static void shortest_digits(double a, char digits[20], int *nd, int *e)
{
    char tmp[40];
    int p;

    for (p = 1; p <= 17; p++) {
        const char *s, *x;
        int n = 0;
        double back;

        snprintf(tmp, sizeof(tmp), "%.*e", p - 1, a);
        x = strchr(tmp, 'e');
        if (!x)
            break; /* cannot happen for finite a */
        for (s = tmp; s < x; s++)
            if (*s >= '0' && *s <= '9')
                digits[n++] = *s;
        *nd = n;
        *e = atoi(x + 1);
        {
            /* Read back digits as an integer mantissa: ddd e(e - n + 1). */
            char buf[48];
            int m = snprintf(buf, sizeof(buf), "%.*se%d", n, digits, *e - n + 1);
            if (term_parse_double(buf, (size_t)m, &back) == 0 && back == a)
                break;
        }
    }
    while (*nd > 1 && digits[*nd - 1] == '0')
        (*nd)--;
}

size_t term_fmt_double(char *buf, double v, enum term_syntax syntax)
{
    char d[20];
    int nd = 0, e = 0, k = 0, i;
    bool sci;
    double a = fabs(v);

    if (isnan(v))
        return (size_t)snprintf(buf, 32, "nan");
    if (isinf(v))
        return (size_t)snprintf(buf, 32, v < 0 ? "-inf" : "inf");
    if (signbit(v))
        buf[k++] = '-';
    if (a == 0) {
        memcpy(buf + k, "0.0", 4);
        return (size_t)k + 3;
    }
    if (syntax == TERM_SYNTAX_ELIXIR && a >= 1.0 && a < 1e16 && a == floor(a)) {
        /* Inspect.Float: integral values print as the integer plus ".0". */
        k += snprintf(buf + k, 28, "%.0f", a);
        memcpy(buf + k, ".0", 3);
        return (size_t)k + 2;
    }
    shortest_digits(a, d, &nd, &e);
    if (a >= 9007199254740992.0) {
        sci = true;
    } else {
        int plain, expo, el = e < 0 ? 1 : 0, x = e < 0 ? -e : e;
        do {
            el++;
            x /= 10;
        } while (x);
        if (e >= 0)
            plain = nd <= e + 1 ? e + 3 : nd + 1;
        else
            plain = 2 + (-e - 1) + nd;
        expo = 2 + (nd > 1 ? nd - 1 : 1) + 1 + el;
        sci = expo < plain;
    }
    if (sci) {
        buf[k++] = d[0];
        buf[k++] = '.';
        if (nd == 1) {
            buf[k++] = '0';
        } else {
            memcpy(buf + k, d + 1, (size_t)nd - 1);
            k += nd - 1;
        }
        k += snprintf(buf + k, 8, "e%d", e);
    } else if (e >= 0) {
        for (i = 0; i <= e || i < nd; i++) {
            if (i == e + 1)
                buf[k++] = '.';
            buf[k++] = i < nd ? d[i] : '0';
        }
        if (nd <= e + 1) {
            buf[k++] = '.';
            buf[k++] = '0';
        }
    } else {
        buf[k++] = '0';
        buf[k++] = '.';
        for (i = 0; i < -e - 1; i++)
            buf[k++] = '0';
        memcpy(buf + k, d, (size_t)nd);
        k += nd;
    }
    buf[k] = '\0';
    return (size_t)k;
}

int term_parse_double(const char *s, size_t n, double *out)
{
    char buf[1200];
    size_t i = 0, k = 0, ndig = 0;
    long frac = 0, ex = 0;
    bool exneg = false;
    double v;
    char *end;

    if (n >= sizeof(buf) - 24)
        return -1;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        buf[k++] = s[i++];
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        buf[k++] = s[i++];
        ndig++;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            buf[k++] = s[i++];
            frac++;
            ndig++;
        }
    }
    if (ndig == 0)
        return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t start;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            exneg = s[i++] == '-';
        start = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (ex < 100000)
                ex = ex * 10 + (s[i] - '0');
            i++;
        }
        if (i == start)
            return -1;
    }
    if (i != n)
        return -1;
    ex = (exneg ? -ex : ex) - frac;
    k += (size_t)snprintf(buf + k, sizeof(buf) - k, "e%ld", ex);
    v = strtod(buf, &end);
    if (end != buf + k || isinf(v))
        return -1;
    *out = v;
    return 0;
}
