#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0640-loadtest-report: loadtest records a baseline, the load and the
# recovery as JSON lines that agree with the node, renders a self-contained
# HTML report holding every recorded point, and `report` puts two runs side
# by side; with the demo target's counters, events delivered and lost.
. "$(dirname "$0")/../lib/lib-node.sh"

EBIN=$ROOT/$BUILD/lasso_target/ebin
LT=$ROOT/demo/bin/lasso-target
export LASSO_TARGET_EBIN=$EBIN LASSO_TARGET_RUN=$T/lt-run
DEMO=
demo_stop() { [ -n "$DEMO" ] && "$LT" stop "$DEMO" >/dev/null 2>&1; DEMO=; }
trap 'demo_stop; cleanup' EXIT

start_node N lt || exit 1
erl_eval_on "$N" 'bp_fix_load:sink(sink), bp_fix:idle(quiet).' >/dev/null

bp -N "$N" loadtest --to sink --watch quiet --watch sink --rate 500 --duration 2s --before 1s \
  --interval 250ms --recover 1s --record "$T/a.jsonl" --report "$T/a.html" --label first
check_rc "loadtest exits 0" 0
check_match "it prints the monitor line with the load" "$BP_OUT" "Mailbox: 0, .* load: [0-9,]+ sent"
check_match "and the load's summary" "$BP_OUT" "sent 1,000 events"
ok "the record exists" test -s "$T/a.jsonl"
ok "the report exists" test -s "$T/a.html"

# The record: one run line, samples in three phases, the events, a summary.
check_rec() {
  python3 - "$1" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
types = [l["type"] for l in lines]
run = lines[0]
samples = [l for l in lines if l["type"] == "sample"]
events = {l["event"]: l["t"] for l in lines if l["type"] == "event"}
summary = [l for l in lines if l["type"] == "summary"][-1]
phases = sorted(set(s["phase"] for s in samples))
ts = [s["t"] for s in samples]
ok = (types[0] == "run" and run["watch"] == ["quiet", "sink"] and run["asked_rate"] == 500
      and phases == ["before", "load", "recover"] and ts == sorted(ts)
      and 0.9 <= events["load_start"] <= 1.3 and events["load_end"] > events["load_start"]
      and summary["sent"] == 1000 and summary["stopped"] == "done"
      and all(len(s["procs"]) == 2 for s in samples)
      and samples[-1]["sent"] == 1000
      and all(p["alive"] for s in samples for p in s["procs"]))
print("yes" if ok else "no: %r %r %r" % (phases, events, summary))
print(len(lines))
PY
}
out=$(check_rec "$T/a.jsonl")
check_eq "the record has the run, the three phases and the summary" "$(echo "$out" | head -1)" yes
nlines=$(echo "$out" | tail -1)

# The sink really got what the record says was sent.
c=$(erl_eval_on "$N" '{C, _, _} = bp_fix_load:sink_stats(sink), C.')
check_eq "the sink counted the recorded sent" "$c" 1000

# Monitor points agree with the node: quiet's memory is what process_info says.
mem=$(erl_eval_on "$N" "element(2, erlang:process_info(whereis(quiet), memory)).")
rmem=$(python3 -c 'import json,sys
s=[json.loads(l) for l in open(sys.argv[1]) if "\"sample\"" in l][-1]
print([p for p in s["procs"] if p["target"]=="quiet"][0]["memory"])' "$T/a.jsonl")
check_eq "recorded memory equals process_info" "$rmem" "$mem"

# The report: self-contained, with every recorded line in its data block.
html=$(cat "$T/a.html")
check_match "an HTML page" "$html" "^<!DOCTYPE html>"
check_nomatch "no external resources" "$html" '(src|href)="(https?:)?//'
check_eq "six charts" "$(grep -o '<svg ' "$T/a.html" | wc -l)" 6
check_match "the summary table" "$html" "Peak mailbox"
n=$(python3 -c 'import json,re,sys
h=open(sys.argv[1]).read()
m=re.search(r"<script type=\"application/json\" id=\"beamprobe-run-1\">(.*?)</script>", h, re.S)
data=json.loads(m.group(1))
rec=[json.loads(l) for l in open(sys.argv[2]) if l.strip()]
print(len(data) if data == rec else "differs")' "$T/a.html" "$T/a.jsonl")
check_eq "the report holds every recorded line, unchanged" "$n" "$nlines"

# report: two runs side by side; --json summaries.
bp -N "$N" loadtest --to sink --rate 300 --duration 1s --before 0s --interval 200ms \
  --recover 500ms --record "$T/b.jsonl" --label second
bp report "$T/a.jsonl" "$T/b.jsonl" -o "$T/ab.html" --title "first vs second"
check_rc "report exits 0" 0
check_eq "twelve charts for two runs" "$(grep -o '<svg ' "$T/ab.html" | wc -l)" 12
check_match "both labels" "$(cat "$T/ab.html")" "first.*second"
check_match "two data blocks" "$(cat "$T/ab.html")" 'id="beamprobe-run-2"'
bp report "$T/a.jsonl" "$T/b.jsonl" --json
check_eq "one summary line per run" "$(printf '%s\n' "$BP_OUT" | wc -l)" 2
check_eq "summary of the first run: sent" "$(json_field "$BP_OUT" sent)" 1000
check_eq "a run that kept up is healthy" "$(json_field "$BP_OUT" status)" ok
printf 'not a record\n' >"$T/bad.jsonl"
bp report "$T/bad.jsonl"
check_rc "a file that is not a record is refused" 1

# The demo target: its counters give delivered and lost; fixed mode keeps up.
if [ ! -f "$EBIN/lasso_target.app" ]; then
  echo "# skip: demo target not built (make BUILD=$BUILD demo-target)"
  exit 0
fi
name=$(unique_name lt)
DEMO=$name
"$LT" start "$name" --cookie-file "$COOKIE_FILE" --scenario easy --mode fixed --no-load >/dev/null ||
  { _report 1 "the demo target starts"; exit 1; }
D=$name@$HOSTNAME_S
bp -N "$D" loadtest --scenario medium --duration 2s --before 500ms --interval 250ms \
  --recover 2s --record "$T/d.jsonl" --report "$T/d.html"
check_rc "scenario loadtest exits 0" 0
check_match "the mode of the demo target is recorded" "$(head -1 "$T/d.jsonl")" '"mode":"fixed"'
check_match "the default watch is the guide's aggregator lookup" "$BP_OUT" "watching LassoWeb.Dashboard.ClusterEventAggregator.ensure_started"
bp report "$T/d.jsonl" --json
check_eq "800 events delivered, counted by the target" "$(json_field "$BP_OUT" delivered)" 800
check_eq "none lost" "$(json_field "$BP_OUT" lost)" 0
agg=$(erl_eval_on "$D" 'maps:get(delivered_agg, lasso_stats:all()).')
check_eq "the target agrees" "$agg" 800
check_match "the report shows delivered" "$(cat "$T/d.html")" "800 delivered, 0 not \(yet\)"
