/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tui_chart.c - sparklines, area charts, braille charts and bars drawn
 * into a canvas; see tui.h.
 *
 * Pure.  Every chart shows the newest values at its right edge and is
 * scaled by the caller's max (use tui_nice_max of tui_series_max), so two
 * charts of one quantity can share a scale.  Unicode: eighth blocks
 * U+2581..U+2588 and U+258F..U+2589, braille U+2800..U+28FF; ASCII
 * fallbacks keep the same geometry.
 */
#include "render/tui/tui.h"

#include <math.h>
#include <string.h>

double tui_nice_max(double v)
{
    double p, m;
    if (!(v > 0) || !isfinite(v))
        return 1;
    p = pow(10, floor(log10(v)));
    m = v / p;
    if (m <= 1.0000001)
        return p;
    if (m <= 2)
        return 2 * p;
    if (m <= 2.5)
        return 2.5 * p;
    if (m <= 5)
        return 5 * p;
    return 10 * p;
}

double tui_series_max(const double *v, size_t n, size_t last)
{
    double m = 0;
    size_t i = n > last ? n - last : 0;
    for (; i < n; i++)
        if (v[i] > m)
            m = v[i];
    return m;
}

int tui_level(double v, double max, int levels)
{
    double f;
    int l;
    if (!(v > 0) || !(max > 0))
        return 0;
    f = v / max;
    if (f >= 1)
        return levels;
    l = (int)(f * levels + 0.5);
    return l < 1 ? 1 : l;
}

/* ▁▂▃▄▅▆▇█ for levels 1..8. */
static const char *const vblocks[9] = { " ",
                                        "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83",
                                        "\xe2\x96\x84", "\xe2\x96\x85", "\xe2\x96\x86",
                                        "\xe2\x96\x87", "\xe2\x96\x88" };
static const char *const vascii[9] = { " ", "_", ".", "-", "~", "=", "+", "*", "#" };

void tui_spark(struct tui_canvas *cv, int x, int y, int w, int role, const double *v,
               size_t n, double max)
{
    int i;
    for (i = 0; i < w; i++) {
        /* Column i shows value n - w + i (blank before the first). */
        long k = (long)n - (long)w + i;
        int l = k >= 0 ? tui_level(v[k], max, 8) : 0;
        tui_glyph(cv, x + i, y, role, cv->utf8 ? vblocks[l] : vascii[l]);
    }
}

void tui_spark_range(struct tui_canvas *cv, int x, int y, int w, int role, const double *v,
                     size_t n)
{
    size_t i, first = n > (size_t)w ? n - (size_t)w : 0;
    double lo = 0, hi = 0;
    int c;

    for (i = first; i < n; i++) {
        if (i == first || v[i] < lo)
            lo = v[i];
        if (i == first || v[i] > hi)
            hi = v[i];
    }
    for (c = 0; c < w; c++) {
        long k = (long)n - (long)w + c;
        int l = 0;
        if (k >= 0) {
            if (hi - lo <= (hi > 0 ? hi : 1) * 0.01)
                l = 1;
            else
                l = 1 + (int)((v[k] - lo) / (hi - lo) * 7 + 0.5);
        }
        tui_glyph(cv, x + c, y, role, cv->utf8 ? vblocks[l] : vascii[l]);
    }
}

void tui_area(struct tui_canvas *cv, int x, int y, int w, int h, int role, const double *v,
              size_t n, double max)
{
    int i, r;
    for (i = 0; i < w; i++) {
        long k = (long)n - (long)w + i;
        int l = k >= 0 ? tui_level(v[k], max, 8 * h) : 0;
        for (r = 0; r < h; r++) {
            /* Row r from the bottom holds eighths 8r+1 .. 8r+8. */
            int in = l - 8 * r;
            const char *g;
            if (in <= 0)
                g = " ";
            else if (!cv->utf8)
                g = in >= 8 ? "#" : in >= 4 ? ":" : ".";
            else
                g = vblocks[in >= 8 ? 8 : in];
            tui_glyph(cv, x + i, y + h - 1 - r, role, g);
        }
    }
}

/* Braille dot bits, by column (0 left, 1 right) and row from the bottom. */
static const unsigned char dots[2][4] = { { 0x40, 0x04, 0x02, 0x01 },
                                          { 0x80, 0x20, 0x10, 0x08 } };

void tui_braille(struct tui_canvas *cv, int x, int y, int w, int h, int role,
                 const double *v, size_t n, double max)
{
    int i, r, side;

    if (!cv->utf8) {
        tui_area(cv, x, y, w, h, role, v, n, max);
        return;
    }
    for (i = 0; i < w; i++) {
        int lv[2];
        for (side = 0; side < 2; side++) {
            long k = (long)n - 2L * w + 2L * i + side;
            lv[side] = k >= 0 ? tui_level(v[k], max, 4 * h) : 0;
        }
        for (r = 0; r < h; r++) {
            unsigned bits = 0;
            unsigned cp;
            char g[4];
            int d;
            for (side = 0; side < 2; side++)
                for (d = 0; d < 4; d++)
                    if (lv[side] > 4 * r + d)
                        bits |= dots[side][d];
            cp = 0x2800 + bits;
            if (!bits) {
                tui_glyph(cv, x + i, y + h - 1 - r, role, " ");
                continue;
            }
            g[0] = (char)(0xe0 | (cp >> 12));
            g[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
            g[2] = (char)(0x80 | (cp & 0x3f));
            g[3] = '\0';
            tui_glyph(cv, x + i, y + h - 1 - r, role, g);
        }
    }
}

/* ▏▎▍▌▋▊▉█ for 1..8 eighths of a cell. */
static const char *const hblocks[9] = { " ",
                                        "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d",
                                        "\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a",
                                        "\xe2\x96\x89", "\xe2\x96\x88" };

void tui_bar(struct tui_canvas *cv, int x, int y, int w, int role, double frac)
{
    int i, eighths;
    if (!(frac > 0))
        frac = 0;
    if (frac > 1)
        frac = 1;
    eighths = (int)(frac * 8 * w + 0.5);
    if (frac > 0 && eighths == 0)
        eighths = 1;
    for (i = 0; i < w; i++) {
        int in = eighths - 8 * i;
        const char *g;
        if (in <= 0)
            g = " ";
        else if (!cv->utf8)
            g = in >= 4 ? "|" : " ";
        else
            g = hblocks[in >= 8 ? 8 : in];
        tui_glyph(cv, x + i, y, role, g);
    }
}
