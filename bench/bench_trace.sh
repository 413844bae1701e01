#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench_trace.sh - how many message-trace events beamprobe takes in per
# second without loss, where it starts to drop (and what it does then),
# what its relay costs the node, against OTP's dbg on the same workload;
# and message round-trip latency on loopback.
#
#   bench/bench_trace.sh [SECONDS] [RATES]
#       SECONDS  length of each traced run (default 3)
#       RATES    events per second to try (default "1000 10000 50000 100000 200000 400000 800000")
#
# Workload: a compiled driver on the node sends {ping, I} to a registered
# sink (a compiled receive loop) at a paced rate for SECONDS, while one
# tracer traces the sink's `receive`:
#   bp count   beamprobe trace sink --count-types (counts on the node)
#   bp stream  beamprobe trace sink, every event to beamprobe (--output /dev/null)
#   dbg count  dbg:tracer(process, {Handler, Tab}) with a compiled handler that
#              only counts (the cheapest dbg tracer there is)
#   dbg print  dbg:tracer() with its default handler, printing each event
#              (what one does from IEx)
# For each: events the tracer handled / events sent; whether it kept up;
# beamprobe's stop reason (overload = its relay stopped itself); for dbg,
# which never drops, the peak of its tracer's mailbox and how long after
# the workload it took to catch up.  Node CPU per event (from /proc, minus
# the same workload untraced) is the price of the trace on the node.
set -u
SECS=${1:-3}
RATES=${2:-"1000 10000 50000 100000 200000 400000 800000"}
. "$(dirname "$0")/lib-bench.sh"
[ -x "$BP" ] || { echo "bench_trace: build first (make BUILD=$BUILD)"; exit 1; }

cat >"$BT/bp_bench_trace.erl" <<'ERL'
-module(bp_bench_trace).
-export([sink/0, drive/2, dbg_run/3, dbg_line/3, cpu_ms/0]).

sink() ->
    case whereis(bsink) of
        undefined ->
            P = spawn(fun loop/0),
            register(bsink, P),
            P;
        P -> P
    end.

loop() -> receive _ -> loop() end.

%% Send Rate {ping, I} per second to bsink for Ms ms, paced every ms;
%% returns {Sent, ElapsedMs}.
drive(Rate, Ms) ->
    S = whereis(bsink),
    T0 = erlang:monotonic_time(millisecond),
    drive(S, Rate, T0, T0 + Ms, 0).

drive(S, Rate, T0, End, Sent) ->
    Now = erlang:monotonic_time(millisecond),
    case Now >= End of
        true -> {Sent, Now - T0};
        false ->
            Due = Rate * (Now - T0) div 1000,
            N = max(0, Due - Sent),
            send(S, Sent, N),
            timer:sleep(1),
            drive(S, Rate, T0, End, Sent + N)
    end.

send(_, _, 0) -> ok;
send(S, I, N) -> S ! {ping, I}, send(S, I + 1, N - 1).

%% One dbg run: Kind = count | print.  Returns
%% {Sent, Handled, PeakQueue, CatchUpMs, CpuMs}.
dbg_run(Kind, Rate, Ms) ->
    Tab = ets:new(bp_bench_dbg, [public, set]),
    ets:insert(Tab, {n, 0}),
    {ok, _} = case Kind of
                  count -> dbg:tracer(process, {fun(_, T) -> ets:update_counter(T, n, 1), T end, Tab});
                  print -> dbg:tracer()
              end,
    {ok, Tracer} = dbg:get_tracer(),
    {ok, _} = dbg:p(whereis(bsink), ['receive']),
    Self = self(),
    Watch = spawn(fun() -> peak(Tracer, 0, Self) end),
    C0 = cpu_ms(),
    {Sent, _} = drive(Rate, Ms),
    TEnd = erlang:monotonic_time(millisecond),
    {CatchUp, Left} = wait_drained(Tracer, TEnd + 60000),
    C1 = cpu_ms(),
    Handled = case Kind of
                  count -> ets:lookup_element(Tab, n, 2);
                  print -> Sent - Left %% what is still queued was not printed
              end,
    Watch ! stop,
    Peak = receive {peak, P} -> P after 1000 -> -1 end,
    %% dbg:stop/0 does not wait for its tracer: end it, and wait until the
    %% sink has no tracer any more, so the next run starts clean.
    dbg:stop(),
    exit(Tracer, kill),
    no_tracer(erlang:monotonic_time(millisecond) + 10000),
    ets:delete(Tab),
    {Sent, Handled, Peak, CatchUp - TEnd, C1 - C0}.

