#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0630-monitor: the guide's monitor line agrees with process_info on the
# node, the GC rate counts forced collections, --fail-on exits 6, the log
# format is the guide's AggregatorMetrics line, a dying target is reported.
. "$(dirname "$0")/../lib/lib-node.sh"

start_node N mon || exit 1
erl_eval_on "$N" 'bp_fix:flood(flooded, 5000), bp_fix:idle(quiet), bp_fix:gc_target(gcy).' >/dev/null
sleep 0.3

bp -N "$N" monitor flooded --json --count 1
check_rc "monitor exits 0" 0
item() { erl_eval_on "$N" "element(2, erlang:process_info(whereis($1), $2))."; }
check_eq "mailbox equals message_queue_len" "$(json_field "$BP_OUT" message_queue_len)" 5000
check_eq "memory equals process_info" "$(json_field "$BP_OUT" memory)" "$(item flooded memory)"
check_eq "heap_size equals process_info" "$(json_field "$BP_OUT" heap_size)" "$(item flooded heap_size)"
check_eq "status is critical above 1000" "$(json_field "$BP_OUT" status)" crit
rq=$(json_field "$BP_OUT" run_queue)
ok "the run queue is a count ($rq)" bash -c "[[ '$rq' =~ ^[0-9]+$ ]]"
mem=$(item flooded memory)
want=$(awk -v m="$mem" 'BEGIN { printf "%.2f", m / 1048576 }')
check_eq "memory_mb is the guide's rounding" "$(json_field "$BP_OUT" memory_mb)" "$(awk -v w="$want" 'BEGIN { print w + 0 }')"

# The guide's line, for one target and for several.
bp -N "$N" monitor flooded --count 1
check_match "the guide's header" "$BP_OUT" "^Monitoring flooded"
check_match "the guide's line" "$BP_OUT" '\[[0-9:.]+\] .* Mailbox: 5,000, Mem: [0-9.]+MB, Heap: [0-9.]+MB, GC: 0\.0/sec, Run queue: [0-9]+'
bp -N "$N" monitor flooded quiet --count 1 --no-color
check_match "several targets: one line each, labelled" "$BP_OUT" "quiet  Mailbox: 0,"
check_match "status marks (ASCII without a UTF-8 locale is fine too)" "$BP_OUT" "(🔴|CRIT).*flooded"

# GC rate: 20 forced minor GCs between two samples 1 s apart.
bp_bg "$T/g.out" -N "$N" monitor gcy --interval 1s --count 2 --json
sleep 0.4
erl_eval_on "$N" 'bp_fix:force_gcs(gcy, 20).' >/dev/null
wait "$BP_BG_PID"
rate=$(tail -1 "$T/g.out" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["gc_per_sec"])')
check_near "20 minor GCs in one second read as about 20/s" "$rate" 20 10

# --fail-on.
bp -N "$N" monitor flooded --count 3 --interval 100ms --fail-on 'mailbox>1000'
check_rc "--fail-on mailbox>1000 exits 6" 6
check_match "and says which threshold" "$BP_ERR" "threshold crossed: mailbox 5000 > 1000 \(flooded\)"
bp -N "$N" monitor flooded --count 2 --interval 100ms --fail-on 'mailbox>100000,gc_rate>1000,memory>10000'
check_rc "thresholds not crossed: exit 0" 0
bp -N "$N" monitor flooded --count 1 --fail-on 'memory>0.001'
check_rc "--fail-on memory in MB" 6
bp -N "$N" monitor flooded --count 1 --fail-on 'mailboxes>1'
check_rc "an unknown metric is a usage error" 1

# Log format: the guide's AggregatorMetrics line.
bp -N "$N" monitor flooded --format log --count 1
check_match "AggregatorMetrics line" "$BP_OUT" '\[info\] \[AggregatorMetrics\] mailbox=5000 memory_mb=[0-9]+\.[0-9]{2} heap_mb=.* target=flooded'
bp -N "$N" monitor flooded --format log --tag QueueWatch --count 1
check_match "--tag" "$BP_OUT" '\[QueueWatch\] mailbox=5000'

# A target that dies: "Process died!", then exit 3 when none is left.
erl_eval_on "$N" 'bp_fix:idle(doomed).' >/dev/null
bp_bg "$T/d.out" -N "$N" monitor doomed --interval 200ms
sleep 0.7
erl_eval_on "$N" 'bp_fix:stop(doomed).' >/dev/null
wait "$BP_BG_PID"; rc=$?
check_eq "monitor of a dying process exits 3" "$rc" 3
check_match "the guide's words" "$(cat "$T/d.out")" "Process died!"

# Ctrl-C ends it with 0.
bp_bg "$T/c.out" -N "$N" monitor quiet --interval 100ms
sleep 0.6
kill -INT "$BP_BG_PID"
wait "$BP_BG_PID"; rc=$?
check_eq "Ctrl-C ends monitor with 0" "$rc" 0
check_match "it printed lines" "$(cat "$T/c.out")" "Mailbox: 0"
