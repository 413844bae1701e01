#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0720-telemetry: events emitted on the node arrive with their
# measurements and metadata; aggregates count them exactly; the handler is
# gone afterwards - after a normal end, Ctrl-C and SIGKILL of beamprobe;
# a node without telemetry gets a clear message.  The node runs the demo
# target's telemetry stand-in (same public API as the real library).
. "$(dirname "$0")/../lib/lib-node.sh"

EBIN=$ROOT/$BUILD/lasso_target/ebin
if [ ! -f "$EBIN/telemetry.beam" ]; then
  echo "# skip: $EBIN/telemetry.beam missing (make BUILD=$BUILD demo-target)"
  exit 0
fi

start_node N tm -pa "$EBIN" || exit 1
start_node P plain || exit 1
# The emitter's module is loaded first: beamprobe creates no atoms, so an
# event name must be known to the node (it is once the emitting code is).
erl_eval_on "$N" '{ok, Pid} = telemetry:start_link(), unlink(Pid), {module, _} = code:ensure_loaded(bp_fix_debug), ok.' >/dev/null
handlers() { erl_eval_on "$N" 'length(telemetry:list_handlers([])).'; }
helpers() { erl_eval_on "$N" 'length([P || P <- erlang:processes(), erlang:process_info(P, current_function) =:= {current_function, {prim_eval, '"'"'receive'"'"', 2}}]).'; }
attached() { [ "$(handlers)" = 1 ]; }
gone() { [ "$(handlers)" = 0 ]; }
check_eq "no handler before" "$(handlers)" 0

# Live: 20 events, --max 20.
bp_bg "$T/live.out" -N "$N" telemetry bp.test.tick --max 20 --json --duration 30s
ok "the handler is attached while it runs" wait_for attached 10 attached
erl_eval_on "$N" 'bp_fix_debug:emitter(20, 10, <<"x">>), ok.' >/dev/null
wait "$BP_BG_PID"; rc=$?
check_eq "telemetry exits 0 after --max events" "$rc" 0
check_eq "20 events arrived" "$(grep -c '"type":"event"' "$T/live.out")" 20
check_eq "with their measurements, in order" "$(python3 -c 'import json,sys
v=[json.loads(l) for l in open(sys.argv[1]) if "\"event\"" in l]
print(",".join(str(e["measurements"]["value"]) for e in v[:5]), all(e["measurements"]["size"] == 2*e["measurements"]["value"] for e in v))' "$T/live.out")" "1,2,3,4,5 True"
check_eq "and their metadata" "$(python3 -c 'import json,sys
v=[json.loads(l) for l in open(sys.argv[1]) if "\"event\"" in l]
print(v[6]["metadata"]["tag"], v[6]["metadata"]["i"], v[6]["event"])' "$T/live.out")" "x 7 bp.test.tick"
ok "the handler is gone afterwards" wait_for gone 3 gone
check_eq "no relay or guard is left" "$(helpers)" 0

# Aggregated: exact counts and sums.
bp_bg "$T/agg.out" -N "$N" telemetry '[bp, test, tick]' --aggregate --duration 4s --json
wait_for attached 10 attached
erl_eval_on "$N" 'bp_fix_debug:emitter(100, 1, <<"y">>), ok.' >/dev/null
wait "$BP_BG_PID"; rc=$?
check_eq "--aggregate exits 0" "$rc" 0
sum=$(grep '"type":"summary"' "$T/agg.out" | python3 -c 'import json,sys; d=json.loads(sys.stdin.readline()); print(d["count"], int(d["measurements"]["value"]["sum"]), int(d["measurements"]["size"]["max"]))')
check_eq "count 100, sum of value 5050, max size 200" "$sum" "100 5050 200"
ok "the handler is gone after --aggregate" wait_for gone 3 gone

# Rate limit: counts stay exact, fewer are forwarded.
bp_bg "$T/rate.out" -N "$N" telemetry bp.test.tick --aggregate --rate 10 --duration 3s --json
wait_for attached 10 attached
erl_eval_on "$N" 'bp_fix_debug:emitter(200, 1, <<"z">>), ok.' >/dev/null
wait "$BP_BG_PID"
check_eq "rate-limited: exact count, 10 forwarded" "$(grep '"type":"summary"' "$T/rate.out" | python3 -c 'import json,sys; d=json.loads(sys.stdin.readline()); print(d["count"], d["forwarded"] <= 20)')" "200 True"

# Ctrl-C.
bp_bg "$T/int.out" -N "$N" telemetry bp.test.tick --duration 60s
wait_for attached 10 attached
kill -INT "$BP_BG_PID"; wait "$BP_BG_PID"; rc=$?
check_eq "Ctrl-C exits 0" "$rc" 0
ok "the handler is gone after Ctrl-C" wait_for gone 3 gone
check_match "it says so" "$(cat "$T/int.out")" "handler detached"

# SIGKILL: the guard sees the connection go and detaches.
bp_bg "$T/kill.out" -N "$N" telemetry bp.test.tick --duration 60s
ok "attached before the kill" wait_for attached 10 attached
kill -KILL "$BP_BG_PID"; wait "$BP_BG_PID" 2>/dev/null
ks=$(date +%s%N)
ok "the handler is gone within 3 s of SIGKILL" wait_for gone 3 gone
fault_record "beamprobe killed (SIGKILL) during telemetry" 137 $(( ($(date +%s%N) - ks) / 1000000 )) 0 \
  "handler detached, relay gone"
check_eq "handlers listed by telemetry:list_handlers([])" "$(handlers)" 0
sleep 0.3
check_eq "no relay or guard is left after SIGKILL" "$(helpers)" 0
erl_eval_on "$N" 'bp_fix_debug:emitter(5, 1, <<"after">>), ok.' >/dev/null
sleep 0.2
check_eq "events after the kill do no harm" "$(handlers)" 0

# Errors.
bp -N "$P" telemetry bp.test.tick --duration 1s
check_rc "a node without telemetry: exit 5" 5
check_match "with a clear message" "$BP_ERR" "does not run the telemetry library"
bp -N "$N" telemetry no_such_segment_xyz.abc --duration 1s
check_rc "an event no code can emit: usage error" 1
check_match "named as such" "$BP_ERR" "no loaded code"
bp -N "$N" telemetry --list
check_match "--list counts the handlers" "$BP_OUT" "0 handlers attached"
