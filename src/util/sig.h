/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sig.h - Ctrl-C and SIGTERM as an event every wait loop can see.
 *
 * sig_install() routes SIGINT, SIGTERM and SIGHUP to a self-pipe; every
 * blocking wait in beamprobe polls sig_fd() next to its socket, so a signal
 * ends the wait at once and the command unwinds through its normal cleanup
 * (trace removal, scheduler_wall_time restore, terminal restore).  SIGPIPE
 * is ignored so a closed socket is an error value, not a death.
 */
#ifndef BP_SIG_H
#define BP_SIG_H

#include <stdbool.h>
#include <stdint.h>

void sig_install(void);
/* Read end of the self-pipe (readable once a signal arrived), -1 if none. */
int sig_fd(void);
/* A signal arrived and has not been cleared. */
bool sig_pending(void);
/* Number of the last signal caught, 0 if none. */
int sig_last(void);
/*
 * Sleep until the absolute monotonic deadline (ms) unless a signal comes
 * first.  Returns 0, or BP_EINTR (util/err.h) when interrupted.
 */
int sig_sleep_until(int64_t deadline);

/* Forget pending signals (the TUI uses it after handling a resize). */
void sig_clear(void);

#endif
