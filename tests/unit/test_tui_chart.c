/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_tui_chart.c - the dashboard's canvas and charts, drawn to a buffer:
 * scaling (nice maxima, levels), sparklines, area and braille charts, bars,
 * in UTF-8 and in ASCII; text placement with wide, invalid and control
 * characters and cutting at the edge.
 */
#include "render/tui/tui.h"
#include "unit.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

static const char *row(const struct tui_canvas *cv, int y)
{
    static char buf[1024];
    tui_row_text(cv, y, buf, sizeof(buf));
    return buf;
}

static void utf8_locale(void)
{
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "C.utf8");
}

TEST(tui_nice_max)
{
    ASSERT(tui_nice_max(0) == 1);
    ASSERT(tui_nice_max(-5) == 1);
    ASSERT(tui_nice_max(0.7) == 1);
    ASSERT(tui_nice_max(1) == 1);
    ASSERT(tui_nice_max(1.2) == 2);
    ASSERT(tui_nice_max(2.2) == 2.5);
    ASSERT(tui_nice_max(3) == 5);
    ASSERT(tui_nice_max(7) == 10);
    ASSERT(tui_nice_max(1234) == 2000);
    ASSERT(tui_nice_max(0.03) > 0.0499 && tui_nice_max(0.03) < 0.0501);
}

TEST(tui_level_scaling)
{
    double v[] = { 1, 5, 3, 9, 2 };
    ASSERT_EQ(tui_level(0, 10, 8), 0);
    ASSERT_EQ(tui_level(-1, 10, 8), 0);
    ASSERT_EQ(tui_level(0.001, 10, 8), 1); /* anything positive shows */
    ASSERT_EQ(tui_level(5, 10, 8), 4);
    ASSERT_EQ(tui_level(10, 10, 8), 8);
    ASSERT_EQ(tui_level(50, 10, 8), 8);    /* clipped */
    ASSERT_EQ(tui_level(5, 0, 8), 0);
    ASSERT(tui_series_max(v, 5, 5) == 9);
    ASSERT(tui_series_max(v, 5, 1) == 2);  /* only the last value */
    ASSERT(tui_series_max(v, 0, 5) == 0);
}

TEST(tui_spark_utf8_and_ascii)
{
    struct tui_canvas cv;
    double v[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };

    utf8_locale();
    tui_canvas_init(&cv, 8, 1, true);
    tui_spark(&cv, 0, 0, 8, TUI_C1, v + 1, 8, 8);
    ASSERT_STREQ(row(&cv, 0), "▁▂▃▄▅▆▇█");
    ASSERT_EQ(tui_cell_at(&cv, 3, 0)->role, TUI_C1);
    /* Fewer values than columns: right-aligned, blanks on the left. */
    tui_canvas_clear(&cv);
    tui_spark(&cv, 0, 0, 8, TUI_C1, v + 7, 2, 8);
    ASSERT_STREQ(row(&cv, 0), "      ▇█");
    /* Zero is blank, the newest value is at the right edge. */
    tui_canvas_clear(&cv);
    tui_spark(&cv, 0, 0, 3, TUI_C1, v, 9, 8);
    ASSERT_STREQ(row(&cv, 0), "▆▇█");
    tui_canvas_release(&cv);

    tui_canvas_init(&cv, 8, 1, false);
    tui_spark(&cv, 0, 0, 8, TUI_C1, v + 1, 8, 8);
    ASSERT_STREQ(row(&cv, 0), "_.-~=+*#");
    tui_canvas_release(&cv);
    setlocale(LC_CTYPE, "C");
}

TEST(tui_spark_range_scaling)
{
    struct tui_canvas cv;
    double grow[] = { 100, 100, 150, 200 };
    double flat[] = { 1000, 1001, 1000, 1002 };

    utf8_locale();
    tui_canvas_init(&cv, 4, 2, true);
    /* Between its own low and high: the growth shows, not its level. */
    tui_spark_range(&cv, 0, 0, 4, TUI_C1, grow, 4);
    ASSERT_STREQ(row(&cv, 0), "▁▁▅█");
    /* A flat series (under 1% spread) is a flat line. */
    tui_spark_range(&cv, 0, 1, 4, TUI_C1, flat, 4);
    ASSERT_STREQ(row(&cv, 1), "▁▁▁▁");
    tui_canvas_release(&cv);
    setlocale(LC_CTYPE, "C");
}

TEST(tui_area_chart)
{
    struct tui_canvas cv;
    double v[] = { 10, 5, 2.5, 0 };

    utf8_locale();
    tui_canvas_init(&cv, 4, 2, true);
    tui_area(&cv, 0, 0, 4, 2, TUI_C2, v, 4, 10);
    /* 16 eighths high: 10 -> full, 5 -> bottom full, 2.5 -> half cell. */
    ASSERT_STREQ(row(&cv, 0), "█");
    ASSERT_STREQ(row(&cv, 1), "██▄");
    tui_canvas_release(&cv);

    tui_canvas_init(&cv, 4, 2, false);
    tui_area(&cv, 0, 0, 4, 2, TUI_C2, v, 4, 10);
    ASSERT_STREQ(row(&cv, 0), "#");
    ASSERT_STREQ(row(&cv, 1), "##:");
    tui_canvas_release(&cv);
    setlocale(LC_CTYPE, "C");
}

