#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0620-load-guard: --abort-if-mailbox stops a load into a process that
# does not read, soon after its mailbox passes the limit, and says so
# (exit 6); Ctrl-C stops a load at once and prints what was sent; a target
# that dies stops the load (exit 3).
. "$(dirname "$0")/../lib/lib-node.sh"

start_node N lguard || exit 1
erl_eval_on "$N" 'bp_fix_load:deaf(deaf), bp_fix_load:sink(sink).' >/dev/null
qlen() { erl_eval_on "$N" "element(2, erlang:process_info(whereis($1), message_queue_len))."; }

start=$(date +%s.%N)
bp -N "$N" load --to deaf --rate 5000 --duration 30s --abort-if-mailbox 'deaf>1000' --json
el=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
check_rc "the guard stops the load with exit 6" 6
check_match "it says why" "$BP_ERR" "mailbox of deaf .* reached [0-9,]+ \(limit 1,000\)"
check_eq "the summary says mailbox_guard" "$(json_field "$BP_OUT" stopped)" mailbox_guard
ok "stopped soon, not after 30 s (${el} s)" awk -v e="$el" 'BEGIN { exit !(e < 5) }'
q=$(qlen deaf)
sent=$(json_field "$BP_OUT" sent)
check_eq "everything sent is in the deaf mailbox" "$q" "$sent"
# 5000/s polled every 100 ms: the overshoot is a few hundred messages.
ok "the mailbox passed 1000 but not by much ($q)" awk -v q="$q" 'BEGIN { exit !(q > 1000 && q < 4000) }'

# The guard may watch another process than the one loaded, by any TARGET form.
pid=$(erl_eval_on "$N" 'pid_to_list(whereis(deaf)).' | tr -d '"')
bp -N "$N" load --to sink --rate 1000 --duration 3s --abort-if-mailbox "$pid>10"
check_rc "a guard already over its limit stops at once" 6
check_match "before sending anything" "$BP_OUT" "sent 0 events"

# Ctrl-C.
erl_eval_on "$N" 'bp_fix_load:sink_reset(sink).' >/dev/null
bp_bg "$T/c.out" -N "$N" load --to sink --rate 2000 --duration 60s
sleep 1.5
kill -INT "$BP_BG_PID"
wait "$BP_BG_PID"; rc=$?
check_eq "Ctrl-C ends the load with 0" "$rc" 0
out=$(cat "$T/c.out")
check_match "it prints what was sent" "$out" "sent [0-9,]+ events in 1\.[0-9]+ s"
check_match "and that it was interrupted" "$out" "stopped: interrupted"
n=$(printf '%s\n' "$out" | sed -n 's/.*sent \([0-9,]*\) events.*/\1/p' | tr -d ,)
c=$(erl_eval_on "$N" '{C, _, _} = bp_fix_load:sink_stats(sink), C.')
check_eq "the sink got exactly what was reported sent" "$c" "$n"

# The target dies during the load: exit 3.
erl_eval_on "$N" 'bp_fix_load:sink(doomed).' >/dev/null
bp_bg "$T/d.out" -N "$N" load --to doomed --rate 1000 --duration 30s
sleep 1
erl_eval_on "$N" 'bp_fix_load:stop(doomed).' >/dev/null
wait "$BP_BG_PID"; rc=$?
check_eq "a dead target ends the load with 3" "$rc" 3
check_match "it says the target died" "$(cat "$T/d.out.err")" "target doomed .* died"

# Bad guard syntax.
bp -N "$N" load --to sink --rate 10 --count 1 --abort-if-mailbox 'deaf'
check_rc "a guard without >N is a usage error" 1
