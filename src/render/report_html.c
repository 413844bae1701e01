/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_html.c - the load test report page; see report_html.h.
 *
 * Charts are drawn here in SVG by hand: a plot area with nice ticks
 * (1, 2, 5 x 10^k), shaded phase bands, one polyline per series, and
 * dashed reference lines.  All values are escaped for HTML; numbers are
 * printed with a fixed precision so that the same record always renders
 * to the same bytes.
 */
#include "render/report_html.h"
#include "render/style.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define W 600.0
#define H 230.0
#define ML 58.0
#define MR 12.0
#define MT 14.0
#define MB 32.0

static const char *const palette[] = {
    "#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777",
};
#define NPAL (sizeof(palette) / sizeof(*palette))

static void esc(struct sbuf *o, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': sbuf_addstr(o, "&lt;"); break;
        case '>': sbuf_addstr(o, "&gt;"); break;
        case '&': sbuf_addstr(o, "&amp;"); break;
        case '"': sbuf_addstr(o, "&quot;"); break;
        case '\'': sbuf_addstr(o, "&#39;"); break;
        default: sbuf_addch(o, *s);
        }
    }
}

/* 1234567 -> "1,234,567" */
static void count_str(char *buf, size_t n, double v)
{
    char tmp[64];
    long long x = llround(v);
    int neg = x < 0, len, i, k = 0;
    unsigned long long u = neg ? (unsigned long long)(-(x + 1)) + 1 : (unsigned long long)x;

    len = snprintf(tmp, sizeof(tmp), "%llu", u);
    if (neg && k < (int)n - 1)
        buf[k++] = '-';
    for (i = 0; i < len && k < (int)n - 1; i++) {
        if (i && (len - i) % 3 == 0 && k < (int)n - 1)
            buf[k++] = ',';
        buf[k++] = tmp[i];
    }
    buf[k] = '\0';
}

/* Axis labels: 0, 250, 1.5k, 12k, 3.2M. */
static void tick_str(char *buf, size_t n, double v)
{
    double a = fabs(v);
    if (a >= 1e9)
        snprintf(buf, n, "%.3gG", v / 1e9);
    else if (a >= 1e6)
        snprintf(buf, n, "%.3gM", v / 1e6);
    else if (a >= 1e4)
        snprintf(buf, n, "%.3gk", v / 1e3);
    else if (a >= 10 || v == floor(v))
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%.2g", v);
}

