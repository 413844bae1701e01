/* SPDX-License-Identifier: Apache-2.0 */
/*
 * prom.h - metrics as a set of labelled samples, rendered in the
 * Prometheus text exposition format (version 0.0.4).
 *
 * A prom_set holds the samples of one refresh.  Families (name, type, help)
 * are declared once, in the order they are rendered; samples are added in
 * any order and come out grouped under their family's # HELP and # TYPE
 * lines, as the format requires.  Label values and help texts are escaped
 * (backslash, double quote, newline); values print exactly (integers
 * without exponent, NaN, +Inf, -Inf).  The same set feeds the StatsD
 * sender (export/statsd.h).
 *
 * Ownership: the set copies every label string into its own arena;
 * prom_set_clear() drops the samples and keeps the memory.
 */
#ifndef BP_RENDER_PROM_H
#define BP_RENDER_PROM_H

#include <stddef.h>

#include "util/arena.h"
#include "util/sbuf.h"

#define PROM_MAX_LABELS 4

struct prom_family {
    const char *name; /* e.g. "beam_process_message_queue_len" */
    const char *type; /* "gauge" or "counter" (counter names end in _total) */
    const char *help;
};

struct prom_label {
    const char *name;
    const char *value;
};

struct prom_sample {
    size_t family;                         /* index into the set's families */
    size_t nlabels;
    struct prom_label labels[PROM_MAX_LABELS];
    double value;
};

struct prom_set {
    const struct prom_family *families; /* borrowed */
    size_t nfamilies;
    struct prom_sample *samples;
    size_t n, alloc;
    struct arena arena;
};

void prom_set_init(struct prom_set *ps, const struct prom_family *families, size_t nfamilies);
void prom_set_release(struct prom_set *ps);
/* Forget the samples (keeps the family table and memory). */
void prom_set_clear(struct prom_set *ps);

/*
 * Add one sample of family index fam with up to PROM_MAX_LABELS label
 * pairs given as (name, value) strings, ended by NULL:
 *   prom_add(ps, F_MAILBOX, 12, "node", "a@h", "process", "agg", NULL);
 * Pairs past the limit are ignored.
 */
void prom_add(struct prom_set *ps, size_t fam, double value, ...);

/* Render every family that has samples, in family order. */
void prom_render(const struct prom_set *ps, struct sbuf *out);

/* Pieces, exposed for tests and for other renderers. */
void prom_escape_label(struct sbuf *out, const char *s);
void prom_escape_help(struct sbuf *out, const char *s);
void prom_value(struct sbuf *out, double v);

#endif
