#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0200-top: ranking among 100k processes by mailbox, memory, reductions.
. "$(dirname "$0")/../lib/lib-node.sh"

start_node N top +P 500000 || exit 1
erl_eval_on "$N" 'bp_fix:spawn_idle(100000), bp_fix:flood(flooded, 5000), bp_fix:big_heap(heavy, 6500000), bp_fix:busy(spinner).' >/dev/null
sleep 1

bp -N "$N" top --sort mailbox --limit 5 --json
check_rc "top --sort mailbox exits 0" 0
check_eq "the flooded process ranks first by mailbox" "$(json_field "$BP_OUT" registered_name)" flooded
check_eq "with its 5,000 messages" "$(json_field "$BP_OUT" message_queue_len)" 5000
check_eq "five rows" "$(printf '%s\n' "$BP_OUT" | grep -c '"rank"')" 5

bp -N "$N" top --sort memory --limit 3 --json
check_eq "the 50 MB heap ranks first by memory" "$(json_field "$BP_OUT" registered_name)" heavy
mem=$(json_field "$BP_OUT" memory)
truth=$(erl_eval_on "$N" 'element(2, erlang:process_info(whereis(heavy), memory)).')
check_eq "its memory equals process_info" "$mem" "$truth"

bp -N "$N" top --sort reductions --window 1s --limit 3 --json
check_eq "a busy loop ranks first by reductions over 1 s" "$(json_field "$BP_OUT" registered_name)" spinner
rate=$(json_field "$BP_OUT" per_sec)
ok "its rate is in the millions per second" awk -v r="$rate" 'BEGIN { exit !(r > 1000000) }'

bp -N "$N" top --sort heap --limit 1 --json
check_eq "heap ranks the big heap first" "$(json_field "$BP_OUT" registered_name)" heavy

bp -N "$N" top --limit 5
check_rc "table output" 0
check_match "table has a header" "$BP_OUT" "PID +NAME / INITIAL CALL +MEMORY +MAILBOX"
check_match "table names the process" "$BP_OUT" "heavy"
check_match "says how many processes it scanned" "$BP_OUT" "10[0-9],[0-9]{3} processes"

bp -N "$N" top --sort gc --window 500ms --limit 3
check_rc "gc window exits 0" 0
bp -N "$N" top --sort binary --limit 3
check_rc "binary sort exits 0" 0

# Processes dying during the scan are skipped, never an error.
erl_eval_on "$N" 'bp_fix:churn(churner).' >/dev/null
fails=0
for i in 1 2 3 4 5; do
  bp -N "$N" top --sort memory --limit 20 --json
  [ "$BP_RC" = 0 ] || fails=$((fails + 1))
done
check_eq "five scans while processes die: no error" "$fails" 0

bp -N "$N" top --limit 2 --watch 300ms --count 3 --json
check_eq "watch: three rounds of two rows" "$(printf '%s\n' "$BP_OUT" | grep -c '"rank"')" 6

bp -N "$N" top --sort nonsense
check_rc "unknown sort key exits 1" 1
