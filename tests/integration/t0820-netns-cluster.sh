#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0820-netns-cluster: a three-node cluster spread over network namespaces
# (ip netns + veth on a bridge, long names on their own addresses).  One
# node is cut off mid-run (its link dropped): `top --cluster --watch` names
# the unreachable node within its deadline and keeps serving the others;
# when the link returns the node is back without restarting beamprobe.
# The same for `export --cluster` (beam_up 0, then 1) and `ui --cluster`
# (the cluster view marks the node, the others stay live).
# Needs root (ip netns); skipped otherwise.
. "$(dirname "$0")/../lib/lib-node.sh"
. "$ROOT/scripts/ui-tmux.sh"

if [ "$(id -u)" -ne 0 ] || ! ip netns add "bpchk$$" 2>/dev/null; then
  echo "ok 1 - # SKIP needs root for ip netns"
  _passed=$((_passed + 1))
  exit 0
fi
ip netns del "bpchk$$"

tag=$(printf '%04x' $(( $$ % 65536 )))
BR=bpbr$tag
NET=10.$(( ($$ >> 8) % 200 + 20 )).$(( $$ % 250 ))
NS=(bpa$tag bpb$tag bpc$tag)
IPS=("$NET.11" "$NET.12" "$NET.13")

net_cleanup() {
  local ns p
  # Everything still running in our namespaces (nodes, the epmd each
  # namespace started) goes with them, by pid.
  for ns in "${NS[@]}"; do
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  ip link del "$BR" 2>/dev/null
}
trap 'ui_stop; net_cleanup; cleanup' EXIT

ip link add "$BR" type bridge && ip addr add "$NET.1/24" dev "$BR" && ip link set "$BR" up || exit 1
for i in 0 1 2; do
  ns=${NS[$i]}
  ip netns add "$ns"
  ip link add "v${ns}" type veth peer name eth0 netns "$ns"
  ip link set "v${ns}" master "$BR" up
  ip -n "$ns" addr add "${IPS[$i]}/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
done

names=(na nb nc)
for i in 0 1 2; do
  n="${names[$i]}$$@${IPS[$i]}"
  ip netns exec "${NS[$i]}" erl -name "$n" -noshell -noinput -pa "$FIXTURES" \
    -kernel net_ticktime 4 </dev/null >"$T/${names[$i]}.log" 2>&1 &
  _pids+=("$!")
  printf -v "NODE_$i" '%s' "$n"
done
for i in 0 1 2; do
  n=NODE_$i
  wait_for "node $i up" 20 "$ERL_CALL" -name "${!n}" -a 'erlang node []' || { echo "node ${!n} did not start"; cat "$T/${names[$i]}.log"; exit 1; }
done
A=$NODE_0 B=$NODE_1 C=$NODE_2
echo "[net_kernel:connect_node('$B'), net_kernel:connect_node('$C')]." | "$ERL_CALL" -name "$A" -e >/dev/null
for n in "$A" "$B" "$C"; do echo "bp_fix:flood(agg, 10)." | "$ERL_CALL" -name "$n" -e >/dev/null; done

bp -N "$A" top --cluster --sort mailbox --limit 6 --json
check_rc "top --cluster across namespaces" 0
for n in "$A" "$B" "$C"; do check_match "rows from $n" "$BP_OUT" "\"node\":\"$n\""; done

# Cut C off mid-run, then bring it back.
bp_bg "$T/w.out" -N "$A" --timeout 1s top --cluster --sort mailbox --limit 6 --watch 1s --count 14 --json
sleep 2.5
ip link set "v${NS[2]}" down
cut_at=$(date +%s%N)
sleep 5
ip link set "v${NS[2]}" up
wait "$BP_BG_PID"; rc=$?
check_eq "top --cluster --watch keeps running through the cut" "$rc" 0
python3 - "$T/w.out" "$C" "$B" "$cut_at" >"$T/an" <<'PY'
import json, sys, datetime
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
c, b, cut = sys.argv[2], sys.argv[3], int(sys.argv[4]) / 1e9
err = [r for r in rows if r.get("node") == c and "error" in r]
first_err = None
for r in rows:
    if r.get("node") == c and "error" in r:
        first_err = r
        break
