#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0600-load-rate: `load --to` lands the asked rate at a counting sink
# (measured by the sink itself: (count - 1) / (last - first arrival)), the
# count and duration bounds hold, and generated values are exact.
. "$(dirname "$0")/../lib/lib-node.sh"

start_node N lsink || exit 1
erl_eval_on "$N" 'bp_fix_load:sink(sink), bp_fix_load:sink(sink2).' >/dev/null

# sink_stats NAME -> "COUNT RATE SPAN"
sink_stats() {
  erl_eval_on "$N" "{C, R, S} = bp_fix_load:sink_stats($1), lists:flatten(io_lib:format(\"~p ~.3f ~.3f\", [C, R, S]))." |
    tr -d '"'
}

# The rate is what the sink saw between the arrivals of the first and the
# last 1% of the events (a late tick at either end on a loaded test machine
# moves nothing); the count is exact.
erl_eval_on "$N" 'bp_fix_load:sink_times(sink, true).' >/dev/null
inner() { erl_eval_on "$N" 'lists:flatten(io_lib:format("~.3f", [bp_fix_load:sink_inner_rate(sink)])).' | tr -d '"'; }
for rate in 400 20000; do
  erl_eval_on "$N" 'bp_fix_load:sink_reset(sink).' >/dev/null
  bp -N "$N" load --to sink --rate "$rate" --duration 5s --json
  check_rc "load at $rate/s exits 0" 0
  read -r count got span <<<"$(sink_stats sink)"
  check_eq "$rate/s for 5 s: every event arrived" "$count" "$((rate * 5))"
  check_near "$rate/s for 5 s: rate at the sink within 1%" "$(inner)" "$rate" 1
  check_near "$rate/s for 5 s: first to last arrival within 2%" "$got" "$rate" 2
  check_eq "$rate/s: beamprobe says it sent them all" "$(json_field "$BP_OUT" sent)" "$((rate * 5))"
  check_eq "$rate/s: stopped because the count was reached" "$(json_field "$BP_OUT" stopped)" done
done

# A slow rate is exact too: 2/s for 3 s is 6 events 0.5 s apart.
erl_eval_on "$N" 'bp_fix_load:sink_times(sink, false), bp_fix_load:sink_reset(sink).' >/dev/null
bp -N "$N" load --to sink --rate 2 --duration 3s
read -r count got span <<<"$(sink_stats sink)"
check_eq "2/s for 3 s: 6 events" "$count" 6
check_near "2/s for 3 s: 2.5 s from the first to the last" "$span" 2.5 1
check_match "human summary names the rate" "$BP_OUT" "sent 6 events .* 2\.0/s \(asked 2/s\)"

# Bounded duration: an impossible count still ends at the duration.
erl_eval_on "$N" 'bp_fix_load:sink_reset(sink).' >/dev/null
start=$(date +%s.%N)
bp -N "$N" load --to sink --rate 1000 --duration 2s --count 100000000 --json
el=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
check_rc "bounded load exits 0" 0
check_eq "stopped by the duration" "$(json_field "$BP_OUT" stopped)" duration
ok "the run took about 2 s (${el} s)" awk -v e="$el" 'BEGIN { exit !(e >= 1.9 && e < 4.5) }'
read -r count got span <<<"$(sink_stats sink)"
check_near "2 s at 1000/s: 2000 events" "$count" 2000 1

# --count alone bounds the run and is exact.
erl_eval_on "$N" 'bp_fix_load:sink_reset(sink).' >/dev/null
bp -N "$N" load --to sink --rate 5000 --count 777 --json
read -r count got span <<<"$(sink_stats sink)"
check_eq "--count 777 sends exactly 777" "$count" 777

# Generated values: $seq is 1..N in order, $rand within bounds, $pick only
# its choices, $str builds the text; nothing else.
erl_eval_on "$N" 'bp_fix_load:sink_reset(sink), bp_fix_load:sink_keep(sink, 300).' >/dev/null
bp -N "$N" load --to sink --rate 3000 --count 300 \
  --template '{ev, $seq, $rand(5, 9), $pick(a:1, b:3), $str(<<"id_">>, $seq)}'
