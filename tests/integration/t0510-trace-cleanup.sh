#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0510-trace-cleanup: the trace is removed, and nothing of beamprobe stays
# on the node, on every way a trace can end: Ctrl-C, SIGKILL of beamprobe,
# the connection cut from the node's side, the relay itself killed.  Each
# time: erlang:trace_info(P, flags) is [] within 3 s, no helper process
# remains, and no process is there that was not there before.
. "$(dirname "$0")/../lib/lib-node.sh"

start_node N tclean || exit 1
erl_eval_on "$N" 'bp_fix_trace:sink(agg), ok.' >/dev/null
flags() { erl_eval_on "$N" 'bp_fix_trace:flags(agg).'; }
helpers() { erl_eval_on "$N" 'bp_fix_trace:helpers().'; }
no_flags() { [ "$(flags)" = "[]" ]; }
no_helpers() { [ "$(helpers)" = "[]" ]; }
no_new() { [ "$(erl_eval_on "$N" "bp_fix_trace:new_procs($before_list).")" = "[]" ]; }
started() { grep -Eq '"record":"start"|^Tracing' "$1"; }
before_list=$(erl_eval_on "$N" 'bp_fix_trace:procs_list().')

# traced_bg OUT [ARGS...]: trace agg for a minute in the background and wait
# until the flags are set on the node.
traced_bg() {
  local out=$1; shift
  bp_bg "$out" -N "$N" trace agg --duration 60s "$@"
  wait_for "trace started" 15 started "$out" && wait_for "flags set" 5 sh -c "! [ \"\$(echo 'bp_fix_trace:flags(agg).' | '$ERL_CALL' -sname '${N%@*}' -e)\" = '{ok, []}' ]"
}

# after_end DESC: the checks every ending must pass.
after_end() {
  local es; es=$(date +%s%N)
  ok "$1: flags empty within 3 s" wait_for "flags" 3 no_flags
  fault_record "trace ended by $1" 0 $(( ($(date +%s%N) - es) / 1000000 )) 0 \
    "trace flags removed, relay and janitor gone"
  ok "$1: no beamprobe process left on the node" wait_for "helpers" 3 no_helpers
  # Nothing new compared with before (processes of past erl_call
  # connections may still be finishing: they get 3 s too).
  ok "$1: no process left that was not there before" wait_for "new" 3 no_new ||
    erl_eval_on "$N" "bp_fix_trace:new_procs($before_list)." | sed 's/^/#   new: /'
}

# Ctrl-C.
traced_bg "$T/int.out" || exit 1
erl_eval_on "$N" 'bp_fix_trace:send_n(agg, 5, before_int).' >/dev/null
wait_for "events shown" 5 grep -q before_int "$T/int.out"
kill -INT "$BP_BG_PID"; wait "$BP_BG_PID"; rc=$?
check_eq "Ctrl-C exits 0" "$rc" 0
check_match "Ctrl-C: summary says so" "$(cat "$T/int.out")" "5 events seen, 5 shown, 0 dropped; Ctrl-C"
after_end "Ctrl-C"

# SIGKILL of beamprobe: the relay's and the janitor's monitors fire.
traced_bg "$T/kill.out" || exit 1
kill -KILL "$BP_BG_PID"; wait "$BP_BG_PID" 2>/dev/null
after_end "SIGKILL"

# The connection cut from the node's side (as a network failure would).
traced_bg "$T/cut.out" || exit 1
erl_eval_on "$N" 'bp_fix_trace:cut_beamprobe().' >/dev/null
wait "$BP_BG_PID"; rc=$?
check_eq "lost connection exits 2" "$rc" 2
check_match "says the node removes the trace itself" "$(cat "$T/cut.out")" \
  "the connection was lost; the relay and its janitor remove the trace"
after_end "connection cut"

# The relay killed (as max_heap_size would): its janitor removes the trace.
traced_bg "$T/relay.out" --json || exit 1
relay=$(grep '"record":"start"' "$T/relay.out" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["relay"])')
erl_eval_on "$N" "exit(list_to_pid(\"$relay\"), kill)." >/dev/null
wait "$BP_BG_PID"; rc=$?
check_eq "relay killed: beamprobe exits 0" "$rc" 0
sum=$(grep '"record":"summary"' "$T/relay.out")
check_eq "relay killed: reported" "$(json_field "$sum" reason)" relay_died
check_match "relay killed: says why" "$(json_field "$sum" reason_text)" "killed"
after_end "relay killed"

# The relay stopped by overload: a flood it cannot keep up with.
erl_eval_on "$N" 'bp_fix_trace:sink(flooded), ok.' >/dev/null
bp_bg "$T/ov.out" -N "$N" trace flooded --duration 20s --max 100000000 --json
wait_for "trace started" 15 started "$T/ov.out"
erl_eval_on "$N" '[spawn(fun() -> bp_fix_trace:send_n(flooded, 400000, f) end) || _ <- [1,2]], ok.' >/dev/null
wait "$BP_BG_PID"
sum=$(grep '"record":"summary"' "$T/ov.out")
reason=$(json_field "$sum" reason)
ok "a flood ends the trace early (overload), or is followed to the end" \
  test "$reason" = overload -o "$reason" = duration
ok "flooded: flags empty within 3 s" wait_for "flags" 3 sh -c "[ \"\$(echo 'bp_fix_trace:flags(flooded).' | '$ERL_CALL' -sname '${N%@*}' -e)\" = '{ok, []}' ]"
ok "flooded: no beamprobe process left" wait_for "helpers" 3 no_helpers
