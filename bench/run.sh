#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# run.sh - every benchmark under bench/ (bench_*.sh), one after the other.
# Run on a quiet machine: the ratios compare with baselines measured in the
# same run, but other load still adds noise.
cd "$(dirname "$0")/.." || exit 1
for b in bench/bench_*.sh; do
  echo "== $b"
  bash "$b" || echo "   ($b failed)"
done
