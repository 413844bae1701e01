/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http.c - the metrics endpoint's HTTP server; see http.h.
 *
 * One poll(2) loop over the listening socket, a wake-up pipe and up to
 * MAX_CLIENTS non-blocking client sockets.  Each client has a bounded
 * input buffer; a complete request is answered from a snapshot of the
 * published body taken under the mutex, then the connection stays open for
 * the next request unless the client asked to close it.
 */
#include "export/http.h"
#include "util/clock.h"
#include "util/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CLIENTS 256
#define MAX_REQUEST 8192
#define IDLE_MS 60000

struct client {
    int fd;
    char in[MAX_REQUEST];
    size_t inlen;
    char *out;
    size_t outlen, outoff;
    int close_after;
    int64_t last_ms;
};

struct http_server {
    int lfd;
    int wake[2];
    int running;
    pthread_t th;
    pthread_mutex_t mu;
    char *body;
    size_t len;
    uint64_t scrapes;
    int port;
    char addr[80];
    struct client *clients[MAX_CLIENTS];
};

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return -1;
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return 0;
}

int http_listen(const char *spec, struct http_server **out, struct bp_err *err)
{
    char host[256] = "", port[16];
    const char *colon;
    struct addrinfo hints, *res = NULL, *ai;
    struct http_server *s;
    int fd = -1, rc, one = 1;

    if (spec[0] == '[') {
        const char *end = strchr(spec, ']');
        if (!end || end[1] != ':' || (size_t)(end - spec - 1) >= sizeof(host))
            return bp_error(err, BP_EUSAGE, "--listen: malformed address '%s'", spec);
        memcpy(host, spec + 1, (size_t)(end - spec - 1));
        host[end - spec - 1] = '\0';
        colon = end + 1;
    } else {
        colon = strrchr(spec, ':');
        if (colon) {
            if ((size_t)(colon - spec) >= sizeof(host))
                return bp_error(err, BP_EUSAGE, "--listen: malformed address '%s'", spec);
            memcpy(host, spec, (size_t)(colon - spec));
            host[colon - spec] = '\0';
        }
    }
    snprintf(port, sizeof(port), "%s", colon ? colon + 1 : spec);
    if (!port[0] || strspn(port, "0123456789") != strlen(port) || atoi(port) > 65535)
        return bp_error(err, BP_EUSAGE, "--listen: bad port in '%s' (ADDR:PORT, :PORT or PORT)",
                        spec);
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
    if (rc)
        return bp_error(err, BP_EUSAGE, "--listen: cannot resolve '%s': %s", host,
                        gai_strerror(rc));
    /* Without a host, prefer IPv4's wildcard (reachable as 127.0.0.1). */
    for (ai = res; ai; ai = ai->ai_next) {
        if (!host[0] && ai->ai_family != AF_INET && res->ai_next)
            continue;
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0)
            continue;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 128) == 0)
            break;
        rc = errno;
        close(fd);
        fd = -1;
        errno = rc;
    }
    if (fd < 0) {
        rc = bp_error(err, BP_EIO, "--listen: cannot listen on '%s': %s", spec, strerror(errno));
        freeaddrinfo(res);
        return rc;
    }
    freeaddrinfo(res);
    set_nonblock(fd);
    s = xcalloc(1, sizeof(*s));
    s->lfd = fd;
    s->wake[0] = s->wake[1] = -1;
    pthread_mutex_init(&s->mu, NULL);
    {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        char h[64] = "?";
        if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
            if (ss.ss_family == AF_INET) {
                struct sockaddr_in *in = (struct sockaddr_in *)&ss;
                inet_ntop(AF_INET, &in->sin_addr, h, sizeof(h));
                s->port = ntohs(in->sin_port);
                if (strcmp(h, "0.0.0.0") == 0)
                    snprintf(h, sizeof(h), "127.0.0.1");
                snprintf(s->addr, sizeof(s->addr), "%s:%d", h, s->port);
            } else {
                struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
                inet_ntop(AF_INET6, &in6->sin6_addr, h, sizeof(h));
                s->port = ntohs(in6->sin6_port);
                snprintf(s->addr, sizeof(s->addr), "[%s]:%d", strcmp(h, "::") ? h : "::1",
                         s->port);
            }
        }
    }
    *out = s;
    return 0;
}

int http_port(const struct http_server *s)
{
    return s->port;
}

const char *http_address(const struct http_server *s)
{
    return s->addr;
}

