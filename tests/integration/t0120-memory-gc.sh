#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0120-memory-gc: memory breakdown and GC counts equal the node's own.
. "$(dirname "$0")/../lib/lib-node.sh"

start_node N mem || exit 1
erl_eval_on "$N" 'bp_fix:big_heap(heapy, 200000), bp_fix:gc_target(gcy).' >/dev/null
sleep 0.3

bp -N "$N" memory heapy --json
check_rc "memory exits 0" 0
item() { erl_eval_on "$N" "element(2, erlang:process_info(whereis(heapy), $1))."; }
m=$(item memory); h=$(item heap_size); s=$(item stack_size); t=$(item total_heap_size)
check_eq "memory equals process_info" "$(json_field "$BP_OUT" memory)" "$m"
check_eq "heap_size equals process_info" "$(json_field "$BP_OUT" heap_size)" "$h"
check_eq "stack_size equals process_info" "$(json_field "$BP_OUT" stack_size)" "$s"
check_eq "total_heap_size equals process_info" "$(json_field "$BP_OUT" total_heap_size)" "$t"
ws=$(erl_eval_on "$N" 'erlang:system_info(wordsize).')
check_eq "bytes use the node's word size" "$(json_field "$BP_OUT" heap_size_bytes)" "$((h * ws))"
bp -N "$N" memory heapy
check_match "human output has the heap in words and bytes" "$BP_OUT" "heap_size +[0-9,]+ +[0-9,]+"

# GC counts: force collections and compare.
bp -N "$N" gc gcy --json
a=$(json_field "$BP_OUT" garbage_collection.minor_gcs)
b=$(erl_eval_on "$N" 'bp_fix:force_gcs(gcy, 5).')
bp -N "$N" gc gcy --json
c=$(json_field "$BP_OUT" garbage_collection.minor_gcs)
check_eq "minor_gcs equals the node's count" "$c" "$b"
check_eq "five forced minor GCs counted" "$((c - a))" 5

# Watch: forced GCs appear as a delta and a rate; a fullsweep never gives a
# negative rate.
bp_bg "$T/g.out" -N "$N" gc gcy --watch 500ms --count 4 --json
sleep 0.7
erl_eval_on "$N" 'bp_fix:force_gcs(gcy, 20).' >/dev/null
sleep 0.5
erl_eval_on "$N" 'erlang:garbage_collect(whereis(gcy)).' >/dev/null
wait "$BP_BG_PID"
out=$(cat "$T/g.out")
deltas=$(printf '%s\n' "$out" | python3 -c 'import json,sys
d=[json.loads(l) for l in sys.stdin if l.strip()]
print(sum(x.get("minor_gcs_delta",0) for x in d), min(x.get("minor_gcs_per_sec",0) for x in d), any(x.get("fullsweep") for x in d))')
read -r total minrate fs <<<"$deltas"
check_eq "the watch saw the 20 forced minor GCs" "$total" 20
check_match "rates are never negative" "$minrate" '^[0-9]'
check_eq "the major GC shows as a fullsweep" "$fs" "True"
bp -N "$N" gc gcy --watch 200ms --count 2
check_match "gc watch table has a rate column" "$BP_OUT" "RATE"
