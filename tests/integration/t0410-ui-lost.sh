#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0410-ui-lost: a node that freezes or dies never freezes the dashboard.
# SIGSTOP: the keys keep working and the header says NO ANSWER; SIGCONT:
# live again.  SIGKILL: the lost-connection marker instead of a crash; the
# node restarted under the same name: reconnected, new incarnation shown.
. "$(dirname "$0")/../lib/lib-node.sh"
. "$ROOT/scripts/ui-tmux.sh"
trap 'ui_stop; cleanup' EXIT
command -v tmux >/dev/null || { echo "# skip: no tmux"; exit 0; }

start_node N lost || exit 1
erl_eval_on "$N" 'bp_fix:flood(flooded, 200).' >/dev/null

ui_start 100 30 -- -N "$N" --timeout 2s ui --view processes --sort mailbox
ok "the header names the node" ui_wait 15 "beamprobe ${N}"
ok "live" ui_wait 10 "● live"
ok "the table is there" ui_wait 10 "flooded"

# A frozen node: calls time out, the keyboard does not wait for them.
kill -STOP "$N_PID"
fs=$(date +%s%N)
sleep 1.5
t0=$(date +%s%N)
ui_keys 3
ok "a key still switches the view at once while the node is frozen" \
  ui_wait 2 "SCHEDULER +RUN QUEUE"
t1=$(date +%s%N)
echo "# view switch with a frozen node took $(( (t1 - t0) / 1000000 )) ms"
ok "the header says the node does not answer" ui_wait 10 "NO ANSWER [0-9]+s"
fault_record "node frozen (SIGSTOP) during ui" 0 $(( ($(date +%s%N) - fs) / 1000000 )) 0 \
  "header shows NO ANSWER (--timeout 2s), keys keep working; live again after SIGCONT"
ok "the banner explains it" ui_wait 5 "has not answered for [0-9]+s"
kill -CONT "$N_PID"
ok "live again once it runs" ui_wait 15 "● live"

# A dead node: the marker, never a crash.
ui_keys 2
ok "back on the table" ui_wait 10 "flooded"
kill_node N
ks=$(date +%s%N)
ok "the lost-connection marker" ui_wait 10 "CONNECTION LOST [0-9]+s, reconnecting"
fault_record "node killed during ui" 0 $(( ($(date +%s%N) - ks) / 1000000 )) 0 \
  "CONNECTION LOST marker, keys keep working; the node restarted under its name is picked up (new incarnation)"
ok "the banner says it reconnects" ui_wait 10 "CONNECTION LOST to ${N} .*reconnecting"
check_nomatch "beamprobe is still running" "$(ui_screen)" "UI-EXIT="
ok "beamprobe's process is alive" kill -0 "$UI_PID"
ui_keys 1
ok "keys work while disconnected" ui_wait 3 "Scheduler utilization"

# The node comes back under the same name: a new incarnation.
name=${N%@*}
erl -sname "$name" -noshell -noinput -pa "$FIXTURES" </dev/null >"$T/$name.2.log" 2>&1 &
_pids+=("$!")
disown "$!" 2>/dev/null
ok "the node came back" wait_for "restart" 15 "$ERL_CALL" -sname "$name" -a 'erlang node []'
ok "reconnected: live again" ui_wait 20 "● live"
ok "the new incarnation's uptime" ui_wait 10 "up [0-9]s "
check_nomatch "no lost marker any more" "$(ui_screen)" "CONNECTION LOST"
ui_keys 2
ok "the table is the new node's" ui_wait 10 "Processes [0-9]+ +top"
check_nomatch "the old incarnation's flooded process is gone" "$(ui_screen)" "flooded"

ui_keys q
ok "q quits with status 0" ui_wait 10 "UI-EXIT=0"
check_eq "the alternate screen is gone" "$(ui_alt)" 0
