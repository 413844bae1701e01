/* SPDX-License-Identifier: Apache-2.0 */
/*
 * format.h - numbers for people: bytes, counts, rates.
 * Sizes use binary units as the guide does (MB = 1024 * 1024 bytes).
 */
#ifndef BP_FORMAT_H
#define BP_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* "512 B", "1.5 KB", "12.34 MB", "1.02 GB" */
void fmt_bytes(char *buf, size_t n, double bytes);
/* "1234567" -> "1,234,567" */
void fmt_count(char *buf, size_t n, int64_t v);
/* Rates: "12.3/s", "4.56k/s", "7.89M/s" */
void fmt_rate(char *buf, size_t n, double per_sec);
/* Megabytes with two decimals, as the guide prints them: "12.34" */
double to_mb(double bytes);

#endif
