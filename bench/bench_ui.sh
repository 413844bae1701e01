#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench_ui: what `beamprobe ui` costs, on a node of 100k idle processes.
#
#   1. The node's own counters (statistics(reductions), statistics(runtime))
#      over SECS seconds idle, then over SECS seconds with the dashboard
#      open at a 1 s interval on the Load view, then on the Processes view
#      (ranking the 100k processes on the node each refresh).  Cost per
#      refresh = (with ui - idle) / refreshes; the refreshes are counted on
#      screen (the dashboard runs in tmux, scripts/ui-tmux.sh, and the part
#      below the header changes once per refresh of the view's data), since
#      the duty-cycle rule may space them out on a busy node.
#   2. beamprobe's own CPU while it refreshes (utime + stime from
#      /proc/PID/stat over the same SECS).
#   3. Keystroke-to-redraw latency: in a pseudo-terminal, the time from
#      writing a view-switch key to the first byte of the redraw and to the
#      end of it (output quiet for 20 ms), KEYS times.
#
#   bench/bench_ui.sh [SECS]      (default 60; PROCS=100000 KEYS=200)
#   BUILD=build-ui bench/bench_ui.sh 60
. "$(dirname "$0")/lib-bench.sh"
T=$BT
. "$ROOT/scripts/ui-tmux.sh"
trap 'ui_stop; bench_cleanup' EXIT
SECS=${1:-60}
PROCS=${PROCS:-100000}
KEYS=${KEYS:-200}
ticks=$(getconf CLK_TCK)

cat > "$BT/harness.py" <<'PY'
# Run `beamprobe ui` in a pseudo-terminal of 120x40 and measure it.
#   harness.py latency BP COOKIE NODE KEYS       -> one line of statistics
import os, pty, re, select, struct, sys, time, fcntl, termios

def spawn(bp, cookie, node, args):
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 120, 0, 0))
        env = dict(os.environ, TERM='xterm-256color', LANG='C.UTF-8', LC_ALL='')
        env.pop('NO_COLOR', None)
        os.execve(bp, [bp, '--cookie-file', cookie, '-N', node, 'ui'] + args, env)
    return pid, fd

def read_for(fd, secs, quiet=None):
    """Read until secs pass, or (quiet) until no output for quiet seconds."""
    out = b''
    end = time.monotonic() + secs
    last = time.monotonic()
    while True:
        now = time.monotonic()
        if now >= end or (quiet and now - last >= quiet):
            return out
        t = min(end - now, quiet) if quiet else end - now
        r, _, _ = select.select([fd], [], [], t)
        if r:
            try:
                d = os.read(fd, 65536)
            except OSError:
                return out
            if not d:
                return out
            out += d
            last = time.monotonic()

def quit(pid, fd):
    os.write(fd, b'q')
    read_for(fd, 3, 0.5)
    _, st = os.waitpid(pid, 0)
    return os.WEXITSTATUS(st)

def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p / 100.0))]

def latency(bp, cookie, node, keys):
    # A 1 h interval: no snapshot arrives to mix its redraw with the key's.
    pid, fd = spawn(bp, cookie, node, ['--interval', '1h'])
    read_for(fd, 5)
    first, done = [], []
    for i in range(keys):
        read_for(fd, 1, 0.05)             # let the screen settle
        t0 = time.monotonic()
        os.write(fd, b'3' if i % 2 == 0 else b'1')
        r, _, _ = select.select([fd], [], [], 2)
        if not r:
            continue
        t1 = time.monotonic()
        os.read(fd, 65536)
        read_for(fd, 1, 0.02)
        t2 = time.monotonic() - 0.02
        first.append((t1 - t0) * 1000)
        done.append((t2 - t0) * 1000)
    quit(pid, fd)
    print('keys %d  first byte: median %.2f ms p95 %.2f ms max %.2f ms  '
          'redraw complete: median %.2f ms p95 %.2f ms max %.2f ms'
          % (len(first), pct(first, 50), pct(first, 95), max(first),
             pct(done, 50), pct(done, 95), max(done)))

