#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# deps.sh - install the Debian packages a make target needs, only if missing.
#
# Usage: scripts/deps.sh build|test|demo
# Checks with dpkg-query and runs apt-get install for what is absent (as root,
# or through sudo).  A no-op, and fast, when everything is present.
set -euo pipefail

want=(gcc make erlang-base erlang-dev libncurses-dev libjansson-dev)
case "${1:-build}" in
  build) ;;
  demo) want+=(erlang-runtime-tools) ;;
  test) want+=(erlang-runtime-tools erlang-tools elixir clang tmux iproute2 procps python3 openssl prometheus) ;;
  *) echo "deps.sh: unknown profile '$1'" >&2; exit 1 ;;
esac

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "beamprobe: installing missing packages: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "beamprobe: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
  $sudo apt-get update -q >/dev/null
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
