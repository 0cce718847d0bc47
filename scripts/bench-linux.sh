#!/usr/bin/env bash
# make bench, Linux part (issue 4): the guests/linux benchmarks natively, under qemu-x86_64
# (Debian qemu-user, a JIT) and under `emu run`, side by side in one run. Seconds are the best of
# three; guest MIPS divide the instruction count callgrind measures on the native binary (the
# same instructions every engine executes) by each engine's seconds. Then the cost per
# forwarded getpid over native, and the CPU time of booting the demo image.
set -uo pipefail
cd "$(dirname "$0")/.."
EMU=.build/release/emu
L=guests/build/linux
QEMU=$(command -v qemu-x86_64 || true)

best3() {  # command... -> best wall seconds of three runs (stdout discarded)
  local best=""
  for _ in 1 2 3; do
    local s e
    s=$(date +%s.%N); "$@" >/dev/null 2>&1 </dev/null; e=$(date +%s.%N)
    best=$(awk -v a="$best" -v s="$s" -v e="$e" 'BEGIN { t = e - s; print (a == "" || t < a) ? t : a }')
  done
  echo "$best"
}

printf "%-14s %13s %9s %9s %9s %9s %9s %10s\n" benchmark "instructions" native qemu emu "emu MIPS" "qemu MIPS" "emu/qemu"
for b in bench_qsort bench_crc32 bench_sha256 matmul; do
  n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$L/$b" 2>&1 </dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
  tn=$(best3 "$L/$b")
  tq=$( [ -n "$QEMU" ] && best3 "$QEMU" "$L/$b" || echo 0)
  te=$(best3 "$EMU" run "$L/$b")
  st=0; "$EMU" run "$L/$b" >/dev/null 2>&1 </dev/null || st=$?
  [ "$st" = 0 ] || { echo "$b: emu run FAILED (status $st)"; exit 1; }
  awk -v b="$b" -v n="$n" -v tn="$tn" -v tq="$tq" -v te="$te" 'BEGIN {
    printf "%-14s %13.0f %8.3fs %8.3fs %8.3fs %9.0f %9.0f %10.2f\n", b, n, tn, tq, te, n / te / 1e6, (tq > 0 ? n / tq / 1e6 : 0), (tq > 0 ? te / tq : 0) }'
done

echo
N=1000000
tn=$(best3 "$L/getpid_loop" $N); tq=$( [ -n "$QEMU" ] && best3 "$QEMU" "$L/getpid_loop" $N || echo 0); te=$(best3 "$EMU" run "$L/getpid_loop" $N)
t0n=$(best3 "$L/getpid_loop" 0); t0q=$( [ -n "$QEMU" ] && best3 "$QEMU" "$L/getpid_loop" 0 || echo 0); t0e=$(best3 "$EMU" run "$L/getpid_loop" 0)
awk -v tn="$tn" -v tq="$tq" -v te="$te" -v an="$t0n" -v aq="$t0q" -v ae="$t0e" -v n="$N" 'BEGIN {
  cn = (tn - an) / n * 1e9; cq = (tq - aq) / n * 1e9; ce = (te - ae) / n * 1e9
  printf "getpid x %d: native %.0f ns, qemu-user %.0f ns (+%.0f), emu %.0f ns (+%.0f) per call\n", n, cn, cq, cq - cn, ce, ce - cn }'

img=guests/build/images/hello.img
if [ -f "$img" ]; then
  cpu=$( { /usr/bin/time -f "%e %U %S" "$EMU" boot "$img" >/dev/null 2>/dev/null; } 2>&1 | tail -1)
  ms=$(perf stat -x, -e task-clock "$EMU" boot "$img" 2>&1 >/dev/null | awk -F, '/task-clock/ { printf "%.1f", $1 }')
  echo "boot of hello.img to its exit: ${ms:-?} ms of CPU (perf task-clock)"
fi
