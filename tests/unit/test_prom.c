/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_prom.c - unit tests for render/prom.c (Prometheus text exposition:
 * grouping under HELP/TYPE, label and help escaping, exact values), the
 * export metric families (golden text of one node, a node that is down)
 * and the StatsD rendering (names, tags, counter deltas).
 */
#include "export/metrics.h"
#include "export/statsd.h"
#include "render/prom.h"
#include "unit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct prom_family fams[] = {
    { "t_gauge", "gauge", "A gauge with a \\ and a\nnewline" },
    { "t_events_total", "counter", "Events" },
    { "t_empty", "gauge", "Never sampled" },
};

TEST(prom_groups_escapes_and_formats)
{
    struct prom_set ps;
    struct sbuf sb = SBUF_INIT;

    prom_set_init(&ps, fams, 3);
    /* Added out of family order: rendering groups them. */
    prom_add(&ps, 1, 7, "node", "a@h", NULL);
    prom_add(&ps, 0, 1.5, "node", "a@h", "process", "q\"uo\\te\nx", NULL);
    prom_add(&ps, 1, 9007199254740993.0, "node", "b@h", NULL);
    prom_add(&ps, 0, NAN, NULL);
    prom_add(&ps, 0, -INFINITY, "k", "v", NULL);
    prom_add(&ps, 0, 0.1, "k", "w", NULL);
    prom_add(&ps, 0, -0.0, "k", "z", NULL);
    prom_add(&ps, 9, 1, NULL); /* unknown family: ignored */
    prom_render(&ps, &sb);
    ASSERT_STREQ(sbuf_str(&sb),
                 "# HELP t_gauge A gauge with a \\\\ and a\\nnewline\n"
                 "# TYPE t_gauge gauge\n"
                 "t_gauge{node=\"a@h\",process=\"q\\\"uo\\\\te\\nx\"} 1.5\n"
                 "t_gauge NaN\n"
                 "t_gauge{k=\"v\"} -Inf\n"
                 "t_gauge{k=\"w\"} 0.1\n"
                 "t_gauge{k=\"z\"} 0\n"
                 "# HELP t_events_total Events\n"
                 "# TYPE t_events_total counter\n"
                 "t_events_total{node=\"a@h\"} 7\n"
                 "t_events_total{node=\"b@h\"} 9007199254740992\n");
    prom_set_clear(&ps);
    sbuf_reset(&sb);
    prom_render(&ps, &sb);
    ASSERT_STREQ(sbuf_str(&sb), "");
    sbuf_release(&sb);
    prom_set_release(&ps);
}

TEST(prom_values_read_back_exactly)
{
    struct sbuf sb = SBUF_INIT;
    double v[] = { 1.0 / 3, 1e-300, 123456789.125, 2.5e20, -42 };
    size_t i;

    for (i = 0; i < sizeof(v) / sizeof(*v); i++) {
        sbuf_reset(&sb);
        prom_value(&sb, v[i]);
        ASSERT(strtod(sbuf_str(&sb), NULL) == v[i]);
    }
    sbuf_reset(&sb);
    prom_value(&sb, INFINITY);
    ASSERT_STREQ(sbuf_str(&sb), "+Inf");
    sbuf_release(&sb);
}

/* One node with two schedulers and one watched process, as export sees it. */
static void sample_node(struct metric_node *m, struct node_stats *ns, struct sched_sample *ss,
                        struct metric_proc *p, double *util)
{
    static int64_t rq[4] = { 3, 1, 0, 2 };
    static int64_t act[4], tot[4];

