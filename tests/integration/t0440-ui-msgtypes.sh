#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0440-ui-msgtypes: the process view's `m` counts the message types the
# process receives with a bounded trace, shows them, and leaves no trace
# flags behind.
. "$(dirname "$0")/../lib/lib-node.sh"
. "$ROOT/scripts/ui-tmux.sh"
trap 'ui_stop; cleanup' EXIT
command -v tmux >/dev/null || { echo "# skip: no tmux"; exit 0; }

start_node N uim || exit 1
# A process that reads {ping, N} at ~200/s and a few {pong, N}.
erl_eval_on "$N" 'P = bp_fix:gc_target(busybox), spawn(fun F() -> P ! {ping, 1}, P ! {ping, 2}, P ! {pong, 3}, timer:sleep(10), F() end), ok.' >/dev/null

ui_start 160 40 -- -N "$N" ui --view processes --filter busybox
ok "the filtered table shows busybox" ui_wait 15 "^<0\.[0-9]+\.0> +busybox "
ui_keys Enter
ok "its process view opens" ui_wait 10 "^Process <0\.[0-9]+\.0> +busybox"
ui_keys m
ok "m starts a bounded count" ui_wait 5 "counting message types of"
ok "the counts arrive after about 5 s" ui_wait 15 "message types in [0-9.]+ s"
scr=$(ui_screen)
check_match "ping is the first type, with a rate" "$scr" "message types in .*: ping [0-9]+ \([0-9]+/s\)"
check_match "pong is counted too" "$scr" "pong [0-9]+"
flags=$(erl_eval_on "$N" 'erlang:trace_info(whereis(busybox), flags).')
check_match "no trace flags are left on the process" "$flags" "^\{flags, ?\[\]\}$"
ui_keys q
ok "q quits with status 0" ui_wait 10 "UI-EXIT=0"
