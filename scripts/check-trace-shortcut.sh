#!/usr/bin/env bash
# scripts/check-trace-shortcut.sh — the recorder compares after each instruction only what the
# instruction can change (its hook's GPR and XMM masks, RFLAGS and segment-base flags; see
# docs/trace-format.md, "How it is recorded"), and writes an instruction's bytes only when the
# reader does not have them. This runs Linux guests and images twice under `emu run|boot
# --trace`, once with the hidden reference mode --trace-full-compare (every register after every
# instruction, every instruction's bytes), and requires the two traces to be the same record for
# record (`emu trace show --format jsonl`, host times removed). Exit 1 on any difference.
# Environment: EMU (default .build/release/emu).
set -uo pipefail
cd "$(dirname "$0")/.."
EMU=${EMU:-.build/release/emu}
L=guests/build/linux
[ -x "$EMU" ] || { echo "trace-shortcut: $EMU not found (make build)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# compare NAME COMMAND FILE [ARG...]: runs `emu COMMAND --trace … FILE ARG…` both ways (the first
# 300,000 instructions: floats and mem run far longer) and compares the traces.
compare() {
  local name=$1 command=$2 file=$3; shift 3
  [ -e "$file" ] || { echo "FAIL trace-shortcut: $file not built (make -C guests linux images)"; fail=1; return; }
  "$EMU" "$command" --trace "$tmp/a" --trace-to 300000 "$file" "$@" >/dev/null 2>&1 </dev/null
  "$EMU" "$command" --trace "$tmp/b" --trace-to 300000 --trace-full-compare "$file" "$@" >/dev/null 2>&1 </dev/null
  for t in a b; do
    "$EMU" trace show "$tmp/$t" --format jsonl | sed 's/"host_ns":[0-9]*,//' >"$tmp/$t.jsonl" \
      || { echo "FAIL trace-shortcut: $name: trace show failed"; fail=1; }
  done
  local n x pds
  n=$(grep -c '"type":"instruction"' "$tmp/a.jsonl")
  x=$(grep -c '"xmm":' "$tmp/a.jsonl")
  pds=$(grep -o '"pd":"[^"]*"' "$tmp/a.jsonl" | sort -u | wc -l)
  if [ "$n" -gt 0 ] && cmp -s "$tmp/a.jsonl" "$tmp/b.jsonl"; then
    echo "ok   trace-shortcut: $name ($n instructions, $x with XMM changes, $pds PDs: same records as the reference)"
  else
    echo "FAIL trace-shortcut: $name: the traces differ ($n instructions); first difference:"
    diff "$tmp/a.jsonl" "$tmp/b.jsonl" | head -4
    fail=1
  fi
}

# SSE and x87 (floats), signal frames with FXSAVE images (signals), string instructions and file
# I/O (files, mem), errors.
for p in hello floats signals files mem errors args; do compare "$p" run "$L/$p" a b; done
# Several processes: PDs whose programs use the same addresses (instruction bytes are kept per
# PD and RIP), context switches, blocking and waking.
for img in multi wake; do compare "$img.img" boot "guests/build/images/$img.img"; done
exit $fail
