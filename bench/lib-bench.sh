# SPDX-License-Identifier: Apache-2.0
# lib-bench.sh - shared helpers of the benchmark scripts: a private temp
# HOME and cookie, benchmark nodes started with unique names and killed by
# their OS pid, median of repeated timings.  Benchmarks report ratios
# against baselines measured in the same run, never absolute goals.
set -u
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${BUILD:-build}
BP=${BP:-$ROOT/$BUILD/beamprobe}
BEBIN=$ROOT/$BUILD/bench
ERL_CALL=${ERL_CALL:-/usr/lib/erlang/bin/erl_call}
HOSTNAME_S=$(hostname -s)
mkdir -p "$BEBIN"
erlc -o "$BEBIN" "$ROOT/bench/bp_bench.erl" || exit 1
BT=$(mktemp -d /tmp/bp-bench.XXXXXX)
export HOME=$BT
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$BT/.erlang.cookie"
chmod 400 "$BT/.erlang.cookie"
COOKIE_FILE=$BT/.erlang.cookie
_bpids=()
bench_cleanup() { for p in "${_bpids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done; rm -rf "$BT"; }
trap bench_cleanup EXIT
trap 'exit 1' INT TERM

# bench_node VAR BASE [erl args]: start a node, VAR=name@host, VAR_PID=os pid
bench_node() {
  local var=$1 base=$2; shift 2
  local name="${base}_$$_$RANDOM"
  erl -sname "$name" -noshell -noinput -pa "$BEBIN" "$@" </dev/null >"$BT/$name.log" 2>&1 &
  _bpids+=("$!")
  printf -v "$var" '%s' "$name@$HOSTNAME_S"
  printf -v "${var}_PID" '%s' "$!"
  for _ in $(seq 1 150); do
    "$ERL_CALL" -sname "$name" -a 'erlang node []' >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "node $name did not start" >&2; return 1
}

# on NODE 'Expr.' -> value
on() { echo "$2" | "$ERL_CALL" -sname "${1%@*}" -e 2>&1 | sed -e 's/^{ok, *//' -e 's/}$//'; echo; }

# now_ms: monotonic-ish wall ms
now_ms() { date +%s%3N; }

# median of numbers on stdin
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# ratio A B -> A/B with 2 decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