# rounds: an error line has no time; count rows of B after the cut, and C rows at the end
b_rows = [r for r in rows if r.get("node") == b and "time" in r]
c_rows = [r for r in rows if r.get("node") == c and "time" in r]
last_c = max((datetime.datetime.fromisoformat(r["time"].replace("Z", "+00:00")).timestamp() for r in c_rows), default=0)
print(len(err), 1 if b_rows else 0, 1 if last_c > cut + 5 else 0, (first_err or {}).get("error", ""))
PY
read -r nerr bok cback msg <"$T/an"
ok "the cut node is named ($nerr rounds): $msg" test "$nerr" -ge 1
check_eq "the others still answer" "$bok" 1
check_eq "the node is back after the link returns, same beamprobe" "$cback" 1
fault_record "cluster node cut off (netns link down 5 s) during top --cluster --watch" "$rc" 1000 0 "$msg; back after the link returned"

# The cut made A and C drop their own connection (tick time 4 s); join them
# again so that A lists C for the next --cluster discovery.
rejoin() {
  for _ in $(seq 1 50); do
    echo "net_kernel:connect_node('$C'), lists:member('$C', nodes())." | "$ERL_CALL" -name "$A" -e 2>/dev/null | grep -q true && return 0
    sleep 0.2
  done
  return 1
}
ok "A and C connected again" rejoin

# --- export --cluster: the endpoint keeps serving, beam_up 0 for the cut
# node while the others read 1, and 1 again once the link is back.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
bp_bg "$T/exp.out" -N "$A" --timeout 1s export --listen "127.0.0.1:$PORT" --cluster --interval 500ms
up() { curl -s "http://127.0.0.1:$PORT/metrics" | grep -q "^beam_up{node=\"$1\"} $2$"; }
ok "export --cluster: all three nodes up" wait_for up 15 sh -c "curl -s http://127.0.0.1:$PORT/metrics | grep -c '^beam_up{.*} 1$' | grep -qx 3"
ip link set "v${NS[2]}" down
s=$(date +%s%N)
ok "export --cluster: the cut node reads beam_up 0" wait_for down 10 up "$C" 0
ms=$(( ($(date +%s%N) - s) / 1000000 ))
ok "export --cluster: the others still read 1" up "$B" 1
ok "export --cluster: the endpoint keeps serving" curl -sf "http://127.0.0.1:$PORT/metrics" -o /dev/null
ip link set "v${NS[2]}" up
ok "export --cluster: the node is back (beam_up 1)" wait_for back 20 up "$C" 1
fault_record "cluster node cut off (netns link down) during export --cluster" 0 "$ms" 0 \
  "beam_up 0 for the cut node while serving the others; 1 again after the link returned"
kill -INT "$BP_BG_PID"; wait "$BP_BG_PID" 2>/dev/null

# --- ui --cluster: the cluster view marks the cut node, the others stay live.
if command -v tmux >/dev/null; then
  ok "A and C connected again (before ui)" rejoin
  ui_start 140 30 -- -N "$A" --timeout 1s ui --cluster --view cluster
  ok "ui --cluster: the three nodes live" wait_for live 20 sh -c "[ \$(tmux -L '$UI_SOCK' capture-pane -p -t ui | grep -c ' live') -ge 3 ]"
  ip link set "v${NS[2]}" down
  s=$(date +%s%N)
  ok "ui --cluster: the cut node is marked" ui_wait 15 "${C} +(slow|LOST)"
  ms=$(( ($(date +%s%N) - s) / 1000000 ))
  ok "ui --cluster: the others stay live" ui_wait 5 "${B} +live"
  ip link set "v${NS[2]}" up
  ok "ui --cluster: the node is live again" ui_wait 25 "${C} +live"
  fault_record "cluster node cut off (netns link down) during ui --cluster" 0 "$ms" 0 \
    "marked slow/LOST in the cluster view while the others stay live; live again after the link returned"
  ui_keys q
  ok "ui --cluster: q exits 0" ui_wait 10 "UI-EXIT=0"
fi
