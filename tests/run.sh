#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# run.sh - the whole test run: unit tests (plain and ASan+UBSan), fuzz corpus
# replay, integration tests against real nodes.  Ends with "N passed, N failed".
#
#   tests/run.sh [--integration-only] [FILTER]
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
export ROOT BUILD
only_int=0
filter=""
for a in "$@"; do
  case "$a" in
    --integration-only) only_int=1 ;;
    *) filter=$a ;;
  esac
done

passed=0
failed=0
failed_names=()

count_unit() { # output of a unit binary
  local out=$1 p f
  p=$(printf '%s\n' "$out" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
  f=$(printf '%s\n' "$out" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
  echo "${p:-0} ${f:-1}"
}

run_unit() { # NAME BINARY
  local name=$1 bin=$2 out rc p f
  echo "== $name"
  out=$("$bin" 2>&1); rc=$?
  printf '%s\n' "$out" | grep -v '^ok ' | sed 's/^/  /'
  read -r p f < <(count_unit "$out")
  [ $rc -ne 0 ] && [ "$f" = 0 ] && f=1
  passed=$((passed + p)); failed=$((failed + f))
  [ "$f" != 0 ] && failed_names+=("$name")
}

if [ $only_int = 0 ]; then
  run_unit "unit" "$BUILD/unit"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_unit "unit (asan+ubsan)" "$BUILD/unit-asan"
  for r in "$BUILD"/fuzz/replay_*; do
    [ -x "$r" ] || continue
    t=${r##*/replay_fuzz_}
    echo "== fuzz corpus: $t"
    if ASAN_OPTIONS=detect_leaks=1 "$r" "tests/fuzz/corpus/$t" >/tmp/bp-replay.$$ 2>&1; then
      passed=$((passed + 1)); echo "  ok $(tail -1 /tmp/bp-replay.$$)"
    else
      failed=$((failed + 1)); failed_names+=("fuzz corpus $t"); tail -20 /tmp/bp-replay.$$
    fi
    rm -f /tmp/bp-replay.$$
  done
fi

# Fixture modules for integration tests, compiled once.
mkdir -p "$BUILD/test-fixtures"
erlc -o "$BUILD/test-fixtures" tests/integration/fixtures/*.erl || { echo "fixtures do not compile"; exit 1; }

for t in tests/integration/t[0-9]*.sh; do
  [ -n "$filter" ] && [[ "$t" != *"$filter"* ]] && continue
  echo "== $t"
  start=$SECONDS
  out=$(timeout -k 10 300 bash "$t" 2>&1); rc=$?
  printf '%s\n' "$out" | sed 's/^/  /'
  p=$(printf '%s\n' "$out" | sed -n 's/^# passed \([0-9]*\) failed \([0-9]*\)$/\1/p' | tail -1)
  f=$(printf '%s\n' "$out" | sed -n 's/^# passed \([0-9]*\) failed \([0-9]*\)$/\2/p' | tail -1)
  p=${p:-0}; f=${f:-0}
  if [ $rc -ne 0 ] && [ "$f" = 0 ]; then
    f=1; echo "  (exit status $rc)"
  fi
  echo "  ($((SECONDS - start)) s)"
  passed=$((passed + p)); failed=$((failed + f))
  [ "$f" != 0 ] && failed_names+=("$t")
done

if [ ${#failed_names[@]} -gt 0 ]; then
  echo "failed: ${failed_names[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
