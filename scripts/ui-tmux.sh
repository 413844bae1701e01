# SPDX-License-Identifier: Apache-2.0
# ui-tmux.sh - drive `beamprobe ui` inside a private tmux server, for the
# integration tests (tests/integration/t04*-ui*.sh), the benchmark
# (bench/bench_ui.sh) and the screenshot (scripts/ui-screenshot.sh).
#
# Source it after tests/lib/lib-node.sh (it uses $T, $BP, $COOKIE_FILE).
# Every call talks to one tmux server on a socket of our own
# (tmux -L bpui_PID_RANDOM), so other people's tmux sessions are never
# touched; ui_stop kills that server only.
#
#   ui_start W H [ENV=VALUE...] -- BEAMPROBE-ARGS...
#                         open a W x H pane with a shell and run
#                         beamprobe ARGS in it; afterwards the shell prints
#                         "UI-EXIT=<status>"; $UI_PID is beamprobe's pid
#   ui_screen             the pane's text (capture-pane -p)
#   ui_screen_escapes     the same with colour/attribute escapes (-e)
#   ui_keys KEY...        tmux send-keys (e.g. ui_keys s Enter Escape)
#   ui_wait SECONDS REGEX wait until the screen matches (grep -E); 0 or 1
#   ui_row N              line N (0-based) of the screen
#   ui_resize W H         resize the window (the program gets SIGWINCH)
#   ui_alt                1 while the alternate screen is on, else 0
#   ui_stop               kill the private tmux server

UI_SOCK=bpui_$$_$RANDOM
UI_PID=

_ui() { tmux -L "$UI_SOCK" -f /dev/null "$@"; }

ui_start() {
  local w=$1 h=$2; shift 2
  local envs=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
  [ "${1:-}" = "--" ] && shift
  local inner=$T/ui-inner-$RANDOM.sh
  {
    echo '#!/bin/bash'
    echo "echo \$\$ > '$T/ui.pid'"
    printf 'exec env'
    [ ${#envs[@]} -gt 0 ] && printf ' %q' "${envs[@]}"
    printf ' %q' "$BP" --cookie-file "$COOKIE_FILE" "$@"
    echo
  } > "$inner"
  rm -f "$T/ui.pid"
  # A tmux server now and then dies while starting ("server exited
  # unexpectedly"): try again on a fresh socket.
  local try
  for try in 1 2 3 4 5; do
    if _ui new-session -d -s ui -x "$w" -y "$h" \
      "env -u NO_COLOR HOME='$T' LANG=${UI_LANG:-C.UTF-8} LC_ALL= PS1='ui-shell\$ ' bash --norc --noprofile" \
      2>/dev/null && _ui has-session -t ui 2>/dev/null; then
      break
    fi
    ui_stop
    UI_SOCK=bpui_$$_$RANDOM
    sleep 0.3
  done
  _ui has-session -t ui 2>/dev/null || { echo "# tmux would not start" >&2; return 1; }
  _ui set-option -t ui status off >/dev/null
  sleep 0.2
  _ui send-keys -t ui "bash $inner; echo UI-EXIT=\$?" Enter
  local i
  for i in $(seq 1 50); do
    [ -s "$T/ui.pid" ] && break
    sleep 0.1
  done
  UI_PID=$(cat "$T/ui.pid" 2>/dev/null)
}

ui_screen() { _ui capture-pane -p -t ui; }
ui_screen_escapes() { _ui capture-pane -p -e -N -t ui; }
ui_keys() { _ui send-keys -t ui "$@"; }
ui_row() { ui_screen | sed -n "$(($1 + 1))p"; }
ui_resize() { _ui resize-window -t ui -x "$1" -y "$2"; }
ui_alt() { _ui display-message -p -t ui '#{alternate_on}'; }

ui_wait() {
  local s=$1 re=$2
  local end=$((SECONDS + s))
  while [ $SECONDS -le $end ]; do
    if ui_screen | grep -Eq -- "$re"; then return 0; fi
    sleep 0.1
  done
  return 1
}

ui_stop() {
  _ui kill-server 2>/dev/null
  rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$UI_SOCK"
  return 0
}