/* A step of 1, 2 or 5 x 10^k giving about `want` intervals up to max. */
static double nice_step(double max, int want)
{
    double raw = max / want, p, m;
    if (raw <= 0 || !isfinite(raw))
        return 1;
    p = pow(10, floor(log10(raw)));
    m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

static double nice_max(double max, int want)
{
    double step;
    if (max <= 0)
        return 1;
    step = nice_step(max, want);
    return ceil(max / step - 1e-9) * step;
}

/* ---------------------------------------------------------------------
 * Charts
 */

enum metric { M_MAILBOX, M_MEMORY, M_GC, M_RUNQ, M_NODEMEM, M_RATE };

struct chart {
    enum metric m;
    const char *title;
    const char *unit;
    int per_target;
};

static const struct chart charts[] = {
    { M_MAILBOX, "Mailbox (message_queue_len)", "messages", 1 },
    { M_MEMORY, "Process memory", "MB", 1 },
    { M_GC, "Minor GCs per second", "per s", 1 },
    { M_RUNQ, "Run queue (all schedulers)", "processes", 0 },
    { M_NODEMEM, "Node memory (erlang:memory(total))", "MB", 0 },
    { M_RATE, "Event rate achieved", "events/s", 0 },
};

/* The rate chart has a second series when the target counts deliveries. */
static int has_delivered(const struct report_run *r)
{
    return r->n && r->samples[r->n - 1].delivered >= 0;
}

static size_t nseries(const struct report_run *r, const struct chart *c)
{
    if (c->m == M_RATE)
        return has_delivered(r) ? 2 : 1;
    return c->per_target ? r->ntargets : 1;
}

/* Deliveries per second between sample i-1 and i, from the counter. */
static double delivered_rate(const struct report_run *r, size_t i)
{
    const struct report_sample *a, *b;
    if (i == 0)
        return 0;
    a = &r->samples[i - 1];
    b = &r->samples[i];
    if (a->delivered < 0 || b->delivered < 0 || b->t <= a->t || b->delivered < a->delivered)
        return NAN;
    return (b->delivered - a->delivered) / (b->t - a->t);
}

/* Value of series k of a sample; NAN when there is none. */
static double value(const struct report_run *r, size_t i, enum metric m, size_t k)
{
    const struct report_sample *s = &r->samples[i];
    switch (m) {
    case M_MAILBOX:
        return s->procs[k].alive ? s->procs[k].mailbox : NAN;
    case M_MEMORY:
        return s->procs[k].alive ? s->procs[k].memory / 1048576.0 : NAN;
    case M_GC:
        return s->procs[k].alive ? s->procs[k].gc_rate : NAN;
    case M_RUNQ:
        return s->run_queue;
    case M_NODEMEM:
        return s->memory_total / 1048576.0;
    case M_RATE:
        if (k == 1)
            return delivered_rate(r, i);
        return s->rate;
    }
    return NAN;
}

static double chart_max(const struct report_run *r, const struct chart *c)
{
    double mx = 0;
    size_t i, k;
    for (i = 0; i < r->n; i++)
        for (k = 0; k < nseries(r, c); k++) {
            double v = value(r, i, c->m, k);
            if (isfinite(v) && v > mx)
                mx = v;
        }
    if (c->m == M_RATE && r->asked_rate > mx)
        mx = r->asked_rate;
    return mx;
}

static double run_tmax(const struct report_run *r)
{
    double t = r->n ? r->samples[r->n - 1].t : 1;
    if (r->load_end > t)
        t = r->load_end;
    return t > 0 ? t : 1;
}

static double px(double t, double tmax)
{
    return ML + (W - ML - MR) * (t / tmax);
}

static double py(double v, double ymax)
{
    double y = MT + (H - MT - MB) * (1 - v / ymax);
    return y < MT ? MT : y;
}

static void hline(struct sbuf *o, double v, double ymax, const char *color, const char *label)
{
    double y;
    if (v > ymax)
        return;
    y = py(v, ymax);
    sbuf_addf(o,
              "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
              "stroke-width=\"1\" stroke-dasharray=\"5 4\"/>",
              ML, y, W - MR, y, color);
    if (label)
        sbuf_addf(o,
                  "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"%s\" "
                  "text-anchor=\"end\">%s</text>",
                  W - MR - 2, y - 3, color, label);
}

static void band(struct sbuf *o, double t0, double t1, double tmax, const char *fill,
                 const char *label)
{
    double x0 = px(t0, tmax), x1 = px(t1, tmax);
    if (x1 <= x0)
        return;
    sbuf_addf(o,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>"
              "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#6b7280\">%s</text>",
              x0, MT, x1 - x0, H - MT - MB, fill, x0 + 3, MT + 11, label);
}

static void svg_chart(struct sbuf *o, const struct report_run *r, const struct chart *c,
                      double tmax, double ymax)
{
    double step = nice_step(ymax, 4), t, v, tstep = nice_step(tmax, 6);
    double load_end = r->load_end >= 0 ? r->load_end : (r->n ? r->samples[r->n - 1].t : 0);
    double gap = r->interval_s > 0 ? 3 * r->interval_s + 0.25 : 0;
    size_t i, k;
    char lab[32];

    sbuf_addf(o,
              "<svg viewBox=\"0 0 %.0f %.0f\" xmlns=\"http://www.w3.org/2000/svg\" "
              "role=\"img\" aria-label=\"",
              W, H);
    esc(o, c->title);
    sbuf_addstr(o, "\">");
    /* Phases. */
    if (r->load_start >= 0) {
        band(o, r->load_start, load_end, tmax, "#fdecd9", "load");
        if (r->n && r->samples[r->n - 1].t > load_end)
            band(o, load_end, r->samples[r->n - 1].t, tmax, "#e6f4ea", "recovery");
    }
    /* Grid and axes. */
    for (v = 0; v <= ymax + step * 1e-6; v += step) {
        double y = py(v, ymax);
        tick_str(lab, sizeof(lab), v);
        sbuf_addf(o,
                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e7eb\"/>"
                  "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#6b7280\" "
                  "text-anchor=\"end\">%s</text>",
                  ML, y, W - MR, y, ML - 5, y + 3.5, lab);
    }
    for (t = 0; t <= tmax + tstep * 1e-6; t += tstep) {
        double x = px(t, tmax);
        tick_str(lab, sizeof(lab), t);
        sbuf_addf(o,
                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#9ca3af\"/>"
                  "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#6b7280\" "
                  "text-anchor=\"middle\">%s s</text>",
                  x, H - MB, x, H - MB + 4, x, H - MB + 15, lab);
    }
    sbuf_addf(o,
              "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#9ca3af\"/>"
              "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#6b7280\" "
              "text-anchor=\"middle\">time since start</text>",
              ML, H - MB, W - MR, H - MB, (ML + W - MR) / 2, H - 4);
    sbuf_addf(o,
              "<text x=\"12\" y=\"%.1f\" font-size=\"10\" fill=\"#6b7280\" "
              "transform=\"rotate(-90 12 %.1f)\" text-anchor=\"middle\">%s</text>",
              (MT + H - MB) / 2, (MT + H - MB) / 2, c->unit);
    /* Reference lines. */
    if (c->m == M_MAILBOX) {
        /* Labels only where they do not run into each other. */
        int apart = py(100, ymax) - py(1000, ymax) >= 12;
        hline(o, 100, ymax, "#d97706", apart ? "100 (warning)" : NULL);
        hline(o, 1000, ymax, "#dc2626", apart ? "1000 (critical)" : "100 / 1000 (guide levels)");
    }
    if (c->m == M_RATE && r->asked_rate > 0)
        hline(o, r->asked_rate, ymax, "#6b7280", "asked");
    /* Series. */
    for (k = 0; k < nseries(r, c); k++) {
        int open = 0;
        for (i = 0; i < r->n; i++) {
            double val = value(r, i, c->m, k);
            /* Samples the node was too busy to answer: a gap, not a line. */
            if (open && gap > 0 && r->samples[i].t - r->samples[i - 1].t > gap) {
                sbuf_addstr(o, "\"/>");
                open = 0;
            }
            if (!isfinite(val)) {
                if (open)
                    sbuf_addstr(o, "\"/>");
                open = 0;
                continue;
            }
            if (!open)
                sbuf_addf(o,
                          "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" "
                          "stroke-linejoin=\"round\"%s points=\"",
                          palette[k % NPAL],
                          c->m == M_RATE && k == 1 ? " stroke-dasharray=\"4 2\"" : "");
            sbuf_addf(o, "%s%.1f,%.1f", open ? " " : "", px(r->samples[i].t, tmax),
                      py(val, ymax));
            open = 1;
        }
        if (open)
            sbuf_addstr(o, "\"/>");
        /* A lone point is invisible as a line: mark every point lightly. */
        if (r->n <= 3)
            for (i = 0; i < r->n; i++) {
                double val = value(r, i, c->m, k);
                if (isfinite(val))
                    sbuf_addf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>",
                              px(r->samples[i].t, tmax), py(val, ymax), palette[k % NPAL]);
            }
    }
    sbuf_addstr(o, "</svg>");
}

