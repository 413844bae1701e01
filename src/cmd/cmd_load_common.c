/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_load_common.c - load sessions and the monitor line; see
 * cmd_load_common.h.
 *
 * A load session opens one control connection per node (the attached one
 * for the entry node) and K sending connections per node.  The control
 * connection resolves targets, starts the --call callers' bookkeeping and
 * polls the guards every 100 ms from the main thread while the lanes send
 * from their own threads; so a slow poll never delays an event, and a
 * flooded mailbox is seen within a tenth of a second.
 */
#include "cmd/cmd_load_common.h"
#include "render/report_data.h"
#include "analyze/rate.h"
#include "cmd/cmd_common.h"
#include "render/format.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/sig.h"
#include "util/xalloc.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define POLL_MS 100
#define PROGRESS_MS 250
#define CALLER_MAX_QUEUE 1000
#define CALLER_MAX_HEAP (4 * 1024 * 1024)   /* words */
#define CALLER_GRACE_MS 60000

/* ---------------------------------------------------------------------
 * Options
 */

const char load_opts_details[] =
    "Events are built from --template (Erlang or Elixir syntax; default $seq) with\n"
    "generators: $seq (1, 2, ...), $now_ms, $rand(Lo, Hi), $pick(a: 95, b: 5),\n"
    "$str(\"prefix_\", $seq), and %Struct{...} literals.  --to sends each event as a\n"
    "message to TARGET; --call 'Mod.fun(args)' runs the call on the node once per\n"
    "event, $event standing for the event (through a caller process beamprobe\n"
    "starts and removes).  --scenario easy|medium|worst is the guide's LoadTest.run\n"
    "(50/s for 60 s, 400/s for 60 s, 3000/s for 30 s) with its RoutingDecision,\n"
    "broadcast on the demo target's \"routing:decisions:default\" topic.\n"
    "\n"
    "Pacing is time-based catch-up: event i is due at i/rate, so the rate is exact\n"
    "however the machine sleeps.  A run always ends: after --count events (default\n"
    "rate x duration) or --duration (default 10s; with only --count, 1.5 x the time\n"
    "the count needs plus 5 s), whichever comes first, at most 24 h.\n"
    "--abort-if-mailbox TARGET>N stops the load when TARGET's mailbox passes N\n"
    "(checked every 100 ms on a separate connection; exit 6).  Ctrl-C stops at once\n"
    "and prints what was sent.  With --cluster every member node gets the rate.  --relay\n"
    "sends --to events in batches through a relay process on the node, as --call\n"
    "'erlang:send(TARGET, $event)' would: each event is then a local send, which\n"
    "goes past what one distribution connection delivers message by message.\n"
    "The caller process of --call and --relay runs at high priority, so that a\n"
    "saturated node still gets the asked rate (--normal-priority to opt out).";

int load_opts_add(struct opt *dst, struct load_opts *lo)
{
    struct opt o[LOAD_NOPTS] = {
        OPT_STRING("to", 0, &lo->to, "TARGET", "send each event as a message to TARGET"),
        OPT_STRING("call", 0, &lo->call, "CALL",
                   "run CALL on the node per event ($event is the event)"),
        OPT_STRING("template", 't', &lo->tmpl, "TERM", "the event (default $seq)"),
        OPT_STRING("scenario", 0, &lo->scenario, "NAME",
                   "easy, medium or worst: the guide's scenarios on the demo target"),
        OPT_STRING("rate", 'r', &lo->rate_s, "R", "events per second (400, 0.5, 30/m)"),
        OPT_DURATION("duration", 'd', &lo->duration_ms, "D", "stop after D (default 10s)"),
        OPT_INT("count", 'n', &lo->count, "N", "stop after N events (default rate x D)"),
        OPT_INT("connections", 'k', &lo->connections, "K",
                "send over K connections per node (1 to 7)"),
        OPT_FLAG("cluster", 'c', &lo->cluster, "load every node of the cluster"),
        OPT_LIST("abort-if-mailbox", 0, &lo->guards, "TARGET>N",
                 "stop when TARGET's mailbox passes N (repeatable)"),
        OPT_INT("seed", 0, &lo->seed, "S", "seed of $rand and $pick (default: random)"),
        OPT_INT("max-queue", 0, &lo->max_queue, "N",
                "--call: batches queued at the caller before it drops (default 1000)"),
        OPT_DURATION("max-lag", 0, &lo->max_lag_ms, "D",
                     "largest catch-up burst after a stall (default 1s)"),
        OPT_FLAG("relay", 0, &lo->relay,
                 "--to: through a relay process on the node (beyond ~500k/s)"),
        OPT_FLAG("normal-priority", 0, &lo->normal_priority,
                 "--call/--relay: run the caller at normal priority, not high"),
        OPT_FLAG("quiet", 'q', &lo->quiet, "no progress line on the terminal"),
    };
    memcpy(dst, o, sizeof(o));
    return LOAD_NOPTS;
}

struct scenario {
    const char *name;
    double rate;
    int64_t duration_ms;
};

static const struct scenario scenarios[] = {
    { "easy", 50, 60000 },
    { "medium", 400, 60000 },
    { "worst", 3000, 30000 },
};

#define SCENARIO_CALL \
    "Phoenix.PubSub.broadcast(Lasso.PubSub, \"routing:decisions:default\", $event)"

/* The guide's RoutingDecision.new(...) as a struct literal, with every
 * field the struct has (a literal gets no defaults): source_node is the
 * target node's own name, an atom it has already. */
static const char *scenario_template(struct arena *a, const char *node)
{
    return arena_printf(
        a,
        "%%Lasso.Events.RoutingDecision{ts: $now_ms, request_id: $str(\"load_test_\", $seq), "
        "profile: \"default\", source_node: :\"%s\", source_region: \"us-west-2\", "
        "chain: \"ethereum_mainnet\", method: \"eth_getBlockByNumber\", "
        "strategy: \"fastest_responder\", provider_id: \"test_provider\", transport: :http, "
        "duration_ms: $rand(1, 100), result: $pick(success: 95, error: 5), failover_count: 0}",
        node);
}

