#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0730-export: the Prometheus text passes `promtool check metrics`; a real
# Prometheus server started here scrapes the endpoint and answers a query
# for a watched process's mailbox; the endpoint keeps serving and reads
# beam_up 0 when the node goes, 1 again when it is back; StatsD lines
# arrive over UDP; the scheduler_wall_time guard is gone after SIGKILL.
. "$(dirname "$0")/../lib/lib-node.sh"

PROMETHEUS=${PROMETHEUS:-$(command -v prometheus)}
PROMTOOL=${PROMTOOL:-$(command -v promtool)}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

start_node N exp +S 2 || exit 1
erl_eval_on "$N" 'bp_fix:flood(flooded, 321), ok.' >/dev/null
swt() { erl_eval_on "$N" 'erlang:statistics(scheduler_wall_time) =/= undefined.'; }

start_node M exp2 || exit 1
erl_eval_on "$M" "net_kernel:connect_node('$N'), bp_fix:flood(flooded, 9), ok." >/dev/null
bp -N "$N" export --once --cluster --process flooded
check_match "--cluster: both nodes up" "$(printf '%s\n' "$BP_OUT" | grep -c '^beam_up{.*} 1$')" "^2$"
check_match "--cluster: the process on the second node" "$BP_OUT" "^beam_process_message_queue_len\{node=\"$M\",process=\"flooded\"\} 9$"
kill_node M

bp -N "$N" export --once --process flooded --process agg=flooded --process missing_proc
check_rc "export --once exits 0" 0
check_match "mailbox of the watched process" "$BP_OUT" "^beam_process_message_queue_len\{node=\"$N\",process=\"flooded\"\} 321$"
check_match "NAME=TARGET sets the label" "$BP_OUT" "process=\"agg\"\} 321"
check_match "a missing process reads beam_process_up 0" "$BP_OUT" "^beam_process_up\{node=\"$N\",process=\"missing_proc\"\} 0$"
check_match "beam_up 1" "$BP_OUT" "^beam_up\{node=\"$N\"\} 1$"
check_match "memory by kind" "$BP_OUT" "^beam_memory_bytes\{node=\"$N\",kind=\"binary\"\} [0-9]+$"
check_match "run queue per scheduler" "$BP_OUT" "^beam_scheduler_run_queue_length\{node=\"$N\",scheduler=\"1\",type=\"normal\"\} [0-9]+$"
check_match "counters end in _total" "$BP_OUT" "^# TYPE beam_reductions_total counter$"
if [ -n "$PROMTOOL" ]; then
  printf '%s\n' "$BP_OUT" >"$T/once.prom"
  out=$("$PROMTOOL" check metrics <"$T/once.prom" 2>&1); rc=$?
  check_eq "promtool check metrics passes (no lint findings)" "$rc:$out" "0:"
else
  echo "# skip: promtool not installed"
fi

PORT=$(free_port)
bp_bg "$T/exp.out" -N "$N" export --listen "127.0.0.1:$PORT" --interval 500ms --process flooded
EXP=$BP_BG_PID
ok "the endpoint answers" wait_for "endpoint" 10 curl -sf "http://127.0.0.1:$PORT/metrics"
sleep 1.2
body=$(curl -s "http://127.0.0.1:$PORT/metrics")
check_match "the endpoint serves the mailbox" "$body" "process=\"flooded\"\} 321"
check_match "utilization after two refreshes" "$body" "^beam_scheduler_utilization_ratio\{node=\"$N\",scheduler=\"1\",type=\"normal\"\} [0-9.e+-]+$"
check_match "content type of the text format" "$(curl -sI "http://127.0.0.1:$PORT/metrics")" "Content-Type: text/plain; version=0.0.4"
check_eq "unknown paths are 404" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/nope")" 404
check_eq "other methods are 405" "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/metrics")" 405
check_eq "scheduler_wall_time is on while export runs" "$(swt)" true
if [ -n "$PROMTOOL" ]; then
  curl -s "http://127.0.0.1:$PORT/metrics" >"$T/live.prom"
  out=$("$PROMTOOL" check metrics <"$T/live.prom" 2>&1); rc=$?
  check_eq "promtool check metrics passes on the live endpoint" "$rc:$out" "0:"
fi

# Many scrapes never reach the node: they are answered from the cache of
# the last refresh, so 50 scrapes see at most one refresh per interval.
t0=$(date +%s%N)
for i in $(seq 1 50); do
  curl -s "http://127.0.0.1:$PORT/metrics" | grep '^beam_last_refresh_timestamp_seconds'
done >"$T/stamps"
t1=$(date +%s%N)
distinct=$(sort -u "$T/stamps" | wc -l)
allowed=$(( (t1 - t0) / 500000000 + 2 ))
check_eq "50 scrapes answered" "$(wc -l <"$T/stamps")" 50
ok "from at most $allowed refreshes (saw $distinct)" [ "$distinct" -le "$allowed" ]

# A real Prometheus server scrapes it and answers a query.
if [ -n "$PROMETHEUS" ]; then
  PPORT=$(free_port)
  mkdir -p "$T/prom"
  cat >"$T/prom/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: beamprobe
    static_configs:
      - targets: ['127.0.0.1:$PORT']
