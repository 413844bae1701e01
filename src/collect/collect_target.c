/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_target.c - turn a TARGET as typed into a pid on the node.
 *
 * Pids need no round trip.  Names cost one erlang:whereis/1 (or
 * global:whereis_name/1, Mod:whereis_name/1 for {global, N} / {via, M, N}).
 * Calls run the user's own function, e.g. the guide's
 * 'LassoWeb.Dashboard.ClusterEventAggregator.ensure_started("default")',
 * and accept a pid or {ok, Pid} back.  The only atoms sent are the ones the
 * user wrote.
 */
#include "collect/collect.h"

#include <ctype.h>
#include <string.h>

static int pid_result(struct node_conn *c, const struct term *r, const char *spec,
                      struct target *out, struct bp_err *err)
{
    struct sbuf sb = SBUF_INIT;
    struct term_print_opts po = term_print_defaults;
    int rc;

    if (r && r->kind == TERM_TUPLE && r->u.tuple.n == 2 &&
        term_is_atom(r->u.tuple.items[0], "ok"))
        r = r->u.tuple.items[1];
    if (r && r->kind == TERM_PID) {
        out->pid = (struct term *)r;
        return 0;
    }
    po.local_node = node_info(c)->name;
    po.max_len = 120;
    term_print(&sb, r, &po);
    rc = bp_error(err, BP_ENOPROC, "'%s' returned %s, not a pid", spec, sbuf_str(&sb));
    sbuf_release(&sb);
    return rc;
}

/* Does spec look like a call: parentheses, mod:fun, or Alias.fun? */
static int looks_like_call(const char *s)
{
    const char *dot;

    if (strchr(s, '('))
        return 1;
    if (s[0] != '\'' && s[0] != '{' && strchr(s, ':') && s[0] != ':')
        return 1;
    /* Foo.Bar.baz (Elixir, no parentheses): last segment lower case. */
    dot = strrchr(s, '.');
    if (dot && isupper((unsigned char)s[0]) && islower((unsigned char)dot[1]))
        return 1;
    if (s[0] == ':' && strchr(s + 1, '.'))
        return 1;
    return 0;
}

static int resolve_name(struct node_conn *c, struct arena *a, const struct term *name,
                        const char *spec, struct target *out, struct bp_err *err)
{
    struct term *args, *r = NULL;
    const char *mod = "erlang", *fun = "whereis";
    int rc;

    if (name->kind == TERM_ATOM) {
        args = term_list(a, 1);
        args->u.list.items[0] = (struct term *)name;
    } else if (name->kind == TERM_TUPLE && name->u.tuple.n == 2 &&
               term_is_atom(name->u.tuple.items[0], "global")) {
        mod = "global";
        fun = "whereis_name";
        args = term_list(a, 1);
        args->u.list.items[0] = name->u.tuple.items[1];
    } else if (name->kind == TERM_TUPLE && name->u.tuple.n == 3 &&
               term_is_atom(name->u.tuple.items[0], "via") &&
               name->u.tuple.items[1]->kind == TERM_ATOM) {
        mod = name->u.tuple.items[1]->u.atom.name;
        fun = "whereis_name";
        args = term_list(a, 1);
        args->u.list.items[0] = name->u.tuple.items[2];
    } else {
        return bp_error(err, BP_EUSAGE,
                        "'%s' is not a pid, a registered name or a call", spec);
    }
    rc = node_rpc(c, mod, fun, args, 0, a, &r, err);
    if (rc)
        return rc;
    if (r->kind != TERM_PID)
        return bp_error(err, BP_ENOPROC, "no process registered as '%s' on '%s'", spec,
                        node_name(c));
    out->pid = r;
    return 0;
}

int collect_target(struct node_conn *c, struct arena *a, const char *spec,
                   struct target *out, struct bp_err *err)
{
    struct term_pid pid;
    struct term *t = NULL;
    struct term_call call;
    int rc;

    memset(out, 0, sizeof(*out));
    out->spec = spec;
    out->label = spec;
    if (term_parse_pid(spec, &pid, a, NULL) == 0) {
        out->pid = term_pidv(a, pid.node ? pid.node : node_info(c)->name, pid.num,
                             pid.serial, pid.node ? pid.creation : node_info(c)->creation);
        return 0;
    }
    if (looks_like_call(spec)) {
        struct term *args, *r = NULL;
        size_t i;
        rc = term_parse_call(a, spec, 0, &call, err);
        if (rc)
            return rc;
        args = term_list(a, call.nargs);
        for (i = 0; i < call.nargs; i++)
            args->u.list.items[i] = call.args[i];
        rc = node_rpc(c, call.module, call.function, args, 0, a, &r, err);
        if (rc)
            return rc;
        return pid_result(c, r, spec, out, err);
    }
    rc = term_parse(a, spec, TERM_SYNTAX_AUTO, 0, &t, err);
    if (rc) {
        bp_err_prefix(err, "target '%s': ", spec);
        return rc;
    }
    return resolve_name(c, a, t, spec, out, err);
}