latency(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
PY

bench_node N ui +P 2000000 || exit 1
on "$N" "bp_bench:crowd($PROCS)." >/dev/null
echo "node $N: $(on "$N" 'erlang:system_info(process_count).') processes, ${SECS} s per phase"

counters() { on "$N" '{R, _} = erlang:statistics(reductions), {C, _} = erlang:statistics(runtime), {R, C}.' | tr -d '{}' | tr ',' ' ' | head -1; }
node_cpu() { awk '{ print $14 + $15 }' "/proc/$N_PID/stat"; }

read -r r0 c0 < <(counters); o0=$(node_cpu)
sleep "$SECS"
read -r r1 c1 < <(counters); o1=$(node_cpu)
idle_r=$((r1 - r0)); idle_c=$((c1 - c0)); idle_o=$((o1 - o0))
echo "idle node: $idle_r reductions, $idle_c ms runtime in ${SECS} s"

phase() { # VIEW
  local view=$1 r2 c2 o2 r3 c3 o3 p0 p1 busy scr t0 t1 rounds n=0 h ph="" k=0
  : > "$BT/busy"
  read -r r2 c2 < <(counters); o2=$(node_cpu); t0=$(now_ms)
  ui_start 120 40 -- -N "$N" ui --view "$view"
  ui_wait 15 "live" >/dev/null
  sleep 3
  p0=$(awk '{ print $14 + $15 }' "/proc/$UI_PID/stat")
  # Count refreshes: the screen below the header changes once per refresh
  # of what the view shows (the table's numbers, the charts' newest point).
  for _ in $(seq 1 $((SECS * 4))); do
    sleep 0.25
    scr=$(ui_screen)
    h=$(printf '%s\n' "$scr" | sed -n '4,$p' | md5sum)
    if [ "$h" != "$ph" ]; then n=$((n + 1)); ph=$h; fi
    k=$((k + 1))
    [ $((k % 8)) = 0 ] && printf '%s\n' "$scr" |
      sed -n 's/.*ranked on the node in \([0-9]*\) ms.*/\1/p' >> "$BT/busy"
  done
  p1=$(awk '{ print $14 + $15 }' "/proc/$UI_PID/stat")
  ui_keys q
  ui_wait 10 "UI-EXIT=" >/dev/null
  ui_stop
  read -r r3 c3 < <(counters); o3=$(node_cpu); t1=$(now_ms)
  busy=$( [ -s "$BT/busy" ] && median < "$BT/busy" || echo "-")
  # n refreshes were seen in SECS; the dashboard ran (t1 - t0) ms in all.
  rounds=$(awk -v n="$n" -v s="$SECS" -v ms="$((t1 - t0))" 'BEGIN { printf "%.0f", n * ms / 1000 / s }')
  awk -v v="$view" -v dr="$((r3 - r2))" -v ir="$idle_r" -v dc="$((c3 - c2))" -v ic="$idle_c" \
      -v do_="$((o3 - o2))" -v io="$idle_o" -v n="$rounds" -v seen="$n" -v s="$SECS" -v ms="$((t1 - t0))" \
      -v t="$ticks" -v b="${busy:-n/a}" -v bp="$((p1 - p0))" '
    BEGIN {
      f = s / (ms / 1000)  # the idle baseline covers SECS, the phase ms
      printf "%-10s node: %.0f reductions/refresh, %.2f ms runtime/refresh (%.2f ms OS CPU); %d refreshes seen in %d s (one every %.2f s), ranking on the node: %s ms\n",
        v, (dr - ir / f) / n, (dc - ic / f) / n, ((do_ - io / f) / t * 1000) / n, seen, s, s / seen, b
      printf "%-10s node total: %.2f%% of one scheduler over the phase\n", v, 100 * (dc - ic / f) / ms
      printf "%-10s beamprobe CPU: %.2f%% of one core (%d ticks of 1/%d s in %d s)\n", v, 100 * bp / t / s, bp, t, s
    }'
}
phase load
phase processes

python3 "$BT/harness.py" latency "$BP" "$COOKIE_FILE" "$N" "$KEYS" | sed 's/^/keystroke-to-redraw: /'