EOF
  "$PROMETHEUS" --config.file="$T/prom/prometheus.yml" --storage.tsdb.path="$T/prom/data" \
    --web.listen-address="127.0.0.1:$PPORT" >"$T/prom/log" 2>&1 &
  PROM_PID=$!
  _pids+=("$PROM_PID")
  q="http://127.0.0.1:$PPORT/api/v1/query"
  query_mailbox() {
    curl -s -G "$q" --data-urlencode 'query=beam_process_message_queue_len{process="flooded"}' |
      python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
  }
  has_321() { [ "$(query_mailbox)" = 321 ]; }
  ok "Prometheus answers a query for the mailbox (321)" wait_for "prometheus" 40 has_321
  up=$(curl -s -G "$q" --data-urlencode "query=beam_up{node=\"$N\"}" | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")')
  check_eq "and beam_up for the node" "$up" 1
  # Every query of the Grafana dashboard is valid PromQL and finds data.
  dash=$(python3 - "$ROOT/docs/grafana-dashboard.json" "http://127.0.0.1:$PPORT" <<'PY'
import json, sys, urllib.parse, urllib.request
d = json.load(open(sys.argv[1]))
bad = []
for p in d["panels"]:
    for t in p.get("targets", []):
        q = t["expr"].replace("$node", ".*").replace("$process", ".*")
        r = json.load(urllib.request.urlopen(sys.argv[2] + "/api/v1/query?" + urllib.parse.urlencode({"query": q})))
        if r["status"] != "success" or (not r["data"]["result"] and "rate(" not in q):
            bad.append(p["title"])
print("ok" if not bad else "no data: " + ", ".join(bad))
PY
)
  check_eq "the Grafana dashboard's queries all find data" "$dash" ok
  tgt=$(curl -s "http://127.0.0.1:$PPORT/api/v1/targets" | python3 -c 'import json,sys; t=json.load(sys.stdin)["data"]["activeTargets"]; print(t[0]["health"], t[0]["lastError"] or "-")')
  check_eq "the scrape target is healthy" "$tgt" "up -"
  kill "$PROM_PID" 2>/dev/null; wait "$PROM_PID" 2>/dev/null
else
  echo "# skip: prometheus not installed"
fi

# StatsD over UDP.
UPORT=$(free_port)
python3 -c 'import socket,sys
s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[1]))); s.settimeout(15)
f=open(sys.argv[2], "a")
try:
    while True:
        d, _ = s.recvfrom(65536); f.write(d.decode() + "\n"); f.flush()
except Exception: pass' "$UPORT" "$T/statsd.txt" &
UDP_PID=$!
_pids+=("$UDP_PID")
sleep 0.3
bp_bg "$T/sd.out" -N "$N" export --statsd "127.0.0.1:$UPORT" --interval 300ms --process flooded
SD=$BP_BG_PID
short=$(echo "$N" | tr -c 'A-Za-z0-9_\n-' '_')
has_line() { grep -q "^beam\.$short\.flooded\.process_message_queue_len:321|g$" "$T/statsd.txt" 2>/dev/null; }
ok "StatsD receives the mailbox gauge" wait_for statsd 10 has_line
has_counter() { grep -q "^beam\.$short\.reductions_total:[0-9]*|c$" "$T/statsd.txt" 2>/dev/null; }
ok "and counter increments" wait_for statsd 10 has_counter
kill -INT "$SD"; wait "$SD"; rc=$?
check_eq "StatsD export exits 0 on Ctrl-C" "$rc" 0
kill "$UDP_PID" 2>/dev/null

# The node goes away: the endpoint keeps serving, beam_up 0; back: 1.
NAME=${N%@*}
kill_node N
down() { curl -s "http://127.0.0.1:$PORT/metrics" | grep -q "^beam_up{node=\"$N\"} 0$"; }
ds=$(date +%s%N)
ok "beam_up 0 while the node is down" wait_for down 10 down
fault_record "node killed during export (endpoint keeps serving)" 0 $(( ($(date +%s%N) - ds) / 1000000 )) 0 \
  "beam_up 0 within one refresh; back to 1 when the node restarts"
check_nomatch "no stale process metrics" "$(curl -s "http://127.0.0.1:$PORT/metrics")" "process=\"flooded\""
erl -sname "$NAME" -noshell -noinput -pa "$FIXTURES" </dev/null >"$T/back.log" 2>&1 &
_pids+=("$!")
wait_for "node back" 15 "$ERL_CALL" -sname "$NAME" -a 'erlang node []'
erl_eval_on "$N" 'bp_fix:flood(flooded, 123), ok.' >/dev/null
back() { curl -s "http://127.0.0.1:$PORT/metrics" | grep -q "process=\"flooded\"} 123$"; }
ok "reconnected: the new process is exported" wait_for back 15 back
check_match "beam_up 1 again" "$(curl -s "http://127.0.0.1:$PORT/metrics")" "^beam_up\{node=\"$N\"\} 1$"
check_eq "the guard is on again on the new node" "$(swt)" true

# SIGKILL of export: the guard sees the connection go.
kill -KILL "$EXP"; wait "$EXP" 2>/dev/null
ks=$(date +%s%N)
swt_off() { [ "$(swt)" = false ]; }
ok "scheduler_wall_time off within 3 s of SIGKILL" wait_for swt 3 swt_off
fault_record "beamprobe killed (SIGKILL) during export" 137 $(( ($(date +%s%N) - ks) / 1000000 )) 0 \
  "scheduler_wall_time guard gone, flag restored"

bp -N "$N" export
check_rc "export without --listen, --statsd or --once is a usage error" 1
bp -N "$N" export --listen 127.0.0.1:notaport
check_rc "a bad --listen is a usage error" 1
