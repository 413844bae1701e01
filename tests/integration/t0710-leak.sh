#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0710-leak: a process keeping ~200 KB/s more is a leak, an idle one is
# stable, a GC sawtooth is not called a leak; --all ranks the leaker first
# and reports node memory by type.
. "$(dirname "$0")/../lib/lib-node.sh"

start_node N leak +S 2 || exit 1
erl_eval_on "$N" 'bp_fix_debug:leaker(leak1, 200000), bp_fix_debug:sawtooth(saw1), bp_fix:idle(idle1), ok.' >/dev/null

field() { printf '%s\n' "$1" | python3 -c "import json,sys
for l in sys.stdin:
    d=json.loads(l)
    if d.get('target')=='$2' or d.get('registered_name')=='$2':
        print(d$3); break"; }

mem0=$(erl_eval_on "$N" 'element(2, erlang:process_info(whereis(leak1), memory)).')
bp -N "$N" leak leak1 idle1 saw1 --interval 250ms --samples 20 --json
check_rc "leak exits 0" 0
check_eq "three results" "$(printf '%s\n' "$BP_OUT" | grep -c '"verdict"')" 3
check_eq "the leaker is a possible leak" "$(field "$BP_OUT" leak1 '["verdict"]')" leak
check_eq "at level critical" "$(field "$BP_OUT" leak1 '["level"]')" critical
ok "its growth is over 20%" [ "$(field "$BP_OUT" leak1 '["growth_pct"] > 20')" = True ]
ok "its slope is over 3 MB/min" [ "$(field "$BP_OUT" leak1 '["slope_bytes_per_min"] > 3e6')" = True ]
ok "the slope's interval is above 0" [ "$(field "$BP_OUT" leak1 '["slope_ci_bytes_per_min"][0] > 0')" = True ]
ok "the trend is significant" [ "$(field "$BP_OUT" leak1 '["trend_confidence"] > 0.95')" = True ]
check_eq "the idle process is stable" "$(field "$BP_OUT" idle1 '["verdict"]')" stable
check_eq "the sawtooth is not flagged" "$(field "$BP_OUT" saw1 '["level"]')" ok
ok "the sawtooth did fall between samples" [ "$(field "$BP_OUT" saw1 '["drops"] >= 2')" = True ]
mem1=$(erl_eval_on "$N" 'element(2, erlang:process_info(whereis(leak1), memory)).')
ok "the node confirms the leaker grew" [ "$mem1" -gt "$mem0" ]

# A leaker's `memory` grows in heap-size steps, further apart as it grows:
# each check below follows a fresh one, whose steps come every second or so.
fresh() { erl_eval_on "$N" "bp_fix_debug:leaker($1, 200000), ok." >/dev/null; }
fresh leak2
bp -N "$N" leak leak2 --interval 250ms --samples 12
check_match "table: the guide's lines" "$BP_OUT" "First half average: [0-9.]+ MB"
check_match "table: the verdict" "$BP_OUT" "POSSIBLE MEMORY LEAK"
check_match "table: the slope" "$BP_OUT" "Trend: \+[0-9.]+ [KMG]?B/min \(Theil-Sen"
bp -N "$N" leak idle1 --interval 100ms --samples 5
check_match "table: stable" "$BP_OUT" "Memory stable"
fresh leak3
bp -N "$N" leak leak3 --interval 250ms --samples 12 --fail
check_rc "--fail exits 6 on a leak" 6

erl_eval_on "$N" '[exit(whereis(P), kill) || P <- [leak1, leak2, leak3]], ok.' >/dev/null
fresh leak4
bp -N "$N" leak --all --interval 300ms --samples 12 --limit 5 --json
check_rc "leak --all exits 0" 0
first=$(printf '%s\n' "$BP_OUT" | head -1)
check_eq "--all ranks the leaker first" "$(json_field "$first" registered_name)" leak4
check_eq "as a leak" "$(json_field "$first" verdict)" leak
nodeline=$(printf '%s\n' "$BP_OUT" | grep '"node_memory"')
ok "node memory by type is reported" [ -n "$nodeline" ]
ok "with binary, ets and processes" [ "$(printf '%s\n' "$nodeline" | python3 -c 'import json,sys; d=json.loads(sys.stdin.readline())["node_memory"]; print(all(k in d for k in ("binary","ets","processes","total")))')" = True ]
check_eq "refc binaries are not growing here" "$(json_field "$nodeline" binary_growing)" false
# Refc binaries: a holder of 4 MB/s of binaries grows node binary memory.
erl_eval_on "$N" 'bp_fix_debug:bin_leaker(binleak1, 4000000), ok.' >/dev/null
bp -N "$N" leak --all --interval 300ms --samples 10 --limit 5 --json
nodeline=$(printf '%s\n' "$BP_OUT" | grep '"node_memory"')
check_eq "refc-binary growth is flagged" "$(json_field "$nodeline" binary_growing)" true
check_eq "node binary memory: a leak" "$(json_field "$nodeline" node_memory.binary.verdict)" leak
erl_eval_on "$N" 'exit(whereis(binleak1), kill), ok.' >/dev/null

bp -N "$N" leak --all --interval 200ms --samples 5 --limit 3
check_match "--all table lists memory by type" "$BP_OUT" "binary +[0-9.]+ [KMG]?B"

bp -N "$N" leak '<0.9999.0>' --interval 100ms --samples 3
check_rc "a dead process exits 3" 3
bp -N "$N" leak leak1 --samples 2
check_rc "fewer than 3 samples is a usage error" 1
