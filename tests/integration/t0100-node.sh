#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0100-node: attach as a hidden node and report the node's own facts.
. "$(dirname "$0")/../lib/lib-node.sh"

start_node N facts || exit 1

bp -N "$N" node
check_rc "node exits 0" 0
check_match "node prints the node name" "$BP_OUT" "$N"
otp=$(erl_eval_on "$N" 'erlang:system_info(otp_release).' | tr -d '"')
check_match "node prints the OTP release" "$BP_OUT" "otp release +$otp"

bp -N "$N" node --json
check_rc "node --json exits 0" 0
check_eq "json node name" "$(json_field "$BP_OUT" node)" "$N"
check_eq "json wordsize matches the node" "$(json_field "$BP_OUT" wordsize)" \
  "$(erl_eval_on "$N" 'erlang:system_info(wordsize).')"
check_eq "json schedulers match the node" "$(json_field "$BP_OUT" schedulers)" \
  "$(erl_eval_on "$N" 'erlang:system_info(schedulers).')"
check_eq "json elixir is false on an Erlang node" "$(json_field "$BP_OUT" elixir)" "false"
pc=$(json_field "$BP_OUT" process_count)
truth=$(erl_eval_on "$N" 'erlang:system_info(process_count).')
check_near "process count close to the node's" "$pc" "$truth" 10

# beamprobe is a hidden node: not in nodes(), but in nodes(hidden) while attached.
bp_bg "$T/watch.out" -N "$N" mailbox init --watch 200ms --count 15
sleep 1
hidden=$(erl_eval_on "$N" 'nodes(hidden).')
visible=$(erl_eval_on "$N" 'nodes().')
check_match "beamprobe appears in nodes(hidden)" "$hidden" "beamprobe_[0-7]@"
check_eq "beamprobe is not in nodes()" "$visible" "[]"
wait "$BP_BG_PID"

# Global options are accepted after the command and BEAMPROBE_NODE works.
BEAMPROBE_NODE=$N bp node --json
check_rc "BEAMPROBE_NODE selects the node" 0

# An Elixir node: auto syntax switches to Elixir.
if command -v elixir >/dev/null; then
  ename=$(unique_name ex)
  elixir --sname "$ename" --cookie "$(cat "$COOKIE_FILE")" --no-halt -e ':ok' >/dev/null 2>&1 </dev/null &
  _pids+=("$!")
  wait_for "elixir node up" 20 "$ERL_CALL" -sname "$ename" -a 'erlang node []'
  # The node answers before Elixir's application is loaded: wait for that
  # (the node's own truth) before asking beamprobe.
  ok "the elixir application is loaded" wait_for "elixir loaded" 20 sh -c \
    "echo 'lists:keymember(elixir, 1, application:loaded_applications()).' | '$ERL_CALL' -sname '$ename' -e | grep -q true"
  bp -N "$ename@$HOSTNAME_S" node --json
  check_eq "elixir node detected" "$(json_field "$BP_OUT" elixir)" "true"
  bp -N "$ename@$HOSTNAME_S" mailbox "$(erl_eval_on "$ename@$HOSTNAME_S" 'pid_to_list(whereis(init)).' | tr -d '"')"
  check_match "pids print as #PID<...> on an Elixir node" "$BP_OUT" '#PID<0\.[0-9]+\.0>'
  bp -N "$ename@$HOSTNAME_S" info Logger --limit 3
  check_rc "info on an Elixir registered name (Logger)" 0
  check_match "Elixir module names print as aliases" "$BP_OUT" "Logger"
fi
