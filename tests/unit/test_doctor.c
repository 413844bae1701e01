/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_doctor.c - unit tests for analyze/doctor.c: the guide's thresholds
 * (exactly at, just above), the advice in both syntaxes, and the worst
 * level of a report.
 */
#include "analyze/doctor.h"
#include "unit.h"

#include <string.h>

TEST(doctor_thresholds_follow_the_guide)
{
    ASSERT_EQ(doctor_level(DOC_MAILBOX, 100), LEVEL_OK);
    ASSERT_EQ(doctor_level(DOC_MAILBOX, 101), LEVEL_WARN);
    ASSERT_EQ(doctor_level(DOC_MAILBOX, 500), LEVEL_WARN);
    ASSERT_EQ(doctor_level(DOC_MAILBOX, 501), LEVEL_CRIT);
    ASSERT_EQ(doctor_level(DOC_ONHEAP, 501), LEVEL_CRIT);
    ASSERT_EQ(doctor_level(DOC_GC, 10), LEVEL_OK);
    ASSERT_EQ(doctor_level(DOC_GC, 10.5), LEVEL_WARN);
    /* Minor GCs alone never make a node red (the fixed design collects
     * ~120 times a second and is healthy). */
    ASSERT_EQ(doctor_level(DOC_GC, 1e9), LEVEL_WARN);
    ASSERT_EQ(doctor_level(DOC_PROC_MEMORY, 10.0 * 1024 * 1024), LEVEL_OK);
    ASSERT_EQ(doctor_level(DOC_PROC_MEMORY, 11.0 * 1024 * 1024), LEVEL_WARN);
    ASSERT_EQ(doctor_level(DOC_PROC_MEMORY, 101.0 * 1024 * 1024), LEVEL_CRIT);
    ASSERT_EQ(doctor_level(DOC_RUN_QUEUE, 20), LEVEL_WARN);
    ASSERT_EQ(doctor_level(DOC_RUN_QUEUE, 21), LEVEL_CRIT);
    ASSERT_EQ(doctor_level(DOC_RUN_QUEUE, 0), LEVEL_OK);
    ASSERT_EQ(doctor_level(DOC_SCHED_UTIL, 0.80), LEVEL_OK);
    ASSERT_EQ(doctor_level(DOC_SCHED_UTIL, 0.85), LEVEL_WARN);
    ASSERT_EQ(doctor_level(DOC_SCHED_UTIL, 0.99), LEVEL_CRIT);
    ASSERT_EQ(doctor_level(DOC_NCHECKS, 1), LEVEL_INFO);
}

TEST(doctor_advice_in_the_node_syntax)
{
    struct sbuf sb = SBUF_INIT;
    struct doctor_ctx erl = { false, true, 12345 }, ex = { true, true, 7 };

    doctor_advice(&sb, DOC_ONHEAP, &erl);
    ASSERT(strstr(sbuf_str(&sb), "process_flag(message_queue_data, off_heap)") != NULL);
    ASSERT(strstr(sbuf_str(&sb), "12345 queued messages") != NULL);
    sbuf_reset(&sb);
    doctor_advice(&sb, DOC_ONHEAP, &ex);
    ASSERT(strstr(sbuf_str(&sb), "Process.flag(:message_queue_data, :off_heap)") != NULL);
    sbuf_reset(&sb);
    doctor_advice(&sb, DOC_MAILBOX, &erl);
    ASSERT(strstr(sbuf_str(&sb), "cap pending events") != NULL);
    ASSERT(strstr(sbuf_str(&sb), "off_heap") != NULL);
    sbuf_reset(&sb);
    erl.on_heap = false;
    doctor_advice(&sb, DOC_MAILBOX, &erl);
    ASSERT(strstr(sbuf_str(&sb), "off_heap") == NULL);
    sbuf_reset(&sb);
    doctor_advice(&sb, DOC_GC, &ex);
    ASSERT(strstr(sbuf_str(&sb), "Process.flag(:min_heap_size") != NULL);
    sbuf_reset(&sb);
    doctor_advice(&sb, DOC_BINARY, NULL);
    ASSERT(strstr(sbuf_str(&sb), "binary:copy/1") != NULL);
    sbuf_release(&sb);
}

TEST(doctor_worst_level_and_names)
{
    ASSERT_EQ(doctor_worst(LEVEL_OK, LEVEL_WARN), LEVEL_WARN);
    ASSERT_EQ(doctor_worst(LEVEL_CRIT, LEVEL_WARN), LEVEL_CRIT);
    ASSERT_EQ(doctor_worst(LEVEL_INFO, LEVEL_OK), LEVEL_OK);
    ASSERT_EQ(doctor_worst(LEVEL_INFO, LEVEL_INFO), LEVEL_OK);
    ASSERT_STREQ(doctor_level_name(LEVEL_CRIT), "critical");
    ASSERT_STREQ(doctor_check_name(DOC_ONHEAP), "on_heap_mailbox");
    ASSERT_STREQ(doctor_check_name(DOC_SCHED_UTIL), "scheduler_utilization");
    ASSERT_STREQ(doctor_check_title(DOC_RUN_QUEUE), "Run queue");
}
