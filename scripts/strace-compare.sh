#!/usr/bin/env bash
# scripts/strace-compare.sh [PROGRAM [ARGS...]]
# Runs a static Linux program (default guests/build/linux/hello) natively under
# `strace -f -qq -e trace=all` and under `emu run --strace`, reduces both traces to the
# syscall names in order and diffs them. Exits 0 when they agree, 1 when they differ,
# 2 when strace, emu, `emu run` or its --strace option is missing.
# emu's trace is read from its stderr: every line that starts with NAME( (optionally after
# "[pid N] " or "N "), strace's own format; other lines are ignored. The native execve is dropped
# (under emu the loader starts the program; nothing calls execve). stdin is /dev/null and
# stdout goes to a file in both runs.
# Environment: EMU (default .build/release/emu), KEEP=DIR keeps the raw and reduced traces.
set -uo pipefail
cd "$(dirname "$0")/.."
EMU=${EMU:-.build/release/emu}
prog=${1:-guests/build/linux/hello}
[ $# -gt 0 ] && shift

command -v strace >/dev/null || { echo "strace-compare: strace not installed (make deps)" >&2; exit 2; }
[ -x "$prog" ] || { echo "strace-compare: $prog not built (make -C guests linux)" >&2; exit 2; }
[ -x "$EMU" ] || { echo "strace-compare: $EMU not found (run make build first)" >&2; exit 2; }
if ! "$EMU" --help 2>&1 | grep -Eq '^[[:space:]]+run([[:space:]]|$)'; then
    echo "strace-compare: MISSING: '$EMU run' does not exist yet; nothing was compared" >&2
    exit 2
fi
if ! "$EMU" run --help 2>&1 | grep -q -- '--strace'; then
    echo "strace-compare: MISSING: '$EMU run' has no --strace option yet; nothing was compared" >&2
    exit 2
fi

tmp=${KEEP:-$(mktemp -d)}
mkdir -p "$tmp"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT

# syscall names in order, one per line; signal deliveries become "--- SIGNAME"
names() {
    sed -E 's/^(\[pid +[0-9]+\] |[0-9]+ +)//' "$1" |
        sed -E -e 's/^(--- SIG[A-Z0-9]+) .*/\1/' -e 't' -e 's/^([a-z_][a-z0-9_]*)\(.*/\1/' -e 't' -e 'd'
}

strace -f -qq -e trace=all -o "$tmp/native.raw" "$prog" "$@" </dev/null >"$tmp/native.out"
nst=$?
"$EMU" run --strace "$prog" "$@" </dev/null >"$tmp/emu.out" 2>"$tmp/emu.raw"
est=$?
names "$tmp/native.raw" | sed '1{/^execve$/d}' >"$tmp/native.names"
names "$tmp/emu.raw" >"$tmp/emu.names"

echo "native: $(wc -l <"$tmp/native.names") syscalls, exit status $nst; emu: $(wc -l <"$tmp/emu.names") syscalls, exit status $est"
if [ ! -s "$tmp/emu.names" ]; then
    echo "FAIL: emu run --strace printed no trace lines on stderr"; head -n 10 "$tmp/emu.raw" | sed 's/^/    /'
    exit 1
fi
if cmp -s "$tmp/native.names" "$tmp/emu.names" && [ "$nst" = "$est" ]; then
    n=$(wc -l <"$tmp/native.names")
    echo "ok   $prog: the same $n syscalls in the same order$([ "$n" -le 30 ] && echo ": $(paste -sd' ' "$tmp/native.names")")"
    exit 0
fi
echo "FAIL $prog: the syscall sequences differ"
diff -u --label native --label "emu run --strace" "$tmp/native.names" "$tmp/emu.names" | head -n 40 | sed 's/^/    /'
[ "$nst" = "$est" ] || echo "    exit status: native $nst, emu $est"
exit 1
