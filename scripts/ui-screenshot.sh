#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ui-screenshot.sh - a PNG of `beamprobe ui` on the bundled demo target
# (docs/ui.png): the dashboard runs in tmux against the Lasso target in its
# worst, flawed scenario; the pane is captured with its colours
# (capture-pane -e), laid out as an HTML grid of fixed-width cells (so wide
# characters keep their two columns) and rendered by headless chromium.
#
#   BUILD=build-ui scripts/ui-screenshot.sh [OUT.png] [VIEW] [SORT] [WARMUP_S]
#     OUT      default docs/ui.png
#     VIEW     default processes; SORT default mailbox; WARMUP_S default 45
#
# Needs: make BUILD=... all demo-target, tmux, chromium and a colour emoji
# font (Debian: chromium fonts-noto-color-emoji).  Not used by the tests.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
BP=$ROOT/$BUILD/beamprobe
OUT=${1:-$ROOT/docs/ui.png}
VIEW=${2:-processes}
SORT=${3:-mailbox}
WARMUP=${4:-45}
COLS=${COLS:-132}
ROWS=${ROWS:-40}
command -v chromium >/dev/null || { echo "ui-screenshot: needs chromium" >&2; exit 1; }

T=$(mktemp -d /tmp/bp-shot.XXXXXX)
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$T/cookie"
chmod 400 "$T/cookie"
COOKIE_FILE=$T/cookie
NAME=lasso_shot_$$
export LASSO_TARGET_EBIN=$ROOT/$BUILD/lasso_target/ebin LASSO_TARGET_RUN=$T/run
. "$ROOT/scripts/ui-tmux.sh"
finish() {
  ui_stop
  "$ROOT/demo/bin/lasso-target" stop "$NAME" >/dev/null 2>&1 || true
  rm -rf "$T"
}
trap finish EXIT

NODE=$("$ROOT/demo/bin/lasso-target" start "$NAME" --cookie-file "$COOKIE_FILE" \
         --scenario worst --mode flawed | tail -1)
echo "demo target: $NODE"
ui_start "$COLS" "$ROWS" TERM=screen-256color -- -N "$NODE" ui --view "$VIEW" --sort "$SORT"
ui_wait 20 "live" >/dev/null || { ui_screen; exit 1; }
sleep "$WARMUP"
ui_screen_escapes > "$T/screen.ansi"
ui_screen

python3 - "$T/screen.ansi" "$T/ui.html" "$COLS" "$ROWS" <<'PY'
# ANSI (tmux capture-pane -e) to an HTML grid of cells.
import html, re, sys, unicodedata

src, dst, cols, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
base = ['#000000', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5']
bright = ['#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff']
FG, BG = '#d4d4d4', '#1e1e1e'

def c256(n):
    if n < 8: return base[n]
    if n < 16: return bright[n - 8]
    if n < 232:
        n -= 16
        v = [0, 95, 135, 175, 215, 255]
        return '#%02x%02x%02x' % (v[n // 36], v[n // 6 % 6], v[n % 6])
    g = 8 + (n - 232) * 10
    return '#%02x%02x%02x' % (g, g, g)

def width(ch):
    if unicodedata.combining(ch) or ch in '\ufe0f\u200d':
        return 0
    return 2 if unicodedata.east_asian_width(ch) in 'WF' else 1

text = open(src, encoding='utf-8', errors='replace').read().split('\n')[:rows]
out = []
for line in text:
    st = dict(fg=None, bg=None, bold=False, dim=False, ul=False, rev=False)
    cells, col = [], 0
    for tok in re.split(r'(\x1b\[[0-9;]*m)', line):
        m = re.match(r'\x1b\[([0-9;]*)m', tok)
        if m:
            ps = [int(p) if p else 0 for p in m.group(1).split(';')] if m.group(1) else [0]
            i = 0
            while i < len(ps):
                p = ps[i]
                if p == 0: st = dict(fg=None, bg=None, bold=False, dim=False, ul=False, rev=False)
                elif p == 1: st['bold'] = True
                elif p == 2: st['dim'] = True
                elif p == 4: st['ul'] = True
                elif p == 7: st['rev'] = True
                elif p == 22: st['bold'] = st['dim'] = False
                elif p == 24: st['ul'] = False
                elif p == 27: st['rev'] = False
                elif 30 <= p <= 37: st['fg'] = base[p - 30]
                elif p == 39: st['fg'] = None
                elif 40 <= p <= 47: st['bg'] = base[p - 40]
                elif p == 49: st['bg'] = None
                elif 90 <= p <= 97: st['fg'] = bright[p - 90]
                elif 100 <= p <= 107: st['bg'] = bright[p - 100]
                elif p in (38, 48) and i + 2 < len(ps) and ps[i + 1] == 5:
                    st['fg' if p == 38 else 'bg'] = c256(ps[i + 2]); i += 2
                i += 1
            continue
        for ch in tok:
            w = width(ch)
            if w == 0:
                if cells: cells[-1][0] += ch
                continue
            cells.append([ch, w, dict(st)])
            col += w
    while col < cols:
        cells.append([' ', 1, dict(fg=None, bg=None, bold=False, dim=False, ul=False, rev=False)])
        col += 1
    spans = []
    for ch, w, s in cells:
        fg, bg = s['fg'] or FG, s['bg'] or BG
        if s['rev']: fg, bg = (s['bg'] or BG), (s['fg'] or FG)
        if s['bold'] and fg in base[1:]: fg = bright[base.index(fg)]
        style = 'width:%dch;color:%s;background:%s' % (w, fg, bg)
        if s['bold']: style += ';font-weight:bold'
        if s['dim']: style += ';opacity:.6'
        if s['ul']: style += ';text-decoration:underline'
        spans.append('<span style="%s">%s</span>' % (style, html.escape(ch)))
    out.append('<div class="r">%s</div>' % ''.join(spans))

page = '''<!doctype html><html><head><meta charset="utf-8"><style>
html,body{margin:0;background:%s}
.t{padding:14px 16px;font:15px/19px "DejaVu Sans Mono","DejaVu Sans","Noto Color Emoji",monospace}
.r{height:19px;white-space:pre;overflow:hidden}
.r span{display:inline-block;height:19px;overflow:visible;text-align:left}
</style></head><body><div class="t">%s</div></body></html>''' % (BG, '\n'.join(out))
open(dst, 'w', encoding='utf-8').write(page)
PY

# 15px DejaVu Sans Mono: 9.03 px per column, 19 px per row, plus padding.
W=$(( COLS * 903 / 100 + 36 ))
H=$(( ROWS * 19 + 28 ))
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --window-size="$W,$H" --screenshot="$OUT" "file://$T/ui.html" >/dev/null 2>&1
echo "wrote $OUT (${W}x${H})"