static int parse_rate(const char *s, double *out, struct bp_err *err)
{
    char *end;
    double v;

    v = strtod(s, &end);
    if (end == s || !isfinite(v) || v <= 0)
        return bp_error(err, BP_EUSAGE, "--rate must be a positive number, not '%s'", s);
    if (strcmp(end, "") == 0 || strcmp(end, "/s") == 0)
        ;
    else if (strcmp(end, "/m") == 0 || strcmp(end, "/min") == 0)
        v /= 60;
    else if (strcmp(end, "/h") == 0)
        v /= 3600;
    else
        return bp_error(err, BP_EUSAGE, "--rate '%s': use e.g. 400, 400/s, 30/m, 0.5", s);
    if (v > LOAD_MAX_RATE)
        return bp_error(err, BP_EUSAGE, "--rate above %.0f events per second", LOAD_MAX_RATE);
    *out = v;
    return 0;
}

/* "TARGET>N": the last '>' followed only by digits. */
static int parse_guard(struct arena *a, const char *s, struct load_guard *g, struct bp_err *err)
{
    const char *gt = NULL, *p;
    char *end;
    long long n;

    for (p = s; *p; p++)
        if (*p == '>' && p[1] >= '0' && p[1] <= '9')
            gt = p;
    if (!gt || gt == s)
        return bp_error(err, BP_EUSAGE, "--abort-if-mailbox wants TARGET>N, not '%s'", s);
    n = strtoll(gt + 1, &end, 10);
    if (*end || n < 0)
        return bp_error(err, BP_EUSAGE, "--abort-if-mailbox wants TARGET>N, not '%s'", s);
    memset(g, 0, sizeof(*g));
    g->spec = arena_strndup(a, s, (size_t)(gt - s));
    g->limit = n;
    return 0;
}

/* ---------------------------------------------------------------------
 * Connecting
 */

/*
 * Two beamprobes connecting at the same instant race for the same pool
 * name, and the node answers the second "nok" (a handshake from that name
 * is already in progress).  node_open moves on to the next name only for
 * "alive"; until it does for "nok" too, retry here after a short pause.
 */
static int nok(int rc, const struct bp_err *err)
{
    return rc == BP_EHANDSHAKE && strstr(err->msg, "(status 'nok')") != NULL;
}

int load_connect(struct bp_ctx *ctx, const char *node, struct node_conn **out,
                 struct bp_err *err)
{
    int rc, tries = 0;

    ctx->liveness = true;
    while (nok(rc = cli_connect_to(ctx, node, out, err), err) && ++tries < 6)
        sig_sleep_until(clock_ms() + 40 + (clock_ns() / 1000) % 80);
    return rc;
}

int load_attach(struct bp_ctx *ctx, struct bp_err *err)
{
    int rc, tries = 0;

    ctx->liveness = true;
    while (nok(rc = cli_attach(ctx, err), err) && ++tries < 6)
        sig_sleep_until(clock_ms() + 40 + (clock_ns() / 1000) % 80);
    return rc;
}

/* ---------------------------------------------------------------------
 * Session
 */

static int resolve_settings(struct load_session *s, struct bp_err *err)
{
    struct load_opts *lo = s->lo;
    const struct scenario *sc = NULL;
    size_t i;
    int rc;

    if (lo->scenario) {
        for (i = 0; i < sizeof(scenarios) / sizeof(*scenarios); i++)
            if (strcmp(lo->scenario, scenarios[i].name) == 0)
                sc = &scenarios[i];
        if (!sc)
            return bp_error(err, BP_EUSAGE,
                            "--scenario must be easy, medium or worst, not '%s'", lo->scenario);
        s->scenario = sc->name;
    }
    if (lo->to && lo->call)
        return bp_error(err, BP_EUSAGE, "give --to or --call, not both");
    if (!lo->to && !lo->call && !sc)
        return bp_error(err, BP_EUSAGE, "say where events go: --to TARGET, --call CALL or "
                                         "--scenario NAME");
    s->call_src = lo->call ? lo->call : (!lo->to && sc) ? SCENARIO_CALL : NULL;
    if (lo->relay && !lo->to)
        return bp_error(err, BP_EUSAGE, "--relay goes with --to");
    s->via_caller = s->call_src != NULL || lo->relay;
    if (lo->rate_s) {
        if ((rc = parse_rate(lo->rate_s, &s->rate, err)) < 0)
            return rc;
    } else if (sc) {
        s->rate = sc->rate;
    } else {
        return bp_error(err, BP_EUSAGE, "--rate is needed (events per second)");
    }
    if (lo->count < 0 || lo->duration_ms < 0)
        return bp_error(err, BP_EUSAGE, "--count and --duration must be positive");
    s->duration_ms = lo->duration_ms ? lo->duration_ms : sc ? sc->duration_ms : 0;
    if (lo->count && !s->duration_ms) {
        double need = (double)lo->count / s->rate * 1000.0;
        s->duration_ms = (int64_t)(need * 1.5) + 5000;
    }
    if (!s->duration_ms)
        s->duration_ms = LOAD_DEFAULT_DURATION_MS;
    if (s->duration_ms > LOAD_MAX_DURATION_MS)
        s->duration_ms = LOAD_MAX_DURATION_MS;
    if (lo->count) {
        s->count = (uint64_t)lo->count;
    } else {
        double n = ceil(s->rate * (double)s->duration_ms / 1000.0 - 1e-9);
        s->count = n < 1 ? 1 : (uint64_t)n;
    }
    if (lo->connections == 0)
        lo->connections = 1;
    if (lo->connections < 1 || lo->connections > LOAD_MAX_CONNECTIONS)
        return bp_error(err, BP_EUSAGE, "--connections must be between 1 and %d",
                        LOAD_MAX_CONNECTIONS);
    if (lo->max_queue < 0 || lo->max_lag_ms < 0)
        return bp_error(err, BP_EUSAGE, "--max-queue and --max-lag must be positive");
    if (!lo->max_queue)
        lo->max_queue = CALLER_MAX_QUEUE;
    if (!lo->seed)
        lo->seed = (int64_t)((uint64_t)clock_ns() ^ ((uint64_t)getpid() << 32));
    return 0;
}

