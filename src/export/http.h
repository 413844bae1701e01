/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http.h - a minimal HTTP/1.1 server for the Prometheus endpoint.
 *
 * One thread serves every client from a cached body that the caller
 * replaces after each refresh (http_publish): a scrape never reaches the
 * node, so any number of scrapers cost the node nothing more.  GET and
 * HEAD only: /metrics (text exposition 0.0.4), / (a short index page),
 * /-/healthy; anything else is 404, other methods 405.  Keep-alive and
 * pipelining are supported; requests are bounded (8 KiB of headers),
 * clients (256) and idle time (60 s) too.  The thread blocks SIGINT,
 * SIGTERM and SIGHUP so signals reach the main thread.
 *
 * Ownership: http_listen returns a server the caller frees with
 * http_stop; http_publish copies the body.
 */
#ifndef BP_EXPORT_HTTP_H
#define BP_EXPORT_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct http_server;

/*
 * Bind and listen on spec: "ADDR:PORT", "[ADDR]:PORT", ":PORT" (every
 * interface) or "PORT".  PORT 0 picks a free port (see http_port).
 * Errors: BP_EUSAGE for a malformed spec, BP_EIO when the address cannot
 * be bound (the message says why, e.g. "address already in use").
 */
int http_listen(const char *spec, struct http_server **out, struct bp_err *err);

/* Start the serving thread.  BP_EIO if it cannot be created. */
int http_start(struct http_server *s, struct bp_err *err);

/* Replace the body served at /metrics (copied; thread-safe). */
void http_publish(struct http_server *s, const char *body, size_t len);

/* The bound port and a printable address ("127.0.0.1:9100"). */
int http_port(const struct http_server *s);
const char *http_address(const struct http_server *s);

/* Requests answered on /metrics so far. */
uint64_t http_scrapes(struct http_server *s);

/* Stop the thread, close every socket and free the server (NULL is ok). */
void http_stop(struct http_server *s);

#endif
