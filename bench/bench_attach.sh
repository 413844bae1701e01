#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench_attach: attach + one mailbox reading, end to end on loopback,
# median of 20 runs; compared with doing the same from a fresh Erlang VM
# (what an erl-based tool pays), measured in the same run.
. "$(dirname "$0")/lib-bench.sh"
bench_node N attach || exit 1
runs=${RUNS:-20}
bp_ms=$(for i in $(seq 1 "$runs"); do
  s=$(date +%s%N); "$BP" --cookie-file "$COOKIE_FILE" -N "$N" mailbox init >/dev/null || echo fail >&2
  echo $(( ($(date +%s%N) - s) / 1000 ))
done | median)
erl_ms=$(for i in $(seq 1 5); do
  s=$(date +%s%N)
  erl -sname "b$$_$i" -noshell -eval "io:format(\"~p~n\", [rpc:call('$N', erlang, process_info, [whereis(init), message_queue_len])]), halt()." >/dev/null
  echo $(( ($(date +%s%N) - s) / 1000 ))
done | median)
size=$(stat -c %s "$BP")
printf 'attach + one mailbox reading: median %.1f ms over %d runs (erl-based: %.0f ms, %sx slower)\n' \
  "$(awk -v u="$bp_ms" 'BEGIN{print u/1000}')" "$runs" "$(awk -v u="$erl_ms" 'BEGIN{print u/1000}')" "$(ratio "$erl_ms" "$bp_ms")"
printf 'binary size: %d bytes (%s)\n' "$size" "$(ldd "$BP" | awk '{print $1}' | tr '\n' ' ')"
