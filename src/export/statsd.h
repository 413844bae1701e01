/* SPDX-License-Identifier: Apache-2.0 */
/*
 * statsd.h - push a metric set to StatsD over UDP.
 *
 * Each sample of a prom_set becomes one StatsD line; lines are packed
 * into datagrams of at most 1432 bytes.  Gauges are sent as `|g`;
 * counters (families of type "counter") as `|c` with the increase since
 * the previous push (nothing on the first push, and a reset counts as its
 * new value), so StatsD's own aggregation stays right.
 *
 * Naming: plain StatsD has no labels, so label values become path
 * segments after the prefix and before the metric:
 *   beam_process_message_queue_len{node="a@h",process="agg"} ->
 *   beam.a_h.agg.process_message_queue_len
 * (characters other than [A-Za-z0-9_-] become '_').  With tags
 * (DogStatsD / Telegraf), the Prometheus name is kept and labels become
 * tags: beam_process_message_queue_len:3|g|#node:a@h,process:agg
 *
 * Sending is fire-and-forget (UDP): a lost datagram is not an error.
 */
#ifndef BP_EXPORT_STATSD_H
#define BP_EXPORT_STATSD_H

#include <stdbool.h>
#include <stddef.h>

#include "render/prom.h"
#include "util/err.h"

struct statsd;

/* Resolve HOST:PORT and open a UDP socket.  BP_EUSAGE / BP_EIO. */
int statsd_open(const char *spec, const char *prefix, bool tags, struct statsd **out,
                struct bp_err *err);

/* Render ps as StatsD lines into out (one per line, '\n'-terminated);
 * for tests and for statsd_push.  Counter deltas update the state. */
void statsd_render(struct statsd *s, const struct prom_set *ps, struct sbuf *out);

/* Render and send; returns the number of datagrams sent. */
size_t statsd_push(struct statsd *s, const struct prom_set *ps);

void statsd_close(struct statsd *s);

/* A StatsD state with no socket, for rendering only (tests). */
struct statsd *statsd_new_offline(const char *prefix, bool tags);

#endif
