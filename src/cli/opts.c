/* SPDX-License-Identifier: Apache-2.0 */
/*
 * opts.c - option parsing and help generation; see opts.h.
 *
 * Accepted spellings: --name VALUE, --name=VALUE, -x VALUE, -xVALUE, and
 * "--" to end options.  Unknown options and missing values are usage
 * errors naming the option.
 */
#include "cli/opts.h"
#include "util/clock.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct opt *find_long(const struct opt *t, const char *name, size_t n)
{
    for (; t && t->type != OPT_END_; t++)
        if (strlen(t->name) == n && strncmp(t->name, name, n) == 0)
            return t;
    return NULL;
}

static const struct opt *find_short(const struct opt *t, char c)
{
    for (; t && t->type != OPT_END_; t++)
        if (t->short_name && t->short_name == c)
            return t;
    return NULL;
}

static int store(const struct opt *o, const char *val, struct bp_err *err)
{
    char *end;
    long long v;

    switch (o->type) {
    case OPT_FLAG_:
        *(bool *)o->dest = true;
        return 0;
    case OPT_STRING_:
        *(const char **)o->dest = val;
        return 0;
    case OPT_INT_:
        errno = 0;
        v = strtoll(val, &end, 10);
        if (errno || end == val || *end)
            return bp_error(err, BP_EUSAGE, "option '--%s' expects an integer, got '%s'",
                            o->name, val);
        *(int64_t *)o->dest = v;
        return 0;
    case OPT_DURATION_: {
        int rc = duration_parse(val, 1000, (int64_t *)o->dest, err);
        if (rc)
            bp_err_prefix(err, "option '--%s': ", o->name);
        return rc;
    }
    case OPT_LIST_: {
        struct opt_list *l = o->dest;
        l->items = xreallocarray((void *)l->items, l->n + 1, sizeof(*l->items));
        l->items[l->n++] = val;
        return 0;
    }
    default:
        return bp_error(err, BP_EINTERNAL, "bad option table");
    }
}

int opts_parse(int argc, char **argv, const struct opt *cmd, const struct opt *global,
               const struct cmd_help *help, char **pos, int maxpos, int *npos,
               struct bp_err *err)
{
    int i, rc, only_pos = 0;

    *npos = 0;
    for (i = 0; i < argc; i++) {
        char *a = argv[i];
        const struct opt *o = NULL;
        const char *val = NULL;

        if (only_pos || a[0] != '-' || a[1] == '\0' ||
            (a[1] >= '0' && a[1] <= '9')) {
            if (*npos >= maxpos)
                return bp_error(err, BP_EUSAGE, "unexpected argument '%s'", a);
            pos[(*npos)++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            opts_print_help(stdout, help, cmd, global);
            return 1;
        }
        if (a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t n = eq ? (size_t)(eq - name) : strlen(name);
            o = find_long(cmd, name, n);
            if (!o)
                o = find_long(global, name, n);
            if (!o)
                return bp_error(err, BP_EUSAGE, "unknown option '--%.*s'", (int)n, name);
            if (eq) {
                if (o->type == OPT_FLAG_)
                    return bp_error(err, BP_EUSAGE, "option '--%s' takes no value", o->name);
                val = eq + 1;
            }
        } else {
            o = find_short(cmd, a[1]);
            if (!o)
                o = find_short(global, a[1]);
            if (!o)
                return bp_error(err, BP_EUSAGE, "unknown option '-%c'", a[1]);
            if (a[2]) {
                if (o->type == OPT_FLAG_)
                    return bp_error(err, BP_EUSAGE, "option '-%c' takes no value", a[1]);
                val = a + 2;
            }
        }
        if (o->type != OPT_FLAG_ && !val) {
            if (i + 1 >= argc)
                return bp_error(err, BP_EUSAGE, "option '--%s' needs a value (%s)", o->name,
                                o->argname ? o->argname : "VALUE");
            val = argv[++i];
        }
        rc = store(o, val, err);
        if (rc)
            return rc;
    }
    return 0;
}

static void print_opts(FILE *f, const struct opt *t)
{
    for (; t && t->type != OPT_END_; t++) {
        char left[64];
        int n;
        if (t->short_name)
            n = snprintf(left, sizeof(left), "-%c, --%s", t->short_name, t->name);
        else
            n = snprintf(left, sizeof(left), "    --%s", t->name);
        if (t->type != OPT_FLAG_ && n > 0 && (size_t)n < sizeof(left))
            snprintf(left + n, sizeof(left) - (size_t)n, " %s", t->argname ? t->argname : "VALUE");
        fprintf(f, "  %-30s %s\n", left, t->help);
    }
}

void opts_print_help(FILE *f, const struct cmd_help *help, const struct opt *cmd,
                     const struct opt *global)
{
    if (help) {
        fprintf(f, "usage: beamprobe %s\n\n%s\n", help->usage, help->summary);
        if (help->details)
            fprintf(f, "\n%s\n", help->details);
    }
    if (cmd && cmd->type != OPT_END_) {
        fprintf(f, "\noptions:\n");
        print_opts(f, cmd);
    }
    if (global) {
        fprintf(f, "\nglobal options (before or after the command):\n");
        print_opts(f, global);
    }
    fprintf(f, "\nexit status: 0 ok, 1 usage, 2 cannot connect, 3 process not found or died,\n"
               "4 timeout, 5 remote error, 6 threshold crossed, 70 internal error\n");
}
