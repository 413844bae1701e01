/* SPDX-License-Identifier: Apache-2.0 */
/*
 * unit_main.c - runs every registered unit test; see unit.h.
 *
 * Usage: unit [FILTER]   Prints one line per test and a final
 * "unit: N passed, N failed"; exits 1 if any test failed.
 */
#include "unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

struct unit_test {
    const char *name;
    unit_fn fn;
    const char *file;
};

static struct unit_test *tests;
static size_t ntests, cap;
static jmp_buf unit_jmp;

/* Run test i; returns 1 if it passed.  Kept out of main so that no local
 * of main is live across the setjmp. */
static int run_one(size_t i)
{
    if (setjmp(unit_jmp) == 0) {
        tests[i].fn();
        return 1;
    }
    return 0;
}

void unit_register(const char *name, unit_fn fn, const char *file)
{
    if (ntests == cap) {
        cap = cap ? cap * 2 : 64;
        tests = realloc(tests, cap * sizeof(*tests));
        if (!tests)
            abort();
    }
    tests[ntests].name = name;
    tests[ntests].fn = fn;
    tests[ntests].file = file;
    ntests++;
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stdout, "  %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    longjmp(unit_jmp, 1);
}

int main(int argc, char **argv)
{
    size_t i, passed = 0, failed = 0;
    const char *filter = argc > 1 ? argv[1] : NULL;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (i = 0; i < ntests; i++) {
        int ok;
        if (filter && !strstr(tests[i].name, filter))
            continue;
        ok = run_one(i);
        printf("%s %s\n", ok ? "ok  " : "FAIL", tests[i].name);
        if (ok)
            passed++;
        else
            failed++;
    }
    printf("unit: %zu passed, %zu failed\n", passed, failed);
    free(tests);
    return failed ? 1 : 0;
}
