#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0610-load-call: `load --call` runs the call on the node once per event:
# through the demo target's Phoenix.PubSub the events reach its aggregator
# (checked with the target's own counters), the rate holds at a sink, a
# call that raises stops the load with its reason, and the caller process
# is gone afterwards in every case.
. "$(dirname "$0")/../lib/lib-node.sh"

EBIN=$ROOT/$BUILD/lasso_target/ebin
LT=$ROOT/demo/bin/lasso-target
export LASSO_TARGET_EBIN=$EBIN LASSO_TARGET_RUN=$T/lt-run
DEMO=
demo_stop() { [ -n "$DEMO" ] && "$LT" stop "$DEMO" >/dev/null 2>&1; DEMO=; }
trap 'demo_stop; cleanup' EXIT

# --- a plain node: rate at a sink, errors, cleanup --------------------------
start_node N lcall || exit 1
erl_eval_on "$N" 'bp_fix_load:sink(sink), bp_fix_load:sink_times(sink, true).' >/dev/null
pcount() { erl_eval_on "$N" 'erlang:system_info(process_count).'; }
base=$(pcount)

bp -N "$N" load --call 'bp_fix_load:count_call(sink, $event)' --template '{e, $seq}' \
  --rate 3000 --duration 3s --json
check_rc "--call load exits 0" 0
check_eq "every call returned" "$(json_field "$BP_OUT" applied)" 9000
check_eq "none raised" "$(json_field "$BP_OUT" failed)" 0
read -r count rate <<<"$(erl_eval_on "$N" '{C, _, _} = bp_fix_load:sink_stats(sink), lists:flatten(io_lib:format("~p ~.3f", [C, bp_fix_load:sink_inner_rate(sink)])).' | tr -d '"')"
check_eq "9000 calls reached the sink" "$count" 9000
# Between the arrivals of the first and the last 1% (see t0600).
check_near "3000/s through the caller, measured at the sink" "$rate" 3000 1
erl_eval_on "$N" 'bp_fix_load:sink_times(sink, false).' >/dev/null
sleep 0.3
check_eq "the caller process is gone" "$(pcount)" "$base"

# Erlang syntax for the call, and no template: the event is $seq.
erl_eval_on "$N" 'bp_fix_load:sink_reset(sink), bp_fix_load:sink_keep(sink, 10).' >/dev/null
bp -N "$N" load --call "bp_fix_load:count_call(sink, {n, \$event})" --rate 100 --count 10
res=$(erl_eval_on "$N" 'bp_fix_load:sink_kept(sink) =:= [{n, I} || I <- lists:seq(1, 10)].')
check_eq "\$event in an Erlang call is \$seq by default" "$res" true

# A call slower than the asked rate: flow control slows the sender (which
# says it fell behind) instead of queueing or dropping on the node.
bp -N "$N" load --call 'timer:sleep(2)' --rate 5000 --duration 2s --json
check_rc "a slow call still ends on time with 0" 0
sent=$(json_field "$BP_OUT" sent)
check_eq "every event sent was applied" "$(json_field "$BP_OUT" applied)" "$sent"
check_eq "none dropped on the node" "$(json_field "$BP_OUT" dropped)" 0
ok "the sender fell behind and says so ($(json_field "$BP_OUT" behind))" \
  test "$(json_field "$BP_OUT" behind)" -gt 0
ok "far fewer than asked went out ($sent)" test "$sent" -lt 5000

# A call that always raises: stopped at once, the reason shown, exit 5.
bp -N "$N" load --call 'erlang:element(5, $event)' --template '{a}' --rate 100 --duration 5s
check_rc "a call that raises exits 5" 5
check_match "the reason is shown" "$BP_ERR" "raised on the node: error:badarg"
sleep 0.3
check_eq "the caller process is gone after a failure" "$(pcount)" "$base"

# Ctrl-C: stops at once, prints what was sent, removes the caller.
bp_bg "$T/c.out" -N "$N" load --call 'bp_fix_load:count_call(sink, $event)' --rate 500 --duration 30s
sleep 1.5
kill -INT "$BP_BG_PID"
wait "$BP_BG_PID"; rc=$?
check_eq "Ctrl-C ends a call load with 0" "$rc" 0
check_match "it says what was sent" "$(cat "$T/c.out")" "sent [0-9,]+ events"
check_match "and that it was interrupted" "$(cat "$T/c.out")" "stopped: interrupted"
sleep 0.3
check_eq "the caller process is gone after Ctrl-C" "$(pcount)" "$base"

# beamprobe killed outright (no cleanup code runs): the caller goes away by
# itself, because it monitors beamprobe's connection.
bp_bg "$T/k.out" -N "$N" load --call 'bp_fix_load:count_call(sink, $event)' --rate 500 --duration 30s
sleep 1.5
kill -KILL "$BP_BG_PID"
ks=$(date +%s%N)
wait "$BP_BG_PID" 2>/dev/null
for i in $(seq 1 30); do [ "$(pcount)" = "$base" ] && break; sleep 0.1; done
check_eq "the caller process is gone after SIGKILL" "$(pcount)" "$base"
fault_record "beamprobe killed (SIGKILL) during load --call" 137 $(( ($(date +%s%N) - ks) / 1000000 )) 0 \
  "caller process on the node gone (it monitors the connection)"

# --- the demo target: Phoenix.PubSub reaches the aggregator ----------------
if [ ! -f "$EBIN/lasso_target.app" ]; then
  echo "# skip: demo target not built (make BUILD=$BUILD demo-target)"
  exit 0
fi
name=$(unique_name lt)
DEMO=$name
"$LT" start "$name" --cookie-file "$COOKIE_FILE" --scenario easy --mode fixed --no-load >/dev/null ||
  { _report 1 "the demo target starts"; exit 1; }
D=$name@$HOSTNAME_S
truth() { erl_eval_on "$D" "maps:get($1, lasso_stats:all())."; }
before=$(truth delivered_agg)
bp -N "$D" load --call 'Phoenix.PubSub.broadcast(Lasso.PubSub, "routing:decisions:default", $event)' \
  --template '%Lasso.Events.RoutingDecision{ts: $now_ms, request_id: $str("load_test_", $seq), profile: "default", source_node: nil, source_region: "us-west-2", chain: "ethereum_mainnet", method: "eth_getBlockByNumber", strategy: "fastest_responder", provider_id: "test_provider", transport: :http, duration_ms: $rand(1, 100), result: $pick(success: 95, error: 5), failover_count: 0}' \
  --rate 200 --duration 2s --json
check_rc "the PubSub load exits 0" 0
check_eq "400 broadcasts returned" "$(json_field "$BP_OUT" applied)" 400
sleep 0.5
after=$(truth delivered_agg)
check_eq "the aggregator took all 400 from its mailbox" "$((after - before))" 400

# The guide's scenario, shortened: the same template, counted the same way.
before=$(truth delivered_agg)
bp -N "$D" load --scenario easy --duration 2s --json
check_rc "--scenario easy exits 0" 0
check_eq "the scenario rate is the guide's 50/s" "$(json_field "$BP_OUT" asked_rate)" 50
sleep 0.5
after=$(truth delivered_agg)
check_eq "100 scenario events reached the aggregator" "$((after - before))" 100
bad=$(erl_eval_on "$D" 'maps:get(agg_dropped, lasso_stats:all()).')
check_eq "the aggregator dropped none" "$bad" 0
