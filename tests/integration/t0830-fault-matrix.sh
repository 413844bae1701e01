#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0830-fault-matrix: the faults of the streaming commands, which only
# listen (trace, telemetry) or only send (load, bench) and so have no call
# of their own to time out.
#   - the node frozen (SIGSTOP): beamprobe's liveness ping goes unanswered
#     and it says so within --timeout + 1 s (exit 4); once the node runs
#     again it finds the connection gone and removes what beamprobe set up;
#   - the node killed (also during top --watch): "connection lost" (exit 2)
#     at once;
#   - beamprobe frozen: the node drops the connection after its tick time
#     (4 s here) and is back to its previous state within 3 s of that.
. "$(dirname "$0")/../lib/lib-node.sh"
record() { fault_record "$1" "$2" "$3" 0 "$4"; }

EBIN=$ROOT/$BUILD/lasso_target/ebin
have_tm=0
[ -f "$EBIN/telemetry.beam" ] && have_tm=1

# A node with the fixtures, a trace/load sink and (when built) telemetry.
fresh_node() {
  start_node N matrix -kernel net_ticktime 4 -pa "$EBIN" || exit 1
  erl_eval_on "$N" 'bp_fix_trace:sink(agg), bp_fix_load:sink(lsink), {module, _} = code:ensure_loaded(bp_fix_debug), ok.' >/dev/null
  if [ "$have_tm" = 1 ]; then
    erl_eval_on "$N" '{ok, Pid} = telemetry:start_link(), unlink(Pid), ok.' >/dev/null
  fi
  # OTP's resolver service starts on first use (a reconnecting peer's host
  # name): start it now so that it does not count as something new.
  erl_eval_on "$N" 'inet_gethost_native:gethostbyname("localhost").' >/dev/null
  before_list=$(erl_eval_on "$N" 'bp_fix_trace:procs_list().')
}
flags_clear() { [ "$(erl_eval_on "$N" 'bp_fix_trace:flags(agg).')" = "[]" ]; }
no_handler() { [ "$have_tm" = 0 ] || [ "$(erl_eval_on "$N" 'length(telemetry:list_handlers([])).')" = 0 ]; }
no_new() { [ "$(erl_eval_on "$N" "bp_fix_trace:new_procs($before_list).")" = "[]" ]; }
as_found() { flags_clear && no_handler && no_new; }
# running OUT: the command has set itself up on the node.
running() { [ -s "$1" ] || [ -s "$1.err" ]; }

cmds=("trace agg --duration 60s --max 100000"
      "load --to lsink --rate 1000 --duration 60s --template {x,\$seq}"
      "load --call bp_fix_load:count_call(lsink,\$event) --rate 500 --duration 60s"
      "bench latency --echo --count 1000000")
labels=("trace" "load --to" "load --call" "bench latency --echo")
[ "$have_tm" = 1 ] && { cmds+=("telemetry bp.test.tick --duration 60s"); labels+=("telemetry"); }

fresh_node
# --- the node frozen -------------------------------------------------------
for i in "${!cmds[@]}"; do
  cmd=${cmds[$i]} label=${labels[$i]}
  bp_bg "$T/f.out" -N "$N" --timeout 1s $cmd
  sleep 1.5
  kill -STOP "$N_PID"
  s=$(date +%s%N)
  for _ in $(seq 1 100); do kill -0 "$BP_BG_PID" 2>/dev/null || break; sleep 0.05; done
  kill -0 "$BP_BG_PID" 2>/dev/null && kill -INT "$BP_BG_PID"
  wait "$BP_BG_PID"; rc=$?
  ms=$(( ($(date +%s%N) - s) / 1000000 ))
  kill -CONT "$N_PID"
  check_eq "node frozen during $label: exit 4" "$rc" 4
  check_match "node frozen during $label: says the node does not answer" \
    "$(cat "$T/f.out.err")" "has not answered for [0-9]+ ms \(node frozen"
  ok "node frozen during $label: reported in $ms ms (--timeout 1 s + 1 s idle + slack)" test "$ms" -le 3500
  ok "node frozen during $label: left as found once it runs again" wait_for "as found" 5 as_found ||
    { erl_eval_on "$N" "bp_fix_trace:new_procs($before_list)." | sed 's/^/#   new: /'; flags_clear || echo "# flags"; no_handler || echo "# handler"; }
  record "node frozen (SIGSTOP) during $label" "$rc" "$ms" "$(head -1 "$T/f.out.err"); node left as found after SIGCONT"
