#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0140-errors: each error class, provoked for real, with its message and
# exit status; the cookie never appears in any output.
. "$(dirname "$0")/../lib/lib-node.sh"

start_node N err || exit 1
erl_eval_on "$N" 'bp_fix:idle(quiet).' >/dev/null
cookie=$(cat "$COOKIE_FILE")

# conn_fault DESC WANT_RC REGEX ENV... -- BEAMPROBE-ARGS...: run beamprobe
# (with the environment assignments given), check the exit code and the
# one-line message, that it answered within 5 s and that no cookie is in
# any output; record it for docs/RELIABILITY.md.
conn_fault() {
  local desc=$1 want=$2 re=$3 envs=() s ms
  shift 3
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  s=$(date +%s%N)
  BP_OUT=$(env "${envs[@]}" "$BP" "$@" 2>"$T/e"); BP_RC=$?; BP_ERR=$(cat "$T/e")
  ms=$(( ($(date +%s%N) - s) / 1000000 ))
  check_rc "$desc exits $want" "$want"
  check_match "$desc: says why" "$BP_ERR" "$re"
  check_eq "$desc: one line" "$(printf '%s\n' "$BP_ERR" | grep -c .)" 1
  ok "$desc: within 5 s ($ms ms)" test "$ms" -le 5000
  check_nomatch "$desc: the cookie is in no output" "$BP_OUT$BP_ERR" "wrongcookie123|$cookie"
  fault_record "$desc" "$BP_RC" "$ms" 0 "$BP_ERR"
}

echo -n wrongcookie123 > "$T/bad"; chmod 400 "$T/bad"
conn_fault "wrong cookie" 2 "authentication failed \(cookie mismatch\)" \
  -- --cookie-file "$T/bad" -N "$N" node
conn_fault "wrong cookie (\$BEAMPROBE_COOKIE)" 2 "authentication failed \(cookie mismatch\)" \
  BEAMPROBE_COOKIE=wrongcookie123 -- -N "$N" node

cp "$COOKIE_FILE" "$T/loose"; chmod 644 "$T/loose"
conn_fault "cookie file readable by others" 2 "accessible by group or others" \
  -- --cookie-file "$T/loose" -N "$N" node

conn_fault "unknown node (epmd lists the known ones)" 2 "known: .*${N%@*}" \
  -- --cookie-file "$COOKIE_FILE" -N "nosuchnode@$HOSTNAME_S" node

# epmd not reachable (a port nothing listens on).
conn_fault "epmd not reachable" 2 "epmd not reachable" \
  ERL_EPMD_PORT=1 -- --cookie-file "$COOKIE_FILE" -N "$N" node

conn_fault "unknown host" 2 "unknown host" \
  -- --cookie-file "$COOKIE_FILE" -N "x@no-such-host.invalid" node

# A short-name node asked for by a long name (long names: t0150).
conn_fault "short-name node asked for by a long name" 2 \
  "the node is '$N' and runs with short names \(-sname\); use -N $N" \
  -- --cookie-file "$COOKIE_FILE" -N "${N%@*}@127.0.0.1" node

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
