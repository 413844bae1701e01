/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_html.h - a recorded load test as one self-contained HTML page.
 *
 * The page needs nothing but itself: inline CSS, inline SVG charts, no
 * script, no font or image to fetch, so it opens offline and can be
 * mailed or attached to a ticket.  One run is one column; two runs (say
 * the demo target's flawed and fixed modes) are side by side with the same
 * time and value scales, so the difference is what the eye sees first.
 *
 * Content: a summary table (status, load asked and achieved, peak mailbox,
 * time to recover, memory, GC rate, run queue, events delivered and lost
 * when the target counts them), then charts over time of mailbox (with
 * the guide's 100 and 1000 lines), process memory, minor GCs per second,
 * node run queue, node memory and achieved event rate (with the asked
 * rate), each with the run's phases shaded (before, load, recovery), then
 * the recorded samples as tables, and every recorded line verbatim in a
 * <script type="application/json" id="beamprobe-run-N"> data block (not
 * executed; '<' is written \u003c, which JSON reads back the same) for
 * tools.
 *
 * Pure: renders from struct report_run into a buffer.
 */
#ifndef BP_REPORT_HTML_H
#define BP_REPORT_HTML_H

#include <stddef.h>

#include "render/report_data.h"
#include "util/sbuf.h"

/* Render runs[0..n) (n >= 1) as an HTML page into out.  title may be NULL. */
void report_html(struct sbuf *out, struct report_run *const *runs, size_t n,
                 const char *title);

#endif
