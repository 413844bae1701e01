#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0810-node-faults: a suspended rex, a frozen node during watches,
# beamprobe frozen during sched, 1,000 attach cycles.  (A killed node and the
# streaming commands: t0830.)
. "$(dirname "$0")/../lib/lib-node.sh"
record() { fault_record "$1" "$2" "$3" 0 "$4"; }

start_node N faults -kernel net_ticktime 4 || exit 1
erl_eval_on "$N" 'bp_fix:idle(quiet).' >/dev/null

# --- rex suspended: calls fail within their deadline; after resume, the late
# reply is not taken for the next call's answer.
coproc PROBE { "$ROOT/$BUILD/drivers/rpc_probe" "$N" "$COOKIE_FILE" 2>&1; }
read -r -t 10 line <&"${PROBE[0]}"
check_eq "rpc_probe attached" "$line" ready
# erl_call itself goes through rex, so rex is suspended by a process that
# resumes it by itself 2.5 s later (a suspension ends with its suspender).
erl_eval_on "$N" 'spawn(fun() -> erlang:suspend_process(whereis(rex)), receive after 2500 -> ok end end), timer:sleep(50).' >/dev/null
s=$(date +%s%N)
echo 1 >&"${PROBE[1]}"; read -r -t 10 line <&"${PROBE[0]}"
ms=$(( ($(date +%s%N) - s) / 1000000 ))
check_eq "a call to a suspended rex times out" "$line" "step1 rc=-30 timeout"
ok "within its 300 ms deadline (+slack): $ms ms" test "$ms" -lt 1500
bp -N "$N" --timeout 500ms mailbox quiet
check_rc "beamprobe's own call to a suspended rex: exit 4" 4
record "rex suspended: call" "$BP_RC" "$ms" "timed out"
sleep 2.6
echo 2 >&"${PROBE[1]}"; read -r -t 10 line <&"${PROBE[0]}"
check_eq "after resume the next call gets its own answer; the late one is counted stale" \
  "$line" "step2 rc=0 kind=integer stale=1 PASS"
wait "${PROBE_PID:-}" 2>/dev/null

# --- the node frozen (SIGSTOP) during watches: reported within the budget.
for cmd in "mailbox quiet --watch 200ms" "top --watch 300ms" "sched --watch 300ms"; do
  bp_bg "$T/f.out" -N "$N" --timeout 1s $cmd
  sleep 1.2
  kill -STOP "$N_PID"
  s=$(date +%s%N)
  wait "$BP_BG_PID"; rc=$?
  ms=$(( ($(date +%s%N) - s) / 1000000 ))
  kill -CONT "$N_PID"
  check_eq "node frozen during '$cmd': exit 4 (timeout)" "$rc" 4
  ok "node frozen during '$cmd': reported in $ms ms (<= 2.5 s)" test "$ms" -le 2500
  record "node frozen (SIGSTOP) during ${cmd%% *} --watch" "$rc" "$ms" "$(head -1 "$T/f.out.err")"
  sleep 0.5
done

# --- beamprobe frozen (SIGSTOP) during sched --watch: the node drops the
# connection after its tick time (4 s here) and the guard restores
# scheduler_wall_time within 3 s of that.
swt() { erl_eval_on "$N" 'erlang:statistics(scheduler_wall_time) =/= undefined.'; }
bp_bg "$T/s.out" -N "$N" sched --watch 300ms
sleep 1
check_eq "scheduler_wall_time on while sched runs" "$(swt)" true
kill -STOP "$BP_BG_PID"
s=$(date +%s%N)
for _ in $(seq 1 150); do [ "$(swt)" = false ] && break; sleep 0.1; done
ms=$(( ($(date +%s%N) - s) / 1000000 ))
check_eq "beamprobe frozen: scheduler_wall_time restored" "$(swt)" false
ok "within tick time (4 s) + 3 s: $ms ms" test "$ms" -le 7500
record "beamprobe frozen (SIGSTOP) during sched" 0 "$ms" "scheduler_wall_time restored after the tick timeout"
kill -KILL "$BP_BG_PID"; wait "$BP_BG_PID" 2>/dev/null

# --- 1,000 attach/detach cycles: the node's atom table barely moves.
start_node M cycles || exit 1
# The first attach loads OTP's erl_eval/erl_lint on a fresh node (their
# atoms come with the code, once); count from after that warm-up.
w0=$(erl_eval_on "$M" 'erlang:system_info(atom_count).')
"$BP" --cookie-file "$COOKIE_FILE" -N "$M" node --interval 0 >/dev/null 2>&1
a0=$(erl_eval_on "$M" 'erlang:system_info(atom_count).')
s=$(date +%s%N)
fails=0
for i in $(seq 1 1000); do
  "$BP" --cookie-file "$COOKIE_FILE" -N "$M" node --interval 0 >/dev/null 2>&1 || fails=$((fails + 1))
done
ms=$(( ($(date +%s%N) - s) / 1000000 ))
a1=$(erl_eval_on "$M" 'erlang:system_info(atom_count).')
check_eq "1,000 attach cycles all succeed" "$fails" 0
# erl_call itself creates an atom or two per call (its own node name).
ok "atom count grew by $((a1 - a0)) (<= 8)" test $((a1 - a0)) -le 8
record "1,000 attach/detach cycles" 0 "$ms" "atom count +$((a1 - a0)) (first attach, loading erl_eval/erl_lint on a fresh node: +$((a0 - w0)))"
