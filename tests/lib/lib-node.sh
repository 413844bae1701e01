# SPDX-License-Identifier: Apache-2.0
# lib-node.sh - harness for integration tests against real BEAM nodes.
#
# Source it from tests/integration/tNNNN-*.sh.  It gives each test a private
# temporary HOME with a random cookie (mode 400), starts nodes with unique
# short names (`start_node`), evaluates Erlang on them through OTP's erl_call
# (`erl_eval_on`) to set up fixtures and read the node's own truth, runs
# beamprobe (`bp`), and records checks (`ok`, `check_eq` ...).  Every node it
# started is killed by its OS pid when the test exits, whatever happened;
# nothing is ever killed by name.  The file ends its run with
# "# passed N failed N" for tests/run.sh.
set -u

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-build}
BP=${BP:-$ROOT/$BUILD/beamprobe}
FIXTURES=${FIXTURES:-$ROOT/$BUILD/test-fixtures}
ERL_CALL=${ERL_CALL:-$(ls /usr/lib/erlang/bin/erl_call 2>/dev/null || command -v erl_call)}
HOSTNAME_S=$(hostname -s)

T=$(mktemp -d "${TMPDIR:-/tmp}/bp-test.XXXXXX")
export HOME=$T
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$T/cookie"
chmod 400 "$T/cookie"
cp "$T/cookie" "$T/.erlang.cookie"
chmod 400 "$T/.erlang.cookie"
COOKIE_FILE=$T/cookie

_pids=()
_passed=0
_failed=0
_n=0

cleanup() {
  local p
  for p in "${_pids[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null
  done
  sleep 0.2
  for p in "${_pids[@]:-}"; do
    [ -n "$p" ] && kill -9 "$p" 2>/dev/null
  done
  rm -rf "$T"
  echo "# passed $_passed failed $_failed"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# unique_name BASE -> a short node alive-name no other test uses
unique_name() { echo "${1}_$$_$RANDOM"; }

# start_node VAR BASE [erl args...]: start a node, set VAR=name@host and
# VAR_PID=os pid.  Waits (up to 15 s) until the node answers.
start_node() {
  local var=$1 base=$2; shift 2
  local name; name=$(unique_name "$base")
  erl -sname "$name" -noshell -noinput -pa "$FIXTURES" "$@" </dev/null >"$T/$name.log" 2>&1 &
  local pid=$!
  _pids+=("$pid")
  printf -v "$var" '%s' "$name@$HOSTNAME_S"
  printf -v "${var}_PID" '%s' "$pid"
  local i
  for i in $(seq 1 150); do
    if "$ERL_CALL" -sname "$name" -a 'erlang node []' >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "# node $name did not come up; log:" >&2
  cat "$T/$name.log" >&2
  return 1
}

# kill_node VAR: kill a node started with start_node (by its OS pid).
kill_node() {
  local pidvar="${1}_PID"
  kill -9 "${!pidvar}" 2>/dev/null
  wait "${!pidvar}" 2>/dev/null
  return 0
}

# erl_eval_on NODE 'Erlang expressions.' -> prints the value (erl_call -e form).
erl_eval_on() {
  local node=$1 expr=$2
  echo "$expr" | "$ERL_CALL" -sname "${node%@*}" -e 2>&1 | sed -e 's/^{ok, *//' -e 's/}$//'
}

# bp ARGS...: run beamprobe; sets BP_OUT, BP_ERR, BP_RC.
bp() {
  BP_OUT=$("$BP" --cookie-file "$COOKIE_FILE" "$@" 2>"$T/stderr")
  BP_RC=$?
  BP_ERR=$(cat "$T/stderr")
}

# bp_bg OUTFILE ARGS...: run beamprobe in the background; sets BP_BG_PID.
bp_bg() {
  local out=$1; shift
  "$BP" --cookie-file "$COOKIE_FILE" "$@" >"$out" 2>"$out.err" &
  BP_BG_PID=$!
}

_report() {
  _n=$((_n + 1))
  if [ "$1" = 0 ]; then
    _passed=$((_passed + 1)); echo "ok $_n - $2"
  else
    _failed=$((_failed + 1)); echo "not ok $_n - $2"
    [ -n "${3:-}" ] && echo "$3" | sed 's/^/#   /'
  fi
}

# ok DESC COMMAND...: passes when COMMAND succeeds.
ok() { local d=$1; shift; if "$@"; then _report 0 "$d"; else _report 1 "$d" "command failed: $*"; fi; }

# check_eq DESC GOT WANT
check_eq() {
  if [ "$2" = "$3" ]; then _report 0 "$1"; else _report 1 "$1" "got:  $2
want: $3"; fi
}

# check_match DESC TEXT REGEX (grep -E)
check_match() {
  if printf '%s\n' "$2" | grep -Eq -- "$3"; then _report 0 "$1"; else _report 1 "$1" "text: $2
does not match: $3"; fi
}

check_nomatch() {
  if printf '%s\n' "$2" | grep -Eq -- "$3"; then _report 1 "$1" "text: $2
matches: $3"; else _report 0 "$1"; fi
}

# check_rc DESC WANT (uses BP_RC, shows stderr on failure)
check_rc() {
  if [ "$BP_RC" = "$2" ]; then _report 0 "$1"; else _report 1 "$1" "exit $BP_RC, want $2
stdout: $BP_OUT
stderr: $BP_ERR"; fi
}

# check_near DESC GOT WANT TOLERANCE_PERCENT
check_near() {
  if awk -v g="$2" -v w="$3" -v t="$4" 'BEGIN { d = g - w; if (d < 0) d = -d; m = (w < 0 ? -w : w); exit !(d <= m * t / 100.0) }'; then
    _report 0 "$1"; else _report 1 "$1" "got $2, want $3 within $4%"; fi
}

# json_field JSON KEY -> the value of a top-level scalar key (numbers, strings)
json_field() {
  printf '%s\n' "$1" | python3 -c 'import json,sys
k=sys.argv[1]
for line in sys.stdin:
    line=line.strip()
    if not line: continue
    v=json.loads(line)
    for p in k.split("."):
        v=v[p] if isinstance(v, dict) else v[int(p)]
    print(v if not isinstance(v,bool) else str(v).lower())
    break' "$2"
}

# wait_for DESC SECONDS COMMAND...: retry COMMAND until it succeeds.
wait_for() {
  local d=$1 s=$2; shift 2
  local end=$((SECONDS + s))
  while [ $SECONDS -lt $end ]; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}

# fault_record FAULT EXIT MS RSS_KB MESSAGE: one line of the reliability
# table (docs/RELIABILITY.md, made by scripts/reliability.sh) when
# $RELIABILITY_OUT is set.
fault_record() {
  [ -n "${RELIABILITY_OUT:-}" ] || return 0
  python3 -c 'import json,sys; print(json.dumps({"fault": sys.argv[1], "exit": int(sys.argv[2]), "ms": int(sys.argv[3]), "rss_kb": int(sys.argv[4] or 0), "message": sys.argv[5][:200]}))' \
    "$1" "$2" "$3" "${4:-0}" "${5:-}" >>"$RELIABILITY_OUT"
}
