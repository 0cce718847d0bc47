#!/usr/bin/env bash
# scripts/check-trace-golden.sh [--update]
# The golden trace (issue 5): records `guests/build/linux/hello` with `emu run --trace`, prints the
# complete path of its 4th syscall (musl's printf → writev(1, …)) with `emu trace show --path 4`,
# checks that the path shows, in order, the `syscall` instruction, the trap, the foreign check,
# the portal lookup, the UTCB load, the personality's `writev(1, …) = 35`, the reply, the resume
# and the next user instruction, and diffs the whole text against Tests/Golden/trace-hello-path.txt
# (emu is deterministic: addresses and values are the same on every run).
#   --update   rewrite the golden file from this run (after a deliberate format change)
# Environment: EMU (default .build/release/emu), KEEP=DIR keeps the trace and the output.
set -uo pipefail
cd "$(dirname "$0")/.."
EMU=${EMU:-.build/release/emu}
prog=guests/build/linux/hello
golden=Tests/Golden/trace-hello-path.txt
[ -x "$prog" ] || { echo "trace-golden: $prog not built (make -C guests linux)" >&2; exit 2; }
[ -x "$EMU" ] || { echo "trace-golden: $EMU not found (make build)" >&2; exit 2; }
tmp=${KEEP:-$(mktemp -d)}
mkdir -p "$tmp"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT

"$EMU" run --trace "$tmp/hello.trace" "$prog" >"$tmp/stdout" </dev/null || { echo "FAIL trace-golden: emu run --trace failed"; exit 1; }
grep -q "Hello from a static Linux program" "$tmp/stdout" || { echo "FAIL trace-golden: hello's output is missing"; exit 1; }
"$EMU" trace show "$tmp/hello.trace" --path 4 >"$tmp/path.txt" || { echo "FAIL trace-golden: emu trace show failed"; exit 1; }

# The steps in order: each pattern must match a line after the previous match.
steps=(
  'syscall instruction|^ +[0-9]+  hello/main +c3 [0-9a-f]{16}  0f 05 +syscall'
  'trap|^ +hv  trap: syscall from hello/main'
  'foreign check|^ +hv  foreign check: PD hello is foreign, NSCT clear -> forward'
  'portal lookup|^ +hv  portal lookup: selector 0x[0-9a-f]+ -> PT id=0x[0-9a-f]+ handler root/linux-syscalls'
  'UTCB load|^ +hv  UTCB load into root/linux-syscalls \(MTD 0x[0-9a-f]+\): rax=0x14 '
  'personality writev|^ +personality  writev\(1, .*\) = 35$'
  'reply|^ +hv  reply from root/linux-syscalls to hello/main .*rax=0x23 '
  'resume|^ +hv  resume hello/main \(iret\)'
  'next user instruction|^ +[0-9]+  hello/main +c3 [0-9a-f]{16}  '
)
line=0
for s in "${steps[@]}"; do
  name=${s%%|*}; re=${s#*|}
  n=$(tail -n +$((line + 1)) "$tmp/path.txt" | grep -nE -m1 "$re" | cut -d: -f1)
  if [ -z "$n" ]; then
    echo "FAIL trace-golden: no '$name' after line $line of the path:"; cat "$tmp/path.txt"; exit 1
  fi
  line=$((line + n))
done
[ "$line" = "$(wc -l <"$tmp/path.txt")" ] || { echo "FAIL trace-golden: the path goes on after the next user instruction"; cat "$tmp/path.txt"; exit 1; }

# The recording windows on the same program: --trace-syscall keeps the writev path and a few
# instructions around it; --trace-pd hello keeps no instruction of another PD.
insns() { "$EMU" trace show "$1" | grep -cE '^ +[0-9]+  \S+ +c[0-3] '; }
"$EMU" run --trace "$tmp/writev.trace" --trace-syscall writev "$prog" >/dev/null </dev/null || { echo "FAIL trace-golden: --trace-syscall run failed"; exit 1; }
"$EMU" trace show "$tmp/writev.trace" | grep -qE '^ +personality  writev\(1, .*\) = 35$' || { echo "FAIL trace-golden: --trace-syscall writev lost the writev"; exit 1; }
full=$(insns "$tmp/hello.trace"); window=$(insns "$tmp/writev.trace")
[ "$window" -gt 0 ] && [ "$window" -lt "$full" ] || { echo "FAIL trace-golden: --trace-syscall kept $window of $full instructions"; exit 1; }
"$EMU" run --trace "$tmp/pd.trace" --trace-pd hello "$prog" >/dev/null </dev/null || { echo "FAIL trace-golden: --trace-pd run failed"; exit 1; }
"$EMU" trace show "$tmp/pd.trace" | grep -E '^ +[0-9]+  \S+ +c[0-3] ' | grep -qv ' hello/' && { echo "FAIL trace-golden: --trace-pd hello recorded another PD's instructions"; exit 1; }

if [ "${1:-}" = --update ]; then
  cp "$tmp/path.txt" "$golden"; echo "trace-golden: wrote $golden"; exit 0
fi
if ! diff -u "$golden" "$tmp/path.txt"; then
  echo "FAIL trace-golden: the path differs from $golden (scripts/check-trace-golden.sh --update after a deliberate change)"; exit 1
fi
echo "ok   trace-golden: syscall, trap, foreign check, portal lookup, UTCB load, writev(1, …) = 35, reply, resume, next instruction; --trace-syscall writev kept $window of $full instructions"
