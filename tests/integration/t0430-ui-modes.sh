#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0430-ui-modes: plain ASCII locale, NO_COLOR and a monochrome terminal,
# and --cluster: a row per node and the node switcher.
. "$(dirname "$0")/../lib/lib-node.sh"
. "$ROOT/scripts/ui-tmux.sh"
trap 'ui_stop; cleanup' EXIT
command -v tmux >/dev/null || { echo "# skip: no tmux"; exit 0; }

start_node A modes_a || exit 1
start_node B modes_b || exit 1
erl_eval_on "$A" "bp_fix:connect(['$B']), bp_fix:flood(flooded, 1500)." >/dev/null

# ASCII locale: marks and charts in ASCII, nothing else on screen.
UI_LANG=C ui_start 100 30 -- -N "$A" ui --view processes --sort mailbox
ok "ASCII: the header names the node" ui_wait 15 "beamprobe ${A} \| OTP"
ok "ASCII: live marker" ui_wait 10 "\* live"
ok "ASCII: the mailbox mark is CRIT" ui_wait 10 "flooded .* 1,500 CRIT"
ok "ASCII: sort column marked with v" ui_wait 5 "MAILBOXv"
nonascii=$(ui_screen | LC_ALL=C grep -c '[^ -~]')
check_eq "ASCII: no byte outside printable ASCII" "$nonascii" 0
ui_keys 1
ok "ASCII: load charts" ui_wait 10 "Reductions/s"
sleep 2
check_eq "ASCII: charts too" "$(ui_screen | LC_ALL=C grep -c '[^ -~]')" 0
ui_keys q
ok "ASCII: q exits 0" ui_wait 10 "UI-EXIT=0"
ui_stop

# Colours by default, none under NO_COLOR, none on a monochrome terminal.
colour_sgr='\[([0-9;]*;)?(3[0-7]|4[0-7]|9[0-7]|38;5;[0-9]+)(;[0-9]+)*m'
ui_start 100 30 -- -N "$A" ui --view processes
ok "colour: up" ui_wait 15 "● live"
sleep 1
check_match "colour: colour escapes on screen" "$(ui_screen_escapes)" "$colour_sgr"
ui_keys q
ui_wait 10 "UI-EXIT=0" >/dev/null
ui_stop
ui_start 100 30 NO_COLOR=1 -- -N "$A" ui --view processes
ok "NO_COLOR: up" ui_wait 15 "● live"
sleep 1
esc=$(ui_screen_escapes)
check_nomatch "NO_COLOR: no colour escapes" "$esc" "$colour_sgr"
check_match "NO_COLOR: the selection is still visible (reverse video)" "$esc" $'\e\\[[0-9;]*7[;m]'
ui_keys q
ui_wait 10 "UI-EXIT=0" >/dev/null
ui_stop
ui_start 100 30 TERM=vt100 -- -N "$A" ui --view processes
ok "monochrome terminal: up" ui_wait 15 "● live"
sleep 1
check_nomatch "monochrome terminal: no colour escapes" "$(ui_screen_escapes)" "$colour_sgr"
ui_keys q
ok "monochrome terminal: q exits 0" ui_wait 10 "UI-EXIT=0"
ui_stop

# A cluster: one row per node, n switches, Enter on a row too.
ui_start 120 30 -- -N "$A" ui --cluster --view cluster
ok "cluster: both nodes listed" ui_wait 15 "${B} +live"
ok "cluster: the entry node marked current" ui_wait 10 "▶ ${A} +live"
ok "cluster: the header counts the nodes" ui_wait 5 "beamprobe ${A} \[1/2\]"
ui_keys n
ok "cluster: n switches to the other node" ui_wait 10 "beamprobe ${B} \[2/2\]"
ui_keys 2
ok "cluster: the process table is the other node's" ui_wait 10 "Processes [0-9]+ +top"
check_nomatch "cluster: (flooded lives on the entry node)" "$(ui_screen)" "flooded"
ui_keys N 2
ok "cluster: N comes back" ui_wait 10 "flooded"
ui_keys q
ok "cluster: q exits 0" ui_wait 10 "UI-EXIT=0"
check_eq "cluster: alternate screen gone" "$(ui_alt)" 0
