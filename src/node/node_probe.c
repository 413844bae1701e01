/* SPDX-License-Identifier: Apache-2.0 */
/*
 * node_probe.c - the node's facts, read once at attach (src/remote/probe.erl).
 *
 * One erl_eval round trip of system_info calls.  Whether the node runs
 * Elixir is read from the loaded applications, so no atom is sent that the
 * node might not have.  The creation is needed to address pids typed as
 * <0.N.S>; the word size to turn words into bytes.
 */
#include "node/node_int.h"
#include "remote_exprs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy_chars(const struct term *t, char *buf, size_t n)
{
    size_t i, o = 0;

    buf[0] = '\0';
    if (!t)
        return;
    if (t->kind == TERM_BINARY) {
        size_t l = t->u.bin.len < n - 1 ? t->u.bin.len : n - 1;
        memcpy(buf, t->u.bin.data, l);
        buf[l] = '\0';
        return;
    }
    if (t->kind != TERM_LIST)
        return;
    for (i = 0; i < t->u.list.n && o + 1 < n; i++) {
        int64_t ch;
        if (term_get_int(t->u.list.items[i], &ch) == 0 && ch > 0 && ch < 128)
            buf[o++] = (char)ch;
    }
    buf[o] = '\0';
}

int node_probe(struct node_conn *c, struct bp_err *err)
{
    struct arena a = ARENA_INIT;
    struct term *r = NULL;
    const struct term *apps;
    struct node_info *in = &c->info;
    size_t i;
    int rc;

    rc = node_eval(c, &remote_probe, NULL, 0, 0, &a, &r, err);
    if (rc) {
        bp_err_prefix(err, "attach to '%s': ", c->name);
        goto out;
    }
    if (!r || r->kind != TERM_TUPLE || r->u.tuple.n != 12) {
        rc = bp_error(err, BP_EDECODE, "attach to '%s': unexpected probe reply", c->name);
        goto out;
    }
    copy_chars(term_elem(r, 0), in->otp_release, sizeof(in->otp_release));
    in->otp_major = atoi(in->otp_release);
    copy_chars(term_elem(r, 1), in->erts_version, sizeof(in->erts_version));
    in->wordsize = (int)term_int_or(term_elem(r, 2), 0);
    in->creation = (uint32_t)term_int_or(term_elem(r, 3), 0);
    in->process_count = term_int_or(term_elem(r, 4), 0);
    in->process_limit = term_int_or(term_elem(r, 5), 0);
    in->schedulers = (int)term_int_or(term_elem(r, 6), 0);
    in->schedulers_online = (int)term_int_or(term_elem(r, 7), 0);
    in->dirty_cpu_schedulers = (int)term_int_or(term_elem(r, 8), 0);
    in->dirty_io_schedulers = (int)term_int_or(term_elem(r, 9), 0);
    in->uptime_ms = term_int_or(term_elem(r, 10), 0);
    apps = term_elem(r, 11);
    for (i = 0; apps && apps->kind == TERM_LIST && i < apps->u.list.n; i++) {
        const struct term *app = apps->u.list.items[i];
        if (term_is_atom(term_elem(app, 0), "elixir")) {
            in->elixir = true;
            copy_chars(term_elem(app, 1), in->elixir_version, sizeof(in->elixir_version));
        }
    }
    if (in->wordsize != 4 && in->wordsize != 8)
        in->wordsize = 8;
out:
    arena_release(&a);
    return rc;
}
