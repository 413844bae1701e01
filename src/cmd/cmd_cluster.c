/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_cluster.c - parallel per-node rounds; see cmd_cluster.h.
 *
 * One POSIX thread per node and round.  Each thread only touches its own
 * job (connection, arena, error); libei is used in its thread-safe build.
 */
#include "cmd/cmd_cluster.h"
#include "collect/collect.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/sig.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct round_arg {
    struct bp_ctx *ctx;
    struct cluster_job *job;
    cluster_fn fn;
    void *arg;
};

int cluster_open(struct bp_ctx *ctx, int single, struct cluster *cl, struct bp_err *err)
{
    const char **names = NULL;
    size_t n = 1, i;
    int rc;

    memset(cl, 0, sizeof(*cl));
    arena_init(&cl->names);
    cl->ctx = ctx;
    cl->single = single;
    cl->discovered_ms = clock_ms();
    rc = cli_attach(ctx, err);
    if (rc)
        return rc;
    if (!single) {
        rc = collect_cluster_nodes(ctx->conn, &cl->names, true, &names, &n, err);
        if (rc)
            return rc;
    }
    cl->jobs = xcalloc(n, sizeof(*cl->jobs));
    cl->n = n;
    for (i = 0; i < n; i++) {
        struct cluster_job *j = &cl->jobs[i];
        j->node = i == 0 ? node_info(ctx->conn)->name : names[i];
        j->conn = i == 0 ? ctx->conn : NULL;
        j->owned = i != 0;
        arena_init(&j->arena);
    }
    return 0;
}

static void *round_thread(void *p)
{
    struct round_arg *ra = p;
    struct cluster_job *j = ra->job;

    memset(&j->err, 0, sizeof(j->err));
    arena_clear(&j->arena);
    j->result = NULL;
    if (!j->conn) {
        j->rc = cli_connect_to(ra->ctx, j->node, &j->conn, &j->err);
        if (j->rc)
            return NULL;
    }
    j->rc = ra->fn(ra->ctx, j, ra->arg);
    if (j->rc == BP_ENODEGONE) {
        /* Reconnect next round (a restarted node has a new creation, so
         * pids from the old connection are never reused).  The entry
         * node's first connection stays ctx's to close. */
        if (j->owned)
            node_close(j->conn);
        j->conn = NULL;
        j->owned = 1;
    }
    return NULL;
}

void cluster_round(struct bp_ctx *ctx, struct cluster *cl, cluster_fn fn, void *arg)
{
    pthread_t *th = xcalloc(cl->n, sizeof(*th));
    struct round_arg *ra = xcalloc(cl->n, sizeof(*ra));
    int *started = xcalloc(cl->n, sizeof(*started));
    size_t i;

    for (i = 0; i < cl->n; i++) {
        ra[i].ctx = ctx;
        ra[i].job = &cl->jobs[i];
        ra[i].fn = fn;
        ra[i].arg = arg;
        if (cl->n > 1 && pthread_create(&th[i], NULL, round_thread, &ra[i]) == 0)
            started[i] = 1;
        else
            round_thread(&ra[i]);
    }
    for (i = 0; i < cl->n; i++)
        if (started[i])
            pthread_join(th[i], NULL);
    free(started);
    free(ra);
    free(th);
}

void cluster_close(struct cluster *cl)
{
    size_t i;
    for (i = 0; i < cl->n; i++) {
        if (cl->jobs[i].owned && cl->jobs[i].conn)
            node_close(cl->jobs[i].conn);
        arena_release(&cl->jobs[i].arena);
    }
    free(cl->jobs);
    arena_release(&cl->names);
    memset(cl, 0, sizeof(*cl));
}

int cluster_status(const struct cluster *cl, struct bp_err *err)
{
    size_t i;
    for (i = 0; i < cl->n; i++)
        if (cl->jobs[i].rc == BP_EINTR)
            return BP_EINTR;
    for (i = 0; i < cl->n; i++)
        if (cl->jobs[i].rc == 0)
            return 0;
    if (cl->n && err)
        *err = cl->jobs[0].err;
    return cl->n ? cl->jobs[0].rc : BP_EINTERNAL;
}