static int prepare_node(struct load_session *s, struct load_node *nd, size_t m,
                        struct bp_err *err)
{
    struct load_opts *lo = s->lo;
    struct term_encode_ctx ectx;
    const char *tsrc = s->tmpl_src;
    size_t i;
    int rc;

    node_encode_ctx(nd->ctl, &ectx);
    if (!tsrc)
        tsrc = s->scenario ? scenario_template(&s->a, node_info(nd->ctl)->name) : "$seq";
    if (m == 0)
        s->tmpl_used = tsrc;
    rc = tpl_parse(&s->a, tsrc, TERM_SYNTAX_AUTO, NULL, &ectx, &nd->event, err);
    if (rc) {
        bp_err_prefix(err, "--template: ");
        return rc;
    }
    if (s->call_src) {
        struct term *args = term_list(&s->a, s->call.nargs);
        for (i = 0; i < s->call.nargs; i++)
            args->u.list.items[i] = s->call.args[i];
        rc = tpl_compile(&s->a, args, nd->event, s->call.syntax, &ectx, &nd->msg, err);
        if (rc) {
            bp_err_prefix(err, "--call: ");
            return rc;
        }
    } else {
        nd->msg = nd->event;
        rc = collect_target(nd->ctl, &s->a, lo->to, &nd->target, err);
        if (rc) {
            if (s->nnodes > 1)
                bp_err_prefix(err, "on '%s': ", nd->name);
            return rc;
        }
        if (lo->relay) {
            /* erlang:send(Pid, $event), applied by the caller per event. */
            struct term *args = term_list(&s->a, 2), *ev = arena_zalloc(&s->a, sizeof(*ev));
            ev->kind = TERM_GEN;
            ev->u.gen.name = "event";
            args->u.list.items[0] = nd->target.pid;
            args->u.list.items[1] = ev;
            rc = tpl_compile(&s->a, args, nd->event, TERM_SYNTAX_ERLANG, &ectx, &nd->msg, err);
            if (rc)
                return rc;
        }
    }
    nd->nguards = lo->guards.n;
    nd->guards = arena_zalloc(&s->a, (nd->nguards ? nd->nguards : 1) * sizeof(*nd->guards));
    for (i = 0; i < nd->nguards; i++) {
        struct load_guard *g = &nd->guards[i];
        struct target t;
        struct bp_err e2;
        if ((rc = parse_guard(&s->a, lo->guards.items[i], g, err)) < 0)
            return rc;
        rc = collect_target(nd->ctl, &s->a, g->spec, &t, &e2);
        if (rc == BP_ENOPROC && s->nnodes > 1)
            continue; /* not on this node: nothing to guard here */
        if (rc) {
            *err = e2;
            bp_err_prefix(err, "--abort-if-mailbox: ");
            return rc;
        }
        g->pid = t.pid;
        g->label = cmd_target_label(s->ctx, &s->a, &t);
    }
    /* The sending connections, and a caller on each for --call. */
    nd->nconns = (size_t)lo->connections;
    nd->conns = arena_zalloc(&s->a, nd->nconns * sizeof(*nd->conns));
    nd->callers = arena_zalloc(&s->a, nd->nconns * sizeof(*nd->callers));
    nd->results = arena_zalloc(&s->a, nd->nconns * sizeof(*nd->results));
    for (i = 0; i < nd->nconns; i++) {
        rc = load_connect(s->ctx, nd->name, &nd->conns[i], err);
        if (rc)
            return rc;
        if (s->via_caller) {
            struct load_caller_opts co;
            co.module = s->call.module;
            co.function = s->call.function;
            co.arity = (int)s->call.nargs;
            co.max_ms = s->duration_ms + CALLER_GRACE_MS;
            co.max_queue = lo->max_queue;
            co.max_heap_words = CALLER_MAX_HEAP;
            co.normal_priority = lo->normal_priority;
            rc = collect_load_caller_start(nd->conns[i], &s->a, &co, &nd->callers[i], err);
            if (rc)
                return rc;
        }
    }
    return 0;
}

int load_session_prepare(struct load_session *s, struct bp_ctx *ctx, struct load_opts *lo,
                         struct bp_err *err)
{
    const char **names = NULL;
    size_t n = 1, i, j, k;
    int rc;

