#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0420-ui-views: every view against a node with a known application
# (bp_fix_ui): the supervision tree with a hung supervisor that must not
# hang the dashboard, the ETS table and its owner, the port and its owner,
# memory and allocators, schedulers; the process dump; pause; the help
# page; usage errors.
. "$(dirname "$0")/../lib/lib-node.sh"
. "$ROOT/scripts/ui-tmux.sh"
trap 'ui_stop; cleanup' EXIT
command -v tmux >/dev/null || { echo "# skip: no tmux"; exit 0; }

start_node N views || exit 1
setup=$(erl_eval_on "$N" 'bp_fix_ui:start(), bp_fix_ui:hang().')
check_eq "the fixture application runs, its supervisor hung" "$setup" ok

# Usage errors, before any terminal is touched.
bp -N "$N" ui --json
check_rc "--json is refused" 1
check_match "with a reason" "$BP_ERR" "makes no sense for a dashboard"
bp -N "$N" ui </dev/null
check_rc "no terminal: usage error" 1
check_match "says it needs a terminal" "$BP_ERR" "needs a terminal"
bp -N "$N" ui --view nonsense
check_rc "unknown view" 1
bp -N "$N" ui --help
check_rc "--help exits 0" 0
check_match "--help explains --json" "$BP_OUT" "json is refused"

mkdir -p "$T/dumps"
ui_start 120 40 -- -N "$N" ui --view applications --dump-dir "$T/dumps"
ok "the applications view" ui_wait 15 "Applications [0-9]+"
ok "lists the fixture application" ui_wait 10 "▸ bp_fix_ui_app 1.0 +beamprobe ui fixture"
line=$(ui_screen | grep -n "bp_fix_ui_app" | head -1 | cut -d: -f1)
# Move the selection to the application (rows start at line 5), open it.
apps_before=$(( line - 5 ))
ui_keys Home
for _ in $(seq 1 "$apps_before"); do ui_keys Down; done
t0=$(date +%s%N)
ui_keys Enter
ok "expanding shows the top supervisor" ui_wait 10 "bp_fix_ui_sup <0\.[0-9]+\.0> supervisor"
t1=$(date +%s%N)
echo "# tree with a hung supervisor drawn after $(( (t1 - t0) / 1000000 )) ms"
ok "the worker" ui_wait 5 "worker <0\.[0-9]+\.0> worker \[bp_fix_ui\]"
ok "the hung supervisor is listed" ui_wait 5 "hung_sup <0\.[0-9]+\.0> supervisor"
ok "and marked as not answering" ui_wait 5 "no answer \(supervisor busy or hung\)" || ui_screen | sed 's/^/#   /' 
ui_keys 2
ok "keys work right after (the walk never blocks them)" ui_wait 2 "PID +NAME +MEMORY"
erl_eval_on "$N" 'bp_fix_ui:unhang().' >/dev/null
ui_keys 5 r
ok "once resumed, its child shows" ui_wait 15 "idle <0\.[0-9]+\.0> worker"

ui_keys 6
ok "the ETS view" ui_wait 10 "ETS [0-9]+ tables"
ok "the fixture table, its size and owner" \
  ui_wait 10 "bp_fix_ui_tab +set +1,234 +[0-9.]+K +bp_fix_ui_worker <0\.[0-9]+\.0> +public"
ui_keys / b p _ f i x Enter
ok "the ETS filter keeps only matching tables" ui_wait 10 'name contains "bp_fix": 1'
ui_keys Enter
ok "Enter opens the owner's process view" ui_wait 10 "^Process <0\.[0-9]+\.0> +bp_fix_ui_worker"
ok "its info is read" ui_wait 10 "^identity"
ui_keys PageDown
ok "with its links (a page down)" ui_wait 5 "links +[0-9]+: "

ui_keys d
ok "d asks where to dump" ui_wait 5 "dump to: .*/dumps/process_dump_0\.[0-9]+\.0_.*\.txt"
ui_keys Enter
ok "and writes the dump" ui_wait 10 "full process info written to"
dump=$(ls "$T"/dumps/process_dump_*.txt 2>/dev/null | head -1)
ok "the dump file exists" test -s "$dump"
check_match "the dump has the registered name" "$(cat "$dump" 2>/dev/null)" "registered_name: bp_fix_ui_worker"
check_match "and the backtrace" "$(cat "$dump" 2>/dev/null)" "backtrace:"
ui_keys m
ok "m starts a bounded message-type count" ui_wait 5 "counting message types of"

ui_keys Escape 7
ok "the ports view" ui_wait 10 "Ports [0-9]+ +top"
ok "the cat port and its owner" ui_wait 10 "#Port<0\.[0-9]+> +cat +bp_fix_ui_worker"

ui_keys 4
ok "the memory view" ui_wait 10 "ERLANG:MEMORY +SIZE"
ok "the allocator summary" ui_wait 10 "eheap_alloc +[0-9.]+ [KMG]?B"

ui_keys 3
ok "the schedulers view" ui_wait 10 "SCHEDULER +RUN QUEUE +STATUS +UTIL"
ok "with utilization measured" ui_wait 10 "Utilization [0-9.]+% avg"

ui_keys 8
ok "the cluster view has a row for the node" ui_wait 10 "▶ ${N} +live"

ui_keys p
ok "p pauses" ui_wait 5 "PAUSED"
ui_keys p
ok "p resumes" ui_wait 5 "● live"

ui_keys '?'
ok "? shows the help" ui_wait 5 "beamprobe ui: keys"
ui_keys x
sleep 0.5
check_nomatch "any key closes it" "$(ui_screen)" "beamprobe ui: keys"

# SIGTERM: the terminal is restored and the exit is clean.
kill -TERM "$UI_PID"
ok "SIGTERM ends it cleanly" ui_wait 10 "UI-EXIT=0"
check_eq "the alternate screen is gone" "$(ui_alt)" 0

# The scheduler_wall_time guard ended with beamprobe.
sleep 0.5
check_eq "scheduler_wall_time is off again" \
  "$(erl_eval_on "$N" 'erlang:system_flag(scheduler_wall_time, false).')" false
