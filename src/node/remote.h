/* SPDX-License-Identifier: Apache-2.0 */
/*
 * remote.h - a pre-parsed expression to evaluate on a node.
 *
 * The bodies live in src/remote/NAME.erl as readable Erlang; the build
 * turns each into the abstract form in external term format (see
 * tools/gen_remote.escript) and build/gen/remote_exprs.h declares one
 * `remote_NAME` per file.  node_eval() sends it to erl_eval on the node.
 */
#ifndef BP_REMOTE_H
#define BP_REMOTE_H

#include <stddef.h>

struct remote_expr {
    const char *name;
    const unsigned char *ext; /* abstract form, external format, no 131 */
    size_t len;
};

#endif
