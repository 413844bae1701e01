#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0110-mailbox: exact mailbox counts, every TARGET form, watching, dying.
. "$(dirname "$0")/../lib/lib-node.sh"

start_node N mbox || exit 1
erl_eval_on "$N" 'bp_fix:flood(flooded, 10000), bp_fix:flood(small, 42), bp_fix:idle(quiet).' >/dev/null

bp -N "$N" mailbox flooded --json
check_rc "mailbox exits 0" 0
check_eq "exact count of a 10,000-message mailbox" "$(json_field "$BP_OUT" message_queue_len)" 10000

bp -N "$N" mailbox flooded small quiet
check_rc "several targets at once" 0
check_match "table shows 10,000" "$BP_OUT" "flooded.* 10,000"
check_match "table shows 42" "$BP_OUT" "small.* 42"
check_match "table shows 0" "$BP_OUT" "quiet.* 0"

pid=$(erl_eval_on "$N" 'pid_to_list(whereis(small)).' | tr -d '"')
inner=${pid#<}; inner=${inner%>}
for form in "$pid" "$inner" "#PID<$inner>"; do
  bp -N "$N" mailbox "$form" --json
  check_eq "pid form $form" "$(json_field "$BP_OUT" message_queue_len)" 42
done

bp -N "$N" mailbox 'erlang:whereis(small)' --json
check_eq "Erlang call target" "$(json_field "$BP_OUT" message_queue_len)" 42
bp -N "$N" mailbox 'BpFix.Lookup.find("small")' --json
check_eq "Elixir call target returning {ok, Pid}" "$(json_field "$BP_OUT" message_queue_len)" 42
bp -N "$N" mailbox "'Elixir.BpFix.Lookup':find(<<\"small\">>)" --json
check_eq "Erlang call to an Elixir-named module" "$(json_field "$BP_OUT" message_queue_len)" 42

bp -N "$N" mailbox small --watch 100ms --count 3 --json
check_rc "watch with --count ends 0" 0
check_eq "three JSON lines" "$(printf '%s\n' "$BP_OUT" | grep -c message_queue_len)" 3

# A watched process that dies ends the watch with exit 3.
erl_eval_on "$N" 'bp_fix:idle(doomed).' >/dev/null
bp_bg "$T/w.out" -N "$N" mailbox doomed --watch 100ms
sleep 0.8
erl_eval_on "$N" 'bp_fix:stop(doomed).' >/dev/null
wait "$BP_BG_PID"; rc=$?
check_eq "watch of a dying process exits 3" "$rc" 3
check_match "says the process died" "$(cat "$T/w.out.err")" "died"

# Ctrl-C stops a watch cleanly with status 0.
bp_bg "$T/c.out" -N "$N" mailbox small --watch 100ms
sleep 0.8
kill -INT "$BP_BG_PID"
wait "$BP_BG_PID"; rc=$?
check_eq "Ctrl-C ends a watch with 0" "$rc" 0
check_match "it printed samples" "$(cat "$T/c.out")" "small"
