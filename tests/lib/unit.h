/* SPDX-License-Identifier: Apache-2.0 */
/*
 * unit.h - the unit-test harness: TEST(name) bodies and ASSERT macros.
 *
 * Each tests/unit/test_*.c file defines TEST(...) bodies; they register
 * themselves at load time and tests/lib/unit_main.c runs them all (or those
 * whose name contains argv[1]).  A failed assertion reports file:line and
 * the values compared, and ends only the current test.
 */
#ifndef BP_UNIT_H
#define BP_UNIT_H

#include <setjmp.h>
#include <stdint.h>
#include <string.h>

typedef void (*unit_fn)(void);

void unit_register(const char *name, unit_fn fn, const char *file);
void unit_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

#define TEST(name)                                                        \
    static void test_##name(void);                                        \
    __attribute__((constructor)) static void register_##name(void)       \
    {                                                                     \
        unit_register(#name, test_##name, __FILE__);                      \
    }                                                                     \
    static void test_##name(void)

#define ASSERT(cond)                                                      \
    do {                                                                  \
        if (!(cond))                                                      \
            unit_fail(__FILE__, __LINE__, "assertion failed: %s", #cond); \
    } while (0)

#define ASSERT_EQ(a, b)                                                   \
    do {                                                                  \
        long long va_ = (long long)(a), vb_ = (long long)(b);             \
        if (va_ != vb_)                                                   \
            unit_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a,   \
                      #b, va_, vb_);                                      \
    } while (0)

#define ASSERT_STREQ(a, b)                                                \
    do {                                                                  \
        const char *sa_ = (a), *sb_ = (b);                                \
        if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0)                        \
            unit_fail(__FILE__, __LINE__, "%s == %s:\n  got:  %s\n  want: %s", \
                      #a, #b, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)"); \
    } while (0)

/* expr returns 0 on success (the project's error convention). */
#define ASSERT_OK(expr)                                                   \
    do {                                                                  \
        int rc_ = (expr);                                                 \
        if (rc_ != 0)                                                     \
            unit_fail(__FILE__, __LINE__, "%s returned %d", #expr, rc_);  \
    } while (0)

#define ASSERT_ERR(expr, code)                                            \
    do {                                                                  \
        int rc_ = (expr);                                                 \
        if (rc_ != (code))                                                \
            unit_fail(__FILE__, __LINE__, "%s returned %d, want %d", #expr, \
                      rc_, (int)(code));                                  \
    } while (0)

#endif
