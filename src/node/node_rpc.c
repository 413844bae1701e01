/* SPDX-License-Identifier: Apache-2.0 */
/*
 * node_rpc.c - remote calls through rex, evaluation, send and receive.
 *
 * A call is the gen_server call protocol spoken to the node's `rex`:
 *   {'$gen_call', {Self, Ref}, {call, Mod, Fun, Args, Self}}
 * rex runs apply(Mod, Fun, Args) in a fresh process whose group leader is
 * beamprobe (I/O requests are answered by node_io.c) and replies
 * {Ref, Result}.  Ref is new for every call (ei_make_ref), and the reply is
 * matched on it, so the reply of a call that timed out, arriving late, is
 * counted as stale and never returned for a later call.  Each call has a
 * deadline; waiting keeps the connection serviced.
 */
#include "node/node_int.h"
#include "util/clock.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int rpc_done(struct node_conn *c)
{
    return !c->rpc_waiting;
}

static void to_erlang_pid(const struct node_conn *c, const struct term_pid *p,
                          erlang_pid *out)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->node, sizeof(out->node), "%s", p->node ? p->node : c->info.name);
    out->num = p->num;
    out->serial = p->serial;
    out->creation = p->node ? p->creation : c->info.creation;
}

/* Describe {badrpc, Reason} or {'EXIT', ...} in one line. */
static int badrpc(struct node_conn *c, const char *mod, const char *fun,
                  const struct term *reason, struct bp_err *err)
{
    struct sbuf sb = SBUF_INIT;
    struct term_print_opts po = term_print_defaults;
    const struct term *r = reason;
    int rc;

    /* {'EXIT', {Reason, Stack}} -> Reason */
    if (term_is_tagged(r, "EXIT", 2)) {
        r = term_elem(r, 1);
        if (r && r->kind == TERM_TUPLE && r->u.tuple.n == 2 &&
            term_list_len(r->u.tuple.items[1]) > 0)
            r = r->u.tuple.items[0];
    }
    po.local_node = c->info.name;
    po.limit = 8;
    po.max_len = 160;
    term_print(&sb, r, &po);
    if (term_is_atom(r, "undef") || term_is_tagged(r, "undef", 2))
        rc = bp_error(err, BP_EBADRPC, "%s:%s is not defined on '%s' (undef)", mod, fun,
                      c->name);
    else
        rc = bp_error(err, BP_EBADRPC, "%s:%s failed on '%s': %s", mod, fun, c->name,
                      sbuf_str(&sb));
    sbuf_release(&sb);
    return rc;
}

/* Call with pre-encoded Args (a list, no version byte). */
static int rpc_encoded(struct node_conn *c, const char *mod, const char *fun,
                       const char *args, size_t args_len, unsigned timeout_ms,
                       struct arena *a, struct term **out, struct bp_err *err)
{
    ei_x_buff x;
    erlang_ref ref;
    struct term *reply = NULL;
    const struct term *result;
    size_t idx = 0;
    int64_t deadline;
    int rc;

    if (c->gone)
        return bp_error(err, BP_ENODEGONE, "connection to '%s' lost", c->name);
    if (!timeout_ms)
        timeout_ms = c->timeout_ms;
    if (ei_make_ref(&c->ec, &ref) < 0)
        return bp_error(err, BP_EINTERNAL, "cannot make a reference");
    node_encode_call_head(c, &x, &ref);
    ei_x_encode_tuple_header(&x, 5);
    ei_x_encode_atom(&x, "call");
    ei_x_encode_atom(&x, mod);
    ei_x_encode_atom(&x, fun);
    ei_x_append_buf(&x, args, (int)args_len);
    ei_x_encode_pid(&x, node_self_erl(c));
    deadline = clock_ms() + timeout_ms;
    rc = node_send_raw(c, NULL, "rex", x.buff, (size_t)x.index, err);
    ei_x_free(&x);
    if (rc)
        return rc;
    c->rpc_ref = ref;
    c->rpc_waiting = 1;
    rc = node_pump(c, deadline, rpc_done, err);
    c->rpc_waiting = 0;
    if (rc == BP_ETIMEDOUT)
        return bp_error(err, BP_ETIMEDOUT, "%s:%s on '%s' timed out after %u ms", mod, fun,
                        c->name, timeout_ms);
    if (rc)
        return rc;
    rc = term_decode_versioned(a, c->reply, c->reply_len, &idx, &term_default_limits,
                               &reply, err);
    free(c->reply);
    c->reply = NULL;
    if (rc) {
        bp_err_prefix(err, "reply of %s:%s: ", mod, fun);
        return rc;
    }
    result = term_elem(reply, 1);
    if (term_is_tagged(result, "badrpc", 2))
        return badrpc(c, mod, fun, term_elem(result, 1), err);
    *out = (struct term *)result;
    return 0;
}