    memset(s, 0, sizeof(*s));
    arena_init(&s->a);
    s->ctx = ctx;
    s->lo = lo;
    s->progress_rate = -1;
    if ((rc = resolve_settings(s, err)) < 0)
        return rc;
    if (s->call_src) {
        rc = term_parse_call(&s->a, s->call_src, TERM_PARSE_TEMPLATES, &s->call, err);
        if (rc) {
            bp_err_prefix(err, "--call: ");
            return rc;
        }
    }
    if (lo->relay) {
        s->call.module = "erlang";
        s->call.function = "send";
        s->call.nargs = 2;
        s->call.syntax = TERM_SYNTAX_ERLANG;
    }
    if (lo->tmpl) {
        /* Parse once here so that a typo is reported before connecting. */
        struct term *t;
        rc = term_parse(&s->a, lo->tmpl, term_detect_syntax(lo->tmpl), TERM_PARSE_TEMPLATES,
                        &t, err);
        if (rc) {
            bp_err_prefix(err, "--template: ");
            return rc;
        }
        s->tmpl_src = lo->tmpl;
    }
    if ((rc = load_attach(ctx, err)) < 0)
        return rc;
    if (lo->cluster) {
        /* Members only: a remote shell or another tool's hidden node is no
         * target for load. */
        rc = collect_cluster_nodes(ctx->conn, &s->a, false, &names, &n, err);
        if (rc)
            return rc;
    }
    s->nodes = arena_zalloc(&s->a, n * sizeof(*s->nodes));
    for (i = 0, k = 0; i < n; i++) {
        struct load_node *nd = &s->nodes[k];
        nd->name = i == 0 ? node_info(ctx->conn)->name : names[i];
        if (i == 0) {
            nd->ctl = ctx->conn;
        } else {
            struct bp_err e2;
            rc = load_connect(ctx, nd->name, &nd->ctl, &e2);
            if (rc) {
                /* A C node (erl_call) or a node going down: say so, go on. */
                fprintf(stderr, "beamprobe: load: skipping '%s': %s\n", nd->name, e2.msg);
                continue;
            }
            nd->ctl_owned = 1;
        }
        s->nnodes = ++k;
        rc = prepare_node(s, nd, k - 1, err);
        if (rc)
            return rc;
    }
    /* Lanes: K per node; events numbered across all of them. */
    s->nlanes = 0;
    for (i = 0; i < s->nnodes; i++)
        s->nlanes += s->nodes[i].nconns;
    s->lanes = xcalloc(s->nlanes ? s->nlanes : 1, sizeof(*s->lanes));
    for (i = 0, k = 0; i < s->nnodes; i++) {
        struct load_node *nd = &s->nodes[i];
        uint64_t K = nd->nconns;
        for (j = 0; j < nd->nconns; j++, k++) {
            struct load_lane *l = &s->lanes[k];
            l->conn = nd->conns[j];
            l->tpl = nd->msg;
            l->batch = s->via_caller;
            l->to = s->via_caller ? nd->callers[j]->u.pid : nd->target.pid->u.pid;
            l->rate = s->rate / (double)K;
            l->limit = s->count > j ? (s->count - j + K - 1) / K : 0;
            l->seq_first = (uint64_t)i * s->count + j + 1;
            l->seq_stride = K;
            l->seed = (uint64_t)lo->seed + k * 0x9e3779b97f4a7c15ull;
        }
    }
    return 0;
}

/* Check guards, targets and callers on every node. */
static void poll_guards(struct load_session *s)
{
    size_t i, j;

    for (i = 0; i < s->nnodes && load_run_reason(&s->run) == LOAD_RUNNING; i++) {
        struct load_node *nd = &s->nodes[i];
        struct term *pids[64 + 8];
        int64_t lens[64 + 8];
        size_t n = 0, ng = 0, first_caller;
        struct bp_err e;
        int rc;

        for (j = 0; j < nd->nguards && n < 64; j++)
            if (nd->guards[j].pid)
                pids[n++] = nd->guards[j].pid;
        ng = n;
        if (!s->call_src)
            pids[n++] = nd->target.pid;
        first_caller = n;
        for (j = 0; s->via_caller && j < nd->nconns && n < sizeof(pids) / sizeof(*pids); j++)
            pids[n++] = nd->callers[j];
        if (!n)
            continue;
        rc = collect_mailboxes(nd->ctl, pids, n, lens, &e);
        if (rc == BP_EINTR) {
            load_run_stop(&s->run, LOAD_INTERRUPTED);
            return;
        }
        if (rc == BP_ENODEGONE) {
            snprintf(s->stop_msg, sizeof(s->stop_msg), "lost the connection to '%s'",
                     nd->name);
            load_run_stop(&s->run, LOAD_FAILED);
            return;
        }
        if (rc)
            continue; /* a slow node: try again next time */
        for (j = 0, ng = 0; j < nd->nguards; j++) {
            struct load_guard *g = &nd->guards[j];
            char have[32], lim[32];
            if (!g->pid)
                continue;
            if (lens[ng] > g->limit) {
                fmt_count(have, sizeof(have), lens[ng]);
                fmt_count(lim, sizeof(lim), g->limit);
                snprintf(s->stop_msg, sizeof(s->stop_msg),
                         "mailbox of %s reached %s (limit %s)%s%s", g->label, have, lim,
                         s->nnodes > 1 ? " on " : "", s->nnodes > 1 ? nd->name : "");
                load_run_stop(&s->run, LOAD_GUARD);
                return;
            }
            ng++;
        }
        if (!s->call_src && lens[ng] < 0) {
            snprintf(s->stop_msg, sizeof(s->stop_msg), "the target %s died%s%s",
                     cmd_target_label(s->ctx, &s->a, &nd->target), s->nnodes > 1 ? " on " : "",
                     s->nnodes > 1 ? nd->name : "");
            load_run_stop(&s->run, LOAD_TARGET_GONE);
            return;
        }
        for (j = first_caller; j < n; j++)
            if (lens[j] < 0) {
                snprintf(s->stop_msg, sizeof(s->stop_msg),
                         "the caller process on '%s' died (killed by its max_heap_size?)",
                         nd->name);
                load_run_stop(&s->run, LOAD_TARGET_GONE);
                return;
            }
    }
}

int load_session_start(struct load_session *s, struct bp_err *err)
{
    int rc;

    memset(&s->run, 0, sizeof(s->run));
    s->run.lanes = s->lanes;
    s->run.nlanes = s->nlanes;
    s->run.max_lag_ns = s->lo->max_lag_ms * 1000000;
    s->run.duration_ns = s->duration_ms * 1000000;
    /* A guard already past its limit: do not start at all. */
    atomic_store(&s->run.stop, LOAD_RUNNING);
    poll_guards(s);
    if (load_run_reason(&s->run) != LOAD_RUNNING) {
        size_t i;
        for (i = 0; i < s->nlanes; i++)
            atomic_store(&s->lanes[i].finished, 1);
        s->run.start_ns = s->end_ns = clock_ns();
        s->running = 1;
        return 0;
    }
    rc = load_run_start(&s->run, err);
    s->running = 1;
    s->next_poll_ms = clock_ms() + POLL_MS;
    s->next_progress_ms = clock_ms() + PROGRESS_MS;
    s->progress_prev_ns = s->run.start_ns;
    return rc;
}