static void legend(struct sbuf *o, const struct report_run *r, const struct chart *c)
{
    size_t k;
    sbuf_addstr(o, "<div class=\"legend\">");
    if (c->per_target) {
        for (k = 0; k < r->ntargets; k++) {
            sbuf_addf(o, "<span><i style=\"background:%s\"></i>", palette[k % NPAL]);
            esc(o, r->targets[k]);
            sbuf_addstr(o, "</span>");
        }
    } else {
        sbuf_addf(o, "<span><i style=\"background:%s\"></i>%s</span>", palette[0],
                  c->m == M_RATE ? "sent (per sample interval)" : c->m == M_RUNQ
                                                              ? "total run queue"
                                                              : "node total");
        if (c->m == M_RATE && has_delivered(r))
            sbuf_addf(o, "<span><i style=\"background:%s\"></i>delivered (the target's own "
                         "counter)</span>",
                      palette[1]);
    }
    sbuf_addstr(o, "</div>");
}

/* ---------------------------------------------------------------------
 * Summary
 */


static const char *level_word(int level)
{
    return level == LEVEL_CRIT ? "critical" : level == LEVEL_WARN ? "warning" : "healthy";
}

static void row_begin(struct sbuf *o, const char *name, const char *help)
{
    sbuf_addstr(o, "<tr><th>");
    esc(o, name);
    if (help) {
        sbuf_addstr(o, "<small>");
        esc(o, help);
        sbuf_addstr(o, "</small>");
    }
    sbuf_addstr(o, "</th>");
}