    memset(m, 0, sizeof(*m));
    memset(ns, 0, sizeof(*ns));
    memset(ss, 0, sizeof(*ss));
    memset(p, 0, sizeof(*p));
    ns->mem.total = 30000000;
    ns->mem.processes = 10000000;
    ns->mem.binary = 500000;
    ns->process_count = 85;
    ns->process_limit = 262144;
    ns->reductions = 123456789;
    ns->uptime_ms = 61500;
    ss->run_queues = rq;
    ss->n_run_queues = 4;
    ss->schedulers = ss->schedulers_online = 2;
    ss->dirty_cpu = 1;
    ss->dirty_io = 1;
    ss->active = act;
    ss->total = tot;
    ss->n_wall = 4;
    util[0] = 0.5;
    util[1] = 0.25;
    util[2] = 0;
    util[3] = 0;
    p->label = "agg";
    p->found = p->alive = true;
    p->pid = "<0.98.0>";
    p->v.message_queue_len = 18472;
    p->v.memory = 35000000;
    p->v.heap_size = 1000;
    p->v.total_heap_size = 4000;
    p->v.reductions = 99;
    p->minor_gcs_per_sec = 12.5;
    p->minor_gcs_total = 250;
    m->node = "lasso1@h";
    m->up = true;
    m->collect_seconds = 0.002;
    m->wall_ms = 1700000000000;
    m->ns = ns;
    m->ss = ss;
    m->util = util;
    m->wordsize = 8;
    m->reductions_per_sec = 1000.5;
    m->procs = p;
    m->nprocs = 1;
}

static int has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    const char *p = text;
    while ((p = strstr(p, line)) != NULL) {
        if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
            return 1;
        p += n;
    }
    return 0;
}

TEST(prom_export_families_for_one_node)
{
    struct prom_set ps;
    struct sbuf sb = SBUF_INIT;
    struct metric_node m, down;
    struct node_stats ns;
    struct sched_sample ss;
    struct metric_proc p;
    double util[4];
    const char *t;

    sample_node(&m, &ns, &ss, &p, util);
    memset(&down, 0, sizeof(down));
    down.node = "lasso2@h";
    prom_set_init(&ps, metric_families, M_NFAMILIES);
    metrics_add_node(&ps, &m);
    metrics_add_node(&ps, &down);
    prom_render(&ps, &sb);
    t = sbuf_str(&sb);
    ASSERT(has_line(t, "# TYPE beam_up gauge"));
    ASSERT(has_line(t, "beam_up{node=\"lasso1@h\"} 1"));
    ASSERT(has_line(t, "beam_up{node=\"lasso2@h\"} 0"));
    ASSERT(has_line(t, "beam_process_message_queue_len{node=\"lasso1@h\",process=\"agg\"} 18472"));
    ASSERT(has_line(t, "beam_process_info{node=\"lasso1@h\",process=\"agg\",pid=\"<0.98.0>\"} 1"));
    ASSERT(has_line(t, "beam_process_heap_size_bytes{node=\"lasso1@h\",process=\"agg\"} 8000"));
    ASSERT(has_line(t, "beam_process_minor_gcs_per_second{node=\"lasso1@h\",process=\"agg\"} 12.5"));
    ASSERT(has_line(t, "# TYPE beam_process_minor_gcs_total counter"));
    ASSERT(has_line(t, "beam_run_queue_length{node=\"lasso1@h\"} 6"));
    ASSERT(has_line(t, "beam_scheduler_run_queue_length{node=\"lasso1@h\",scheduler=\"2\","
                       "type=\"normal\"} 1"));
    ASSERT(has_line(t, "beam_scheduler_run_queue_length{node=\"lasso1@h\",scheduler=\"dirty_io\","
                       "type=\"dirty_io\"} 2"));
    ASSERT(has_line(t, "beam_scheduler_utilization_ratio{node=\"lasso1@h\",scheduler=\"1\","
                       "type=\"normal\"} 0.5"));
    ASSERT(has_line(t, "beam_scheduler_utilization_ratio{node=\"lasso1@h\",scheduler=\"1\","
                       "type=\"dirty_cpu\"} 0"));
    ASSERT(has_line(t, "beam_memory_bytes{node=\"lasso1@h\",kind=\"binary\"} 500000"));
    ASSERT(has_line(t, "beam_processes{node=\"lasso1@h\"} 85"));
    ASSERT(has_line(t, "# TYPE beam_reductions_total counter"));
    ASSERT(has_line(t, "beam_reductions_per_second{node=\"lasso1@h\"} 1000.5"));
    ASSERT(has_line(t, "beam_uptime_seconds{node=\"lasso1@h\"} 61.5"));
    ASSERT(has_line(t, "beam_last_refresh_timestamp_seconds{node=\"lasso1@h\"} 1700000000"));
    /* A node that is down has only beam_up. */
    ASSERT(strstr(t, "lasso2@h\"} 0\n") != NULL);
    ASSERT(strstr(t, "beam_processes{node=\"lasso2@h\"}") == NULL);
    /* Conventions: _total only on counters, each family's TYPE once. */
    {
        size_t i;
        for (i = 0; i < M_NFAMILIES; i++) {
            const struct prom_family *f = &metric_families[i];
            size_t n = strlen(f->name);
            int is_total = n > 6 && strcmp(f->name + n - 6, "_total") == 0;
            ASSERT(is_total == (strcmp(f->type, "counter") == 0));
            ASSERT(strncmp(f->name, "beam_", 5) == 0);
        }
    }
    sbuf_release(&sb);
    prom_set_release(&ps);
}