static void progress(struct load_session *s, int final)
{
    int64_t now = clock_ns();
    uint64_t sent = load_run_sent(&s->run);
    double el = (double)(now - s->run.start_ns) / 1e9, dt;
    char a[32], b[32];

    if (final) {
        if (s->progress_shown)
            fputs("\r\033[K", stderr);
        s->progress_shown = 0;
        return;
    }
    dt = (double)(now - s->progress_prev_ns) / 1e9;
    if (dt > 0.05) {
        double r = (double)(sent - s->progress_prev_sent) / dt;
        s->progress_rate = s->progress_rate < 0 ? r : 0.5 * s->progress_rate + 0.5 * r;
        s->progress_prev_sent = sent;
        s->progress_prev_ns = now;
    }
    fmt_count(a, sizeof(a), (int64_t)sent);
    fmt_rate(b, sizeof(b), s->progress_rate < 0 ? 0 : s->progress_rate);
    fprintf(stderr, "\r\033[Kload: sent %s  rate %s  elapsed %.1f s of %.0f s", a, b,
            el < 0 ? 0 : el, (double)s->duration_ms / 1000.0);
    fflush(stderr);
    s->progress_shown = 1;
}

int load_session_step(struct load_session *s, int64_t wait_ms, int show)
{
    int64_t until = clock_ms() + wait_ms;
    int tty = show && !s->lo->quiet && !s->ctx->json && isatty(2);

    for (;;) {
        int64_t now = clock_ms(), next;
        struct bp_err e;
        int rc;

        if (load_run_finished(&s->run))
            return 1;
        if (now >= s->next_poll_ms) {
            poll_guards(s);
            s->next_poll_ms = clock_ms() + POLL_MS;
        }
        if (tty && now >= s->next_progress_ms) {
            progress(s, 0);
            s->next_progress_ms = now + PROGRESS_MS;
        }
        if (load_run_finished(&s->run))
            return 1;
        now = clock_ms();
        if (now >= until)
            return 0;
        next = s->next_poll_ms < until ? s->next_poll_ms : until;
        if (next > now + 20)
            next = now + 20; /* notice finished lanes promptly */
        rc = node_wait(s->ctx->conn, next, &e);
        if (rc == BP_EINTR)
            load_run_stop(&s->run, LOAD_INTERRUPTED);
        else if (rc == BP_ENODEGONE) {
            snprintf(s->stop_msg, sizeof(s->stop_msg), "lost the connection to '%s'",
                     s->nodes[0].name);
            load_run_stop(&s->run, LOAD_FAILED);
        }
        if (rc)
            sig_sleep_until(clock_ms() + 5); /* lanes are stopping; do not spin */
    }
}

void load_session_end(struct load_session *s)
{
    enum load_stop why;
    size_t i, j, k;
    int graceful;

    if (!s->running)
        return;
    load_run_join(&s->run);
    s->running = 0;
    s->ended = 1;
    progress(s, 1);
    why = load_run_reason(&s->run);
    s->end_ns = s->first_ns = s->run.start_ns;
    for (i = 0; i < s->nlanes; i++)
        if (s->lanes[i].last_ns > s->end_ns)
            s->end_ns = s->lanes[i].last_ns;
    for (i = 0; i < s->nlanes; i++)
        if (s->lanes[i].first_ns && (s->first_ns == s->run.start_ns ||
                                     s->lanes[i].first_ns < s->first_ns))
            s->first_ns = s->lanes[i].first_ns;
    sig_clear();
    /* Callers: finish their queue after a normal end, else stop at once. */
    graceful = why == LOAD_DONE || why == LOAD_DURATION;
    s->calls_known = s->via_caller && graceful;
    for (i = 0, k = 0; i < s->nnodes; i++) {
        struct load_node *nd = &s->nodes[i];
        for (j = 0; s->via_caller && j < nd->nconns; j++, k++) {
            struct bp_err e;
            if (!nd->conns[j] || !nd->callers[j])
                continue;
            if (s->lanes[k].rc) {
                s->calls_known = 0;
                continue;
            }
            if (!graceful) {
                collect_load_caller_kill(nd->conns[j], nd->callers[j], &e);
            } else if (collect_load_caller_stop_send(nd->conns[j], nd->callers[j], &e) == 0) {
                s->lanes[k].caller_pending = 1;
            } else {
                s->calls_known = 0;
            }
        }
    }
    for (i = 0; i < s->nlanes; i++)
        if (atomic_load(&s->lanes[i].call_error) && !s->call_error[0])
            snprintf(s->call_error, sizeof(s->call_error), "%s",
                     s->lanes[i].call_error_text);
}

int load_session_collect(struct load_session *s, int64_t deadline_ms, int final)
{
    size_t i, j, k;
    int pending = 0;

    for (i = 0, k = 0; i < s->nnodes; i++) {
        struct load_node *nd = &s->nodes[i];
        for (j = 0; s->via_caller && j < nd->nconns; j++, k++) {
            struct bp_err e;
            int rc;
            if (!s->lanes[k].caller_pending)
                continue;
            rc = collect_load_caller_stop_wait(nd->conns[j], nd->callers[j], deadline_ms,
                                               &nd->results[j], &e);
            if (rc == BP_ETIMEDOUT && !final) {
                pending++;
                continue;
            }
            s->lanes[k].caller_pending = 0;
            if (rc == 0) {
                s->calls.applied += nd->results[j].applied;
                s->calls.failed += nd->results[j].failed;
                s->calls.dropped += nd->results[j].dropped;
                continue;
            }
            s->calls_known = 0;
            if (rc == BP_ETIMEDOUT) {
                collect_load_caller_kill(nd->conns[j], nd->callers[j], &e);
                fprintf(stderr,
                        "beamprobe: load: the caller on '%s' had not finished its queued calls; "
                        "it was stopped\n",
                        nd->name);
            } else {
                fprintf(stderr, "beamprobe: load: %s\n", e.msg);
            }
        }
    }
    return pending == 0;
}

