/* SPDX-License-Identifier: Apache-2.0 */
/*
 * style.h - colour and status marks for terminal output.
 *
 * Colour only when stdout is a terminal, NO_COLOR is unset and --no-color
 * was not given.  Status marks are the guide's ✅ ⚠️ 🔴 in a UTF-8 locale
 * and "ok"/"WARN"/"CRIT" otherwise.
 */
#ifndef BP_STYLE_H
#define BP_STYLE_H

#include <stdbool.h>
#include <stdio.h>

enum level { LEVEL_OK, LEVEL_WARN, LEVEL_CRIT, LEVEL_INFO };

struct style {
    bool color;
    bool utf8;
};

/* Decide colour and UTF-8 for stream f (calls setlocale(LC_CTYPE, "")). */
void style_init(struct style *s, FILE *f, bool no_color);
/* The status mark for a level ("✅", "⚠️", "🔴" or ASCII). */
const char *style_mark(const struct style *s, enum level l);
/* ANSI colour start / reset for a level ("" without colour). */
const char *style_on(const struct style *s, enum level l);
const char *style_off(const struct style *s);
/* Bold header start ("" without colour). */
const char *style_bold(const struct style *s);

/* The guide's mailbox levels: ok <= 100 < warn <= 1000 < crit. */
enum level level_mailbox(long long len);

#endif
