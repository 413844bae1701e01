#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0700-stuck: a server that never answers while calls pile up is reported
# stuck (one process and --all); a healthy server answers; a plain process
# is never sent a system message; nothing is left on the node.
. "$(dirname "$0")/../lib/lib-node.sh"

start_node N stuck +S 2 || exit 1
erl_eval_on "$N" 'bp_fix_debug:stuck_server(stuck1), bp_fix_debug:pile_calls(stuck1, 100, 60000), bp_fix_debug:healthy_server(ok1), bp_fix:idle(idle1), ok.' >/dev/null
sleep 0.5

jq_py() { printf '%s\n' "$1" | python3 -c "import json,sys; d=json.loads(sys.stdin.readline()); print($2)"; }

bp -N "$N" stuck stuck1 --window 2s --probe-timeout 1s --json
check_rc "stuck on a blocked server exits 0" 0
check_eq "it is an OTP process" "$(json_field "$BP_OUT" otp)" true
check_eq "the probe timed out" "$(json_field "$BP_OUT" probe)" timeout
check_eq "verdict: unresponsive" "$(json_field "$BP_OUT" verdict)" unresponsive
check_eq "level: critical" "$(json_field "$BP_OUT" level)" critical
check_eq "current function is the blocked callback" "$(json_field "$BP_OUT" current_function)" "bp_fix_debug:handle_call/3"
check_eq "status waiting" "$(json_field "$BP_OUT" status)" waiting
ok "its mailbox grew over the window" [ "$(jq_py "$BP_OUT" 'd["message_queue_len"] > d["message_queue_len_start"]')" = True ]
ok "reductions stalled" [ "$(jq_py "$BP_OUT" 'd["reductions_delta"] < 2000')" = True ]
ok "the stacktrace shows gen_server" [ "$(jq_py "$BP_OUT" 'any("gen_server" in f for f in d["current_stacktrace"])')" = True ]
truth=$(erl_eval_on "$N" 'element(2, erlang:process_info(whereis(stuck1), message_queue_len)).')
ok "the node's own mailbox count is at least what was reported" [ "$truth" -ge "$(json_field "$BP_OUT" message_queue_len)" ]

bp -N "$N" stuck stuck1 --window 1s --probe-timeout 500ms
check_match "table names the verdict" "$BP_OUT" "Verdict: .*unresponsive"
check_match "table shows the mailbox" "$BP_OUT" "Mailbox: +[0-9,]+ -> [0-9,]+"

bp -N "$N" stuck ok1 --window 1s --json
check_eq "a healthy server answers" "$(json_field "$BP_OUT" probe)" ok
check_eq "and is fine" "$(json_field "$BP_OUT" level)" ok

bp -N "$N" stuck ok1 --window 500ms --call ping
check_match "--call shows the reply" "$BP_OUT" "Reply: +pong"
bp -N "$N" stuck stuck1 --window 500ms --probe-timeout 300ms --call ping --fail
check_rc "--fail exits 6 on a stuck server" 6
check_eq "and prints no error message" "$BP_ERR" ""

bp -N "$N" stuck idle1 --window 500ms --json
check_eq "a plain process is not probed" "$(json_field "$BP_OUT" probe)" none
check_eq "nothing was sent to it" "$(erl_eval_on "$N" 'element(2, erlang:process_info(whereis(idle1), message_queue_len)).')" 0

bp -N "$N" stuck --all --window 2s --probe-timeout 1s --limit 5 --json
check_rc "stuck --all exits 0" 0
first=$(printf '%s\n' "$BP_OUT" | head -1)
check_eq "--all ranks the stuck server first" "$(json_field "$first" registered_name)" stuck1
check_eq "as critical" "$(json_field "$first" level)" critical
check_eq "the probe of --all timed out too" "$(json_field "$first" probe)" timeout
check_nomatch "the blocked callers are not probed" "$BP_OUT" '"name":"erlang:apply/2"[^}]*"probe":"(ok|timeout)"'
bp -N "$N" stuck --all --window 1s --probe-timeout 500ms
check_match "--all table" "$BP_OUT" "stuck1 .*unresponsive"

# Helpers are gone: no process of beamprobe's waits on the node.
sleep 0.5
left=$(erl_eval_on "$N" 'length([P || P <- erlang:processes(), erlang:process_info(P, current_function) =:= {current_function, {prim_eval, '"'"'receive'"'"', 2}}]).')
check_eq "no helper process is left waiting" "$left" 0

bp -N "$N" stuck '<0.9999.0>' --window 200ms
check_rc "a dead process exits 3" 3
bp -N "$N" stuck
check_rc "no TARGET and no --all is a usage error" 1
