#!/usr/bin/env bash
# make bench: runs the benchmark kernels of guests/bench under `emu boot` and prints, per
# benchmark, guest instructions, host seconds, MIPS (long run) and host instructions per guest
# instruction counted with callgrind. Host instructions per guest instruction are the difference
# of two runs (iters=short and iters=0), so process start-up and the 1 GiB mapping cancel out.
# The traced columns are the same with `--trace` recording every instruction to a file under
# .build (deleted after each run): MIPS from a run of ten times the short iteration count
# (12–31 M instructions, so the fixed cost of starting the trace is small; the median of three
# runs), host instructions per instruction from callgrind as above (iters=short minus iters=0).
set -uo pipefail
cd "$(dirname "$0")/.."
EMU=.build/release/emu
B=guests/build/bench
benches=${BENCHES:-alu_loop crc32 sha256 sort memops}

trace_file=.build/bench-trace.$$
trap 'rm -f "$trace_file"' EXIT
stat_run() {  # kernel append [emu options] -> "instructions seconds"
  local k=$1 a=$2; shift 2
  "$EMU" boot "$k" --append "$a" --serial none --stats "$@" 2>&1 >/dev/null </dev/null | sed -n 's/^emu: \([0-9]*\) instructions in \([0-9.]*\) s.*/\1 \2/p'
}
ir_run() {  # kernel append [emu options] -> host instructions (callgrind total)
  local k=$1 a=$2; shift 2
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$EMU" boot "$k" --append "$a" --serial none --stats "$@" 2>&1 </dev/null \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

printf "%-10s %14s %9s %8s %16s   %12s %12s\n" benchmark "guest instr" seconds MIPS "host instr/instr" "traced MIPS" "traced h/i"
for b in $benches; do
  k=$B/$b.elf
  st=0; "$EMU" boot "$k" --append iters=short --serial none >/dev/null || st=$?
  [ "$st" = 33 ] || { echo "$b: FAILED (status $st; 33 is the pass status)"; exit 1; }
  read -r n s < <(stat_run "$k" "")
  mips=$(awk -v n="$n" -v s="$s" 'BEGIN { printf "%.0f", n / s / 1e6 }')
  if [ "${NO_CALLGRIND:-}" = 1 ]; then hpi="-"; else
    read -r n1 _ < <(stat_run "$k" "iters=0"); read -r n2 _ < <(stat_run "$k" "iters=short")
    i1=$(ir_run "$k" "iters=0" || true); i2=$(ir_run "$k" "iters=short" || true)
    hpi=$(awk -v a="$i1" -v b="$i2" -v x="$n1" -v y="$n2" 'BEGIN { printf "%.1f", (b - a) / (y - x) }')
  fi
  # Ten times the short run's iterations (guests/bench/*.c, *_SHORT_ITERS).
  case $b in alu_loop) ti=600;; crc32) ti=50;; sha256) ti=100;; sort) ti=10;; memops) ti=150;; *) ti=0;; esac
  runs=""
  for _ in 1 2 3; do
    read -r tn ts < <(stat_run "$k" "iters=$ti" --trace "$trace_file")
    rm -f "$trace_file"
    runs="$runs $(awk -v n="$tn" -v s="$ts" 'BEGIN { printf "%.1f", n / s / 1e6 }')"
  done
  tmips=$(echo $runs | tr ' ' '\n' | sort -n | sed -n 2p)
  if [ "${NO_CALLGRIND:-}" = 1 ]; then thpi="-"; else
    t1=$(ir_run "$k" "iters=0" --trace "$trace_file" || true); t2=$(ir_run "$k" "iters=short" --trace "$trace_file" || true)
    thpi=$(awk -v a="$t1" -v b="$t2" -v x="$n1" -v y="$n2" 'BEGIN { printf "%.0f", (b - a) / (y - x) }')
  fi
  rm -f "$trace_file"
  printf "%-10s %14s %9s %8s %16s   %12s %12s\n" "$b" "$n" "$s" "$mips" "$hpi" "$tmips" "$thpi"
done

# The forwarded-syscall round trip (issue 3): a guest loop of no-op foreign syscalls answered at
# once by a host-EC handler (Sources/Hypervisor/Host/ForwardingBenchmark.swift). Nanoseconds are
# the best of three runs of 2,000,000 round trips; host instructions per round trip are the
# callgrind difference of 40,000 and 20,000 round trips (start-up cancels out).
echo
printf "%-22s %12s %14s %22s\n" "forwarded syscall" "round trips" "ns/round trip" "host instr/round trip"
best=""
for _ in 1 2 3; do
  ns=$("$EMU" bench-forwarding --iterations 2000000 | sed -n 's/.*: \([0-9.]*\) ns per round trip.*/\1/p')
  [ -n "$ns" ] || { echo "forwarding: FAILED"; exit 1; }
  best=$(awk -v a="$best" -v b="$ns" 'BEGIN { print (a == "" || b < a) ? b : a }')
done
if [ "${NO_CALLGRIND:-}" = 1 ]; then hpr="-"; else
  fw_ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$EMU" bench-forwarding --iterations "$1" 2>&1 </dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
  a=$(fw_ir 20000); b=$(fw_ir 40000)
  hpr=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.0f", (b - a) / 20000 }')
fi
printf "%-22s %12s %14s %22s\n" "host EC, MTD default" 2000000 "$best" "$hpr"
