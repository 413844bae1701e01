#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench_top: `beamprobe top` on nodes of 10k, 100k and 1M idle processes,
# end to end (connect, rank on the node, print), against in the same run:
#   - the node's own compiled snapshot of every process
#     ([process_info(P, [memory, message_queue_len, reductions]) || P <- processes()]),
#   - OTP's etop collector (observer_backend:etop_collect/1);
# then `top --window 1s` at the largest size against two snapshots 1 s
# apart, the node-side cost of `top --watch 1s` on 100k processes, and
# beamprobe's own peak memory.  SIZES="10000 100000" to shorten.
. "$(dirname "$0")/lib-bench.sh"
SIZES=${SIZES:-10000 100000 1000000}
REPS=${REPS:-3}

us_to_s() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1e6 }'; }

printf '%-9s %-10s %-10s %-10s %-9s %-9s\n' processes snapshot_s etop_s top_s top/snap top/etop
for n in $SIZES; do
  bench_node N top +P 2000000 || exit 1
  on "$N" "bp_bench:crowd($n)." >/dev/null
  snap=$(for i in $(seq 1 "$REPS"); do on "$N" 'bp_bench:snapshot_us().'; done | median)
  etop=$(for i in $(seq 1 "$REPS"); do on "$N" 'bp_bench:etop_us().'; done | median)
  top=$(for i in $(seq 1 "$REPS"); do
    s=$(date +%s%N)
    "$BP" --cookie-file "$COOKIE_FILE" -N "$N" --timeout 60s top --sort memory --limit 10 >/dev/null
    echo $(( ($(date +%s%N) - s) / 1000 ))
  done | median)
  printf '%-9s %-10s %-10s %-10s %-9s %-9s\n' "$n" "$(us_to_s "$snap")" "$(us_to_s "$etop")" \
    "$(us_to_s "$top")" "$(ratio "$top" "$snap")" "$(ratio "$top" "$etop")"
  last=$n
  if [ "$n" = "${SIZES##* }" ]; then
    win=$(for i in 1 2; do on "$N" 'bp_bench:window_baseline_us(1000).'; done | median)
    tw=$(for i in 1 2; do
      s=$(date +%s%N)
      "$BP" --cookie-file "$COOKIE_FILE" -N "$N" --timeout 60s top --sort reductions --window 1s >/dev/null
      echo $(( ($(date +%s%N) - s) / 1000 ))
    done | median)
    printf 'top --window 1s at %s processes: %ss; two snapshots 1 s apart: %ss; ratio %s\n' \
      "$n" "$(us_to_s "$tw")" "$(us_to_s "$win")" "$(ratio "$tw" "$win")"
    rss=$( { /usr/bin/time -f '%M' "$BP" --cookie-file "$COOKIE_FILE" -N "$N" --timeout 60s top --limit 10 >/dev/null; } 2>&1 | tail -1)
    printf 'beamprobe peak memory (top at %s processes): %s KB\n' "$n" "$rss"
  fi
  if [ "$n" = 100000 ]; then
    # Node-side cost of a live `top --watch 1s`: reductions and CPU time per
    # refresh, over 10 refreshes, minus the same time idle.
    ticks=$(getconf CLK_TCK)
    cpu() { awk '{ print $14 + $15 }' "/proc/$N_PID/stat"; }
    r0=$(on "$N" 'bp_bench:reductions().'); c0=$(cpu); sleep 10
    r1=$(on "$N" 'bp_bench:reductions().'); c1=$(cpu)
    "$BP" --cookie-file "$COOKIE_FILE" -N "$N" top --watch 1s --count 10 >/dev/null
    r2=$(on "$N" 'bp_bench:reductions().'); c2=$(cpu)
    awk -v i="$((r1 - r0))" -v w="$((r2 - r1))" -v ci="$((c1 - c0))" -v cw="$((c2 - c1))" -v t="$ticks" \
      'BEGIN { printf "top --watch 1s on 100k processes: %.0f reductions and %.0f ms of node CPU per refresh (idle baseline subtracted)\n", (w - i) / 10, ((cw - ci) / t * 1000) / 10 }'
  fi
  kill -9 "$N_PID" 2>/dev/null; wait "$N_PID" 2>/dev/null
done
