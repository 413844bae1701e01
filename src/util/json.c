/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json.c - JSON string/number writers; see json.h.
 */
#include "util/json.h"
#include "util/utf8.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_str(struct sbuf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    sbuf_addch(out, '"');
    while (i < n) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            sbuf_addch(out, '\\');
            sbuf_addch(out, (char)c);
            i++;
        } else if (c == '\n') {
            sbuf_addstr(out, "\\n");
            i++;
        } else if (c == '\r') {
            sbuf_addstr(out, "\\r");
            i++;
        } else if (c == '\t') {
            sbuf_addstr(out, "\\t");
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            sbuf_addf(out, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            sbuf_addch(out, (char)c);
            i++;
        } else {
            uint32_t cp;
            size_t l = utf8_next(p + i, n - i, &cp);
            if (l == 0) {
                sbuf_addstr(out, "\\ufffd");
                i++;
            } else {
                sbuf_add(out, p + i, l);
                i += l;
            }
        }
    }
    sbuf_addch(out, '"');
}

void json_cstr(struct sbuf *out, const char *s)
{
    json_str(out, s, strlen(s));
}

void json_cstr_or_null(struct sbuf *out, const char *s)
{
    if (s)
        json_cstr(out, s);
    else
        sbuf_addstr(out, "null");
}

void json_int(struct sbuf *out, int64_t v)
{
    sbuf_addf(out, "%" PRId64, v);
}

void json_double(struct sbuf *out, double v)
{
    char buf[40];
    int prec;

    if (!isfinite(v)) {
        sbuf_addstr(out, "null");
        return;
    }
    for (prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof(buf), "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    sbuf_addstr(out, buf);
}

void json_key(struct sbuf *out, const char *key, int *first)
{
    if (!*first)
        sbuf_addch(out, ',');
    *first = 0;
    json_cstr(out, key);
    sbuf_addch(out, ':');
}
