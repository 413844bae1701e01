#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0520-bench: message benchmarks against real processes - latency
# percentiles ordered and sane on every path, throughput agreeing with the
# receiving process's own count (within 1%), refusals for processes that
# would not answer, and nothing left on the node afterwards.
. "$(dirname "$0")/../lib/lib-node.sh"

start_node N bench || exit 1
erl_eval_on "$N" 'bp_fix_trace:otp(gs), bp_fix_trace:counter(counter), bp_fix_trace:sink(plain), ok.' >/dev/null
before_list=$(erl_eval_on "$N" 'bp_fix_trace:procs_list().')

# lat_check DESC JSON: p50 <= p90 <= p99 <= max, min > 0, p50 within bounds
# (microseconds) that hold on a loaded 2-core machine.
lat_check() {
  local desc=$1 line=$2 lo=$3 hi=$4
  ok "$desc: percentiles ordered" python3 -c 'import json,sys
d=json.loads(sys.argv[1])
assert 0 < d["min_us"] <= d["p50_us"] <= d["p90_us"] <= d["p99_us"] <= d["max_us"], d
assert d["min_us"] <= d["mean_us"] <= d["max_us"], d
assert abs(d["one_way_estimate_us"] - d["p50_us"] / 2) < 1e-6, d' "$line"
  ok "$desc: p50 between $lo and $hi us" python3 -c 'import json,sys
d=json.loads(sys.argv[1]); assert float(sys.argv[2]) <= d["p50_us"] <= float(sys.argv[3]), d' "$line" "$lo" "$hi"
}

# --- Latency ----------------------------------------------------------------
bp -N "$N" bench latency gs --count 500 --json
check_rc "latency to an OTP process exits 0" 0
check_eq "three paths" "$(printf '%s\n' "$BP_OUT" | grep -c '"record":"latency"')" 3
bpl=$(printf '%s\n' "$BP_OUT" | grep '"path":"beamprobe"')
nodel=$(printf '%s\n' "$BP_OUT" | grep '"path":"node"')
echol=$(printf '%s\n' "$BP_OUT" | grep '"path":"echo"')
check_eq "500 round trips from beamprobe" "$(json_field "$bpl" count)" 500
check_eq "500 round trips in the node" "$(json_field "$nodel" count)" 500
lat_check "beamprobe -> gs" "$bpl" 2 50000
lat_check "in node -> gs" "$nodel" 0.05 20000
lat_check "echo pair" "$echol" 0.05 20000
ok "in-node round trips are faster than over the distribution (p50)" python3 -c 'import json,sys
a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); assert b["p50_us"] < a["p50_us"], (a, b)' "$bpl" "$nodel"

bp -N "$N" bench latency --echo --count 300
check_rc "latency --echo exits 0" 0
check_match "table with percentiles" "$BP_OUT" "PATH +N +P50 +P90 +P99 +MAX +MEAN +ONE-WAY \(EST\.\)"
check_match "beamprobe row" "$BP_OUT" "beamprobe -> echo <0\.[0-9]+\.0> +300 "
check_match "says one-way is an estimate" "$BP_OUT" "One-way is estimated as p50 / 2"

bp -N "$N" bench latency plain
check_rc "a non-OTP process is refused (exit 5)" 5
check_match "says why and what to do" "$BP_ERR" "not an OTP process .* use --echo"
check_eq "and nothing was sent to it" "$(erl_eval_on "$N" 'element(2, process_info(whereis(plain), message_queue_len)).')" 0

