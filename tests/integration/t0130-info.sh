#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0130-info: every item, on_heap/off_heap advice, bounded messages, dumps.
. "$(dirname "$0")/../lib/lib-node.sh"

start_node N info || exit 1
erl_eval_on "$N" 'bp_fix:flood(onheap, 25), bp_fix:off_heap(offheap), bp_fix:flood(longq, 20000).' >/dev/null

bp -N "$N" info onheap
check_rc "info exits 0" 0
check_match "on_heap with advice" "$BP_OUT" "message_queue_data +on_heap.*ON-HEAP"
check_match "registered name shown" "$BP_OUT" "registered_name +onheap"
check_match "current stacktrace shown" "$BP_OUT" "current_stacktrace"
bp -N "$N" info offheap --json
check_eq "off_heap in JSON" "$(json_field "$BP_OUT" message_queue_data)" "off_heap"
bp -N "$N" info offheap
check_match "off_heap advice" "$BP_OUT" "OFF-HEAP"

bp -N "$N" info onheap --json
check_eq "message_queue_len item" "$(json_field "$BP_OUT" message_queue_len)" 25
check_nomatch "messages are not read by default" "$BP_OUT" '"messages"'

bp -N "$N" info onheap --messages 3
check_match "first message shown" "$BP_OUT" "1\. \{msg,1\}"
check_match "third message shown" "$BP_OUT" "3\. \{msg,3\}"
check_nomatch "fourth message not shown" "$BP_OUT" "4\. \{msg,4\}"
check_match "says how many more" "$BP_OUT" "22 more"

bp -N "$N" info longq --messages 5
check_rc "long queue: info still exits 0" 0
check_match "long queues are not copied" "$BP_OUT" "not read: the mailbox holds 20000"

cd "$T" || exit 1
bp -N "$N" info onheap --dump
check_rc "dump exits 0" 0
f=$(ls "$T"/process_dump_0.*_*.txt 2>/dev/null | head -1)
ok "default dump file created" test -s "$f"
check_match "dump holds backtrace" "$(cat "$f")" "^backtrace:"
check_match "dump holds dictionary" "$(cat "$f")" "^dictionary:"
bp -N "$N" info onheap --dump-file "$T/d.txt" --messages 100
check_match "dump holds all messages" "$(cat "$T/d.txt")" "\{msg,25\}"