int load_session_outcome(struct load_session *s, struct bp_err *err)
{
    size_t i;
    int rc = 0;

    if (!s->ended)
        return 0;
    switch (load_run_reason(&s->run)) {
    case LOAD_INTERRUPTED:
        rc = BP_EINTR;
        break;
    case LOAD_GUARD:
        rc = bp_error(err, BP_ETHRESHOLD, "load stopped: %s", s->stop_msg);
        break;
    case LOAD_TARGET_GONE:
        rc = bp_error(err, BP_ENOPROC, "load stopped: %s", s->stop_msg);
        break;
    case LOAD_CALL_FAILED:
        rc = bp_error(err, BP_EBADRPC, "load stopped: %s.%s raised on the node: %s",
                      s->call.module, s->call.function, s->call_error);
        break;
    case LOAD_FAILED:
        for (i = 0; i < s->nlanes; i++)
            if (s->lanes[i].rc && s->lanes[i].rc != BP_EINTR) {
                *err = s->lanes[i].err;
                bp_err_prefix(err, "load stopped: ");
                rc = s->lanes[i].rc;
                break;
            }
        if (!rc)
            rc = bp_error(err, BP_ENODEGONE, "load stopped: %s",
                          s->stop_msg[0] ? s->stop_msg : "a connection failed");
        break;
    default:
        break;
    }
    return rc;
}

int load_session_finish(struct load_session *s, struct bp_err *err)
{
    if (!s->running)
        return load_session_outcome(s, err);
    load_session_end(s);
    load_session_collect(s, clock_ms() + LOAD_CALLER_DRAIN_MS, 1);
    return load_session_outcome(s, err);
}

uint64_t load_session_sent(const struct load_session *s)
{
    return s->nlanes ? load_run_sent(&s->run) : 0;
}

double load_session_elapsed_s(const struct load_session *s)
{
    int64_t end = s->running ? clock_ns() : s->end_ns;
    return end > s->run.start_ns ? (double)(end - s->run.start_ns) / 1e9 : 0;
}

double load_session_rate(const struct load_session *s)
{
    /* Between the first and the last event actually queued: the delay of
     * a tick's wake-up is on both ends and cancels out. */
    double el = s->running ? load_session_elapsed_s(s)
                           : (double)(s->end_ns - s->first_ns) / 1e9;
    uint64_t per_node = s->nnodes ? load_session_sent(s) / s->nnodes : 0;
    if (per_node < 2 || el <= 0)
        return (double)per_node;
    return (double)(per_node - 1) / el;
}

const char *load_session_what(const struct load_session *s)
{
    if (s->call_src)
        return s->call_src;
    return s->lo->to;
}

static const char *stop_text(const struct load_session *s)
{
    switch (load_run_reason(&s->run)) {
    case LOAD_DONE: return "count reached";
    case LOAD_DURATION: return "duration reached";
    case LOAD_INTERRUPTED: return "interrupted";
    case LOAD_GUARD:
    case LOAD_TARGET_GONE: return s->stop_msg;
    case LOAD_CALL_FAILED: return "the call raised on the node";
    case LOAD_FAILED: return s->stop_msg[0] ? s->stop_msg : "a connection failed";
    default: return "running";
    }
}

static uint64_t behind(const struct load_session *s)
{
    uint64_t b = 0;
    size_t i;
    for (i = 0; i < s->nlanes; i++)
        b += s->lanes[i].behind;
    return b;
}

void load_session_json_fields(struct load_session *s, struct sbuf *sb, int *first)
{
    size_t i, k;

    json_key(sb, "sent", first);
    json_int(sb, (int64_t)load_session_sent(s));
    json_key(sb, "elapsed_s", first);
    load_json_num(sb, load_session_elapsed_s(s));
    json_key(sb, "rate", first);
    load_json_num(sb, load_session_rate(s));
    json_key(sb, "asked_rate", first);
    load_json_num(sb, s->rate);
    json_key(sb, "count", first);
    json_int(sb, (int64_t)s->count);
    json_key(sb, "duration_s", first);
    load_json_num(sb, (double)s->duration_ms / 1000.0);
    json_key(sb, "connections", first);
    json_int(sb, s->lo->connections);
    json_key(sb, "stopped", first);
    json_cstr(sb, load_stop_name(load_run_reason(&s->run)));
    if (s->stop_msg[0]) {
        json_key(sb, "message", first);
        json_cstr(sb, s->stop_msg);
    }
    json_key(sb, "behind", first);
    json_int(sb, (int64_t)behind(s));
    if (s->scenario) {
        json_key(sb, "scenario", first);
        json_cstr(sb, s->scenario);
    }
    if (s->call_src) {
        json_key(sb, "call", first);
        json_cstr(sb, s->call_src);
    } else if (s->lo->to) {
        json_key(sb, "to", first);
        json_cstr(sb, s->lo->to);
        json_key(sb, "relay", first);
        sbuf_addstr(sb, s->lo->relay ? "true" : "false");
    }
    if (s->via_caller && s->calls_known) {
        json_key(sb, "applied", first);
        json_int(sb, s->calls.applied);
        json_key(sb, "failed", first);
        json_int(sb, s->calls.failed);
        json_key(sb, "dropped", first);
        json_int(sb, s->calls.dropped);
    }
    if (s->call_error[0]) {
        json_key(sb, "call_error", first);
        json_cstr(sb, s->call_error);
    }
    json_key(sb, "nodes", first);
    sbuf_addch(sb, '[');
    for (i = 0, k = 0; i < s->nnodes; i++) {
        const struct load_node *nd = &s->nodes[i];
        uint64_t sent = 0;
        size_t j;
        int f2 = 1;
        for (j = 0; j < nd->nconns; j++, k++)
            sent += atomic_load(&s->lanes[k].sent);
        if (i)
            sbuf_addch(sb, ',');
        sbuf_addch(sb, '{');
        json_key(sb, "node", &f2);
        json_cstr(sb, nd->name);
        json_key(sb, "sent", &f2);
        json_int(sb, (int64_t)sent);
        if (!s->call_src && nd->target.pid) {
            json_key(sb, "pid", &f2);
            json_cstr(sb, cmd_term_str(s->ctx, &s->a, nd->target.pid));
        }
        sbuf_addch(sb, '}');
    }
    sbuf_addch(sb, ']');
}