# --- Throughput: agrees with the receiver's own count -------------------------
# tp_check FROM COUNT: run once; compare with the counter's own figures.
tp_once() {
  local from=$1 count=$2
  erl_eval_on "$N" 'bp_fix_trace:counter_reset(counter).' >/dev/null
  bp -N "$N" bench throughput counter --message '{hit, 1}' --count "$count" --from "$from" --json
  [ "$BP_RC" = 0 ] || { echo "# exit $BP_RC: $BP_ERR"; return 1; }
  got=$(json_field "$BP_OUT" messages_per_sec)
  sent=$(json_field "$BP_OUT" messages)
  read -r own_n own_rate < <(erl_eval_on "$N" '{N, R} = bp_fix_trace:counter_stats(counter), lists:flatten(io_lib:format("~p ~p", [N, R])).' | tr -d '"')
  echo "# from $from: beamprobe $got msg/s for $sent; counter's own $own_rate msg/s for $own_n"
}
for from in beamprobe node; do
  # The machine is shared: a scheduling hiccup of a few ms skews one short
  # run, so up to three runs are made and the best agreement is kept.
  best=999
  for attempt in 1 2 3; do
    tp_once "$from" 300000 || continue
    d=$(awk -v g="$got" -v w="$own_rate" 'BEGIN { d = (g - w) / w * 100; if (d < 0) d = -d; printf "%.3f", d }')
    best=$(awk -v a="$best" -v b="$d" 'BEGIN { print (b < a ? b : a) }')
    [ "$sent" = 300000 ] && [ "$own_n" = 300000 ] && awk -v d="$d" 'BEGIN { exit !(d <= 1) }' && break
  done
  check_eq "from $from: all 300,000 messages arrived" "$own_n" 300000
  check_eq "from $from: beamprobe counted 300,000" "$sent" 300000
  ok "from $from: msg/s within 1% of the counter's own (best ${best}%)" awk -v d="$best" 'BEGIN { exit !(d <= 1) }'
done

bp -N "$N" bench throughput --sink --count 50000 --json
check_rc "throughput --sink exits 0" 0
check_eq "two paths" "$(printf '%s\n' "$BP_OUT" | grep -c '"record":"throughput"')" 2
ok "both delivered 50,000" test "$(printf '%s\n' "$BP_OUT" | grep -c '"messages":50000')" = 2

bp -N "$N" bench throughput gs --count 20000 --max-queue 1000
check_rc "throughput into an OTP process with the default request" 0
check_match "table" "$BP_OUT" "in node +20,000 "
check_eq "its mailbox is empty afterwards" "$(erl_eval_on "$N" 'element(2, process_info(whereis(gs), message_queue_len)).')" 0

bp -N "$N" bench throughput plain
check_rc "a non-OTP TARGET without --message is refused" 5
check_match "says to use --message" "$BP_ERR" "--message TERM"

bp -N "$N" bench throughput --sink --duration 500ms --from node --json
check_rc "--duration bounds the run" 0
ok "and it sent something" test "$(json_field "$BP_OUT" messages)" -gt 0

# --- Nothing left behind, whatever happens -------------------------------------
bp_bg "$T/int.out" -N "$N" bench throughput --sink --count 1000000000 --duration 60s
sleep 1.5
kill -INT "$BP_BG_PID"; wait "$BP_BG_PID"
no_helpers() { [ "$(erl_eval_on "$N" 'bp_fix_trace:helpers().')" = "[]" ]; }
ok "Ctrl-C: no helper left within 3 s" wait_for "helpers" 3 no_helpers
bp_bg "$T/kill.out" -N "$N" bench latency --echo --count 1000000
sleep 1.5
kill -KILL "$BP_BG_PID"; ks=$(date +%s%N); wait "$BP_BG_PID" 2>/dev/null
ok "SIGKILL: no helper left within 3 s" wait_for "helpers" 3 no_helpers
fault_record "beamprobe killed (SIGKILL) during bench latency --echo" 137 $(( ($(date +%s%N) - ks) / 1000000 )) 0 \
  "echo pair and keeper gone (they monitor the connection)"
no_new() { [ "$(erl_eval_on "$N" "bp_fix_trace:new_procs($before_list).")" = "[]" ]; }
# (erl_call's own rex workers may still be finishing on a busy node: 8 s.)
ok "no process left that was not there before" wait_for "new" 8 no_new ||
  erl_eval_on "$N" "bp_fix_trace:new_procs($before_list)." | sed 's/^/#   new: /'

bp -N "$N" bench frobnicate
check_rc "unknown benchmark exits 1" 1
bp -N "$N" bench latency
check_rc "latency without TARGET or --echo exits 1" 1