check_rc "template load exits 0" 0
res=$(erl_eval_on "$N" 'L = bp_fix_load:sink_kept(sink),
  Seqs = [S || {ev, S, _, _, _} <- L],
  Rs = lists:usort([R || {ev, _, R, _, _} <- L]),
  Ps = lists:usort([P || {ev, _, _, P, _} <- L]),
  Ids = lists:all(fun({ev, S, _, _, Id}) -> Id =:= iolist_to_binary(["id_", integer_to_list(S)]) end, L),
  lists:flatten(io_lib:format("~p ~p ~w ~w ~p", [length(L), Seqs =:= lists:seq(1, 300), Rs, Ps, Ids])).' | tr -d '"')
read -r n seqok rs ps ids <<<"$res"
check_eq "300 events kept" "$n" 300
check_eq "\$seq is 1..300 in order" "$seqok" true
ok "\$rand(5, 9) stays within 5..9 ($rs)" bash -c "[[ '$rs' =~ ^\[[5-9](,[5-9])*\]$ ]]"
check_eq "\$pick gives only a and b" "$ps" "[a,b]"
check_eq "\$str builds id_SEQ" "$ids" true

# Elixir syntax and a struct literal.
erl_eval_on "$N" 'bp_fix_load:sink_reset(sink), bp_fix_load:sink_keep(sink, 2).' >/dev/null
bp -N "$N" load --to sink --rate 100 --count 2 \
  --template '%Lasso.Events.RoutingDecision{request_id: $str("load_test_", $seq), transport: :http}'
res=$(erl_eval_on "$N" '[E | _] = bp_fix_load:sink_kept(sink), lists:flatten(io_lib:format("~w", [E])).' | tr -d '\n ')
check_match "struct literal arrives as the map" "$res" "'__struct__'=>'Elixir.Lasso.Events.RoutingDecision'"
check_match "with a binary request_id" "$res" 'request_id=>\\?<<\\?"load_test_1\\?">>|request_id=>\\?<<108,111,97,100,95,116,101,115,116,95,49>>'

# Several connections: one numbering, every event once, the same rate.
erl_eval_on "$N" 'bp_fix_load:sink_times(sink, true), bp_fix_load:sink_reset(sink), bp_fix_load:sink_keep(sink, 6000).' >/dev/null
bp -N "$N" load --to sink --rate 3000 --duration 2s --connections 3 --json
check_rc "--connections 3 exits 0" 0
check_eq "three lanes sent 6000" "$(json_field "$BP_OUT" sent)" 6000
res=$(erl_eval_on "$N" 'L = bp_fix_load:sink_kept(sink), lists:sort(L) =:= lists:seq(1, 6000).')
check_eq "each \$seq exactly once" "$res" true
check_near "3 connections: 3000/s at the sink" "$(inner)" 3000 1

# Nothing is left on the node by --to: the process count is unchanged.
before=$(erl_eval_on "$N" 'erlang:system_info(process_count).')
bp -N "$N" load --to sink2 --rate 1000 --count 100
sleep 0.3
after=$(erl_eval_on "$N" 'erlang:system_info(process_count).')
check_eq "no process left behind" "$after" "$before"

# Errors: no destination, both, unknown target, bad template.
bp -N "$N" load --rate 10
check_rc "no destination is a usage error" 1
bp -N "$N" load --to sink --call 'm:f($event)' --rate 10
check_rc "--to and --call together is a usage error" 1
bp -N "$N" load --to nosuchname --rate 10 --count 1
check_rc "an unknown target exits 3" 3
bp -N "$N" load --to sink --rate 10 --count 1 --template '{a, $nope}'
check_rc "an unknown generator is a usage error" 1
check_match "and says which" "$BP_ERR" 'unknown generator \$nope'

# --relay: the same exact rate through a relay process on the node, which
# is removed afterwards.
erl_eval_on "$N" 'bp_fix_load:sink_reset(sink).' >/dev/null
before=$(erl_eval_on "$N" 'erlang:system_info(process_count).')
bp -N "$N" load --to sink --relay --rate 20000 --duration 3s --json
check_rc "--relay exits 0" 0
check_eq "--relay: every event sent locally by the relay" "$(json_field "$BP_OUT" applied)" 60000
read -r count got span <<<"$(sink_stats sink)"
check_eq "--relay: all 60000 arrived" "$count" 60000
check_near "--relay: 20000/s at the sink" "$(inner)" 20000 1
sleep 0.3
check_eq "--relay: the relay process is gone" "$(erl_eval_on "$N" 'erlang:system_info(process_count).')" "$before"

# --cluster: every node of the cluster gets the rate.
start_node N2 lsink2 || exit 1
erl_eval_on "$N2" "bp_fix_load:sink(sink), net_kernel:connect_node('$N')." >/dev/null
erl_eval_on "$N" 'bp_fix_load:sink_reset(sink).' >/dev/null
bp -N "$N" load --to sink --rate 500 --duration 2s --cluster --json
check_rc "--cluster load exits 0" 0
check_eq "two nodes loaded" "$(printf '%s' "$BP_OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["nodes"]))')" 2
c1=$(erl_eval_on "$N" '{C, _, _} = bp_fix_load:sink_stats(sink), C.')
c2=$(erl_eval_on "$N2" '{C, _, _} = bp_fix_load:sink_stats(sink), C.')
check_eq "the entry node's sink got 1000" "$c1" 1000
check_eq "the other node's sink got 1000" "$c2" 1000
