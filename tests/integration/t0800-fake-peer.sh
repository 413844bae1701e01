#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0800-fake-peer: a peer that speaks the handshake or the frames wrongly.
# beamprobe (the ASan+UBSan build when present) must refuse cleanly within
# its deadline, with no sanitizer report and bounded memory.
. "$(dirname "$0")/../lib/lib-node.sh"

BPA=$ROOT/$BUILD/beamprobe-asan
[ -x "$BPA" ] || BPA=$BP
export FAKEPEER_COOKIE=$(cat "$COOKIE_FILE")

# scenario expected-exit(s) [extra beamprobe args]
fault() {
  local sc=$1 want=$2
  "$ROOT/tests/integration/fakepeer.py" "$sc" 8 >"$T/port" 2>/dev/null &
  local fp=$!
  for _ in $(seq 1 200); do [ -s "$T/port" ] && break; sleep 0.05; done
  local port; port=$(head -1 "$T/port")
  local s=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$T/rss" "$BPA" --cookie-file "$COOKIE_FILE" -N fake@localhost \
    --port "$port" --timeout 2s mailbox init >"$T/out" 2>"$T/err"
  local rc=$? ms=$(( ($(date +%s%N) - s) / 1000000 ))
  kill "$fp" 2>/dev/null; wait "$fp" 2>/dev/null
  local rss; rss=$(tail -1 "$T/rss")
  local err; err=$(grep -v '^Command exited' "$T/err")
  if [[ " $want " == *" $rc "* ]]; then _report 0 "$sc: exit $rc"; else _report 1 "$sc: exit $rc, want $want" "$err"; fi
  ok "$sc: within 4 s ($ms ms)" test "$ms" -lt 4000
  check_nomatch "$sc: no sanitizer report" "$err" "AddressSanitizer|runtime error|LeakSanitizer"
  ok "$sc: memory bounded ($rss KB)" test "${rss:-999999}" -lt 200000
  check_nomatch "$sc: cookie not printed" "$(cat "$T/out" "$T/err")" "$FAKEPEER_COOKIE"
  fault_record "fake peer: $sc" "$rc" "$ms" "$rss" "$(printf '%s' "$err" | head -1)"
}

fault close 2
fault silent 4
fault tls 2
fault status:nok "2 4"
fault status:not_allowed 2
fault status:alive "2 4"
fault status:garbage 2
fault hs-len0 "2 4"
fault hs-len-max 4
fault truncated-challenge 2
fault wrong-tag 2
fault short-challenge 2
fault bad-digest 2
fault no-ack 4
fault frame-len-2^31 5
fault frame-len-2^32-1 5
fault frame-len-200M-slow 4
fault frame-garbage "2 5"
fault frame-bad-pass-through "2 5"
fault frame-cut 2
fault ticks-only 4
for seed in 1 2 3 4 5; do FAKEPEER_SEED=$seed fault random-frames "2 4 5"; done
