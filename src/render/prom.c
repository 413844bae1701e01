/* SPDX-License-Identifier: Apache-2.0 */
/*
 * prom.c - Prometheus text exposition; see prom.h.
 */
#include "render/prom.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void prom_set_init(struct prom_set *ps, const struct prom_family *families, size_t nfamilies)
{
    memset(ps, 0, sizeof(*ps));
    ps->families = families;
    ps->nfamilies = nfamilies;
    arena_init(&ps->arena);
}

void prom_set_release(struct prom_set *ps)
{
    free(ps->samples);
    arena_release(&ps->arena);
    memset(ps, 0, sizeof(*ps));
}

void prom_set_clear(struct prom_set *ps)
{
    ps->n = 0;
    arena_clear(&ps->arena);
}

void prom_add(struct prom_set *ps, size_t fam, double value, ...)
{
    struct prom_sample *s;
    const char *name;
    va_list ap;

    if (fam >= ps->nfamilies)
        return;
    if (ps->n == ps->alloc) {
        ps->alloc = ps->alloc ? ps->alloc * 2 : 64;
        ps->samples = xreallocarray(ps->samples, ps->alloc, sizeof(*ps->samples));
    }
    s = &ps->samples[ps->n++];
    memset(s, 0, sizeof(*s));
    s->family = fam;
    s->value = value;
    va_start(ap, value);
    while ((name = va_arg(ap, const char *)) != NULL) {
        const char *val = va_arg(ap, const char *);
        if (s->nlabels < PROM_MAX_LABELS) {
            s->labels[s->nlabels].name = arena_strdup(&ps->arena, name);
            s->labels[s->nlabels].value = arena_strdup(&ps->arena, val ? val : "");
            s->nlabels++;
        }
    }
    va_end(ap);
}

void prom_escape_label(struct sbuf *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            sbuf_addstr(out, "\\\\");
        else if (*s == '"')
            sbuf_addstr(out, "\\\"");
        else if (*s == '\n')
            sbuf_addstr(out, "\\n");
        else
            sbuf_addch(out, *s);
    }
}

void prom_escape_help(struct sbuf *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            sbuf_addstr(out, "\\\\");
        else if (*s == '\n')
            sbuf_addstr(out, "\\n");
        else
            sbuf_addch(out, *s);
    }
}

void prom_value(struct sbuf *out, double v)
{
    char buf[40];

    if (isnan(v)) {
        sbuf_addstr(out, "NaN");
    } else if (isinf(v)) {
        sbuf_addstr(out, v > 0 ? "+Inf" : "-Inf");
    } else if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        snprintf(buf, sizeof(buf), "%.0f", v);
        sbuf_addstr(out, strcmp(buf, "-0") == 0 ? "0" : buf);
    } else {
        /* The shortest of %.15g / %.17g that reads back exactly. */
        snprintf(buf, sizeof(buf), "%.15g", v);
        if (strtod(buf, NULL) != v)
            snprintf(buf, sizeof(buf), "%.17g", v);
        sbuf_addstr(out, buf);
    }
}

void prom_render(const struct prom_set *ps, struct sbuf *out)
{
    size_t f, i, k;

    for (f = 0; f < ps->nfamilies; f++) {
        const struct prom_family *fam = &ps->families[f];
        int header = 0;
        for (i = 0; i < ps->n; i++) {
            const struct prom_sample *s = &ps->samples[i];
            if (s->family != f)
                continue;
            if (!header) {
                sbuf_addf(out, "# HELP %s ", fam->name);
                prom_escape_help(out, fam->help);
                sbuf_addf(out, "\n# TYPE %s %s\n", fam->name, fam->type);
                header = 1;
            }
            sbuf_addstr(out, fam->name);
            if (s->nlabels) {
                sbuf_addch(out, '{');
                for (k = 0; k < s->nlabels; k++) {
                    if (k)
                        sbuf_addch(out, ',');
                    sbuf_addf(out, "%s=\"", s->labels[k].name);
                    prom_escape_label(out, s->labels[k].value);
                    sbuf_addch(out, '"');
                }
                sbuf_addch(out, '}');
            }
            sbuf_addch(out, ' ');
            prom_value(out, s->value);
            sbuf_addch(out, '\n');
        }
    }
}
