#!/usr/bin/env bash
# scripts/check-trace-report.sh
# The trace report renders (issue 5): records guests/build/linux/hello with `emu run --trace`,
# writes `emu trace report` and the `--timeline` JSON, and loads the page in headless Chromium
# (Debian's chromium, `make deps`): the screenshot must be a 1200x800 PNG that is not blank (many
# distinct colours, the timeline's span colours among them), and the DOM the page's script built
# must hold a cost-table row per syscall that returned (writev, ioctl, arch_prctl, set_tid_address)
# and an SVG span per kernel path. The timeline must parse as JSON with "X" and "M" events.
# Environment: EMU (default .build/release/emu), CHROMIUM (default chromium), KEEP=DIR keeps files.
set -uo pipefail
cd "$(dirname "$0")/.."
EMU=${EMU:-.build/release/emu}
CHROMIUM=${CHROMIUM:-chromium}
prog=guests/build/linux/hello
[ -x "$prog" ] || { echo "trace-report: $prog not built (make -C guests linux)" >&2; exit 2; }
command -v "$CHROMIUM" >/dev/null || { echo "FAIL trace-report: $CHROMIUM not installed (make deps)"; exit 1; }
tmp=${KEEP:-$(mktemp -d)}
mkdir -p "$tmp"; tmp=$(cd "$tmp" && pwd)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT

"$EMU" run --trace "$tmp/hello.trace" --timeline "$tmp/timeline.json" "$prog" >/dev/null </dev/null \
  || { echo "FAIL trace-report: emu run --trace failed"; exit 1; }
"$EMU" trace report "$tmp/hello.trace" -o "$tmp/report.html" || { echo "FAIL trace-report: emu trace report failed"; exit 1; }
# Self-contained: no external scripts, styles, images, imports or requests (the SVG namespace
# URI is a name, not a fetch).
grep -Eq '<script[^>]+src=|<link |<img |<iframe|@import|url\(|fetch\(|XMLHttpRequest' "$tmp/report.html" \
  && { echo "FAIL trace-report: the page refers to something outside itself"; exit 1; }

flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$tmp/profile")
"$CHROMIUM" "${flags[@]}" --screenshot="$tmp/report.png" --window-size=1200,800 "file://$tmp/report.html" \
  >"$tmp/chromium.log" 2>&1 || [ -s "$tmp/report.png" ] || { echo "FAIL trace-report: chromium failed"; cat "$tmp/chromium.log"; exit 1; }
"$CHROMIUM" "${flags[@]}" --dump-dom "file://$tmp/report.html" >"$tmp/dom.html" 2>>"$tmp/chromium.log" \
  || { echo "FAIL trace-report: chromium --dump-dom failed"; cat "$tmp/chromium.log"; exit 1; }

python3 - "$tmp/report.png" "$tmp/dom.html" "$tmp/timeline.json" <<'PY' || exit 1
import json, re, struct, sys, zlib
png, dom, timeline = sys.argv[1:4]

def pixels(path):
    """Decodes an 8-bit RGB/RGBA PNG (PNG spec §11 chunks, §9 filters) into rows of pixel tuples."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), f"unexpected PNG format depth {depth} colour {colour}"
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[i:i + 3]) for i in range(0, stride, bpp)])
        prev = line
    return width, height, rows

w, h, rows = pixels(png)
colours = {p for row in rows for p in row}
problems = []
if (w, h) != (1200, 800): problems.append(f"screenshot is {w}x{h}, not 1200x800")
if len(colours) < 20: problems.append(f"screenshot has only {len(colours)} distinct colours (blank page?)")
# The span colours of the page's legend/timeline: user green, forward red, handler blue.
for name, rgb in {"user": (0x4C, 0xAF, 0x50), "handler": (0x4A, 0x7B, 0xD0), "syscall": (0xF2, 0xB1, 0x34)}.items():
    if rgb not in colours: problems.append(f"no {name} colour #{bytes(rgb).hex()} in the screenshot")

html = open(dom).read()
names = re.findall(r'<tr class="syscall-row" data-name="([^"]+)"', html)
for want in ["writev", "ioctl", "arch_prctl", "set_tid_address"]:
    if want not in names: problems.append(f"no cost-table row for {want} (rows: {names})")
if len(re.findall(r'class="span span-syscall"', html)) < 4: problems.append("fewer than 4 syscall spans in the SVG")
if "track-label" not in html: problems.append("no track labels in the SVG")

events = json.load(open(timeline))["traceEvents"]
phases = {e["ph"] for e in events}
if not {"X", "M"} <= phases: problems.append(f"timeline phases {phases} lack X or M")
if not any(e.get("name") == "thread_name" and e["args"]["name"] == "main" for e in events):
    problems.append("timeline has no thread named main")

if problems:
    print("FAIL trace-report: " + "; ".join(problems)); sys.exit(1)
print(f"ok   trace-report: {w}x{h} screenshot with {len(colours)} colours, cost rows {sorted(set(names))}, timeline of {len(events)} events")
PY
