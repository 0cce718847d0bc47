#!/usr/bin/env bash
# Boots guests/build/images/multi.img (a native Hedron-ABI program, a Linux program and the Linux
# init, with a data directory; guests/images/multi/boot.json) and compares its output with what
# the same programs print natively, in the order the roottask starts them (the non-init programs
# first, init last) — the native program's line is its source's message.
set -uo pipefail
cd "$(dirname "$0")/.."
EMU=${EMU:-.build/release/emu}
L=guests/build/linux
img=guests/build/images/multi.img
[ -f "$img" ] || { echo "check-multi-image: $img not built (make guests)"; exit 2; }
expected=$( { echo "Hello from a native Hedron-ABI program"
              env -i EMU_T_IMAGE=multi "$L/args" from the multi image
              env -i EMU_T_ROLE=init "$L/args" init; } 2>&1 )
actual=$("$EMU" boot "$img" 2>/dev/null); st=$?
if [ "$st" = 0 ] && [ "$actual" = "$expected" ]; then
  echo "ok   multi.img: native, Linux and init programs, output as native, exit status 0"
else
  echo "FAIL multi.img (status $st)"; diff <(echo "$expected") <(echo "$actual") | head -20; exit 1
fi

# guests/build/images/wake.img: init waits (an empty pipe, pause, sigsuspend) and another process
# wakes it with signals (guests/linux/wake.c); natively the same two programs run side by side.
img=guests/build/images/wake.img
[ -f "$img" ] || { echo "check-multi-image: $img not built (make guests)"; exit 2; }
tmp=$(mktemp)
"$L/wake" wait >"$tmp" & waiter=$!
timeout 30 "$L/wake" kill "$waiter"
wait "$waiter"; nst=$?
expected=$(cat "$tmp"); rm -f "$tmp"
actual=$(timeout 60 "$EMU" boot "$img" 2>/dev/null); st=$?
if [ "$nst" = 0 ] && [ "$st" = 0 ] && [ "$actual" = "$expected" ]; then
  echo "ok   wake.img: a waiting process woken by signals from another, output as native"
else
  echo "FAIL wake.img (status $st, native $nst)"; diff <(echo "$expected") <(echo "$actual") | head -20; exit 1
fi
