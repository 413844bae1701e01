#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fuzz.sh SECONDS BINARY... - run each libFuzzer target for SECONDS.
#
# Each target starts from its committed corpus (tests/fuzz/corpus/NAME) and
# grows a work corpus under build/fuzz/work/NAME; crashes land in
# build/fuzz/artifacts/.  Prints executions and CPU time per target and
# exits 1 if any target found a crash.
set -u
secs=$1; shift
status=0
mkdir -p build/fuzz/artifacts
for bin in "$@"; do
  name=$(basename "$bin"); name=${name#fuzz_}
  work=build/fuzz/work/$name
  mkdir -p "$work"
  cp -n tests/fuzz/corpus/"$name"/* "$work"/ 2>/dev/null
  echo "== fuzz $name for ${secs}s"
  start=$(date +%s)
  if ! "$bin" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/"$name"- \
       -rss_limit_mb=2048 -timeout=10 "$work" > build/fuzz/"$name".log 2>&1; then
    status=1
    grep -E 'ERROR|SUMMARY|artifact' build/fuzz/"$name".log | head -5
  fi
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' build/fuzz/"$name".log
  echo "   wall $(( $(date +%s) - start ))s, corpus $(ls "$work" | wc -l) inputs"
done
exit $status
