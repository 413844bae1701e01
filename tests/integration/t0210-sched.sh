#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0210-sched: run queues, utilization, and scheduler_wall_time restored.
. "$(dirname "$0")/../lib/lib-node.sh"

start_node N sched +S 2 || exit 1
swt() { erl_eval_on "$N" 'erlang:statistics(scheduler_wall_time) =/= undefined.'; }
check_eq "scheduler_wall_time is off before" "$(swt)" false
erl_eval_on "$N" 'bp_fix:busy(spinner).' >/dev/null

bp -N "$N" sched --json
check_rc "sched exits 0" 0
util=$(printf '%s\n' "$BP_OUT" | python3 -c 'import json,sys; d=json.loads(sys.stdin.readline()); print(len(d["utilization"]), max(d["utilization"]), len(d["run_queue_lengths_all"]))')
read -r nsched umax nrq <<<"$util"
check_eq "two schedulers measured" "$nsched" 2
ok "one scheduler at least 80% utilized by the busy loop" awk -v u="$umax" 'BEGIN { exit !(u >= 0.8) }'
check_eq "run queues include dirty cpu and io" "$nrq" 4
check_eq "scheduler_wall_time is off again afterwards" "$(swt)" false

bp -N "$N" sched
check_match "table labels run queues" "$BP_OUT" "(idle|light|busy|overloaded)"
check_match "shows the total run queue" "$BP_OUT" "Total run queue: [0-9]+ processes"
check_match "shows schedulers online" "$BP_OUT" "Schedulers online: 2 of 2"

bp -N "$N" sched --watch 300ms --count 3
check_eq "watch prints the guide's monitor line" "$(printf '%s\n' "$BP_OUT" | grep -c 'Total: .*Max: .*Avg: ')" 3

# Ctrl-C during a watch: the flag is on while it runs, off right after.
bp_bg "$T/w.out" -N "$N" sched --watch 200ms
sleep 1
check_eq "scheduler_wall_time is on during a watch" "$(swt)" true
kill -INT "$BP_BG_PID"; wait "$BP_BG_PID"; rc=$?
check_eq "Ctrl-C exits 0" "$rc" 0
wait_for "flag off" 3 sh -c "[ \"\$(echo 'erlang:statistics(scheduler_wall_time) =/= undefined.' | '$ERL_CALL' -sname '${N%@*}' -e)\" = '{ok, false}' ]"
check_eq "scheduler_wall_time off within 3 s of Ctrl-C" "$(swt)" false

# SIGKILL: the guard on the node sees the connection go and exits.
bp_bg "$T/k.out" -N "$N" sched --watch 200ms
sleep 1
kill -KILL "$BP_BG_PID"; ks=$(date +%s%N); wait "$BP_BG_PID" 2>/dev/null
wait_for "flag off after kill" 3 sh -c "[ \"\$(echo 'erlang:statistics(scheduler_wall_time) =/= undefined.' | '$ERL_CALL' -sname '${N%@*}' -e)\" = '{ok, false}' ]"
check_eq "scheduler_wall_time off within 3 s of SIGKILL" "$(swt)" false
fault_record "beamprobe killed (SIGKILL) during sched --watch" 137 $(( ($(date +%s%N) - ks) / 1000000 )) 0 \
  "scheduler_wall_time back off (the guard on the node monitors the connection)"

# Someone else's setting is left alone.
erl_eval_on "$N" 'register(owner, spawn(fun() -> erlang:system_flag(scheduler_wall_time, true), receive stop -> ok end end)), timer:sleep(100).' >/dev/null
bp -N "$N" sched --interval 300ms
check_eq "a flag that was on stays on" "$(swt)" true