void load_session_print(struct load_session *s, FILE *f, int json)
{
    char sent[32], rate[32], asked[32];
    size_t i;

    if (json) {
        struct sbuf sb = SBUF_INIT;
        int first = 1;
        sbuf_addch(&sb, '{');
        load_session_json_fields(s, &sb, &first);
        sbuf_addch(&sb, '}');
        fprintf(f, "%s\n", sbuf_str(&sb));
        fflush(f);
        sbuf_release(&sb);
        return;
    }
    fmt_count(sent, sizeof(sent), (int64_t)load_session_sent(s));
    snprintf(rate, sizeof(rate), "%.1f/s", load_session_rate(s));
    if (s->rate == floor(s->rate) && s->rate < 1e15) {
        fmt_count(asked, sizeof(asked) - 2, (int64_t)s->rate);
        strcat(asked, "/s");
    } else {
        snprintf(asked, sizeof(asked), "%g/s", s->rate);
    }
    fprintf(f, "%sload%s  sent %s events in %.2f s: %s (asked %s%s)\n",
            style_bold(&s->ctx->style), style_off(&s->ctx->style), sent,
            load_session_elapsed_s(s), rate, asked, s->nnodes > 1 ? " per node" : "");
    if (!s->call_src) {
        for (i = 0; i < s->nnodes; i++)
            fprintf(f, "      to %s on %s%s\n",
                    cmd_target_label(s->ctx, &s->a, &s->nodes[i].target), s->nodes[i].name,
                    s->lo->relay ? ", through a relay process" : "");
    } else {
        fprintf(f, "      call %s on %s%s\n", s->call_src, s->nodes[0].name,
                s->nnodes > 1 ? " and the other nodes" : "");
    }
    if (s->via_caller) {
        if (s->calls_known) {
            char a[32], b[32], c[32];
            fmt_count(a, sizeof(a), s->calls.applied);
            fmt_count(b, sizeof(b), s->calls.failed);
            fmt_count(c, sizeof(c), s->calls.dropped);
            fprintf(f, "      %s calls returned, %s raised, %s dropped (caller queue full)\n", a,
                    b, c);
        }
        if (s->call_error[0])
            fprintf(f, "      first error: %s\n", s->call_error);
    }
    if (behind(s)) {
        char b[32];
        fmt_count(b, sizeof(b), (int64_t)behind(s));
        fprintf(f, "      fell behind: %s events given up (the sender could not keep up)\n",
                b);
    }
    fprintf(f, "      stopped: %s\n", stop_text(s));
    fflush(f);
}

void load_session_release(struct load_session *s)
{
    size_t i, j;

    if (s->running) {
        load_run_stop(&s->run, LOAD_INTERRUPTED);
        load_run_join(&s->run);
        s->running = 0;
    }
    load_run_release(&s->run);
    for (i = 0; i < s->nnodes; i++) {
        struct load_node *nd = &s->nodes[i];
        for (j = 0; nd->conns && j < nd->nconns; j++)
            if (nd->conns[j])
                node_close(nd->conns[j]);
        if (nd->ctl_owned && nd->ctl)
            node_close(nd->ctl);
    }
    free(s->lanes);
    s->lanes = NULL;
    arena_release(&s->a);
}

/* ---------------------------------------------------------------------
 * Monitor
 */

void load_json_num(struct sbuf *sb, double v)
{
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e15)
        json_int(sb, (int64_t)v);
    else
        json_double(sb, v);
}

void load_outcome_json(struct sbuf *sb, const struct report_summary *s, int *first)
{
    json_key(sb, "peak_mailbox", first);
    json_int(sb, (int64_t)s->peak_mailbox);
    json_key(sb, "peak_mailbox_target", first);
    json_cstr(sb, s->peak_target);
    json_key(sb, "recover_s", first);
    load_json_num(sb, s->recover_s < 0 ? NAN : round(s->recover_s * 1000) / 1000);
    if (s->delivered >= 0) {
        json_key(sb, "delivered", first);
        json_int(sb, (int64_t)s->delivered);
        json_key(sb, "lost", first);
        json_int(sb, (int64_t)s->lost);
    }
}

double mon_mb(int64_t bytes)
{
    return round((double)bytes / 1024.0 / 1024.0 * 100.0) / 100.0;
}

static const struct {
    const char *name;
    enum mon_metric m;
} metric_names[] = {
    { "mailbox", MON_MAILBOX },     { "message_queue_len", MON_MAILBOX },
    { "gc_rate", MON_GC_RATE },     { "gc", MON_GC_RATE },
    { "memory", MON_MEMORY },       { "heap", MON_HEAP },
    { "run_queue", MON_RUN_QUEUE },
};

int mon_fail_on_parse(const char *s, struct mon_threshold *out, size_t max, size_t *n,
                      struct bp_err *err)
{
    const char *p = s;

    *n = 0;
    while (*p) {
        const char *end = strchr(p, ','), *gt;
        size_t len = end ? (size_t)(end - p) : strlen(p), i, klen;
        char *num_end;
        double v;
        int found = 0;

        gt = memchr(p, '>', len);
        if (!gt)
            return bp_error(err, BP_EUSAGE,
                            "--fail-on wants METRIC>VALUE[,...] (mailbox, gc_rate, memory, heap, "
                            "run_queue), not '%s'", s);
        klen = (size_t)(gt - p);
        v = strtod(gt + 1, &num_end);
        if (num_end != p + len || num_end == gt + 1 || !isfinite(v) || v < 0)
            return bp_error(err, BP_EUSAGE, "--fail-on: bad number in '%.*s'", (int)len, p);
        if (*n >= max)
            return bp_error(err, BP_EUSAGE, "--fail-on: too many thresholds");
        for (i = 0; i < sizeof(metric_names) / sizeof(*metric_names); i++)
            if (strlen(metric_names[i].name) == klen &&
                strncmp(metric_names[i].name, p, klen) == 0) {
                out[*n].metric = metric_names[i].m;
                out[*n].limit = v;
                found = 1;
            }
        if (!found)
            return bp_error(err, BP_EUSAGE,
                            "--fail-on: unknown metric '%.*s' (mailbox, gc_rate, memory, heap, "
                            "run_queue)", (int)klen, p);
        (*n)++;
        p = end ? end + 1 : p + len;
    }
    return 0;
}