struct wait_arg {
    struct cluster_job *job;
    int64_t deadline;
    int rc;
};

static void *wait_thread(void *p)
{
    struct wait_arg *wa = p;
    struct bp_err e;
    wa->rc = 0;
    if (wa->job->conn && node_fd(wa->job->conn) >= 0)
        wa->rc = node_wait(wa->job->conn, wa->deadline, &e);
    else
        wa->rc = sig_sleep_until(wa->deadline);
    return NULL;
}

int cluster_wait(struct cluster *cl, int64_t deadline)
{
    pthread_t *th = xcalloc(cl->n, sizeof(*th));
    struct wait_arg *wa = xcalloc(cl->n, sizeof(*wa));
    int *started = xcalloc(cl->n, sizeof(*started));
    size_t i;
    int rc = 0;

    for (i = 0; i < cl->n; i++) {
        wa[i].job = &cl->jobs[i];
        wa[i].deadline = deadline;
        if (pthread_create(&th[i], NULL, wait_thread, &wa[i]) == 0)
            started[i] = 1;
        else
            wait_thread(&wa[i]);
    }
    for (i = 0; i < cl->n; i++) {
        if (started[i])
            pthread_join(th[i], NULL);
        if (wa[i].rc == BP_EINTR)
            rc = BP_EINTR;
    }
    free(started);
    free(wa);
    free(th);
    return rc;
}

static int has_job(const struct cluster *cl, const char *node)
{
    size_t i;
    for (i = 0; i < cl->n; i++)
        if (strcmp(cl->jobs[i].node, node) == 0)
            return 1;
    return 0;
}

/* Ask the entry node for its members again; a job for each new one (it
 * connects in the next round).  Hidden nodes are not added: remote
 * shells, erl_call and other tools come and go. */
static void rediscover(struct cluster *cl)
{
    struct cluster_job *entry = &cl->jobs[0];
    struct arena a = ARENA_INIT;
    const char **names = NULL;
    size_t n = 0, i;

    cl->discovered_ms = clock_ms();
    /* An entry node that failed its last round is not asked (it would
     * hold up the next round for its timeout). */
    if (entry->rc != 0 || !entry->conn || node_fd(entry->conn) < 0 ||
        collect_cluster_nodes(entry->conn, &a, false, &names, &n, NULL) != 0)
        goto out;
    for (i = 1; i < n; i++) {
        struct cluster_job *j;
        if (has_job(cl, names[i]))
            continue;
        cl->jobs = xreallocarray(cl->jobs, cl->n + 1, sizeof(*cl->jobs));
        j = &cl->jobs[cl->n++];
        memset(j, 0, sizeof(*j));
        j->node = arena_strdup(&cl->names, names[i]);
        j->owned = 1;
        arena_init(&j->arena);
    }
out:
    arena_release(&a);
}

int cluster_watch_next(struct cluster *cl, struct watch *w)
{
    int64_t deadline;
    int rc = watch_due(w, &deadline);
    if (rc || !deadline)
        return rc;
    rc = cluster_wait(cl, deadline);
    if (rc == 0 && !cl->single && clock_ms() - cl->discovered_ms >= CLUSTER_REDISCOVER_MS)
        rediscover(cl);
    return rc;
}

void cluster_print_errors(struct bp_ctx *ctx, const struct cluster *cl)
{
    size_t i;

    for (i = 0; i < cl->n; i++) {
        const struct cluster_job *j = &cl->jobs[i];
        if (j->rc == 0 || j->rc == BP_EINTR)
            continue;
        if (ctx->json) {
            struct sbuf sb = SBUF_INIT;
            int first = 1;
            sbuf_addch(&sb, '{');
            json_key(&sb, "node", &first);
            json_cstr(&sb, j->node);
            json_key(&sb, "error", &first);
            json_cstr(&sb, j->err.msg);
            sbuf_addch(&sb, '}');
            cmd_json_line(ctx, &sb);
            sbuf_release(&sb);
        } else {
            fprintf(ctx->out, "%s%s%s %s: %s\n", style_on(&ctx->style, LEVEL_CRIT),
                    style_mark(&ctx->style, LEVEL_CRIT), style_off(&ctx->style), j->node,
                    j->err.msg);
        }
    }
}