no_tracer(Until) ->
    case erlang:trace_info(whereis(bsink), tracer) of
        {tracer, []} -> ok;
        _ ->
            case erlang:monotonic_time(millisecond) > Until of
                true -> timeout;
                false -> timer:sleep(10), no_tracer(Until)
            end
    end.

dbg_line(Kind, Rate, Ms) ->
    {S, H, P, L, C} = dbg_run(Kind, Rate, Ms),
    lists:flatten(io_lib:format("~p ~p ~p ~p ~p", [S, H, P, L, C])).

%% {When the tracer's mailbox was empty, what was left in it then}.
wait_drained(Tracer, Until) ->
    Now = erlang:monotonic_time(millisecond),
    case erlang:process_info(Tracer, message_queue_len) of
        {message_queue_len, 0} -> {Now, 0};
        undefined -> {Now, 0};
        {message_queue_len, L} when Now > Until -> {Now, L};
        _ -> timer:sleep(1), wait_drained(Tracer, Until)
    end.

peak(Tracer, Max, Parent) ->
    receive stop -> Parent ! {peak, Max}
    after 10 ->
            case erlang:process_info(Tracer, message_queue_len) of
                {message_queue_len, L} -> peak(Tracer, max(L, Max), Parent);
                undefined -> Parent ! {peak, Max}
            end
    end.

%% CPU time of the whole node (all threads), ms, from the OS.
cpu_ms() ->
    {ok, B} = file:read_file("/proc/self/stat"),
    [_, Rest] = binary:split(B, <<") ">>),
    F = binary:split(Rest, <<" ">>, [global]),
    Ticks = binary_to_integer(lists:nth(12, F)) + binary_to_integer(lists:nth(13, F)),
    Ticks * 10.
ERL
erlc -o "$BEBIN" "$BT/bp_bench_trace.erl" || exit 1

# No busy-waiting schedulers: the node's CPU time is then the work done.
bench_node N btrace +S 2 +sbwt none +sbwtdcpu none +sbwtdio none || exit 1
on "$N" 'bp_bench_trace:sink(), ok.' >/dev/null
bp() { "$BP" --cookie-file "$COOKIE_FILE" -N "$N" "$@"; }
cpu() { on "$N" 'bp_bench_trace:cpu_ms().' | tr -d '\n '; }

# started FILE: beamprobe's trace is set up.
started() { grep -q '"record":"start"' "$1" 2>/dev/null; }
wait_started() {
  local i
  for i in $(seq 1 150); do started "$1" && return 0; sleep 0.1; done
  return 1
}

# bp_run MODE RATE -> "sent handled reason dropped after cpu_ms"
bp_run() {
  local mode=$1 rate=$2 out="$BT/bp.$1.$2" extra=() sent c0 c1
  [ "$mode" = count ] && extra=(--count-types)
  [ "$mode" = stream ] && extra=(--output /dev/null)
  bp trace bsink "${extra[@]}" --duration "$((SECS + 2))s" --max 100000000 --json >"$out" 2>&1 &
  local pid=$!
  wait_started "$out" || { echo "0 0 nostart 0 0 0"; kill "$pid" 2>/dev/null; return; }
  c0=$(cpu)
  sent=$(on "$N" "element(1, bp_bench_trace:drive($rate, $((SECS * 1000))))." | tr -d '\n ')
  wait "$pid"
  c1=$(cpu)
  python3 - "$out" "$sent" "$((c1 - c0))" <<'PY'
import json, sys
s = None
for line in open(sys.argv[1]):
    try:
        d = json.loads(line)
    except ValueError:
        continue
    if d.get("record") == "summary":
        s = d
if not s:
    print(sys.argv[2], 0, "noreport", 0, 0, sys.argv[3])
else:
    print(sys.argv[2], s["shown"], s["reason"], s["dropped"], s["after_limit"], sys.argv[3])
PY
}

# dbg_run KIND RATE -> "sent handled peak_queue catch_up_ms cpu_ms"
dbg_run() {
  on "$N" "bp_bench_trace:dbg_line($1, $2, $((SECS * 1000)))." | head -1 | tr -d '"'
}

# base_cpu RATE -> node CPU ms of the workload untraced
base_cpu() {
  local c0 c1
  c0=$(cpu)
  on "$N" "bp_bench_trace:drive($1, $((SECS * 1000)))." >/dev/null
  c1=$(cpu)
  echo $((c1 - c0))
}

per_event() { awk -v c="$1" -v b="$2" -v n="$3" 'BEGIN { if (n > 0) printf "%.2f", (c - b) * 1000.0 / n; else print "-" }'; }

echo "Message trace ingestion: ${SECS} s per run, rates in events/s; node +S 2 on $(nproc) cores"
echo "(handled/sent; 'kept up' = every event handled while the trace ran; CPU = extra node CPU per event, us)"
printf '%-9s | %-34s | %-34s | %-40s | %-40s\n' "rate" "bp count (handled reason cpu)" "bp stream (shown reason drop cpu)" \
  "dbg count (handled peakQ lag cpu)" "dbg print (handled peakQ lag cpu)"
bp_count_max=0; bp_stream_max=0; dbg_count_max=0; dbg_print_max=0
for r in $RATES; do
  b=$(base_cpu "$r")
  read -r s1 h1 why1 d1 a1 c1 < <(bp_run count "$r")
  read -r s2 h2 why2 d2 a2 c2 < <(bp_run stream "$r")
  read -r s3 h3 p3 l3 c3 < <(dbg_run count "$r")
  read -r s4 h4 p4 l4 c4 < <(dbg_run print "$r")
  [ "$h1" = "$s1" ] && [ "$why1" = duration ] && bp_count_max=$r
  [ "$h2" = "$s2" ] && [ "$why2" = duration ] && [ "$d2" = 0 ] && bp_stream_max=$r
  [ "$h3" = "$s3" ] && [ "${l3:-9999}" -lt 100 ] 2>/dev/null && dbg_count_max=$r
  [ "$h4" = "$s4" ] && [ "${l4:-9999}" -lt 100 ] 2>/dev/null && dbg_print_max=$r
  printf '%-9s | %-34s | %-34s | %-40s | %-40s\n' "$r" \
    "$h1/$s1 $why1 $(per_event "$c1" "$b" "$h1")" \
    "$h2/$s2 $why2 d=$d2 $(per_event "$c2" "$b" "$h2")" \
    "$h3/$s3 q=$p3 lag=${l3}ms $(per_event "$c3" "$b" "$h3")" \
    "$h4/$s4 q=$p4 lag=${l4}ms $(per_event "$c4" "$b" "$h4")"
done
echo
echo "Highest rate tried that was followed without loss (and, for dbg, with under 100 ms of lag):"
echo "  beamprobe --count-types: $bp_count_max/s   beamprobe stream: $bp_stream_max/s"
echo "  dbg counting handler:    $dbg_count_max/s   dbg default (printing): $dbg_print_max/s"
echo "Above its rate beamprobe's relay stops itself (reason overload: its mailbox passed its limit)"
echo "and removes the trace; dbg never stops: its tracer's mailbox grows (peakQ) and it lags."
echo

echo "Relay cost, one run at 50000 events/s, --count-types (relay's own reductions):"
out="$BT/red.json"
bp trace bsink --count-types --duration "$((SECS + 1))s" --max 100000000 --json >"$out" 2>&1 &
pid=$!
wait_started "$out"
on "$N" "bp_bench_trace:drive(50000, $((SECS * 1000)))." >/dev/null
wait "$pid"
grep '"record":"summary"' "$out" | python3 -c 'import json,sys
line = sys.stdin.readline()
if not line:
    print("  (no summary: %s)" % open(sys.argv[1]).read().strip()); sys.exit(0)
d = json.loads(line)
n = max(1, d["shown"])
print("  %d events in %d batches: %.0f reductions per event, %.0f per batch (each mailbox read" % (n, d["relay_batches"], d["relay_reductions"] / n, d["relay_reductions"] / max(1, d["relay_batches"])))
print("  through prim_eval bumps the count by 4000 and yields: reductions overstate the work; CPU above is the measure)")' "$out"
echo

echo "Round-trip latency on loopback (beamprobe bench latency --echo --count 5000):"
bp bench latency --echo --count 5000
