#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0740-doctor: exit 0 on a healthy node, 6 on a flooded one (naming the
# process and giving the guide's advice), --json, --cluster, and
# scheduler_wall_time left as it was found.
. "$(dirname "$0")/../lib/lib-node.sh"

start_node H healthy +S 2 || exit 1
start_node F flooded +S 2 || exit 1
erl_eval_on "$H" 'bp_fix:idle(idle1), bp_fix_debug:healthy_server(srv1), ok.' >/dev/null
erl_eval_on "$F" 'bp_fix_debug:flood_on_heap(flooded1, 2000), bp_fix:off_heap(quiet1), ok.' >/dev/null
swt() { erl_eval_on "$1" 'erlang:statistics(scheduler_wall_time) =/= undefined.'; }

bp -N "$H" doctor
check_rc "a healthy node: exit 0" 0
check_match "says healthy" "$BP_OUT" "Status: .*healthy"
check_match "lists the checks" "$BP_OUT" "Process mailboxes"
check_match "scheduler utilization measured" "$BP_OUT" "Scheduler utilization: [0-9]+% average over 2 schedulers"
check_eq "no error message" "$BP_ERR" ""
check_eq "scheduler_wall_time off again" "$(swt "$H")" false

bp -N "$F" doctor
check_rc "a flooded node: exit 6" 6
check_eq "nothing extra on stderr" "$BP_ERR" ""
check_match "names the process" "$BP_OUT" "flooded1 <0\.[0-9]+\.[0-9]+> +2,000 messages"
check_match "advice: off_heap" "$BP_OUT" "process_flag\(message_queue_data, off_heap\)"
check_match "advice: cap pending events" "$BP_OUT" "cap pending events"
check_match "status critical" "$BP_OUT" "Status: .*critical"

bp -N "$F" doctor --json
check_rc "--json exit 6" 6
summary=$(printf '%s\n' "$BP_OUT" | python3 -c 'import json,sys
d=json.loads(sys.stdin.readline())
c={x["check"]: x for x in d["checks"]}
m=c["mailbox"]["findings"][0]
o=c["on_heap_mailbox"]["findings"][0]
print(d["status"], c["mailbox"]["level"], m["registered_name"], int(m["value"]), m["message_queue_data"], o["registered_name"], "off_heap" in o["advice"], len(d["checks"]))')
check_eq "json: critical, mailbox finding, on-heap finding, 8 checks" "$summary" "critical critical flooded1 2000 on_heap flooded1 True 8"
truth=$(erl_eval_on "$F" 'element(2, erlang:process_info(whereis(flooded1), message_queue_len)).')
check_eq "the node's own count" "$truth" 2000
check_nomatch "an off-heap idle process is no finding" "$BP_OUT" '"registered_name":"quiet1"'

bp -N "$H" doctor --json
check_eq "json healthy" "$(json_field "$BP_OUT" status)" healthy

# --cluster: one flooded node makes the cluster red.
erl_eval_on "$H" "net_kernel:connect_node('$F')." >/dev/null
bp -N "$H" doctor --cluster --json
check_rc "--cluster with a flooded node: exit 6" 6
check_eq "two nodes reported" "$(printf '%s\n' "$BP_OUT" | grep -c '"checks"')" 2
check_eq "statuses per node" "$(printf '%s\n' "$BP_OUT" | python3 -c 'import json,sys
print(" ".join(sorted(json.loads(l)["status"] for l in sys.stdin if l.strip())))')" "critical healthy"
check_eq "scheduler_wall_time off on both" "$(swt "$H") $(swt "$F")" "false false"

bp -N "$H" doctor --window 50ms
check_rc "a window under 200ms is a usage error" 1
