#!/usr/bin/env bash
# scripts/check-trace-shortcut.sh — the recorder compares after each instruction only what the
# instruction can change (its hook's GPR and XMM masks, RFLAGS and segment-base flags; see
# docs/trace-format.md, "How it is recorded"). This runs Linux guests twice under `emu run
# --trace`, once with the hidden reference mode --trace-full-compare (every register after every
# instruction), and requires the two traces to be the same record for record (`emu trace show
# --format jsonl`, host times removed; the reference mode also writes every instruction's bytes,
# so this checks the per-PD byte table too). Exit 1 on any difference.
# Environment: EMU (default .build/release/emu).
set -uo pipefail
cd "$(dirname "$0")/.."
EMU=${EMU:-.build/release/emu}
L=guests/build/linux
[ -x "$EMU" ] || { echo "trace-shortcut: $EMU not found (make build)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# Programs with SSE and x87 (floats), signal frames with FXSAVE images (signals), string
# instructions and file I/O (files, mem), and errors.
for p in hello floats signals files mem errors args; do
  [ -x "$L/$p" ] || { echo "FAIL trace-shortcut: $L/$p not built (make -C guests linux)"; fail=1; continue; }
  # The first 300,000 instructions (floats and mem run far longer).
  "$EMU" run --trace "$tmp/a" --trace-to 300000 "$L/$p" a b >/dev/null 2>&1 </dev/null
  "$EMU" run --trace "$tmp/b" --trace-to 300000 --trace-full-compare "$L/$p" a b >/dev/null 2>&1 </dev/null
  for t in a b; do
    "$EMU" trace show "$tmp/$t" --format jsonl | sed 's/"host_ns":[0-9]*,//' >"$tmp/$t.jsonl" \
      || { echo "FAIL trace-shortcut: $p: trace show failed"; fail=1; }
  done
  n=$(grep -c '"type":"instruction"' "$tmp/a.jsonl")
  x=$(grep -c '"xmm":' "$tmp/a.jsonl")
  if [ "$n" -gt 0 ] && cmp -s "$tmp/a.jsonl" "$tmp/b.jsonl"; then
    echo "ok   trace-shortcut: $p ($n instructions, $x with XMM changes: same records as comparing every register)"
  else
    echo "FAIL trace-shortcut: $p: the traces differ ($n instructions); first difference:"
    diff "$tmp/a.jsonl" "$tmp/b.jsonl" | head -4
    fail=1
  fi
done
# Images with several processes: PDs whose programs use the same addresses (instruction bytes
# are kept per PD and RIP), context switches, blocking and waking.
for img in multi wake; do
  f=guests/build/images/$img.img
  [ -f "$f" ] || { echo "FAIL trace-shortcut: $f not built (make -C guests images)"; fail=1; continue; }
  "$EMU" boot --trace "$tmp/a" --trace-to 300000 "$f" >/dev/null 2>&1 </dev/null
  "$EMU" boot --trace "$tmp/b" --trace-to 300000 --trace-full-compare "$f" >/dev/null 2>&1 </dev/null
  for t in a b; do
    "$EMU" trace show "$tmp/$t" --format jsonl | sed 's/"host_ns":[0-9]*,//' >"$tmp/$t.jsonl" \
      || { echo "FAIL trace-shortcut: $img: trace show failed"; fail=1; }
  done
  n=$(grep -c '"type":"instruction"' "$tmp/a.jsonl")
  pds=$(grep -o '"pd":"[^"]*"' "$tmp/a.jsonl" | sort -u | wc -l)
  if [ "$n" -gt 0 ] && cmp -s "$tmp/a.jsonl" "$tmp/b.jsonl"; then
    echo "ok   trace-shortcut: $img.img ($n instructions in $pds PDs: same records as comparing every register)"
  else
    echo "FAIL trace-shortcut: $img.img: the traces differ ($n instructions); first difference:"
    diff "$tmp/a.jsonl" "$tmp/b.jsonl" | head -4
    fail=1
  fi
done
exit $fail
