/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rpc_probe.c - test driver: remote calls across a suspended rex.
 *
 *   rpc_probe NODE COOKIE_FILE
 *
 * Step 1 (stdin line "1"): erlang:node() with a 300 ms deadline, expected to
 * time out while the test keeps rex suspended.  Step 2 (line "2", after the
 * test resumed rex): erlang:system_info(process_count) must return an
 * integer - the late reply of step 1 (an atom) must never be taken for it -
 * and the connection must have counted one stale reply.  Prints one line
 * per step (the last with the verdict); exit 0 when every expectation held.
 */
#include "node/node.h"
#include "util/sig.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    struct node_opts o;
    struct node_conn *c = NULL;
    struct bp_err err;
    char cookie[256], line[16];
    struct arena a = ARENA_INIT;
    struct term *r = NULL;
    int rc, ok = 1;

    if (argc != 3)
        return 2;
    sig_install();
    if (node_cookie_find(NULL, argv[2], cookie, sizeof(cookie), &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    memset(&o, 0, sizeof(o));
    o.node = argv[1];
    o.cookie = cookie;
    o.timeout_ms = 3000;
    if (node_open(&o, &c, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    printf("ready\n");
    fflush(stdout);
    while (fgets(line, sizeof(line), stdin)) {
        if (line[0] == '1') {
            rc = node_rpc(c, "erlang", "node", NULL, 300, &a, &r, &err);
            printf("step1 rc=%d %s\n", rc, rc == BP_ETIMEDOUT ? "timeout" : "unexpected");
            ok &= rc == BP_ETIMEDOUT;
        } else if (line[0] == '2') {
            struct term *args = term_list(&a, 1);
            args->u.list.items[0] = term_atom(&a, "process_count");
            rc = node_rpc(c, "erlang", "system_info", args, 3000, &a, &r, &err);
            ok &= rc == 0 && r->kind == TERM_INT && node_stale_replies(c) == 1;
            printf("step2 rc=%d kind=%s stale=%llu %s\n", rc,
                   rc == 0 && r->kind == TERM_INT ? "integer" : "other",
                   (unsigned long long)node_stale_replies(c), ok ? "PASS" : "FAIL");
            break;
        }
        fflush(stdout);
    }
    node_close(c);
    arena_release(&a);
    return ok ? 0 : 1;
}
