/* SPDX-License-Identifier: Apache-2.0 */
/*
 * node_epmd.c - the NAMES query to epmd, to list the nodes on a host.
 *
 * libei looks nodes up in epmd but offers no way to list them; when a node
 * name is not registered, beamprobe lists what is, as `epmd -names` would.
 * Request: length 1, 'n'.  Reply: epmd's port (4 bytes), then lines
 * "name NAME at port PORT\n" until epmd closes the connection.
 * Reads at most 64 KiB; never blocks past the deadline.
 */
#include "node/node.h"
#include "node/node_net.h"
#include "util/clock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Ask epmd for its NAMES text; reply holds NUL-terminated lines. */
static int epmd_query(const char *host, unsigned timeout_ms, char *reply, size_t n,
                      struct bp_err *err)
{
    static const unsigned char req[3] = { 0, 1, 'n' };
    struct sockaddr_in sa;
    size_t got = 0;
    int64_t deadline = clock_ms() + timeout_ms;
    int fd, rc;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)net_epmd_port());
    rc = net_resolve4(host, &sa.sin_addr, err);
    if (rc)
        return rc;
    rc = net_connect((struct sockaddr *)&sa, sizeof(sa), deadline, &fd);
    if (rc)
        return bp_error(err, BP_ENOEPMD, "cannot reach epmd on '%s' port %d: %s", host,
                        net_epmd_port(), strerror(-rc));
    if (write(fd, req, sizeof(req)) != (ssize_t)sizeof(req)) {
        close(fd);
        return bp_error(err, BP_ENOEPMD, "epmd on '%s' closed the connection", host);
    }
    while (got < n - 1) {
        ssize_t r;
        if (net_wait(fd, POLLIN, deadline) <= 0)
            break;
        r = read(fd, reply + got, n - 1 - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got < 4)
        return bp_error(err, BP_ENOEPMD, "epmd on '%s' sent no names", host);
    reply[got] = '\0';
    memmove(reply, reply + 4, got - 3); /* drop epmd's own port */
    return 0;
}

int node_epmd_names(const char *host, unsigned timeout_ms, char *buf,
                    size_t n, struct bp_err *err)
{
    char reply[65536];
    size_t out = 0;
    char *line, *save = NULL;
    int rc;

    if (n)
        buf[0] = '\0';
    rc = epmd_query(host, timeout_ms, reply, sizeof(reply), err);
    if (rc)
        return rc;
    for (line = strtok_r(reply, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char name[256];
        if (sscanf(line, "name %255s at port", name) != 1)
            continue;
        rc = snprintf(buf + out, n > out ? n - out : 0, "%s%s", out ? ", " : "", name);
        if (rc < 0 || (size_t)rc >= n - out)
            break;
        out += (size_t)rc;
    }
    return 0;
}

int node_epmd_port(const char *host, const char *alive, unsigned timeout_ms, int *port,
                   struct bp_err *err)
{
    char reply[65536];
    char *line, *save = NULL;
    int rc;

    rc = epmd_query(host, timeout_ms, reply, sizeof(reply), err);
    if (rc)
        return rc;
    for (line = strtok_r(reply, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char name[256];
        int p;
        if (sscanf(line, "name %255s at port %d", name, &p) == 2 && strcmp(name, alive) == 0) {
            *port = p;
            return 0;
        }
    }
    return bp_error(err, BP_ENONODE, "no node '%s' registered with epmd on '%s'", alive, host);
}