void http_publish(struct http_server *s, const char *body, size_t len)
{
    char *copy = xmalloc(len + 1), *old;
    memcpy(copy, body, len);
    copy[len] = '\0';
    pthread_mutex_lock(&s->mu);
    old = s->body;
    s->body = copy;
    s->len = len;
    pthread_mutex_unlock(&s->mu);
    free(old);
}

uint64_t http_scrapes(struct http_server *s)
{
    uint64_t n;
    pthread_mutex_lock(&s->mu);
    n = s->scrapes;
    pthread_mutex_unlock(&s->mu);
    return n;
}

static void client_free(struct http_server *s, int i)
{
    struct client *c = s->clients[i];
    close(c->fd);
    free(c->out);
    free(c);
    s->clients[i] = NULL;
}

static void respond(struct http_server *s, struct client *c, int status, const char *reason,
                    const char *ctype, const char *body, size_t len, int head)
{
    char hdr[512];
    int n = snprintf(hdr, sizeof(hdr),
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "Cache-Control: no-store\r\nServer: beamprobe\r\n%s\r\n",
                     status, reason, ctype, len, c->close_after ? "Connection: close\r\n" : "");
    size_t blen = head ? 0 : len;
    (void)s;
    c->out = xrealloc(c->out, (size_t)n + blen + 1);
    memcpy(c->out, hdr, (size_t)n);
    if (blen)
        memcpy(c->out + n, body, blen);
    c->outlen = (size_t)n + blen;
    c->outoff = 0;
}

/* A complete request is in c->in[0..end): answer it. */
static void handle(struct http_server *s, struct client *c, size_t end)
{
    char method[16] = "", path[512] = "", version[16] = "";
    const char *p;
    int head;

    c->in[end - 1] = '\0';
    if (sscanf(c->in, "%15s %511s %15s", method, path, version) != 3) {
        c->close_after = 1;
        respond(s, c, 400, "Bad Request", "text/plain", "bad request\n", 12, 0);
        return;
    }
    /* HTTP/1.0 closes unless keep-alive; 1.1 keeps unless close. */
    c->close_after = strcmp(version, "HTTP/1.1") != 0;
    for (p = strchr(c->in, '\n'); p && *p; p = strchr(p + 1, '\n')) {
        if (strncasecmp(p + 1, "connection:", 11) == 0) {
            const char *v = p + 12;
            while (*v == ' ')
                v++;
            if (strncasecmp(v, "close", 5) == 0)
                c->close_after = 1;
            else if (strncasecmp(v, "keep-alive", 10) == 0)
                c->close_after = 0;
        }
    }
    head = strcmp(method, "HEAD") == 0;
    if (!head && strcmp(method, "GET") != 0) {
        respond(s, c, 405, "Method Not Allowed", "text/plain", "method not allowed\n", 19, 0);
        return;
    }
    {
        char *q = strchr(path, '?');
        if (q)
            *q = '\0';
    }
    if (strcmp(path, "/metrics") == 0) {
        pthread_mutex_lock(&s->mu);
        s->scrapes++;
        respond(s, c, 200, "OK", "text/plain; version=0.0.4; charset=utf-8",
                s->body ? s->body : "", s->body ? s->len : 0, head);
        pthread_mutex_unlock(&s->mu);
    } else if (strcmp(path, "/") == 0) {
        static const char page[] =
            "<html><head><title>beamprobe exporter</title></head><body>"
            "<h1>beamprobe exporter</h1><p><a href=\"/metrics\">Metrics</a></p>"
            "</body></html>\n";
        respond(s, c, 200, "OK", "text/html; charset=utf-8", page, sizeof(page) - 1, head);
    } else if (strcmp(path, "/-/healthy") == 0) {
        respond(s, c, 200, "OK", "text/plain", "OK\n", 3, head);
    } else {
        respond(s, c, 404, "Not Found", "text/plain", "not found\n", 10, head);
    }
}

/* Look for the end of a request's headers; returns its length or 0. */
static size_t request_end(const struct client *c)
{
    size_t i;
    for (i = 3; i < c->inlen; i++)
        if (c->in[i] == '\n' && c->in[i - 1] == '\r' && c->in[i - 2] == '\n' &&
            c->in[i - 3] == '\r')
            return i + 1;
    for (i = 1; i < c->inlen; i++)
        if (c->in[i] == '\n' && c->in[i - 1] == '\n')
            return i + 1;
    return 0;
}

