/* SPDX-License-Identifier: Apache-2.0 */
/*
 * format.c - human-readable numbers; see format.h.
 */
#include "render/format.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void fmt_bytes(char *buf, size_t n, double b)
{
    const char *unit[] = { "B", "KB", "MB", "GB", "TB" };
    int u = 0;
    double neg = b < 0 ? -1 : 1;

    b *= neg;
    while (b >= 1024 && u < 4) {
        b /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, n, "%.0f B", b * neg);
    else
        snprintf(buf, n, "%.2f %s", b * neg, unit[u]);
}

void fmt_count(char *buf, size_t n, int64_t v)
{
    char tmp[32];
    size_t len, i, o = 0, lead;
    int neg = v < 0;
    uint64_t u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    snprintf(tmp, sizeof(tmp), "%" PRIu64, u);
    len = strlen(tmp);
    if (n == 0)
        return;
    if (neg && o + 1 < n)
        buf[o++] = '-';
    lead = len % 3 ? len % 3 : 3;
    for (i = 0; i < len && o + 1 < n; i++) {
        if (i && (i - lead) % 3 == 0 && i >= lead) {
            buf[o++] = ',';
            if (o + 1 >= n)
                break;
        }
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
}

void fmt_rate(char *buf, size_t n, double r)
{
    if (r >= 1e6)
        snprintf(buf, n, "%.2fM/s", r / 1e6);
    else if (r >= 1e4)
        snprintf(buf, n, "%.1fk/s", r / 1e3);
    else
        snprintf(buf, n, "%.1f/s", r);
}

double to_mb(double bytes)
{
    return bytes / 1024.0 / 1024.0;
}
