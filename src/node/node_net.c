/* SPDX-License-Identifier: Apache-2.0 */
/*
 * node_net.c - resolving and connecting with deadlines; see node_net.h.
 */
#include "node/node_net.h"
#include "util/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int net_resolve4(const char *host, struct in_addr *out, struct bp_err *err)
{
    struct addrinfo hints, *res = NULL, *p;
    int rc, have6 = 0;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0)
        return bp_error(err, BP_EHOST, "unknown host '%s': %s", host, gai_strerror(rc));
    for (p = res; p; p = p->ai_next) {
        if (p->ai_family == AF_INET) {
            *out = ((struct sockaddr_in *)(void *)p->ai_addr)->sin_addr;
            freeaddrinfo(res);
            return 0;
        }
        if (p->ai_family == AF_INET6)
            have6 = 1;
    }
    freeaddrinfo(res);
    if (have6)
        return bp_error(err, BP_EHOST,
                        "host '%s' has only IPv6 addresses; beamprobe connects over "
                        "IPv4 distribution (inet_tcp) only", host);
    return bp_error(err, BP_EHOST, "unknown host '%s'", host);
}

int net_wait(int fd, short events, int64_t deadline)
{
    for (;;) {
        struct pollfd pfd = { fd, events, 0 };
        int64_t left = deadline < 0 ? -1 : deadline - clock_ms();
        int r;
        if (deadline >= 0 && left < 0)
            left = 0;
        r = poll(&pfd, 1, left > 1000000 ? 1000000 : (int)left);
        if (r > 0)
            return 1;
        if (r == 0) {
            if (deadline >= 0 && clock_ms() >= deadline)
                return 0;
            continue;
        }
        if (errno != EINTR)
            return -errno;
        return -EINTR;
    }
}

int net_connect(const struct sockaddr *sa, socklen_t len, int64_t deadline,
                int *fd)
{
    int s, flags, one = 1, soerr = 0, r;
    socklen_t slen = sizeof(soerr);

    s = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -errno;
    flags = fcntl(s, F_GETFL);
    fcntl(s, F_SETFL, flags | O_NONBLOCK);
    if (connect(s, sa, len) < 0) {
        if (errno != EINPROGRESS) {
            r = -errno;
            close(s);
            return r;
        }
        r = net_wait(s, POLLOUT, deadline);
        if (r <= 0) {
            close(s);
            return r == 0 ? -ETIMEDOUT : r;
        }
        if (getsockopt(s, SOL_SOCKET, SO_ERROR, &soerr, &slen) < 0 || soerr) {
            close(s);
            return soerr ? -soerr : -EIO;
        }
    }
    fcntl(s, F_SETFL, flags & ~O_NONBLOCK);
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    *fd = s;
    return 0;
}

int net_epmd_port(void)
{
    const char *p = getenv("ERL_EPMD_PORT");
    if (p && *p) {
        long v = strtol(p, NULL, 10);
        if (v > 0 && v < 65536)
            return (int)v;
    }
    return 4369;
}