void mon_target_update(struct mon_target *t, const struct mon_proc *p, int64_t at_us)
{
    t->cur = *p;
    t->gc_rate = 0;
    t->fullsweep = 0;
    if (!p->alive) {
        t->have_prev = 0;
        return;
    }
    if (t->have_prev) {
        bool reset = false;
        int64_t d = rate_delta(t->prev_minor_gcs, p->minor_gcs, &reset);
        int64_t dt_us = at_us - t->prev_at_us;
        t->gc_rate = dt_us > 0 ? (double)d * 1e6 / (double)dt_us : 0;
        t->fullsweep = reset;
    }
    t->prev_minor_gcs = p->minor_gcs;
    t->prev_at_us = at_us;
    t->have_prev = 1;
}

void mon_print_line(struct bp_ctx *ctx, FILE *f, enum mon_format fmt, const char *tag,
                    const char *label, const struct mon_target *t, int64_t run_queue,
                    int wordsize, const char *extra)
{
    char clk[16], iso[40], mb[32];
    enum level lv = level_mailbox(t->cur.message_queue_len);

    cmd_now(clk, sizeof(clk), iso, sizeof(iso));
    if (fmt == MON_FORMAT_LOG) {
        if (!t->cur.alive) {
            fprintf(f, "%s [warning] [%s] process_died=true target=%s\n", iso, tag, t->label);
            return;
        }
        fprintf(f,
                "%s [info] [%s] mailbox=%" PRId64 " memory_mb=%.2f heap_mb=%.2f "
                "gc_per_sec=%.1f run_queue=%" PRId64 " target=%s%s%s\n",
                iso, tag, t->cur.message_queue_len, mon_mb(t->cur.memory),
                mon_mb(t->cur.heap_size * wordsize), t->gc_rate, run_queue, t->label,
                extra ? " " : "", extra ? extra : "");
        return;
    }
    if (!t->cur.alive) {
        fprintf(f, "[%s] %s%s%sProcess died!\n", clk, style_mark(&ctx->style, LEVEL_CRIT),
                label ? " " : "", label ? label : "");
        return;
    }
    fmt_count(mb, sizeof(mb), t->cur.message_queue_len);
    fprintf(f,
            "[%s] %s %s%sMailbox: %s%s%s, Mem: %.2fMB, Heap: %.2fMB, GC: %.1f/sec, "
            "Run queue: %" PRId64 "%s%s\n",
            clk, style_mark(&ctx->style, lv), label ? label : "", label ? "  " : "",
            style_on(&ctx->style, lv), mb, style_off(&ctx->style), mon_mb(t->cur.memory),
            mon_mb(t->cur.heap_size * wordsize), t->gc_rate, run_queue, extra ? ", " : "",
            extra ? extra : "");
}

void mon_json_fields(struct sbuf *sb, int *first, const struct mon_target *t, int wordsize)
{
    enum level lv = level_mailbox(t->cur.message_queue_len);

    json_key(sb, "target", first);
    json_cstr(sb, t->t.spec);
    json_key(sb, "pid", first);
    json_cstr(sb, t->pid_str);
    json_key(sb, "alive", first);
    sbuf_addstr(sb, t->cur.alive ? "true" : "false");
    if (!t->cur.alive)
        return;
    json_key(sb, "status", first);
    json_cstr(sb, lv == LEVEL_OK ? "ok" : lv == LEVEL_WARN ? "warn" : "crit");
    json_key(sb, "message_queue_len", first);
    json_int(sb, t->cur.message_queue_len);
    json_key(sb, "memory", first);
    json_int(sb, t->cur.memory);
    json_key(sb, "memory_mb", first);
    load_json_num(sb, mon_mb(t->cur.memory));
    json_key(sb, "heap_size", first);
    json_int(sb, t->cur.heap_size);
    json_key(sb, "heap_mb", first);
    load_json_num(sb, mon_mb(t->cur.heap_size * wordsize));
    json_key(sb, "total_heap_size", first);
    json_int(sb, t->cur.total_heap_size);
    json_key(sb, "minor_gcs", first);
    json_int(sb, t->cur.minor_gcs);
    json_key(sb, "gc_per_sec", first);
    load_json_num(sb, round(t->gc_rate * 10) / 10);
    json_key(sb, "fullsweep", first);
    sbuf_addstr(sb, t->fullsweep ? "true" : "false");
}

int mon_check(const struct mon_threshold *th, size_t n, const struct mon_target *t,
              int64_t run_queue, int wordsize, char *msg, size_t msg_len)
{
    size_t i;

    for (i = 0; i < n; i++) {
        double v;
        const char *what, *unit = "";
        switch (th[i].metric) {
        case MON_MAILBOX:
            if (!t->cur.alive)
                continue;
            v = (double)t->cur.message_queue_len;
            what = "mailbox";
            break;
        case MON_GC_RATE:
            if (!t->cur.alive)
                continue;
            v = t->gc_rate;
            what = "gc_rate";
            unit = "/s";
            break;
        case MON_MEMORY:
            if (!t->cur.alive)
                continue;
            v = (double)t->cur.memory / 1048576.0;
            what = "memory";
            unit = " MB";
            break;
        case MON_HEAP:
            if (!t->cur.alive)
                continue;
            v = (double)(t->cur.heap_size * wordsize) / 1048576.0;
            what = "heap";
            unit = " MB";
            break;
        default:
            v = (double)run_queue;
            what = "run_queue";
            break;
        }
        if (v > th[i].limit) {
            snprintf(msg, msg_len, "threshold crossed: %s %.6g%s > %.6g%s (%s)", what, v, unit,
                     th[i].limit, unit, t->label);
            return 1;
        }
    }
    return 0;
}
