/* SPDX-License-Identifier: Apache-2.0 */
/*
 * style.c - colour and status marks; see style.h.
 */
#include "render/style.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

void style_init(struct style *s, FILE *f, bool no_color)
{
    const char *nc = getenv("NO_COLOR");
    const char *cs;

    setlocale(LC_CTYPE, "");
    cs = nl_langinfo(CODESET);
    s->utf8 = cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
    s->color = !no_color && !(nc && *nc) && isatty(fileno(f));
    {
        const char *term = getenv("TERM");
        if (term && strcmp(term, "dumb") == 0)
            s->color = false;
    }
}

const char *style_mark(const struct style *s, enum level l)
{
    switch (l) {
    case LEVEL_OK: return s->utf8 ? "\xe2\x9c\x85" : "ok";
    case LEVEL_WARN: return s->utf8 ? "\xe2\x9a\xa0\xef\xb8\x8f" : "WARN";
    case LEVEL_CRIT: return s->utf8 ? "\xf0\x9f\x94\xb4" : "CRIT";
    default: return s->utf8 ? "\xe2\x84\xb9\xef\xb8\x8f" : "info";
    }
}

const char *style_on(const struct style *s, enum level l)
{
    if (!s->color)
        return "";
    switch (l) {
    case LEVEL_OK: return "\033[32m";
    case LEVEL_WARN: return "\033[33m";
    case LEVEL_CRIT: return "\033[1;31m";
    default: return "\033[36m";
    }
}

const char *style_off(const struct style *s)
{
    return s->color ? "\033[0m" : "";
}

const char *style_bold(const struct style *s)
{
    return s->color ? "\033[1m" : "";
}

enum level level_mailbox(long long len)
{
    if (len > 1000)
        return LEVEL_CRIT;
    if (len > 100)
        return LEVEL_WARN;
    return LEVEL_OK;
}
