#!/usr/bin/env bash
# Enforces the checked-in host-instruction budgets (Tests/Budgets/…): callgrind counts are exact
# and independent of machine load, so a regression in the interpreter's hot path fails CI.
set -uo pipefail
cd "$(dirname "$0")/.."
EMU=.build/release/emu
budgets=Tests/Budgets/host-instructions-per-guest-instruction.txt
fail=0; pass=0
count() {  # kernel append -> "guest host"
  local g h
  g=$("$EMU" boot "$1" --append "$2" --serial none --stats 2>&1 >/dev/null </dev/null | sed -n 's/^emu: \([0-9]*\) instructions.*/\1/p')
  h=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$EMU" boot "$1" --append "$2" --serial none 2>&1 </dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
  echo "$g $h"
}
while read -r name budget; do
  case "$name" in ""|\#*) continue;; esac
  k=guests/build/bench/$name.elf
  read -r g0 h0 < <(count "$k" iters=0)
  read -r g1 h1 < <(count "$k" iters=short)
  if [ -z "$g0" ] || [ -z "$h0" ] || [ -z "$g1" ] || [ -z "$h1" ]; then
    echo "FAIL $name: could not measure (emu or valgrind failed)"; fail=$((fail+1)); continue
  fi
  ratio=$(awk -v a="$h0" -v b="$h1" -v x="$g0" -v y="$g1" 'BEGIN { printf "%.1f", (b - a) / (y - x) }')
  if awk -v r="$ratio" -v m="$budget" 'BEGIN { exit !(r <= m) }'; then
    echo "ok   $name: $ratio host instructions per guest instruction (budget $budget)"; pass=$((pass+1))
  else
    echo "FAIL $name: $ratio host instructions per guest instruction, over the budget of $budget"; fail=$((fail+1))
  fi
done < "$budgets"
# The forwarded-syscall round trip (Tests/Budgets/host-instructions-per-forwarded-syscall.txt).
fw_ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$EMU" bench-forwarding --iterations "$1" 2>&1 </dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
while read -r name budget; do
  case "$name" in ""|\#*) continue;; esac
  a=$(fw_ir 20000); b=$(fw_ir 40000)
  if [ -z "$a" ] || [ -z "$b" ]; then echo "FAIL $name: could not measure"; fail=$((fail+1)); continue; fi
  per=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.0f", (b - a) / 20000 }')
  if [ "$per" -le "$budget" ]; then
    echo "ok   $name: $per host instructions per round trip (budget $budget)"; pass=$((pass+1))
  else
    echo "FAIL $name: $per host instructions per round trip, over the budget of $budget"; fail=$((fail+1))
  fi
done < Tests/Budgets/host-instructions-per-forwarded-syscall.txt
echo "budgets: $pass passed, $fail failed"
[ "$fail" = 0 ]
