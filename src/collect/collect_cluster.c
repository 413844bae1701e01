/* SPDX-License-Identifier: Apache-2.0 */
/*
 * collect_cluster.c - which nodes make the cluster.
 *
 * erlang:nodes(connected) on the entry node lists visible and hidden
 * connections (erlang:nodes(visible) the members only); beamprobe's own
 * pool names are left out.  Nodes that do
 * not accept connections (C nodes such as erl_call) stay in the list: the
 * command reports them on their own line, as it does a node that is down.
 * Cost: one BIF.
 */
#include "collect/collect.h"

#include <string.h>

int collect_cluster_nodes(struct node_conn *entry, struct arena *a, bool hidden,
                          const char ***names, size_t *n, struct bp_err *err)
{
    struct term *args = term_list(a, 1), *r = NULL;
    const char **out;
    size_t i, k = 0;
    int rc;

    args->u.list.items[0] = term_atom(a, hidden ? "connected" : "visible");
    rc = node_rpc(entry, "erlang", "nodes", args, 0, a, &r, err);
    if (rc)
        return rc;
    out = arena_zalloc(a, (term_list_len(r) + 2) * sizeof(*out));
    out[k++] = node_info(entry)->name;
    for (i = 0; i < term_list_len(r); i++) {
        const struct term *t = r->u.list.items[i];
        if (t->kind != TERM_ATOM || strncmp(t->u.atom.name, "beamprobe_", 10) == 0)
            continue;
        out[k++] = t->u.atom.name;
    }
    *names = out;
    *n = k;
    return 0;
}
