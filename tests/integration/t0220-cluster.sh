#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0220-cluster: --cluster on top, node, sched and mailbox; a dead node is
# named and the others still answer.
. "$(dirname "$0")/../lib/lib-node.sh"

start_node A cla || exit 1
start_node B clb || exit 1
start_node C clc || exit 1
erl_eval_on "$A" "bp_fix:connect(['$B', '$C'])." >/dev/null
for n in "$A" "$B" "$C"; do erl_eval_on "$n" "bp_fix:flood(agg, ${#n}0)." >/dev/null; done
erl_eval_on "$B" 'bp_fix:flood(hot, 3000).' >/dev/null

bp -N "$A" top --cluster --sort mailbox --limit 4 --json
check_rc "top --cluster exits 0" 0
for n in "$A" "$B" "$C"; do
  check_match "top --cluster has rows from $n" "$BP_OUT" "\"node\":\"$n\""
done
check_eq "ranked across the cluster: B's hot process first" "$(json_field "$BP_OUT" node)" "$B"
check_eq "... with its mailbox" "$(json_field "$BP_OUT" message_queue_len)" 3000

bp -N "$A" node --cluster --interval 200ms
check_rc "node --cluster exits 0" 0
for n in "$A" "$B" "$C"; do check_match "node --cluster row for $n" "$BP_OUT" "$n"; done

bp -N "$A" sched --cluster --interval 200ms --json
check_eq "sched --cluster: one line per node" "$(printf '%s\n' "$BP_OUT" | grep -c run_queue_total)" 3

bp -N "$A" mailbox agg --cluster --json
check_eq "mailbox --cluster: one line per node" "$(printf '%s\n' "$BP_OUT" | grep -c message_queue_len)" 3
for n in "$A" "$B" "$C"; do
  want=$(erl_eval_on "$n" 'element(2, erlang:process_info(whereis(agg), message_queue_len)).')
  got=$(printf '%s\n' "$BP_OUT" | grep "\"node\":\"$n\"" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["message_queue_len"])')
  check_eq "mailbox on $n matches the node" "$got" "$want"
done

# A node killed mid-run: named, the others still answer.
bp_bg "$T/w.out" -N "$A" top --cluster --sort mailbox --limit 3 --watch 500ms --count 6
sleep 1.2
kill_node C
wait "$BP_BG_PID"; rc=$?
check_eq "top --cluster --watch survives a dead node" "$rc" 0
last=$(tail -8 "$T/w.out")
check_match "the dead node is named" "$last" "${C}: "
check_match "the others still answer" "$last" "$B"

# A member that joins mid-watch is picked up at the next rediscovery
# (every 10 s); hidden nodes (erl_call here) are not added.
bp_bg "$T/j.out" -N "$A" mailbox agg --cluster --watch 500ms --count 30 --json
sleep 1
start_node D cld || exit 1
erl_eval_on "$D" 'bp_fix:flood(agg, 77).' >/dev/null
erl_eval_on "$A" "bp_fix:connect(['$D'])." >/dev/null
wait "$BP_BG_PID"; rc=$?
check_eq "mailbox --cluster --watch exits 0" "$rc" 0
check_match "the node that joined is watched" "$(cat "$T/j.out")" "\"node\":\"$D\".*\"message_queue_len\":77"
check_eq "only members are watched (no erl_call hidden node)" \
  "$(python3 -c 'import json,sys
print(sorted({json.loads(l).get("node") for l in open(sys.argv[1]) if l.strip()}))' "$T/j.out")" \
  "$(python3 -c 'import sys; print(sorted(sys.argv[1:]))' "$A" "$B" "$D")"
