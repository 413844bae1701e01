/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sig.c - signal self-pipe; see sig.h.
 */
#include "util/sig.h"
#include "util/clock.h"
#include "util/err.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static int pipefd[2] = { -1, -1 };
static volatile sig_atomic_t last_sig;

static void on_signal(int signo)
{
    int saved = errno;
    char c = (char)signo;
    last_sig = signo;
    if (pipefd[1] >= 0) {
        ssize_t r = write(pipefd[1], &c, 1);
        (void)r;
    }
    errno = saved;
}

void sig_install(void)
{
    struct sigaction sa;

    if (pipefd[0] < 0 && pipe(pipefd) == 0) {
        int i;
        for (i = 0; i < 2; i++) {
            fcntl(pipefd[i], F_SETFL, fcntl(pipefd[i], F_GETFL) | O_NONBLOCK);
            fcntl(pipefd[i], F_SETFD, FD_CLOEXEC);
        }
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: let blocking calls see EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int sig_fd(void)
{
    return pipefd[0];
}

bool sig_pending(void)
{
    return last_sig != 0;
}

int sig_last(void)
{
    return last_sig;
}

void sig_clear(void)
{
    char buf[64];
    last_sig = 0;
    if (pipefd[0] >= 0)
        while (read(pipefd[0], buf, sizeof(buf)) > 0)
            ;
}

int sig_sleep_until(int64_t deadline)
{
    for (;;) {
        struct pollfd p = { pipefd[0], POLLIN, 0 };
        int64_t left = deadline - clock_ms();
        if (last_sig)
            return BP_EINTR;
        if (left <= 0)
            return 0;
        poll(&p, pipefd[0] >= 0 ? 1 : 0, left > 60000 ? 60000 : (int)left);
    }
}
