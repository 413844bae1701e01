/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tui_run.c - the dashboard's event loop; see tui.h.
 *
 * One poll(2) on three descriptors: the terminal (keys), the signal pipe
 * (SIGINT, SIGTERM, SIGHUP end the loop; the terminal is restored on the
 * normal path) and the feeds' notification pipe (a snapshot is ready).  A
 * key is handled and the screen redrawn at once, from the snapshots on
 * hand: the loop never waits for a node.  Without events the screen is
 * redrawn once a second so that ages and the lost-connection timer move.
 */
#include "render/tui/tui.h"
#include "util/clock.h"
#include "util/sig.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void take_snapshots(struct tui_state *st, bool *dirty, int64_t now)
{
    size_t i;
    for (i = 0; i < st->n_nodes; i++) {
        struct tui_node *n = &st->nodes[i];
        if (!n->feed || !ui_feed_take(n->feed, &n->snap))
            continue;
        *dirty = true;
        if (n->snap->msg_seq != n->msg_seen) {
            n->msg_seen = n->snap->msg_seq;
            if (n->snap->msg[0])
                tui_state_msg(st, now, n->snap->msg_error, "%s", n->snap->msg);
        }
    }
}

/*
 * New nodes seen by the entry node's discovery (--cluster, every 10 s).
 * A node is added when two discoveries in a row list it, so that
 * short-lived hidden nodes (erl_call, a remote shell) do not become
 * permanent "connecting" rows.
 */
struct seen {
    const struct ui_nodes *last; /* the discovery handled last */
    char names[TUI_MAX_NODES][256];
    size_t n;
};

static bool in_seen(const struct seen *sn, const char *name)
{
    size_t i;
    for (i = 0; i < sn->n; i++)
        if (strcmp(sn->names[i], name) == 0)
            return true;
    return false;
}

static void discover(struct tui_state *st, const struct tui_run_conf *conf, struct seen *sn)
{
    const struct ui_snap *s = st->nodes[0].snap;
    struct seen next;
    size_t i, j;

    if (!st->cluster || !conf->add_node || !s || !s->nodes || s->nodes == sn->last)
        return;
    next.n = 0;
    for (i = 0; i < s->nodes->n; i++) {
        const char *name = s->nodes->names[i];
        struct ui_feed *f = NULL;
        if (next.n < TUI_MAX_NODES)
            snprintf(next.names[next.n++], sizeof(next.names[0]), "%s", name);
        for (j = 0; j < st->n_nodes; j++)
            if (strcmp(st->nodes[j].name, name) == 0)
                break;
        if (j < st->n_nodes || !in_seen(sn, name) || st->n_nodes >= TUI_MAX_NODES)
            continue;
        if (conf->add_node(conf->arg, name, &f) != 0)
            continue;
        memset(&st->nodes[st->n_nodes], 0, sizeof(st->nodes[0]));
        st->nodes[st->n_nodes].feed = f;
        snprintf(st->nodes[st->n_nodes].name, sizeof(st->nodes[0].name), "%s", name);
        st->n_nodes++;
        st->req_dirty = true;
    }
    memcpy(sn->names, next.names, next.n * sizeof(next.names[0]));
    sn->n = next.n;
    sn->last = s->nodes;
}

int tui_run(struct tui_state *st, const struct tui_run_conf *conf, struct bp_err *err)
{
    struct tui_canvas cv;
    int w, h, rc;
    bool dirty = true;
    int64_t next_tick = 0;
    static struct seen seen;

    rc = tui_screen_open(conf->color, err);
    if (rc)
        return rc;
    tui_screen_size(&w, &h);
    tui_canvas_init(&cv, w, h, st->utf8);
    rc = 0;
    for (;;) {
        struct pollfd p[3];
        int64_t now = clock_ms(), wait;
        int k, np = 0;

        take_snapshots(st, &dirty, now);
        discover(st, conf, &seen);
        if (st->req_dirty) {
            size_t i;
            st->req_dirty = false;
            for (i = 0; i < st->n_nodes; i++) {
                struct ui_req r;
                if (!st->nodes[i].feed)
                    continue;
                tui_state_request(st, i, &r);
                ui_feed_request(st->nodes[i].feed, &r);
            }
        }
        if (dirty || now >= next_tick) {
            tui_draw(st, &cv, now);
            tui_screen_blit(&cv);
            dirty = false;
            next_tick = now + 1000;
        }
        if (st->quit)
            break;
        p[np].fd = STDIN_FILENO;
        p[np++].events = POLLIN;
        p[np].fd = sig_fd();
        p[np++].events = POLLIN;
        p[np].fd = conf->notify_fd;
        p[np++].events = POLLIN;
        wait = next_tick - clock_ms();
        if (wait < 0)
            wait = 0;
        if (poll(p, (nfds_t)np, (int)wait) < 0 && errno != EINTR)
            break;
        if (sig_pending()) {
            rc = BP_EINTR;
            break;
        }
        if (p[2].fd >= 0 && (p[2].revents & POLLIN)) {
            char buf[256];
            while (read(conf->notify_fd, buf, sizeof(buf)) > 0)
                ;
        }
        /* Keys (and KEY_RESIZE after SIGWINCH, which curses turns into a key). */
        now = clock_ms();
        while ((k = tui_screen_key()) >= 0) {
            if (tui_key_action(k) == TUI_A_RESIZE) {
                tui_screen_size(&w, &h);
                tui_canvas_release(&cv);
                tui_canvas_init(&cv, w, h, st->utf8);
            } else {
                tui_state_key(st, k, now);
            }
            /* Draw (not show) after each key: the next key of a burst
             * acts on what this one selected. */
            tui_draw(st, &cv, now);
            dirty = true;
            if (st->quit)
                break;
        }
    }
    tui_canvas_release(&cv);
    tui_screen_close();
    return rc;
}