static void cell(struct sbuf *o, const char *cls, const char *text)
{
    sbuf_addf(o, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    esc(o, text);
    sbuf_addstr(o, "</td>");
}

static void summary_table(struct sbuf *o, struct report_run *const *runs,
                          const struct report_summary *sm, size_t n)
{
    char a[800], b[48], c[48];
    size_t i;

    sbuf_addstr(o, "<table class=\"summary\"><thead><tr><th></th>");
    for (i = 0; i < n; i++) {
        sbuf_addstr(o, "<th class=\"run\">");
        esc(o, runs[i]->label);
        sbuf_addstr(o, "</th>");
    }
    sbuf_addstr(o, "</tr></thead><tbody>");

    row_begin(o, "Status", "worst mailbox level seen");
    for (i = 0; i < n; i++) {
        sbuf_addf(o, "<td class=\"lv%d\"><span class=\"dot d%d\"></span>%s</td>", sm[i].level,
                  sm[i].level, level_word(sm[i].level));
    }
    sbuf_addstr(o, "</tr>");

    row_begin(o, "Node", NULL);
    for (i = 0; i < n; i++) {
        snprintf(a, sizeof(a), "%s%s%s", runs[i]->node ? runs[i]->node : "?",
                 runs[i]->mode ? ", mode " : "", runs[i]->mode ? runs[i]->mode : "");
        cell(o, NULL, a);
    }
    sbuf_addstr(o, "</tr>");

    row_begin(o, "Load", NULL);
    for (i = 0; i < n; i++) {
        count_str(b, sizeof(b), sm[i].sent);
        snprintf(a, sizeof(a), "%s events, asked %g/s for %g s%s%s", b, runs[i]->asked_rate,
                 runs[i]->duration_s, runs[i]->scenario ? ", scenario " : "",
                 runs[i]->scenario ? runs[i]->scenario : "");
        cell(o, NULL, a);
    }
    sbuf_addstr(o, "</tr>");

    row_begin(o, "Achieved rate", "between the first and the last event");
    for (i = 0; i < n; i++) {
        snprintf(a, sizeof(a), "%.1f/s", sm[i].achieved_rate);
        cell(o, "num", a);
    }
    sbuf_addstr(o, "</tr>");

    row_begin(o, "Peak mailbox", NULL);
    for (i = 0; i < n; i++) {
        count_str(b, sizeof(b), sm[i].peak_mailbox);
        if (sm[i].peak_mailbox > 0)
            snprintf(a, sizeof(a), "%s (%s at %.1f s)", b, sm[i].peak_target, sm[i].peak_t);
        else
            snprintf(a, sizeof(a), "0 (no message ever waited)");
        sbuf_addf(o, "<td class=\"num lv%d\">", sm[i].level);
        esc(o, a);
        sbuf_addstr(o, "</td>");
    }
    sbuf_addstr(o, "</tr>");

    row_begin(o, "Time to recover", "after the load, until every mailbox is at most 100");
    for (i = 0; i < n; i++) {
        if (sm[i].recover_s < 0) {
            count_str(b, sizeof(b), sm[i].final_mailbox);
            snprintf(a, sizeof(a), "not recovered (mailbox %s at the end)", b);
            cell(o, "num lv2", a);
        } else if (sm[i].recover_s == 0 && sm[i].peak_mailbox <= REPORT_OK_MAILBOX) {
            cell(o, "num", "never above 100");
        } else {
            snprintf(a, sizeof(a), "%.1f s", sm[i].recover_s);
            cell(o, "num", a);
        }
    }
    sbuf_addstr(o, "</tr>");

    row_begin(o, "Peak process memory", "largest watched process");
    for (i = 0; i < n; i++) {
        snprintf(a, sizeof(a), "%.2f MB", sm[i].peak_memory / 1048576.0);
        cell(o, "num", a);
    }
    sbuf_addstr(o, "</tr>");

    row_begin(o, "Peak node memory", NULL);
    for (i = 0; i < n; i++) {
        snprintf(a, sizeof(a), "%.1f MB", sm[i].peak_node_memory / 1048576.0);
        cell(o, "num", a);
    }
    sbuf_addstr(o, "</tr>");

    row_begin(o, "Max minor GC rate", "the guide alerts above 10/s");
    for (i = 0; i < n; i++) {
        snprintf(a, sizeof(a), "%.1f/s", sm[i].max_gc_rate);
        cell(o, sm[i].max_gc_rate > 10 ? "num lv1" : "num", a);
    }
    sbuf_addstr(o, "</tr>");

    row_begin(o, "Max run queue", "the guide: above 20 busy, above 50 critical");
    for (i = 0; i < n; i++) {
        count_str(a, sizeof(a), sm[i].max_run_queue);
        cell(o, sm[i].max_run_queue > 50 ? "num lv2" : sm[i].max_run_queue > 20 ? "num lv1"
                                                                               : "num",
             a);
    }
    sbuf_addstr(o, "</tr>");

    row_begin(o, "Events delivered / lost", "counted by the target itself");
    for (i = 0; i < n; i++) {
        if (sm[i].delivered < 0) {
            cell(o, "num muted", "the target has no counters");
            continue;
        }
        count_str(b, sizeof(b), sm[i].delivered);
        count_str(c, sizeof(c), sm[i].lost);
        snprintf(a, sizeof(a), "%s delivered, %s not (yet)", b, c);
        cell(o, sm[i].lost > 0 ? "num lv2" : "num", a);
    }
    sbuf_addstr(o, "</tr>");

    row_begin(o, "Calls", "--call: returned / raised / dropped (caller queue full)");
    for (i = 0; i < n; i++) {
        if (runs[i]->applied < 0) {
            cell(o, "num muted", "-");
            continue;
        }
        {
            char x[48], d[3 * 48 + 8];
            count_str(x, sizeof(x), runs[i]->applied);
            count_str(b, sizeof(b), runs[i]->failed);
            count_str(c, sizeof(c), runs[i]->call_dropped);
            snprintf(d, sizeof(d), "%s / %s / %s", x, b, c);
            cell(o, "num", d);
        }
    }
    sbuf_addstr(o, "</tr>");

    row_begin(o, "Stopped", NULL);
    for (i = 0; i < n; i++)
        cell(o, NULL, runs[i]->message ? runs[i]->message
                      : runs[i]->stopped ? runs[i]->stopped : "(no summary recorded)");
    sbuf_addstr(o, "</tr></tbody></table>");
}

/* ---------------------------------------------------------------------
 * Sample tables and data blocks
 */

static void sample_table(struct sbuf *o, const struct report_run *r)
{
    size_t i, k;
    static const char *const ph[] = { "before", "load", "recover" };

    sbuf_addstr(o, "<details><summary>");
    esc(o, r->label);
    sbuf_addf(o, ": %zu samples</summary><table class=\"samples\"><thead><tr>"
                 "<th>t (s)</th><th>phase</th><th>sent</th><th>rate</th><th>run queue</th>"
                 "<th>node MB</th>",
              r->n);
    for (k = 0; k < r->ntargets; k++) {
        sbuf_addstr(o, "<th>");
        esc(o, r->targets[k]);
        sbuf_addstr(o, " mailbox</th><th>MB</th><th>GC/s</th>");
    }
    sbuf_addstr(o, "</tr></thead><tbody>");
    for (i = 0; i < r->n; i++) {
        const struct report_sample *s = &r->samples[i];
        sbuf_addf(o, "<tr><td>%.2f</td><td>%s</td><td>%.0f</td><td>%.1f</td><td>%.0f</td>"
                     "<td>%.1f</td>",
                  s->t, ph[s->phase], s->sent, s->rate, s->run_queue,
                  s->memory_total / 1048576.0);
        for (k = 0; k < r->ntargets; k++) {
            if (!s->procs[k].alive)
                sbuf_addstr(o, "<td>-</td><td>-</td><td>-</td>");
            else
                sbuf_addf(o, "<td>%.0f</td><td>%.2f</td><td>%.1f</td>", s->procs[k].mailbox,
                          s->procs[k].memory / 1048576.0, s->procs[k].gc_rate);
        }
        sbuf_addstr(o, "</tr>");
    }
    sbuf_addstr(o, "</tbody></table></details>");
}

static void data_block(struct sbuf *o, const struct report_run *r, size_t idx)
{
    size_t i;
    sbuf_addf(o, "<script type=\"application/json\" id=\"beamprobe-run-%zu\">[", idx + 1);
    for (i = 0; i < r->nlines; i++) {
        const char *p = r->lines[i];
        if (i)
            sbuf_addstr(o, ",\n");
        /* '<' never appears in JSON outside strings; inside them \u003c is
         * the same character, and the block can neither end early nor
         * open anything. */
        for (; *p; p++) {
            if (*p == '<')
                sbuf_addstr(o, "\\u003c");
            else
                sbuf_addch(o, *p);
        }
    }
    sbuf_addstr(o, "]</script>\n");
}

static const char css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
    "color:#111827;background:#f9fafb;margin:0;padding:24px 28px}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:15px;margin:26px 0 8px;color:#374151}"
    ".sub{color:#6b7280;margin:0 0 18px}"
    "table.summary{border-collapse:collapse;background:#fff;box-shadow:0 1px 2px #0001;"
    "min-width:60%}"
    "table.summary th,table.summary td{padding:6px 12px;border-bottom:1px solid #e5e7eb;"
    "text-align:left;vertical-align:top}"
    "table.summary th small{display:block;font-weight:400;color:#9ca3af;font-size:11px}"
    "table.summary th.run{font-size:15px}"
    "td.num{font-variant-numeric:tabular-nums}td.muted{color:#9ca3af}"
    ".lv0{color:#15803d}.lv1{color:#b45309;font-weight:600}.lv2{color:#b91c1c;font-weight:600}"
    ".dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px}"
    ".d0{background:#16a34a}.d1{background:#f59e0b}.d2{background:#dc2626}"
    ".row{display:grid;gap:16px}"
    "figure{margin:0;background:#fff;box-shadow:0 1px 2px #0001;padding:8px 10px 6px}"
    "figcaption{font-size:12px;color:#6b7280;margin-bottom:2px}"
    "svg{width:100%;height:auto;display:block}"
    ".legend{font-size:11px;color:#374151}.legend span{margin-right:12px}"
    ".legend i{display:inline-block;width:10px;height:3px;margin-right:4px;"
    "vertical-align:middle}"
    "details{margin-top:10px}table.samples{border-collapse:collapse;font-size:12px;"
    "background:#fff}table.samples td,table.samples th{padding:2px 8px;"
    "border-bottom:1px solid #f3f4f6;text-align:right}"
    "footer{margin-top:28px;color:#9ca3af;font-size:12px}";

void report_html(struct sbuf *out, struct report_run *const *runs, size_t n,
                 const char *title)
{
    struct report_summary sm[8];
    double tmax = 1;
    size_t i, c;

    if (n > 8)
        n = 8;
    for (i = 0; i < n; i++) {
        report_summarize(runs[i], &sm[i]);
        if (run_tmax(runs[i]) > tmax)
            tmax = run_tmax(runs[i]);
    }
    tmax = nice_max(tmax, 6);
    sbuf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width\"><title>");
    esc(out, title ? title : "beamprobe load test report");
    sbuf_addf(out, "</title><style>%s</style></head><body>\n<h1>", css);
    esc(out, title ? title : "Load test report");
    sbuf_addstr(out, "</h1><p class=\"sub\">");
    for (i = 0; i < n; i++) {
        if (i)
            sbuf_addstr(out, " &nbsp;vs&nbsp; ");
        sbuf_addstr(out, "<b>");
        esc(out, runs[i]->label);
        sbuf_addstr(out, "</b>: ");
        esc(out, runs[i]->what ? runs[i]->what : "load");
        if (runs[i]->started) {
            sbuf_addstr(out, ", started ");
            esc(out, runs[i]->started);
        }
    }
    sbuf_addstr(out, "</p>\n");
    summary_table(out, runs, sm, n);
    for (c = 0; c < sizeof(charts) / sizeof(*charts); c++) {
        double ymax = 0;
        for (i = 0; i < n; i++) {
            double m = chart_max(runs[i], &charts[c]);
            if (m > ymax)
                ymax = m;
        }
        ymax = nice_max(ymax * 1.05, 4);
        sbuf_addstr(out, "\n<h2>");
        esc(out, charts[c].title);
        sbuf_addf(out, "</h2><div class=\"row\" style=\"grid-template-columns:repeat(%zu,1fr)\">",
                  n);
        for (i = 0; i < n; i++) {
            sbuf_addstr(out, "<figure><figcaption>");
            esc(out, runs[i]->label);
            sbuf_addstr(out, "</figcaption>");
            svg_chart(out, runs[i], &charts[c], tmax, ymax);
            legend(out, runs[i], &charts[c]);
            sbuf_addstr(out, "</figure>");
        }
        sbuf_addstr(out, "</div>");
    }
    sbuf_addstr(out, "\n<h2>Recorded samples</h2>");
    for (i = 0; i < n; i++)
        sample_table(out, runs[i]);
    sbuf_addstr(out, "\n<footer>Generated by beamprobe. Status marks follow the profiling "
                     "guide: healthy up to 100 queued messages, warning above 100, critical "
                     "above 1000. Shaded: the load (orange) and the recovery after it "
                     "(green).</footer>\n");
    for (i = 0; i < n; i++)
        data_block(out, runs[i], i);
    sbuf_addstr(out, "</body></html>\n");
}
