#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench_export: the debugging and monitoring commands on a node of N idle
# processes (default 100k):
#   - export: scrape latency of /metrics (sequential and 8 scrapers at once)
#     against the time one refresh takes; node CPU and reductions per
#     refresh, idle baseline subtracted; scrapes never reach the node;
#   - doctor, stuck --all: end-to-end time against the node's own compiled
#     snapshot of every process (bp_bench:snapshot_us), measured in the
#     same run.
# N=10000 to shorten.  Ratios, not absolute goals.
. "$(dirname "$0")/lib-bench.sh"
N=${N:-100000}
SCRAPES=${SCRAPES:-200}

bench_node X exp +P 2000000 || exit 1
on "$X" "bp_bench:crowd($N)." >/dev/null
on "$X" 'register(watched, spawn(fun() -> receive stop -> ok end end)), ok.' >/dev/null
snap=$(for i in 1 2 3; do on "$X" 'bp_bench:snapshot_us().'; done | median)
printf 'node: %s processes; compiled snapshot of every process: %.3f s\n' "$N" \
  "$(awk -v u="$snap" 'BEGIN { print u / 1e6 }')"

# ---------------------------------------------------------------- export
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ticks=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$X_PID/stat"; }
r0=$(on "$X" 'bp_bench:reductions().'); c0=$(cpu); sleep 10
r1=$(on "$X" 'bp_bench:reductions().'); c1=$(cpu)
"$BP" --cookie-file "$COOKIE_FILE" -N "$X" export --listen "127.0.0.1:$port" --interval 1s \
  --process watched >/dev/null 2>&1 &
EXP=$!
_bpids+=("$EXP")
sleep 10
r2=$(on "$X" 'bp_bench:reductions().'); c2=$(cpu)
awk -v i="$((r1 - r0))" -v w="$((r2 - r1))" -v ci="$((c1 - c0))" -v cw="$((c2 - c1))" -v t="$ticks" \
  'BEGIN { printf "export --interval 1s: %.0f reductions and %.1f ms of node CPU per refresh (idle baseline subtracted)\n", (w - i) / 10, ((cw - ci) / t * 1000) / 10 }'
refresh=$(for i in $(seq 1 10); do
  curl -s "http://127.0.0.1:$port/metrics" | awk '/^beam_collect_duration_seconds/ { print $2 * 1000 }'
  sleep 1
done | median)
printf 'one refresh (3 round trips) takes: %.2f ms (median of 10)\n' "$refresh"
for i in $(seq 1 "$SCRAPES"); do
  curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/metrics"
done | awk '{ print $1 * 1000 }' | sort -n >"$BT/lat"
p50=$(median <"$BT/lat"); p99=$(awk -v n="$SCRAPES" 'NR == int(n * 0.99) { print }' "$BT/lat")
printf 'scrape latency (%s sequential scrapes): p50 %.2f ms, p99 %.2f ms (%sx a refresh)\n' "$SCRAPES" \
  "$p50" "$p99" "$(ratio "$p50" "$refresh")"
bytes=$(curl -s "http://127.0.0.1:$port/metrics" | wc -c)
s=$(date +%s%N)
seq 1 "$SCRAPES" | xargs -P 8 -I{} curl -s -o /dev/null "http://127.0.0.1:$port/metrics"
e=$(date +%s%N)
printf '8 concurrent scrapers: %s scrapes of %s bytes in %.0f ms (%.0f scrapes/s)\n' "$SCRAPES" "$bytes" \
  "$(awk -v d="$((e - s))" 'BEGIN { print d / 1e6 }')" \
  "$(awk -v d="$((e - s))" -v n="$SCRAPES" 'BEGIN { print n / (d / 1e9) }')"
r3=$(on "$X" 'bp_bench:reductions().'); c3=$(cpu)
for i in $(seq 1 1000); do curl -s -o /dev/null "http://127.0.0.1:$port/metrics"; done
r4=$(on "$X" 'bp_bench:reductions().'); c4=$(cpu)
e2=$(date +%s%N)
kill -INT "$EXP"; wait "$EXP" 2>/dev/null
printf '1000 more scrapes changed the node CPU by %.0f ms over that time (refreshes only)\n' \
  "$(awk -v c="$((c4 - c3))" -v t="$ticks" 'BEGIN { print c / t * 1000 }')"

# ---------------------------------------------------------------- doctor, stuck --all
timeit() { local s; s=$(date +%s%N); "$@" >/dev/null 2>&1; echo $(( ($(date +%s%N) - s) / 1000 )); }
doc=$(for i in 1 2 3; do timeit "$BP" --cookie-file "$COOKIE_FILE" -N "$X" --timeout 60s doctor --window 1s; done | median)
printf 'doctor --window 1s: %.2f s end to end (window 1 s; scan beyond it %.2f s = %sx the snapshot)\n' \
  "$(awk -v u="$doc" 'BEGIN { print u / 1e6 }')" "$(awk -v u="$doc" 'BEGIN { print (u - 1e6) / 1e6 }')" \
  "$(ratio "$((doc - 1000000))" "$snap")"
st=$(for i in 1 2 3; do timeit "$BP" --cookie-file "$COOKIE_FILE" -N "$X" --timeout 60s stuck --all --window 1s --no-probe; done | median)
printf 'stuck --all --window 1s: %.2f s end to end (scan beyond the window %.2f s = %sx the snapshot)\n' \
  "$(awk -v u="$st" 'BEGIN { print u / 1e6 }')" "$(awk -v u="$st" 'BEGIN { print (u - 1e6) / 1e6 }')" \
  "$(ratio "$((st - 1000000))" "$snap")"
lk=$(timeit "$BP" --cookie-file "$COOKIE_FILE" -N "$X" --timeout 60s leak --all --interval 1s --samples 3)
printf 'leak --all --interval 1s --samples 3: %.2f s end to end (3 s of samples + one interval to find candidates)\n' \
  "$(awk -v u="$lk" 'BEGIN { print u / 1e6 }')"
kill -9 "$X_PID" 2>/dev/null; wait "$X_PID" 2>/dev/null
