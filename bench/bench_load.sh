#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench_load.sh - how fast and how exact `beamprobe load` is, against
# baselines measured in the same run on the same machine.
#
#   bench/bench_load.sh [SECONDS]        (default 5 s per measurement)
#
# Everything is measured at the receiving end: a registered counting sink
# (tests/integration/fixtures/bp_fix_load.erl) keeps the count and the
# monotonic time of its first and last message; rate = (count - 1) /
# (last - first).
#
#  1. Maximum sustained rate into the sink:
#     - beamprobe, one connection and K = 2, 4 connections (--rate far
#       above what can be reached, so the sender never waits), and --relay
#       (batches to a relay process on the node that sends locally);
#     - an Erlang node sending {sink, Node} ! I in a compiled loop over
#       distribution (what the node-to-node path does);
#  2. Pacing error at 50, 400, 3,000, 10,000 and 100,000 events/s:
#     - beamprobe load --to sink --rate R;
#     - the guide's LoadTest loop (Load Testing 1): send, then
#       Process.sleep(round(1000 / rate)), compiled, run on the sink's own
#       node as the guide runs it in IEx.
#
# Nodes are started with unique names and a private cookie, and killed by
# their OS pid at the end.  Needs: erl, erlc, erl_call, a built beamprobe.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
BP=${BP:-$ROOT/$BUILD/beamprobe}
SECS=${1:-5}
ERL_CALL=$(ls /usr/lib/erlang/bin/erl_call 2>/dev/null || command -v erl_call)
HOST=$(hostname -s)
[ -x "$BP" ] || { echo "bench_load: build first (make BUILD=$BUILD)"; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/bp-bench-load.XXXXXX")
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$T/cookie"
chmod 400 "$T/cookie"
export HOME=$T
cp "$T/cookie" "$T/.erlang.cookie"
pids=()
cleanup() {
  local p
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
  sleep 0.3
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The guide's loop and the node-to-node blaster, compiled.
cat >"$T/bp_bench_load.erl" <<'ERL'
-module(bp_bench_load).
-export([guide/3, blast/3]).

%% The guide's LoadTest.run/2 (Load Testing 1), sending to Sink instead of
%% broadcasting: send, then sleep round(1000 / rate) ms, until the time is
%% up.  Returns the count.
guide(Sink, Rate, Secs) ->
    Interval = 1000 / Rate,
    End = erlang:monotonic_time(millisecond) + Secs * 1000,
    guide_loop(Sink, Interval, End, 0).

guide_loop(Sink, Interval, End, Count) ->
    case erlang:monotonic_time(millisecond) < End of
        true ->
            Sink ! Count,
            timer:sleep(round(Interval)),
            guide_loop(Sink, Interval, End, Count + 1);
        false ->
            Count
    end.

%% As fast as possible to a registered process on another node.
blast(Name, Node, Secs) ->
    End = erlang:monotonic_time(millisecond) + Secs * 1000,
    blast_loop({Name, Node}, End, 0).

blast_loop(To, End, N) ->
    case N band 1023 =:= 0 andalso erlang:monotonic_time(millisecond) >= End of
        true -> N;
        false -> To ! N, blast_loop(To, End, N + 1)
    end.
ERL
erlc -o "$T" "$T/bp_bench_load.erl" tests/integration/fixtures/bp_fix_load.erl || exit 1

start() { # VAR NAME
  local name=${2}_$$ i
  erl -sname "$name" -noshell -noinput -pa "$T" </dev/null >"$T/$name.log" 2>&1 &
  pids+=($!)
  printf -v "$1" '%s' "$name@$HOST"
  for i in $(seq 1 100); do
    "$ERL_CALL" -sname "$name" -a 'erlang node []' >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench_load: node $name did not start"; exit 1
}
ev() { echo "$2" | "$ERL_CALL" -sname "${1%@*}" -e | sed -e 's/^{ok, *//' -e 's/}$//' -e 's/"//g'; }
stats() { ev "$SINK" 'lists:flatten(io_lib:format("~p ~.1f", tuple_to_list(erlang:delete_element(3, bp_fix_load:sink_stats(sink))))).'; }
reset() { ev "$SINK" 'bp_fix_load:sink_reset(sink).' >/dev/null; }

start SINK bpbench_sink
start SENDER bpbench_sender
ev "$SINK" 'bp_fix_load:sink(sink).' >/dev/null

echo "beamprobe load benchmark: $(nproc) cores, $(uname -m), OTP $(erl -noshell -eval 'io:put_chars(erlang:system_info(otp_release)), halt().'), ${SECS} s per measurement"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "1. Maximum sustained rate into a registered sink (events/s received)"
printf '   %-44s %12s %12s\n' "sender" "received" "rate/s"
for k in 1 2 4; do
  reset
  "$BP" --cookie-file "$T/cookie" -N "$SINK" load --to sink --rate 100000000 \
    --duration "${SECS}s" --connections "$k" -q >/dev/null
  sleep 1
  read -r c r <<<"$(stats)"
  printf '   %-44s %12s %12s\n' "beamprobe load, $k connection(s)" "$c" "$r"
done
reset
"$BP" --cookie-file "$T/cookie" -N "$SINK" load --to sink --relay --rate 100000000 \
  --duration "${SECS}s" -q >/dev/null
sleep 1
read -r c r <<<"$(stats)"
printf '   %-44s %12s %12s\n' "beamprobe load --relay, 1 connection" "$c" "$r"
reset
ev "$SENDER" "bp_bench_load:blast(sink, '$SINK', $SECS)." >/dev/null
sleep 1
read -r c r <<<"$(stats)"
printf '   %-44s %12s %12s\n' "Erlang node, compiled send loop" "$c" "$r"

echo
echo "2. Pacing: asked rate vs rate received at the sink over ${SECS} s"
printf '   %10s  %-32s %-32s\n' "asked/s" "beamprobe load (error)" "guide's sleep loop (error)"
for rate in 50 400 3000 10000 100000; do
  reset
  "$BP" --cookie-file "$T/cookie" -N "$SINK" load --to sink --rate "$rate" \
    --duration "${SECS}s" -q >/dev/null
  sleep 0.5
  read -r c1 r1 <<<"$(stats)"
  reset
  ev "$SINK" "bp_bench_load:guide(sink, $rate, $SECS)." >/dev/null
  sleep 0.5
  read -r c2 r2 <<<"$(stats)"
  e1=$(awk -v r="$r1" -v a="$rate" 'BEGIN { printf "%+.2f%%", (r - a) / a * 100 }')
  e2=$(awk -v r="$r2" -v a="$rate" 'BEGIN { printf "%+.1f%%", (r - a) / a * 100 }')
  printf '   %10s  %-32s %-32s\n' "$rate" "$r1 ($e1)" "$r2 ($e2)"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
