#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0140-errors: each error class, provoked for real, with its message and
# exit status; the cookie never appears in any output.
. "$(dirname "$0")/../lib/lib-node.sh"

start_node N err || exit 1
erl_eval_on "$N" 'bp_fix:idle(quiet).' >/dev/null
cookie=$(cat "$COOKIE_FILE")

# Wrong cookie.
echo -n wrongcookie123 > "$T/bad"; chmod 400 "$T/bad"
BP_OUT=$("$BP" --cookie-file "$T/bad" -N "$N" node 2>"$T/e"); BP_RC=$?; BP_ERR=$(cat "$T/e")
check_rc "wrong cookie exits 2" 2
check_match "says cookie mismatch" "$BP_ERR" "authentication failed \(cookie mismatch\)"
check_nomatch "never prints the cookie" "$BP_OUT$BP_ERR" "wrongcookie123|$cookie"

# Cookie file readable by others.
cp "$COOKIE_FILE" "$T/loose"; chmod 644 "$T/loose"
BP_OUT=$("$BP" --cookie-file "$T/loose" -N "$N" node 2>"$T/e"); BP_RC=$?; BP_ERR=$(cat "$T/e")
check_rc "loose cookie file exits 2" 2
check_match "says why" "$BP_ERR" "accessible by group or others"
check_nomatch "no cookie in the message" "$BP_ERR" "$cookie"

# Unknown node: lists the names epmd knows.
bp -N "nosuchnode@$HOSTNAME_S" node
check_rc "unknown node exits 2" 2
check_match "lists known names" "$BP_ERR" "known: .*${N%@*}"

# epmd not reachable (a port nothing listens on).
BP_OUT=$(ERL_EPMD_PORT=1 "$BP" --cookie-file "$COOKIE_FILE" -N "$N" node 2>"$T/e"); BP_RC=$?; BP_ERR=$(cat "$T/e")
check_rc "epmd unreachable exits 2" 2
check_match "says epmd" "$BP_ERR" "epmd not reachable"

# Unknown host.
bp -N "x@no-such-host.invalid" node
check_rc "unknown host exits 2" 2
check_match "says unknown host" "$BP_ERR" "unknown host"

# Straight to the distribution port, no epmd.
port=$(epmd -names | awk -v n="${N%@*}" '$2 == n { print $5 }')
BP_OUT=$(ERL_EPMD_PORT=1 "$BP" --cookie-file "$COOKIE_FILE" -N "$N" --port "$port" node --json 2>"$T/e"); BP_RC=$?
check_rc "--port works without epmd" 0

# Process not found / dead.
bp -N "$N" mailbox no_such_name
check_rc "unregistered name exits 3" 3
check_match "says so" "$BP_ERR" "no process registered as 'no_such_name'"
dead=$(erl_eval_on "$N" 'P = spawn(fun() -> ok end), timer:sleep(50), pid_to_list(P).' | tr -d '"')
bp -N "$N" memory "$dead"
check_rc "dead pid exits 3" 3

# Malformed arguments.
bp -N "$N" mailbox '<0.1'
check_rc "malformed pid exits 1" 1
bp -N "$N" mailbox 'foo:bar(['
check_rc "malformed call exits 1" 1
check_match "parse error names a column" "$BP_ERR" "column"
bp -N "$N" mailbox --watch nonsense quiet
check_rc "bad duration exits 1" 1
bp -N "$N" frobnicate
check_rc "unknown command exits 1" 1

# Remote error (badrpc).
bp -N "$N" mailbox 'no_such_module:f()'
check_rc "undefined function exits 5" 5
check_match "says undef" "$BP_ERR" "not defined"

# A call that outlasts --timeout.
start=$(date +%s%N)
bp -N "$N" --timeout 500ms mailbox 'bp_fix:slow_pid(4000)'
el=$(( ($(date +%s%N) - start) / 1000000 ))
check_rc "timeout exits 4" 4
check_match "says timed out" "$BP_ERR" "timed out after 500 ms"
ok "returns within 2 s" test "$el" -lt 2000

# The node killed mid-watch.
bp_bg "$T/w.out" -N "$N" mailbox quiet --watch 200ms
sleep 1
kill_node N
wait "$BP_BG_PID"; rc=$?
check_eq "node killed mid-watch exits 2" "$rc" 2
check_match "says connection lost" "$(cat "$T/w.out.err")" "connection to '$N' lost"
