#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0150-dist-variants: long names, and nodes beamprobe cannot speak to
# (IPv6-only, TLS-only) answered with a clear message instead of a hang.
. "$(dirname "$0")/../lib/lib-node.sh"

# Long names on 127.0.0.1.
lname=$(unique_name long)
erl -name "$lname@127.0.0.1" -noshell -noinput </dev/null >"$T/long.log" 2>&1 &
_pids+=("$!")
wait_for "long-name node" 15 "$ERL_CALL" -name "$lname@127.0.0.1" -a 'erlang node []'
bp -N "$lname@127.0.0.1" node --json
check_rc "long names: attach works" 0
check_eq "long names: node name" "$(json_field "$BP_OUT" node)" "$lname@127.0.0.1"

# The long-name node asked for by a short name: epmd knows the alive name,
# but an Erlang node could not reach it so; beamprobe says which name to use.
s=$(date +%s%N)
bp -N "$lname@$HOSTNAME_S" node
ms=$(( ($(date +%s%N) - s) / 1000000 ))
check_rc "long-name node asked for by a short name: exit 2" 2
check_match "says the node's real name and mode" "$BP_ERR" \
  "the node is '$lname@127.0.0.1' and runs with long names \(-name\); use -N $lname@127.0.0.1"
ok "within 5 s ($ms ms)" test "$ms" -le 5000
check_nomatch "no cookie in the message" "$BP_ERR" "$(cat "$COOKIE_FILE")"
fault_record "long-name node asked for by a short name" "$BP_RC" "$ms" 0 "$BP_ERR"
# Through --port (an SSH tunnel) the host part may differ: no complaint.
port=$(epmd -names | awk -v n="$lname" '$2 == n { print $5 }')
bp -N "$lname@localhost" --port "$port" node --json
check_rc "through --port a different host part is fine" 0
check_eq "and the node's real name is shown" "$(json_field "$BP_OUT" node)" "$lname@127.0.0.1"

# IPv6-only distribution (listening on ::1 only).
v6=$(unique_name v6)
erl -sname "$v6" -proto_dist inet6_tcp -kernel inet_dist_use_interface '{0,0,0,0,0,0,0,1}' \
    -noshell -noinput </dev/null >"$T/v6.log" 2>&1 &
_pids+=("$!")
wait_for "v6 node registered" 15 sh -c "epmd -names | grep -q 'name $v6 '"
start=$SECONDS
bp -N "$v6@$HOSTNAME_S" node
check_rc "IPv6-only node: exit 2" 2
check_match "IPv6-only node: says so" "$BP_ERR" "IPv6 only"
ok "IPv6-only node: answered within 5 s" test $((SECONDS - start)) -le 5

# TLS-only distribution.
if command -v openssl >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" \
    -days 2 -subj "/CN=$HOSTNAME_S" >/dev/null 2>&1
  cat > "$T/ssl.conf" <<CONF
[{server, [{certfile, "$T/cert.pem"}, {keyfile, "$T/key.pem"}]},
 {client, [{verify, verify_none}]}].
CONF
  tls=$(unique_name tls)
  erl -sname "$tls" -proto_dist inet_tls -ssl_dist_optfile "$T/ssl.conf" -noshell -noinput \
      </dev/null >"$T/tls.log" 2>&1 &
  _pids+=("$!")
  wait_for "tls node registered" 15 sh -c "epmd -names | grep -q 'name $tls '"
  start=$SECONDS
  bp -N "$tls@$HOSTNAME_S" node
  check_rc "TLS-only node: exit 2" 2
  check_match "TLS-only node: says TLS" "$BP_ERR" "TLS"
  ok "TLS-only node: answered within 5 s" test $((SECONDS - start)) -le 5
fi
