/* SPDX-License-Identifier: Apache-2.0 */
/*
 * node_net.h - TCP helpers with deadlines, shared by the epmd query and the
 * distribution socket callbacks.  Internal to node/.
 */
#ifndef BP_NODE_NET_H
#define BP_NODE_NET_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "util/err.h"

/*
 * Resolve host to an IPv4 address.  BP_EHOST when it does not resolve;
 * when it resolves only to IPv6 addresses the message says so (beamprobe
 * speaks IPv4 distribution, inet_tcp).
 */
int net_resolve4(const char *host, struct in_addr *out, struct bp_err *err);

/*
 * Non-blocking connect with a deadline (absolute monotonic ms).  Returns a
 * blocking, close-on-exec socket with TCP_NODELAY in *fd, or a negative
 * errno value (-ECONNREFUSED, -ETIMEDOUT, ...).
 */
int net_connect(const struct sockaddr *sa, socklen_t len, int64_t deadline,
                int *fd);

/*
 * Wait until fd is readable (events POLLIN) or writable (POLLOUT), or the
 * deadline passes.  Returns 1 ready, 0 timeout, negative errno.
 */
int net_wait(int fd, short events, int64_t deadline);

/* The epmd port: $ERL_EPMD_PORT or 4369. */
int net_epmd_port(void);

#endif