static void on_readable(struct http_server *s, int i)
{
    struct client *c = s->clients[i];
    ssize_t n;
    size_t end;

    n = read(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        client_free(s, i);
        return;
    }
    if (n > 0) {
        c->inlen += (size_t)n;
        c->last_ms = clock_ms();
    }
    if (c->outlen)
        return; /* answer the next pipelined request after this one */
    end = request_end(c);
    if (end) {
        handle(s, c, end);
        memmove(c->in, c->in + end, c->inlen - end);
        c->inlen -= end;
    } else if (c->inlen == sizeof(c->in)) {
        c->close_after = 1;
        c->inlen = 0;
        respond(s, c, 431, "Request Header Fields Too Large", "text/plain", "too large\n", 10,
                0);
    }
}

static void on_writable(struct http_server *s, int i)
{
    struct client *c = s->clients[i];
    ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);
    size_t end;

    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR)
            client_free(s, i);
        return;
    }
    c->outoff += (size_t)n;
    c->last_ms = clock_ms();
    if (c->outoff < c->outlen)
        return;
    c->outlen = c->outoff = 0;
    if (c->close_after) {
        client_free(s, i);
        return;
    }
    end = request_end(c);
    if (end) {
        handle(s, c, end);
        memmove(c->in, c->in + end, c->inlen - end);
        c->inlen -= end;
    }
}

static void *serve(void *arg)
{
    struct http_server *s = arg;
    struct pollfd pfd[MAX_CLIENTS + 2];
    int map[MAX_CLIENTS + 2];

    for (;;) {
        int n = 0, i, k, r;
        int64_t now = clock_ms();

        pfd[n].fd = s->wake[0];
        pfd[n].events = POLLIN;
        map[n++] = -1;
        pfd[n].fd = s->lfd;
        pfd[n].events = POLLIN;
        map[n++] = -2;
        for (i = 0; i < MAX_CLIENTS; i++) {
            struct client *c = s->clients[i];
            if (!c)
                continue;
            if (now - c->last_ms > IDLE_MS) {
                client_free(s, i);
                continue;
            }
            pfd[n].fd = c->fd;
            pfd[n].events = c->outlen ? POLLOUT : POLLIN;
            map[n++] = i;
        }
        r = poll(pfd, (nfds_t)n, 1000);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (pfd[0].revents)
            break;
        if (pfd[1].revents & POLLIN) {
            for (;;) {
                int fd = accept(s->lfd, NULL, NULL);
                if (fd < 0)
                    break;
                for (k = 0; k < MAX_CLIENTS && s->clients[k]; k++)
                    ;
                if (k == MAX_CLIENTS || set_nonblock(fd) < 0) {
                    close(fd);
                    continue;
                }
                s->clients[k] = xcalloc(1, sizeof(struct client));
                s->clients[k]->fd = fd;
                s->clients[k]->last_ms = clock_ms();
            }
        }
        for (k = 2; k < n; k++) {
            i = map[k];
            if (!s->clients[i] || s->clients[i]->fd != pfd[k].fd)
                continue;
            if (pfd[k].revents & (POLLERR | POLLNVAL)) {
                client_free(s, i);
                continue;
            }
            if (pfd[k].revents & POLLOUT)
                on_writable(s, i);
            else if (pfd[k].revents & (POLLIN | POLLHUP))
                on_readable(s, i);
        }
    }
    return NULL;
}

int http_start(struct http_server *s, struct bp_err *err)
{
    sigset_t block, old;
    int rc;

    if (pipe(s->wake) != 0)
        return bp_error(err, BP_EIO, "export: pipe: %s", strerror(errno));
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    rc = pthread_create(&s->th, NULL, serve, s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc)
        return bp_error(err, BP_EIO, "export: cannot start the HTTP thread: %s", strerror(rc));
    s->running = 1;
    return 0;
}

void http_stop(struct http_server *s)
{
    int i;

    if (!s)
        return;
    if (s->running) {
        ssize_t w = write(s->wake[1], "x", 1);
        (void)w;
        pthread_join(s->th, NULL);
    }
    for (i = 0; i < MAX_CLIENTS; i++)
        if (s->clients[i])
            client_free(s, i);
    if (s->wake[0] >= 0) {
        close(s->wake[0]);
        close(s->wake[1]);
    }
    close(s->lfd);
    pthread_mutex_destroy(&s->mu);
    free(s->body);
    free(s);
}
