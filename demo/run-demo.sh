#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# run-demo.sh - what `make demo` shows: the bundled Lasso target in the
# guide's worst scenario, flawed mode, examined by beamprobe; then the same
# load in fixed mode for contrast.  Bounded: about a minute, and the target
# stops itself (duration_s, max_vm_mb) even if this script is killed.
set -u
cd "$(dirname "$0")/.."
BP=build/beamprobe
LT=demo/bin/lasso-target
COOKIE=build/demo/cookie
NAME=lasso_demo_$$
HOST=$(hostname -s)
NODE=$NAME@$HOST
AGG='LassoWeb.Dashboard.ClusterEventAggregator.ensure_started("default")'

mkdir -p build/demo
if [ ! -s "$COOKIE" ]; then
  (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$COOKIE")
fi
chmod 400 "$COOKIE"
export BEAMPROBE_COOKIE_FILE=$COOKIE BEAMPROBE_NODE=$NODE

stop() { "$LT" stop "$NAME" >/dev/null 2>&1; }
trap stop EXIT
trap 'exit 130' INT TERM

bold=""; off=""
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  bold=$(tput bold 2>/dev/null || true); off=$(tput sgr0 2>/dev/null || true)
fi
say() { printf '\n%s== %s ==%s\n' "$bold" "$*" "$off"; }
run() { printf '%s$ beamprobe %s%s\n' "$bold" "$*" "$off"; "$BP" "$@"; }

say "starting the Lasso demo target: worst scenario (7 x 3,000 events/s, 20 LiveViews), flawed mode"
"$LT" start "$NAME" --cookie-file "$COOKIE" --scenario worst --mode flawed \
  --env max_vm_mb 2500 --env duration_s 60 || exit 1
sleep 2

say "1. the node"
run node --interval 1s

say "2. what the aggregator receives (bounded trace, counted on the node)"
run trace lasso_agg_default --count-types --duration 3s --max 100000

say "3. mailbox of the aggregator (found by the guide's own call) and a LiveView"
run mailbox "$AGG" lasso_lv_1 --watch 1s --count 4

say "4. memory of the aggregator"
run memory "$AGG"

say "5. its garbage collections"
run gc lasso_agg_default --watch 1s --count 3

say "6. message_queue_data and the rest of process_info"
run info lasso_agg_default --limit 4 | head -40

say "7. top processes by mailbox"
run top --sort mailbox --limit 8

say "8. schedulers"
run sched --interval 1s

say "9. every check of the guide at once"
run doctor --window 1s --limit 5
echo "(doctor exit status: $?)"

"$LT" stop "$NAME" >/dev/null 2>&1
say "the same load in fixed mode (LiveViews no longer subscribed to raw events, off-heap mailbox)"
"$LT" start "$NAME" --cookie-file "$COOKIE" --scenario worst --mode fixed \
  --env max_vm_mb 1200 --env duration_s 60 >/dev/null || exit 1
sleep 3
run mailbox "$AGG" lasso_lv_1 --watch 1s --count 3
run top --sort mailbox --limit 5
run info lasso_agg_default --limit 4 | grep -E 'message_queue|memory '
run doctor --window 1s --limit 5
echo "(doctor exit status: $?)"

say "done: flawed mode piles tens of thousands of messages into every mailbox; fixed mode keeps them near zero"
