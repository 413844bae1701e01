#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0400-ui: the dashboard for real, in tmux, against a live node: the node
# in the header, a flooded process first by mailbox with its count, its
# process view with the right mailbox, 80x24 after a resize, q exits 0 and
# gives the terminal back.
. "$(dirname "$0")/../lib/lib-node.sh"
. "$ROOT/scripts/ui-tmux.sh"
trap 'ui_stop; cleanup' EXIT
command -v tmux >/dev/null || { echo "# skip: no tmux"; exit 0; }

start_node N ui +P 500000 || exit 1
erl_eval_on "$N" 'bp_fix:spawn_idle(20000), bp_fix:flood(flooded, 5000), bp_fix:big_heap(heavy, 2000000).' >/dev/null

ui_start 120 40 -- -N "$N" ui --view processes
ok "the header names the node" ui_wait 15 "beamprobe ${N}"
ok "the process table shows up" ui_wait 10 "PID +NAME +MEMORY"
row0=$(ui_row 0)
check_match "the header says live" "$row0" "live"
check_match "the stats row shows the process count" "$(ui_row 1)" "procs 20,[0-9]{3}/"
ok "by memory the big heap is first" ui_wait 10 "^<0\.[0-9]+\.0> +heavy "

ui_keys s
ok "s sorts by mailbox" ui_wait 10 "MAILBOX.*▼"
ok "the flooded process is on the first row" \
  ui_wait 10 "^<0\.[0-9]+\.0> +flooded .* 5,000 🔴"
first=$(ui_screen | grep -A1 '^PID ' | tail -1)
check_match "first row under the header is flooded" "$first" "flooded"

ui_keys Enter
ok "Enter opens its process view" ui_wait 10 "^Process <0\.[0-9]+\.0> +flooded"
truth=$(erl_eval_on "$N" 'element(2, erlang:process_info(whereis(flooded), message_queue_len)).')
ok "the process view shows the mailbox count" ui_wait 10 "message_queue_len +5,000 🔴"
check_eq "which is the node's own count" "$truth" 5000
ok "the mailbox sparkline row" ui_wait 5 "^mailbox +5,000 🔴 +█"
ok "memory and gc sections" ui_wait 5 "^garbage collection"

ui_resize 80 24
ok "after a resize to 80x24 the header still names the node" ui_wait 10 "^ beamprobe ${N}"
sleep 1
scr=$(ui_screen)
check_eq "the pane is 24 rows" "$(printf '%s\n' "$scr" | wc -l)" 24
check_match "the footer keeps q and ?" "$(ui_row 23)" "q quit +\? help"
check_match "the process view is still there" "$scr" "Process <0\.[0-9]+\.0> +flooded"
ui_keys Escape
ok "Esc goes back to the table, laid out for 80 columns" ui_wait 10 "^PID +NAME +MEMORY +MAILBOX▼"
ok "flooded is still first" ui_wait 10 "^<0\.[0-9]+\.0> +flooded .* 5,000 🔴"
widest=$(ui_screen | LC_ALL=C.UTF-8 wc -L)
ok "no line is wider than 80 columns ($widest)" test "$widest" -le 80
ui_resize 132 43
ok "growing again works" ui_wait 10 "CURRENT FUNCTION"

ui_keys q
ok "q quits with status 0" ui_wait 10 "UI-EXIT=0"
check_eq "the alternate screen is gone" "$(ui_alt)" 0
check_nomatch "the dashboard is no longer on screen" "$(ui_screen)" "1 Load +2 Procs"
ok "the shell prompt is back" ui_wait 5 "^ui-shell\\$ ?$"
