#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0500-trace: message tracing against the node's own truth - exact counts
# by type, streamed events, --send, --match, --all-of, limits (count, rate,
# duration, even with beamprobe frozen), cut messages, --output, and an
# existing tracer left alone.
. "$(dirname "$0")/../lib/lib-node.sh"

start_node N trace || exit 1
erl_eval_on "$N" 'bp_fix_trace:sink(agg), bp_fix_trace:sink(other), bp_fix_trace:sink(quiet),
                  bp_fix_trace:sink(rated),
                  bp_fix_trace:bouncer(bouncer), bp_fix_trace:otp(gsrv), ok.' >/dev/null
flags() { erl_eval_on "$N" "bp_fix_trace:flags($1)."; }

# started FILE: the trace has reported its start (text or JSON).
started() { grep -Eq '"record":"start"|^Tracing' "$1"; }

# trace_bg OUT ARGS...: beamprobe trace in the background, waiting until the
# trace is set up on the node.
trace_bg() {
  local out=$1; shift
  bp_bg "$out" -N "$N" trace "$@"
  wait_for "trace started" 15 started "$out" || { echo "# no start: $(cat "$out.err")"; return 1; }
}

# json_records FILE RECORD -> one JSON object per line of that record type
json_records() { grep "\"record\":\"$2\"" "$1"; }

