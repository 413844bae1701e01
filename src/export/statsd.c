/* SPDX-License-Identifier: Apache-2.0 */
/*
 * statsd.c - StatsD push over UDP; see statsd.h.
 *
 * Counter deltas need the previous value of each series: a small
 * open-addressing table keyed by the rendered series name, grown as needed.
 */
#include "export/statsd.h"
#include "util/xalloc.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DATAGRAM_MAX 1432

struct prev {
    char *key;
    double value;
};

struct statsd {
    int fd;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    char prefix[64];
    bool tags;
    struct prev *tab;
    size_t cap, n;
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static struct prev *lookup(struct statsd *s, const char *key, bool *found)
{
    size_t i;

    if (s->n * 2 >= s->cap) {
        struct prev *old = s->tab;
        size_t oc = s->cap, k;
        s->cap = s->cap ? s->cap * 2 : 64;
        s->tab = xcalloc(s->cap, sizeof(*s->tab));
        s->n = 0;
        for (k = 0; k < oc; k++)
            if (old[k].key) {
                bool f;
                struct prev *p = lookup(s, old[k].key, &f);
                p->key = old[k].key;
                p->value = old[k].value;
                s->n++;
            }
        free(old);
    }
    for (i = hash(key) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (!s->tab[i].key) {
            *found = false;
            return &s->tab[i];
        }
        if (strcmp(s->tab[i].key, key) == 0) {
            *found = true;
            return &s->tab[i];
        }
    }
}

static void sanitize(struct sbuf *sb, const char *s)
{
    for (; *s; s++) {
        char c = *s;
        sbuf_addch(sb, (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '_' || c == '-' ? c : '_');
    }
}

/* Tag values may not hold ',', '|', '#' or newlines. */
static void tag_value(struct sbuf *sb, const char *s)
{
    for (; *s; s++)
        sbuf_addch(sb, *s == ',' || *s == '|' || *s == '#' || *s == '\n' || *s == ' ' ? '_' : *s);
}

static void number(struct sbuf *sb, double v)
{
    if (v == floor(v) && fabs(v) < 9e15)
        sbuf_addf(sb, "%.0f", v);
    else
        sbuf_addf(sb, "%.6g", v);
}

struct statsd *statsd_new_offline(const char *prefix, bool tags)
{
    struct statsd *s = xcalloc(1, sizeof(*s));
    s->fd = -1;
    snprintf(s->prefix, sizeof(s->prefix), "%s", prefix ? prefix : "beam");
    s->tags = tags;
    return s;
}

int statsd_open(const char *spec, const char *prefix, bool tags, struct statsd **out,
                struct bp_err *err)
{
    char host[256];
    const char *colon = strrchr(spec, ':');
    struct addrinfo hints, *res = NULL;
    struct statsd *s;
    int rc;

    if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof(host) || !colon[1])
        return bp_error(err, BP_EUSAGE, "--statsd: expected HOST:PORT, got '%s'", spec);
    memcpy(host, spec, (size_t)(colon - spec));
    host[colon - spec] = '\0';
    if (host[0] == '[' && host[strlen(host) - 1] == ']') {
        memmove(host, host + 1, strlen(host));
        host[strlen(host) - 1] = '\0';
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    rc = getaddrinfo(host, colon + 1, &hints, &res);
    if (rc)
        return bp_error(err, BP_EUSAGE, "--statsd: cannot resolve '%s': %s", spec,
                        gai_strerror(rc));
    s = statsd_new_offline(prefix, tags);
    s->fd = socket(res->ai_family, SOCK_DGRAM, 0);
    if (s->fd < 0) {
        rc = bp_error(err, BP_EIO, "--statsd: socket: %s", strerror(errno));
        freeaddrinfo(res);
        statsd_close(s);
        return rc;
    }
    memcpy(&s->addr, res->ai_addr, res->ai_addrlen);
    s->addrlen = res->ai_addrlen;
    freeaddrinfo(res);
    *out = s;
    return 0;
}

void statsd_render(struct statsd *s, const struct prom_set *ps, struct sbuf *out)
{
    struct sbuf key = SBUF_INIT;
    size_t i, k;

    for (i = 0; i < ps->n; i++) {
        const struct prom_sample *sm = &ps->samples[i];
        const struct prom_family *f = &ps->families[sm->family];
        bool counter = strcmp(f->type, "counter") == 0;
        const char *base = strncmp(f->name, "beam_", 5) == 0 ? f->name + 5 : f->name;
        double value = sm->value;

        if (isnan(value) || isinf(value))
            continue;
        sbuf_reset(&key);
        if (s->tags) {
            sbuf_addstr(&key, f->name);
        } else {
            sbuf_addstr(&key, s->prefix);
            for (k = 0; k < sm->nlabels; k++) {
                sbuf_addch(&key, '.');
                sanitize(&key, sm->labels[k].value);
            }
            sbuf_addch(&key, '.');
            sbuf_addstr(&key, base);
        }
        if (s->tags) {
            /* The tags are part of the series identity. */
            for (k = 0; k < sm->nlabels; k++) {
                sbuf_addstr(&key, k ? "," : "|#");
                sbuf_addstr(&key, sm->labels[k].name);
                sbuf_addch(&key, ':');
                tag_value(&key, sm->labels[k].value);
            }
        }
        if (counter) {
            bool found;
            struct prev *p = lookup(s, sbuf_str(&key), &found);
            double delta = found ? (value >= p->value ? value - p->value : value) : -1;
            if (!found) {
                p->key = xstrdup(sbuf_str(&key));
                s->n++;
            }
            p->value = value;
            if (delta < 0)
                continue; /* first sight: no increase known yet */
            value = delta;
        }
        if (s->tags) {
            const char *tags = strstr(sbuf_str(&key), "|#");
            size_t nlen = tags ? (size_t)(tags - sbuf_str(&key)) : key.len;
            sbuf_add(out, sbuf_str(&key), nlen);
            sbuf_addch(out, ':');
            number(out, value);
            sbuf_addstr(out, counter ? "|c" : "|g");
            if (tags)
                sbuf_addstr(out, tags);
        } else {
            sbuf_addstr(out, sbuf_str(&key));
            sbuf_addch(out, ':');
            number(out, value);
            sbuf_addstr(out, counter ? "|c" : "|g");
        }
        sbuf_addch(out, '\n');
    }
    sbuf_release(&key);
}

size_t statsd_push(struct statsd *s, const struct prom_set *ps)
{
    struct sbuf all = SBUF_INIT;
    const char *p, *end;
    size_t sent = 0;

    statsd_render(s, ps, &all);
    p = sbuf_str(&all);
    end = p + all.len;
    while (p < end && s->fd >= 0) {
        /* Pack whole lines into one datagram. */
        const char *q = p, *last = p;
        while (q < end) {
            const char *nl = memchr(q, '\n', (size_t)(end - q));
            if (!nl)
                nl = end;
            if ((size_t)(nl - p) > DATAGRAM_MAX && last > p)
                break;
            last = nl;
            q = nl + 1;
            if ((size_t)(last - p) > DATAGRAM_MAX)
                break;
        }
        if (sendto(s->fd, p, (size_t)(last - p), 0, (struct sockaddr *)&s->addr, s->addrlen) >= 0)
            sent++;
        p = last < end ? last + 1 : end;
    }
    sbuf_release(&all);
    return sent;
}

void statsd_close(struct statsd *s)
{
    size_t i;
    if (!s)
        return;
    if (s->fd >= 0)
        close(s->fd);
    for (i = 0; i < s->cap; i++)
        free(s->tab[i].key);
    free(s->tab);
    free(s);
}
