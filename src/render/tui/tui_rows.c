/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tui_rows.c - the process table's sort and filter on the drawing side,
 * and compact number formats; see tui.h.
 *
 * The node ranks and filters (collect_ui_top); the same sort and filter
 * applied here make a key press take effect on screen at once, before the
 * node's answer for the new key arrives.  Pure.
 */
#include "render/tui/tui.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool icontains(const char *hay, const char *needle)
{
    size_t n = strlen(needle), i;
    if (!n)
        return true;
    for (; hay && *hay; hay++) {
        for (i = 0; i < n && hay[i]; i++)
            if (tolower((unsigned char)hay[i]) != tolower((unsigned char)needle[i]))
                break;
        if (i == n)
            return true;
    }
    return false;
}

/* "<0.12.0>" typed as 0.12.0 or #PID<0.12.0> still matches. */
static const char *pid_core(const char *s, char *buf, size_t n)
{
    const char *lt = strchr(s, '<'), *gt;
    if (!lt)
        return s;
    gt = strchr(lt, '>');
    if (!gt || (size_t)(gt - lt - 1) >= n)
        return s;
    memcpy(buf, lt + 1, (size_t)(gt - lt - 1));
    buf[gt - lt - 1] = '\0';
    return buf;
}

bool tui_proc_matches(const struct ui_proc_row *r, const char *filter)
{
    char b1[128], b2[128];
    if (!filter || !*filter)
        return true;
    if (icontains(pid_core(r->pid_text, b1, sizeof(b1)), pid_core(filter, b2, sizeof(b2))))
        return true;
    return icontains(r->name, filter) || icontains(r->initial, filter) ||
           icontains(r->current, filter);
}

static double key_of(const struct ui_proc_row *r, enum ui_psort k)
{
    switch (k) {
    case UI_PSORT_MEMORY: return (double)r->memory;
    case UI_PSORT_MAILBOX: return (double)r->mailbox;
    case UI_PSORT_REDUCTIONS: return (double)r->reductions;
    case UI_PSORT_REDS_RATE: return r->reds_rate;
    default: return r->gc_rate;
    }
}

size_t tui_procs_view(const struct ui_procs *p, enum ui_psort key, const char *filter,
                      const struct ui_proc_row **out)
{
    size_t i, j, n = 0;

    if (!p)
        return 0;
    for (i = 0; i < p->n; i++)
        if (tui_proc_matches(&p->rows[i], filter))
            out[n++] = &p->rows[i];
    /* Insertion sort: stable (ties keep the node's order), n <= 1000. */
    for (i = 1; i < n; i++) {
        const struct ui_proc_row *r = out[i];
        double v = key_of(r, key);
        for (j = i; j > 0 && key_of(out[j - 1], key) < v; j--)
            out[j] = out[j - 1];
        out[j] = r;
    }
    return n;
}

void tui_fmt_uptime(char *buf, size_t n, int64_t ms)
{
    int64_t s = ms / 1000;
    if (s >= 86400)
        snprintf(buf, n, "%" PRId64 "d %02" PRId64 ":%02" PRId64 ":%02" PRId64, s / 86400,
                 s / 3600 % 24, s / 60 % 60, s % 60);
    else if (s >= 3600)
        snprintf(buf, n, "%" PRId64 "h %02" PRId64 "m", s / 3600, s / 60 % 60);
    else if (s >= 60)
        snprintf(buf, n, "%" PRId64 "m %02" PRId64 "s", s / 60, s % 60);
    else
        snprintf(buf, n, "%" PRId64 "s", s < 0 ? 0 : s);
}

void tui_fmt_si(char *buf, size_t n, double v)
{
    const char *u[] = { "", "k", "M", "G", "T" };
    int i = 0;
    double a = v < 0 ? -v : v;
    while (a >= 1000 && i < 4) {
        a /= 1000;
        v /= 1000;
        i++;
    }
    if (i == 0)
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, a < 10 ? "%.2f%s" : a < 100 ? "%.1f%s" : "%.0f%s", v, u[i]);
}

void tui_fmt_bytes(char *buf, size_t n, double v)
{
    const char *u[] = { "B", "K", "M", "G", "T" };
    int i = 0;
    double a = v < 0 ? -v : v;
    while (a >= 1024 && i < 4) {
        a /= 1024;
        v /= 1024;
        i++;
    }
    if (i == 0)
        snprintf(buf, n, "%.0fB", v);
    else
        snprintf(buf, n, a < 10 ? "%.2f%s" : a < 100 ? "%.1f%s" : "%.0f%s", v, u[i]);
}

void tui_fmt_interval(char *buf, size_t n, int64_t ms)
{
    if (ms < 1000)
        snprintf(buf, n, "%" PRId64 "ms", ms);
    else if (ms % 60000 == 0)
        snprintf(buf, n, "%" PRId64 "m", ms / 60000);
    else if (ms % 1000 == 0)
        snprintf(buf, n, "%" PRId64 "s", ms / 1000);
    else
        snprintf(buf, n, "%.1fs", (double)ms / 1000.0);
}
