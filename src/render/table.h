/* SPDX-License-Identifier: Apache-2.0 */
/*
 * table.h - aligned text tables for terminal output.
 *
 * Cells are copied into the table's arena; widths are measured in display
 * columns (UTF-8 aware, wide emoji count as two), so status marks line up.
 * Ownership: table_new returns a table the caller frees with table_free.
 */
#ifndef BP_TABLE_H
#define BP_TABLE_H

#include <stdio.h>

#include "render/style.h"

struct table;

/* ncols columns; spec is one char per column: 'l' left, 'r' right. */
struct table *table_new(const char *const *headers, const char *spec);
/* Add a row of ncols NUL-terminated cells (copied). */
void table_row(struct table *t, const char *const *cells);
/* Add a row from printf-style cells separated by '\t' in one string. */
void table_rowf(struct table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Print headers (bold with colour) and rows. */
void table_print(const struct table *t, FILE *f, const struct style *s);
void table_free(struct table *t);

/* Display width of a UTF-8 string. */
size_t display_width(const char *s);

#endif
