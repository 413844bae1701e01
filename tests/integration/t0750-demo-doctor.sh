#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0750-demo-doctor: the bundled Lasso demo target under the worst scenario.
# Flawed: doctor is red, naming the aggregator and the LiveViews with the
# guide's advice, and stuck --all / export see the same; fixed: doctor is
# green (exit 0).  Nodes are bounded by max_vm_mb and stopped by pid.
. "$(dirname "$0")/../lib/lib-node.sh"

EBIN=$ROOT/$BUILD/lasso_target/ebin
if [ ! -f "$EBIN/lasso_target.app" ]; then
  echo "# skip: $EBIN missing (make BUILD=$BUILD demo-target)"
  exit 0
fi
export LASSO_TARGET_EBIN=$EBIN LASSO_TARGET_RUN=$T/lt
LT=$ROOT/demo/bin/lasso-target

start_demo() { # VAR MODE
  local var=$1 mode=$2 name node
  name=$(unique_name "bpd_$mode")
  node=$("$LT" start "$name" --cookie-file "$COOKIE_FILE" --scenario worst --mode "$mode" \
           --env max_vm_mb 1200 2>"$T/$name.err") || { cat "$T/$name.err" >&2; return 1; }
  [ -f "$T/lt/$name.pid" ] && _pids+=("$(cat "$T/lt/$name.pid")")
  printf -v "$var" '%s' "$node"
}

start_demo W flawed || exit 1
sleep 2
bp -N "$W" stuck --all --window 2s --probe-timeout 1s --limit 25 --json
check_rc "stuck --all on the flawed target exits 0" 0
ok "stuck --all flags the aggregator" [ "$(printf '%s\n' "$BP_OUT" | grep -c '"registered_name":"lasso_agg_default"')" -ge 1 ]
ok "and LiveViews" [ "$(printf '%s\n' "$BP_OUT" | grep -c '"registered_name":"lasso_lv_')" -ge 5 ]
bp -N "$W" doctor --json --limit 30
check_rc "worst/flawed: doctor exits 6" 6
res=$(printf '%s\n' "$BP_OUT" | python3 -c 'import json,sys
d=json.loads(sys.stdin.readline())
c={x["check"]: x for x in d["checks"]}
names=[f["registered_name"] or "" for f in c["mailbox"]["findings"]]
crit=[f for f in c["mailbox"]["findings"] if f["level"]=="critical"]
lvs=[n for n in names if n.startswith("lasso_lv_")]
onheap=[f["registered_name"] for f in c["on_heap_mailbox"]["findings"]]
print(d["status"], "lasso_agg_default" in names, len(lvs) >= 10, len(crit) >= 11, "lasso_agg_default" in onheap,
      all("off_heap" in f["advice"] for f in c["on_heap_mailbox"]["findings"]))')
check_eq "red, naming the aggregator and >= 10 LiveViews, on-heap advice" "$res" "critical True True True True True"
bp -N "$W" doctor --limit 30
check_match "text: the aggregator" "$BP_OUT" "lasso_agg_default <0\.[0-9]+\.[0-9]+> +[0-9,]+ messages \(on_heap\)"
check_match "text: a LiveView" "$BP_OUT" "lasso_lv_[0-9]+ <0\.[0-9]+\.[0-9]+> +[0-9,]+ messages"
check_match "text: the guide's advice" "$BP_OUT" "set message_queue_data to off_heap"

"$LT" stop "${W%@*}" >/dev/null 2>&1

start_demo X fixed || exit 1
sleep 3
bp -N "$X" doctor --json
check_rc "worst/fixed: doctor exits 0" 0
check_eq "fixed: healthy" "$(json_field "$BP_OUT" status)" healthy
check_eq "fixed: no mailbox finding" "$(printf '%s\n' "$BP_OUT" | python3 -c 'import json,sys
d=json.loads(sys.stdin.readline()); print([x for x in d["checks"] if x["check"]=="mailbox"][0]["level"])')" ok

# The guide's two telemetry events, relayed from the aggregator under load.
bp -N "$X" telemetry lasso.aggregator.event_received lasso.aggregator.batch_processed \
  --aggregate --duration 3s --json
check_rc "telemetry on the demo target exits 0" 0
agg=$(printf '%s\n' "$BP_OUT" | python3 -c 'import json,sys
s={d["event"]: d for d in map(json.loads, sys.stdin) if d.get("type")=="summary"}
e=s["lasso.aggregator.event_received"]; b=s["lasso.aggregator.batch_processed"]
print(e["count"] > 10000, b["count"] > 10, "count" in e["measurements"], "batch_size" in b["measurements"],
      abs(b["measurements"]["batch_size"]["sum"] - e["count"]) < 0.2 * e["count"])')
check_eq "both events counted, batch sizes add up to the events" "$agg" "True True True True True"
check_eq "the handlers are gone" "$(erl_eval_on "$X" 'length(telemetry:list_handlers([])).')" 0
"$LT" stop "${X%@*}" >/dev/null 2>&1
