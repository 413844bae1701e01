/* SPDX-License-Identifier: Apache-2.0 */
/*
 * opts.h - declarative command-line options and the help generated from them.
 *
 * A command declares an array of struct opt (ended by OPT_END) pointing at
 * its own variables, as git's OPT_* arrays do; opts_parse() fills them
 * from argv, collects positional arguments, and accepts the global options
 * anywhere on the line.  --help output is generated from the same arrays,
 * so help and behaviour cannot drift apart.
 */
#ifndef BP_OPTS_H
#define BP_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util/err.h"

enum opt_type {
    OPT_END_,
    OPT_FLAG_,     /* bool, no argument */
    OPT_STRING_,   /* const char *, borrowed from argv */
    OPT_INT_,      /* int64_t */
    OPT_DURATION_, /* int64_t milliseconds: 500ms, 5s, 2m (bare number: s) */
    OPT_LIST_      /* repeatable string: appended to a struct opt_list */
};

struct opt_list {
    const char **items; /* borrowed from argv */
    size_t n;
};

struct opt {
    enum opt_type type;
    const char *name;     /* long name without "--" */
    char short_name;      /* 0 if none */
    void *dest;
    const char *argname;  /* e.g. "N", "DURATION" */
    const char *help;
};

#define OPT_FLAG(n, s, d, h) { OPT_FLAG_, n, s, d, NULL, h }
#define OPT_STRING(n, s, d, a, h) { OPT_STRING_, n, s, d, a, h }
#define OPT_INT(n, s, d, a, h) { OPT_INT_, n, s, d, a, h }
#define OPT_DURATION(n, s, d, a, h) { OPT_DURATION_, n, s, d, a, h }
#define OPT_LIST(n, s, d, a, h) { OPT_LIST_, n, s, d, a, h }
#define OPT_END { OPT_END_, NULL, 0, NULL, NULL, NULL }

/* What a command says about itself, for --help. */
struct cmd_help {
    const char *name;
    const char *usage;   /* after "beamprobe ", e.g. "mailbox TARGET... [--watch D]" */
    const char *summary; /* one line */
    const char *details; /* paragraphs, may be NULL */
};

/*
 * Parse argv[0..argc) against the command's options and the global ones.
 * Positional arguments are stored in pos[0..*npos) (at most maxpos).
 * Returns 0, 1 when --help was given (help printed to stdout), or
 * BP_EUSAGE with the message in err.
 */
int opts_parse(int argc, char **argv, const struct opt *cmd, const struct opt *global,
               const struct cmd_help *help, char **pos, int maxpos, int *npos,
               struct bp_err *err);

/* Print help for a command (cmd may be NULL for the top level). */
void opts_print_help(FILE *f, const struct cmd_help *help, const struct opt *cmd,
                     const struct opt *global);

#endif
