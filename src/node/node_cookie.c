/* SPDX-License-Identifier: Apache-2.0 */
/*
 * node_cookie.c - where the cookie comes from, and refusing unsafe files.
 *
 * Order: --cookie (documented as visible in ps), --cookie-file,
 * $BEAMPROBE_COOKIE_FILE, $BEAMPROBE_COOKIE, ~/.erlang.cookie.  A file that
 * group or others may read or write is refused, as erl itself refuses a
 * loose ~/.erlang.cookie.  No message built here ever includes the cookie.
 */
#include "node/node.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COOKIE_MAX 255

static int copy_cookie(const char *src, size_t len, char *buf, size_t n,
                       const char *origin, struct bp_err *err)
{
    while (len > 0 && (src[len - 1] == '\n' || src[len - 1] == '\r' ||
                       src[len - 1] == ' ' || src[len - 1] == '\t'))
        len--;
    while (len > 0 && (*src == ' ' || *src == '\t')) {
        src++;
        len--;
    }
    if (len == 0)
        return bp_error(err, BP_ECOOKIE, "the cookie from %s is empty", origin);
    if (len > COOKIE_MAX || len >= n)
        return bp_error(err, BP_ECOOKIE, "the cookie from %s is longer than %d bytes",
                        origin, COOKIE_MAX);
    memcpy(buf, src, len);
    buf[len] = '\0';
    return 0;
}

static int read_cookie_file(const char *path, char *buf, size_t n,
                            struct bp_err *err)
{
    struct stat st;
    char tmp[COOKIE_MAX + 2];
    ssize_t r;
    int fd, rc;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ELOOP)
        fd = open(path, O_RDONLY | O_CLOEXEC); /* a symlink: check the target */
    if (fd < 0)
        return bp_error(err, BP_ECOOKIE, "cannot read cookie file '%s': %s", path,
                        strerror(errno));
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return bp_error(err, BP_ECOOKIE, "cookie file '%s' is not a regular file", path);
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        close(fd);
        return bp_error(err, BP_ECOOKIE,
                        "cookie file '%s' is accessible by group or others (mode %03o); "
                        "run: chmod 400 '%s'",
                        path, (unsigned)(st.st_mode & 0777), path);
    }
    r = read(fd, tmp, sizeof(tmp));
    close(fd);
    if (r < 0)
        return bp_error(err, BP_ECOOKIE, "cannot read cookie file '%s': %s", path,
                        strerror(errno));
    rc = copy_cookie(tmp, (size_t)r, buf, n, path, err);
    memset(tmp, 0, sizeof(tmp));
    return rc;
}

int node_cookie_find(const char *explicit_cookie, const char *cookie_file,
                     char *buf, size_t n, struct bp_err *err)
{
    const char *env;
    char path[4096];

    if (explicit_cookie)
        return copy_cookie(explicit_cookie, strlen(explicit_cookie), buf, n,
                           "--cookie", err);
    if (cookie_file)
        return read_cookie_file(cookie_file, buf, n, err);
    env = getenv("BEAMPROBE_COOKIE_FILE");
    if (env && *env)
        return read_cookie_file(env, buf, n, err);
    env = getenv("BEAMPROBE_COOKIE");
    if (env && *env)
        return copy_cookie(env, strlen(env), buf, n, "$BEAMPROBE_COOKIE", err);
    env = getenv("HOME");
    if (!env || !*env)
        return bp_error(err, BP_ECOOKIE,
                        "no cookie given (--cookie-file, $BEAMPROBE_COOKIE_FILE, "
                        "$BEAMPROBE_COOKIE) and $HOME is not set");
    snprintf(path, sizeof(path), "%s/.erlang.cookie", env);
    if (access(path, F_OK) != 0)
        return bp_error(err, BP_ECOOKIE,
                        "no cookie given and '%s' does not exist (use --cookie-file "
                        "or $BEAMPROBE_COOKIE_FILE)", path);
    return read_cookie_file(path, buf, n, err);
}