TEST(tui_braille_chart)
{
    struct tui_canvas cv;
    double full_empty[] = { 4, 0 };
    double ramp[] = { 1, 2, 3, 4 };

    utf8_locale();
    tui_canvas_init(&cv, 1, 1, true);
    /* Left column full (dots 1,2,3,7), right column empty: U+2847. */
    tui_braille(&cv, 0, 0, 1, 1, TUI_C1, full_empty, 2, 4);
    ASSERT_STREQ(row(&cv, 0), "⡇");
    tui_canvas_release(&cv);

    tui_canvas_init(&cv, 2, 1, true);
    /* Two values per column: (1,2) -> ⢀⣀-like bottoms, (3,4) taller. */
    tui_braille(&cv, 0, 0, 2, 1, TUI_C1, ramp, 4, 4);
    ASSERT_STREQ(row(&cv, 0), "⣠⣾");
    tui_canvas_release(&cv);

    /* ASCII: falls back to the block area chart, one value per column. */
    tui_canvas_init(&cv, 4, 1, false);
    tui_braille(&cv, 0, 0, 4, 1, TUI_C1, ramp, 4, 4);
    ASSERT_STREQ(row(&cv, 0), ".::#");
    tui_canvas_release(&cv);
    setlocale(LC_CTYPE, "C");
}

TEST(tui_bar_eighths)
{
    struct tui_canvas cv;
    utf8_locale();
    tui_canvas_init(&cv, 4, 1, true);
    tui_bar(&cv, 0, 0, 4, TUI_C2, 0.5);
    ASSERT_STREQ(row(&cv, 0), "██");
    tui_bar(&cv, 0, 0, 4, TUI_C2, 0.5 + 1.0 / 32);
    ASSERT_STREQ(row(&cv, 0), "██▏");
    tui_bar(&cv, 0, 0, 4, TUI_C2, 0.001); /* a sliver still shows */
    ASSERT_STREQ(row(&cv, 0), "▏");
    tui_bar(&cv, 0, 0, 4, TUI_C2, 2); /* clipped */
    ASSERT_STREQ(row(&cv, 0), "████");
    tui_canvas_release(&cv);
    tui_canvas_init(&cv, 4, 1, false);
    tui_bar(&cv, 0, 0, 4, TUI_C2, 0.75);
    ASSERT_STREQ(row(&cv, 0), "|||");
    tui_canvas_release(&cv);
    setlocale(LC_CTYPE, "C");
}

TEST(tui_canvas_text)
{
    struct tui_canvas cv;
    utf8_locale();
    tui_canvas_init(&cv, 10, 2, true);
    ASSERT_EQ(tui_put(&cv, 0, 0, -1, TUI_BOLD, "abc"), 3);
    ASSERT_EQ(tui_cell_at(&cv, 1, 0)->role, TUI_BOLD);
    /* Emoji are two columns wide; the second cell continues the first. */
    ASSERT_EQ(tui_width("\xf0\x9f\x94\xb4x", true), 3);
    ASSERT_EQ(tui_put(&cv, 4, 0, -1, TUI_CRIT, "\xf0\x9f\x94\xb4x"), 3);
    ASSERT_EQ(tui_cell_at(&cv, 5, 0)->w, 0);
    ASSERT_STREQ(row(&cv, 0), "abc \xf0\x9f\x94\xb4x");
    /* A wide character that does not fit becomes a space; cut at maxw. */
    tui_canvas_clear(&cv);
    ASSERT_EQ(tui_put(&cv, 0, 0, 3, TUI_NORMAL, "ab\xe2\x9c\x85z"), 3);
    ASSERT_STREQ(row(&cv, 0), "ab");
    /* Overwriting half of a wide character blanks the other half. */
    tui_canvas_clear(&cv);
    tui_put(&cv, 0, 1, -1, TUI_NORMAL, "\xe2\x9c\x85\xe2\x9c\x85");
    tui_put(&cv, 1, 1, 1, TUI_NORMAL, "q");
    ASSERT_STREQ(row(&cv, 1), " q\xe2\x9c\x85");
    /* Control characters and invalid bytes are '?'; never past the edge. */
    tui_canvas_clear(&cv);
    ASSERT_EQ(tui_put(&cv, 0, 0, -1, TUI_NORMAL, "a\tb\xff" "c"), 5);
    ASSERT_STREQ(row(&cv, 0), "a?b?c");
    ASSERT_EQ(tui_put(&cv, 8, 0, -1, TUI_NORMAL, "0123456"), 2);
    ASSERT_EQ(tui_put(&cv, 0, 5, -1, TUI_NORMAL, "off the canvas"), 0);
    /* Right alignment keeps the end of text that is too long. */
    tui_canvas_clear(&cv);
    tui_put_right(&cv, 0, 0, 6, TUI_NORMAL, "12.3M");
    ASSERT_STREQ(row(&cv, 0), " 12.3M");
    tui_put_right(&cv, 0, 1, 4, TUI_NORMAL, "123456");
    ASSERT_STREQ(row(&cv, 1), "3456");
    tui_canvas_release(&cv);

    /* ASCII canvas: every non-ASCII character is '?', one column. */
    tui_canvas_init(&cv, 10, 1, false);
    ASSERT_EQ(tui_put(&cv, 0, 0, -1, TUI_NORMAL, "\xc3\xa9t\xc3\xa9 \xf0\x9f\x94\xb4"), 5);
    ASSERT_STREQ(row(&cv, 0), "?t? ?");
    tui_canvas_release(&cv);
    setlocale(LC_CTYPE, "C");
}