int node_rpc(struct node_conn *c, const char *mod, const char *fun,
             const struct term *args, unsigned timeout_ms, struct arena *a,
             struct term **out, struct bp_err *err)
{
    ei_x_buff x;
    struct term_encode_ctx ctx;
    int rc;

    ei_x_new(&x);
    node_encode_ctx(c, &ctx);
    if (args) {
        if (args->kind != TERM_LIST) {
            ei_x_free(&x);
            return bp_error(err, BP_EINTERNAL, "rpc arguments must be a list");
        }
        rc = term_encode(&x, args, &ctx, err);
        if (rc) {
            ei_x_free(&x);
            return rc;
        }
    } else {
        ei_x_encode_empty_list(&x);
    }
    rc = rpc_encoded(c, mod, fun, x.buff, (size_t)x.index, timeout_ms, a, out, err);
    ei_x_free(&x);
    return rc;
}

static int cmp_binding(const void *x, const void *y)
{
    return strcmp(((const struct node_binding *)x)->name,
                  ((const struct node_binding *)y)->name);
}

int node_eval(struct node_conn *c, const struct remote_expr *e,
              const struct node_binding *b, size_t nb, unsigned timeout_ms,
              struct arena *a, struct term **out, struct bp_err *err)
{
    ei_x_buff x;
    struct term_encode_ctx ctx;
    struct term *res = NULL;
    struct node_binding *sorted = NULL;
    size_t i;
    int rc = 0;

    /* erl_eval keeps bindings as an orddict and its lookups assume sorted
     * names: unsorted, a bound variable can read as unbound. */
    if (nb) {
        sorted = xmalloc(nb * sizeof(*sorted));
        memcpy(sorted, b, nb * sizeof(*sorted));
        qsort(sorted, nb, sizeof(*sorted), cmp_binding);
        b = sorted;
    }
    node_encode_ctx(c, &ctx);
    ei_x_new(&x);
    ei_x_encode_list_header(&x, 2);
    ei_x_append_buf(&x, (const char *)e->ext, (int)e->len);
    if (nb) {
        ei_x_encode_list_header(&x, (long)nb);
        for (i = 0; i < nb && rc == 0; i++) {
            ei_x_encode_tuple_header(&x, 2);
            ei_x_encode_atom(&x, b[i].name);
            rc = term_encode(&x, b[i].value, &ctx, err);
        }
    }
    ei_x_encode_empty_list(&x);
    ei_x_encode_empty_list(&x);
    if (rc == 0)
        rc = rpc_encoded(c, "erl_eval", "exprs", x.buff, (size_t)x.index, timeout_ms, a,
                         &res, err);
    ei_x_free(&x);
    free(sorted);
    if (rc) {
        if (rc == BP_EBADRPC || rc == BP_ETIMEDOUT)
            bp_err_prefix(err, "%s: ", e->name);
        return rc;
    }
    /* {value, Value, Bindings} */
    if (!term_is_tagged(res, "value", 3))
        return bp_error(err, BP_EDECODE, "%s: unexpected reply from erl_eval", e->name);
    *out = (struct term *)term_elem(res, 1);
    return 0;
}

static int send_term(struct node_conn *c, const erlang_pid *to, const char *name,
                     const struct term *msg, struct bp_err *err)
{
    ei_x_buff x;
    struct term_encode_ctx ctx;
    int rc;

    node_encode_ctx(c, &ctx);
    ei_x_new_with_version(&x);
    rc = term_encode(&x, msg, &ctx, err);
    if (rc == 0)
        rc = node_send_raw(c, to, name, x.buff, (size_t)x.index, err);
    ei_x_free(&x);
    return rc;
}

int node_send(struct node_conn *c, const struct term_pid *to,
              const struct term *msg, struct bp_err *err)
{
    erlang_pid p;
    to_erlang_pid(c, to, &p);
    return send_term(c, &p, NULL, msg, err);
}

int node_send_reg(struct node_conn *c, const char *name,
                  const struct term *msg, struct bp_err *err)
{
    return send_term(c, NULL, name, msg, err);
}

static int have_message(struct node_conn *c)
{
    return c->q_len > 0;
}

int node_recv(struct node_conn *c, int64_t deadline, struct arena *a,
              struct term **msg, struct bp_err *err)
{
    unsigned char *data;
    size_t len, idx = 0;
    int rc;

    if (c->q_len == 0) {
        rc = node_pump(c, deadline, have_message, err);
        if (rc)
            return rc;
    }
    if (!node_dequeue(c, &data, &len))
        return bp_error(err, BP_ETIMEDOUT, "timed out");
    rc = term_decode_versioned(a, data, len, &idx, &term_default_limits, msg, err);
    free(data);
    return rc;
}

int node_wait(struct node_conn *c, int64_t deadline, struct bp_err *err)
{
    int rc = node_pump(c, deadline, NULL, err);
    return rc == BP_ETIMEDOUT ? 0 : rc;
}
