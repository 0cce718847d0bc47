#!/usr/bin/env bash
# scripts/count-getpid.sh [EMU]
# Host instructions per forwarded getpid round trip under `emu run` (no --strace): the callgrind
# count of guests/build/linux/getpid_loop with 120,000 calls minus that with 20,000, over 100,000.
# Exact and load-independent (DESIGN.md §6), with Swift's hash seed fixed: a random seed per
# process moves the count by up to about ±20 (dictionary probes). docs/strace.md quotes it.
set -uo pipefail
cd "$(dirname "$0")/.."
EMU=${1:-.build/release/emu}
prog=guests/build/linux/getpid_loop
[ -x "$prog" ] || { echo "count-getpid: $prog not built (make -C guests linux)" >&2; exit 2; }
ir() { SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null "$EMU" run "$prog" "$1" 2>&1 </dev/null |
       sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
a=$(ir 20000); b=$(ir 120000)
[ -n "$a" ] && [ -n "$b" ] || { echo "count-getpid: valgrind or emu failed" >&2; exit 1; }
awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f host instructions per getpid round trip\n", (b - a) / 100000 }'