# --- Exact counts by type (the guide's MessageCounter) ----------------------
trace_bg "$T/c.out" agg --count-types --duration 3s --json
erl_eval_on "$N" 'bp_fix_trace:mix(agg).' >/dev/null
wait "$BP_BG_PID"; rc=$?
check_eq "count-types exits 0" "$rc" 0
counts=$(json_records "$T/c.out" count | python3 -c 'import json,sys
print(" ".join(sorted("%s:%s=%d" % (d["kind"], d["type"], d["count"]) for d in map(json.loads, sys.stdin))))')
check_eq "exact counts: 300 pings, 200 structs, 7 atoms" "$counts" \
  "atom:stale_check=7 struct:'Elixir.Lasso.Events.RoutingDecision'=200 tuple:ping=300"
sum=$(json_records "$T/c.out" summary)
check_eq "summary: seen 507" "$(json_field "$sum" seen)" 507
check_eq "summary: counted 507" "$(json_field "$sum" shown)" 507
check_eq "summary: dropped 0" "$(json_field "$sum" dropped)" 0
check_eq "stopped by the duration" "$(json_field "$sum" reason)" duration
rate=$(json_records "$T/c.out" count | python3 -c 'import json,sys
for d in map(json.loads, sys.stdin):
    if d["type"] == "ping": print(round(d["rate_per_sec"]))')
ok "rate per second is count over the traced time (~100/s)" awk -v r="$rate" 'BEGIN { exit !(r >= 90 && r <= 110) }'
check_eq "trace removed afterwards" "$(flags agg)" "[]"

# Elixir syntax: struct names as Elixir writes them; the table form.
trace_bg "$T/e.out" agg --count-types --duration 2s --syntax elixir
erl_eval_on "$N" 'bp_fix_trace:mix(agg).' >/dev/null
wait "$BP_BG_PID"
out=$(cat "$T/e.out")
check_match "table row for the struct" "$out" "Lasso\.Events\.RoutingDecision +struct +200 "
check_match "table row for the tag" "$out" ":ping +tuple +300 "
check_match "table row for the atom" "$out" ":stale_check +atom +7 "
check_match "summary line states seen, counted, dropped" "$out" \
  "507 events seen, 507 counted, 0 dropped; the duration \(2 s\) ended"

# --- Streaming -----------------------------------------------------------
trace_bg "$T/s.out" agg --max 5 --json
erl_eval_on "$N" 'bp_fix_trace:mix(agg, 3, 2, 1).' >/dev/null
wait "$BP_BG_PID"
check_eq "five events shown" "$(json_records "$T/s.out" event | wc -l)" 5
first=$(json_records "$T/s.out" event | head -1)
check_eq "first event is {ping,1}" "$(json_field "$first" text)" "{ping,1}"
check_eq "direction receive" "$(json_field "$first" direction)" receive
check_eq "typed as the tag" "$(json_field "$first" type)" ping
fourth=$(json_records "$T/s.out" event | sed -n 4p)
check_eq "struct typed by its name" "$(json_field "$fourth" kind)" struct
sum=$(json_records "$T/s.out" summary)
check_eq "stopped by --max" "$(json_field "$sum" reason)" max
check_eq "shown 5" "$(json_field "$sum" shown)" 5
check_eq "dropped 0" "$(json_field "$sum" dropped)" 0
ok "seen at least shown" test "$(json_field "$sum" seen)" -ge 5
check_eq "trace removed after --max" "$(flags agg)" "[]"

# Text lines in Elixir syntax, and the summary line.
trace_bg "$T/t.out" agg --max 3 --syntax elixir
erl_eval_on "$N" 'bp_fix_trace:send_n(agg, 3, ping).' >/dev/null
wait "$BP_BG_PID"
out=$(cat "$T/t.out")
check_match "a received line in Elixir syntax" "$out" \
  "^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}  agg #PID<[0-9.]+>  received  \{:ping, 1\}$"
check_match "summary line" "$out" "3 events seen, 3 shown, 0 dropped; --max 3 reached"

# --send: what a process sends, and to whom.
trace_bg "$T/snd.out" bouncer --send --max 3 --json
erl_eval_on "$N" 'bp_fix_trace:ping(bouncer, other, 3).' >/dev/null
wait "$BP_BG_PID"
ev=$(json_records "$T/snd.out" event | head -1)
other=$(erl_eval_on "$N" 'pid_to_list(whereis(other)).' | tr -d '"')
check_eq "three sends" "$(json_records "$T/snd.out" event | wc -l)" 3
check_eq "direction send" "$(json_field "$ev" direction)" send
check_eq "sent to the right process" "$(json_field "$ev" to)" "$other"
check_eq "the pong" "$(json_field "$ev" text)" "{pong,1}"

# --match, Erlang and Elixir patterns: filtered on the node.
trace_bg "$T/m.out" agg --match '{ping, _}' --duration 2s --json
erl_eval_on "$N" 'bp_fix_trace:mix(agg).' >/dev/null
wait "$BP_BG_PID"
sum=$(json_records "$T/m.out" summary)
check_eq "--match {ping, _}: 300 shown" "$(json_field "$sum" shown)" 300
check_eq "--match: 207 did not match" "$(json_field "$sum" filtered)" 207
trace_bg "$T/m2.out" agg --match '%Lasso.Events.RoutingDecision{id: _}' --count-types --duration 2s --json
erl_eval_on "$N" 'bp_fix_trace:mix(agg).' >/dev/null
wait "$BP_BG_PID"
check_eq "--match with an Elixir struct pattern counts 200" \
  "$(json_field "$(json_records "$T/m2.out" summary)" shown)" 200
bp -N "$N" trace agg --match '{ping, '
check_rc "a malformed pattern exits 1" 1
check_match "says where" "$BP_ERR" "--match: .*column"

# --all-of MODULE: every process running the module.
trace_bg "$T/a.out" --all-of bp_fix_trace --count-types --duration 2s --json
erl_eval_on "$N" 'bp_fix_trace:mix(agg), bp_fix_trace:send_n(other, 10, x).' >/dev/null
wait "$BP_BG_PID"
start=$(json_records "$T/a.out" start)
ntargets=$(printf '%s\n' "$start" | python3 -c 'import json,sys; print(len(json.loads(sys.stdin.readline())["targets"]))')
ok "--all-of found the fixture processes (4 or more)" test "$ntargets" -ge 4
gsrv=$(erl_eval_on "$N" 'pid_to_list(whereis(gsrv)).' | tr -d '"')
check_match "--all-of found the gen_server by its proc_lib initial call" "$start" "\"$gsrv\""
check_eq "a gen_server's initial call is proc_lib's, its current function gen_server's" \
  "$(erl_eval_on "$N" '{element(2, process_info(whereis(gsrv), initial_call)), element(1, element(2, process_info(whereis(gsrv), current_function)))}.')" \
  "{{proc_lib, init_p, 5}, gen_server}"
check_eq "--all-of counted both targets' messages" "$(json_field "$(json_records "$T/a.out" summary)" shown)" 517
bp -N "$N" trace --all-of no_such_module_anywhere
check_rc "--all-of a module nobody runs exits 3" 3

# --- Limits ---------------------------------------------------------------
# A rate limit trips, and the trace is removed.
trace_bg "$T/r.out" rated --rate 100/s --duration 20s --max 100000 --json
erl_eval_on "$N" 'bp_fix_trace:send_rate(rated, 2000, 3000, r).' >/dev/null
wait "$BP_BG_PID"
sum=$(json_records "$T/r.out" summary)
check_eq "the rate limit tripped" "$(json_field "$sum" reason)" rate
ok "at most 100 events shown" test "$(json_field "$sum" shown)" -le 100
check_eq "trace removed after the rate limit" "$(flags rated)" "[]"

# The duration is enforced on the node, even when beamprobe is frozen.
trace_bg "$T/d.out" quiet --duration 2s
check_eq "flags set while tracing" "$(flags quiet)" "[receive, monotonic_timestamp]"
t0=$SECONDS
kill -STOP "$BP_BG_PID"
wait_for "flags removed" 6 sh -c "[ \"\$(echo 'bp_fix_trace:flags(quiet).' | '$ERL_CALL' -sname '${N%@*}' -e)\" = '{ok, []}' ]"
el=$((SECONDS - t0))
kill -CONT "$BP_BG_PID"
wait "$BP_BG_PID"
check_eq "trace removed by the node at its duration with beamprobe frozen" "$(flags quiet)" "[]"
ok "within the duration plus 1 s" test "$el" -le 3
check_match "beamprobe still reports" "$(cat "$T/d.out")" "the duration \(2 s\) ended"

# A huge message is cut on the node.
trace_bg "$T/big.out" agg --max 1 --json
erl_eval_on "$N" 'whereis(agg) ! {big, binary:copy(<<"x">>, 1000000), lists:seq(1, 100000)}, ok.' >/dev/null
wait "$BP_BG_PID"
ev=$(json_records "$T/big.out" event)
ok "the event says it was cut from about 1.8 MB" test "$(json_field "$ev" cut_from)" -gt 1000000
ok "and is small" test "${#ev}" -lt 20000

# --output FILE: the events go to the file, the summary to stdout.
trace_bg "$T/o.out" agg --max 2 --output "$T/events.txt"
erl_eval_on "$N" 'bp_fix_trace:send_n(agg, 2, o).' >/dev/null
wait "$BP_BG_PID"
check_eq "two event lines in the file" "$(grep -c ' received  {o,' "$T/events.txt")" 2
check_match "summary on stdout" "$(cat "$T/o.out")" "2 events seen, 2 shown, 0 dropped"

# --- Someone else's tracer is left alone ----------------------------------
erl_eval_on "$N" 'bp_fix_trace:hold_tracer(other).' >/dev/null
holder=$(erl_eval_on "$N" 'pid_to_list(whereis(other_tracer)).' | tr -d '"')
bp -N "$N" trace other --duration 1s
check_rc "refused with exit 5" 5
check_match "says it is traced already" "$BP_ERR" "already traced by <0\.[0-9]+\.[0-9]+>; beamprobe does not replace another tracer"
check_eq "the other tracer is still the tracer" \
  "$(erl_eval_on "$N" 'pid_to_list(bp_fix_trace:tracer(other)).' | tr -d '"')" "$holder"
check_eq "its flags are untouched" "$(flags other)" "[send]"

# Usage errors.
bp -N "$N" trace agg --rate fast
check_rc "bad --rate exits 1" 1
bp -N "$N" trace
check_rc "no target exits 1" 1
check_eq "no helper process left on the node" "$(erl_eval_on "$N" 'bp_fix_trace:helpers().')" "[]"