done

# --- the node killed ---------------------------------------------------------
kcmds=("top --watch 300ms" "${cmds[0]}" "${cmds[1]}")
klabels=("top --watch" "${labels[0]}" "${labels[1]}")
for i in "${!kcmds[@]}"; do
  cmd=${kcmds[$i]} label=${klabels[$i]}
  bp_bg "$T/k.out" -N "$N" $cmd
  sleep 1.5
  s=$(date +%s%N)
  kill_node N
  wait "$BP_BG_PID"; rc=$?
  ms=$(( ($(date +%s%N) - s) / 1000000 ))
  check_eq "node killed during $label: exit 2" "$rc" 2
  check_match "node killed during $label: connection lost" "$(cat "$T/k.out.err")" "connection to .* lost"
  ok "node killed during $label: reported in $ms ms" test "$ms" -le 2000
  record "node killed during $label" "$rc" "$ms" "$(head -1 "$T/k.out.err")"
  fresh_node
done

# --- beamprobe frozen ----------------------------------------------------------
# The node sees the connection silent for its tick time (4 s), drops it, and
# every helper of beamprobe's (relay, janitor, caller, echo pair, telemetry
# handler) goes with it.
# (erl_call is a hidden node too: count beamprobe's names only.)
gone_conn() { [ "$(erl_eval_on "$N" '[H || H <- nodes(hidden), lists:prefix("beamprobe_", atom_to_list(H))].')" = "[]" ]; }
for i in "${!cmds[@]}"; do
  cmd=${cmds[$i]} label=${labels[$i]}
  bp_bg "$T/z.out" -N "$N" $cmd
  sleep 1.5
  kill -STOP "$BP_BG_PID"
  s=$(date +%s%N)
  ok "beamprobe frozen during $label: the node drops the connection after its tick time" \
    wait_for "connection dropped" 12 gone_conn
  d=$(date +%s%N)
  ok "beamprobe frozen during $label: state restored within 3 s of the connection closing" \
    wait_for "as found" 3 as_found
  ms=$(( ($(date +%s%N) - s) / 1000000 ))
  ms_after=$(( ($(date +%s%N) - d) / 1000000 ))
  kill -KILL "$BP_BG_PID"; wait "$BP_BG_PID" 2>/dev/null
  record "beamprobe frozen (SIGSTOP) during $label" 0 "$ms" \
    "node back to its previous state ${ms_after} ms after the tick timeout (4 s) closed the connection"
done

# --- a cluster member frozen, then running again, during monitor --cluster:
# named while it does not answer, the entry node answers throughout, and the
# member answers again on the same connection once it runs.
# (The same tick time as the entry node, or it drops the member.)
start_node M member -kernel net_ticktime 4 || exit 1
erl_eval_on "$M" "bp_fix:flood(agg, 5), net_kernel:connect_node('$N')." >/dev/null
bp_bg "$T/m.out" -N "$N" --timeout 1s monitor agg --cluster --interval 500ms --count 24 --json
sleep 2
kill -STOP "$M_PID"; s=$(date +%s%N)
sleep 4
kill -CONT "$M_PID"
wait "$BP_BG_PID"; rc=$?
check_eq "monitor --cluster with a member frozen for 4 s: exit 0" "$rc" 0
summary=$(python3 - "$T/m.out" "$N" "$M" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
entry, member = sys.argv[2], sys.argv[3]
seq = [("err" if "error" in r else "ok") for r in rows if r.get("node") == member]
first_err = seq.index("err") if "err" in seq else -1
back = first_err >= 0 and "ok" in seq[first_err:]
entry_ok = all("error" not in r for r in rows if r.get("node") == entry)
print("named" if first_err >= 0 else "not-named", "back" if back else "not-back",
      "entry-ok" if entry_ok else "entry-failed")
PY
)
check_eq "the member is named while frozen, answers again after, the entry node throughout" \
  "$summary" "named back entry-ok"
record "cluster member frozen (SIGSTOP) 4 s during monitor --cluster" "$rc" 4000 \
  "named as not answering while frozen; the same connection answers again after SIGCONT"