TEST(statsd_names_tags_and_counter_deltas)
{
    struct prom_set ps;
    struct sbuf sb = SBUF_INIT;
    struct statsd *plain = statsd_new_offline("beam", false);
    struct statsd *tags = statsd_new_offline("beam", true);

    prom_set_init(&ps, metric_families, M_NFAMILIES);
    prom_add(&ps, M_PROC_MAILBOX, 12, "node", "a@h.x", "process", "agg", NULL);
    prom_add(&ps, M_REDUCTIONS, 1000, "node", "a@h.x", NULL);
    statsd_render(plain, &ps, &sb);
    /* First push: gauges only (no counter increase known yet). */
    ASSERT_STREQ(sbuf_str(&sb), "beam.a_h_x.agg.process_message_queue_len:12|g\n");
    sbuf_reset(&sb);
    prom_set_clear(&ps);
    prom_add(&ps, M_PROC_MAILBOX, 3, "node", "a@h.x", "process", "agg", NULL);
    prom_add(&ps, M_REDUCTIONS, 1500, "node", "a@h.x", NULL);
    statsd_render(plain, &ps, &sb);
    ASSERT_STREQ(sbuf_str(&sb), "beam.a_h_x.agg.process_message_queue_len:3|g\n"
                                "beam.a_h_x.reductions_total:500|c\n");
    sbuf_reset(&sb);
    statsd_render(tags, &ps, &sb);
    ASSERT_STREQ(sbuf_str(&sb),
                 "beam_process_message_queue_len:3|g|#node:a@h.x,process:agg\n");
    sbuf_reset(&sb);
    prom_set_clear(&ps);
    /* A counter that restarted counts its new value. */
    prom_add(&ps, M_REDUCTIONS, 40, "node", "a@h.x", NULL);
    statsd_render(tags, &ps, &sb);
    sbuf_reset(&sb);
    prom_set_clear(&ps);
    prom_add(&ps, M_REDUCTIONS, 10, "node", "a@h.x", NULL);
    statsd_render(tags, &ps, &sb);
    ASSERT_STREQ(sbuf_str(&sb), "beam_reductions_total:10|c|#node:a@h.x\n");
    sbuf_release(&sb);
    prom_set_release(&ps);
    statsd_close(plain);
    statsd_close(tags);
}

TEST(statsd_table_grows)
{
    struct prom_set ps;
    struct sbuf sb = SBUF_INIT;
    struct statsd *s = statsd_new_offline("p", false);
    char node[32];
    int i, round;

    prom_set_init(&ps, metric_families, M_NFAMILIES);
    for (round = 0; round < 2; round++) {
        prom_set_clear(&ps);
        for (i = 0; i < 300; i++) {
            snprintf(node, sizeof(node), "n%d", i);
            prom_add(&ps, M_GCS, (double)(i + round * 5), "node", node, NULL);
        }
        sbuf_reset(&sb);
        statsd_render(s, &ps, &sb);
    }
    ASSERT(strstr(sbuf_str(&sb), "p.n299.garbage_collections_total:5|c\n") != NULL);
    sbuf_release(&sb);
    prom_set_release(&ps);
    statsd_close(s);
}
