#!/usr/bin/env bash
# scripts/strace-compare.sh [PROGRAM [ARGS...]]
# Runs a static Linux program (default guests/build/linux/hello) natively under strace(1) and
# under `emu run --strace=FILE`, and compares the two traces line by line (docs/strace.md).
# Exits 0 when they agree, 1 when they differ, 2 when strace, script(1), emu or the program is
# missing.
#
# emu's guest stdout is its console, a terminal; so the native run gets a terminal too: a
# pseudo-terminal from script(1), sized 24x80 as emu's console reports (TIOCGWINSZ), with stdin
# /dev/null in both runs. Native: `strace -ff -o DIR/native` (one file per process, named by its
# PID, lines without a PID prefix — what emu prints while one process is alive).
#
# What is masked before comparing, and why (keep this list short):
#   - the native first line, execve(...): under emu the roottask loads the program, nothing execs;
#   - hex numbers of 5 or more digits (0x405658, 0x7ffc…): addresses, which differ with ASLR
#     and emu's address-space layout; smaller ones (0x8, 0x10, flags) are compared;
#   - the native PID as a number (set_tid_address's result, getpid, kill, si_pid) becomes emu's
#     (1: `emu run` starts the program as init);
#   - tv_sec/tv_nsec/tv_usec values (clocks), getrandom's bytes (random);
#   - the spaces before ` = result` (strace pads to column 40; masking changes widths). emu's own
#     padding is checked separately: every `) = ` result starts at column 40 or one space after
#     the call.
# Environment: EMU (default .build/release/emu), KEEP=DIR keeps the raw and masked traces.
set -uo pipefail
cd "$(dirname "$0")/.."
EMU=${EMU:-.build/release/emu}
prog=${1:-guests/build/linux/hello}
[ $# -gt 0 ] && shift

command -v strace >/dev/null || { echo "strace-compare: strace not installed (make deps)" >&2; exit 2; }
command -v script >/dev/null || { echo "strace-compare: script(1) (util-linux) not installed" >&2; exit 2; }
[ -x "$prog" ] || { echo "strace-compare: $prog not built (make -C guests linux)" >&2; exit 2; }
[ -x "$EMU" ] || { echo "strace-compare: $EMU not found (run make build first)" >&2; exit 2; }

tmp=${KEEP:-$(mktemp -d)}
mkdir -p "$tmp"
rm -f "$tmp"/native.* "$tmp"/emu.*
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT

cmd=$(printf '%q ' strace -ff -o "$tmp/native" "$prog" "$@")
script -qec "stty rows 24 cols 80; ulimit -c 0; exec $cmd </dev/null" /dev/null >"$tmp/native.out" 2>&1
nst=$?
"$EMU" run --strace="$tmp/emu.raw" "$prog" "$@" </dev/null >"$tmp/emu.out" 2>"$tmp/emu.err"
est=$?
files=("$tmp"/native.[0-9]*)
if [ ${#files[@]} -ne 1 ] || [ ! -f "${files[0]}" ]; then
    echo "FAIL $prog: expected one native trace file, got: ${files[*]}"; exit 1
fi
pid=${files[0]##*.}
mv "${files[0]}" "$tmp/native.raw"

mask() {  # FILE [NATIVE-PID]
    sed -E -e '1{/^execve\(/d}' \
        -e "${2:+s/\\b$2\\b/1/g}" \
        -e 's/0x[0-9a-f]{5,}/0x…/g' \
        -e 's/(tv_sec|tv_nsec|tv_usec)=[0-9]+/\1=…/g' \
        -e 's/^(getrandom\()"[^"]*"/\1"…"/' \
        -e 's/^(.*\)) +(= [^=]*)$/\1 \2/' "$1"
}
mask "$tmp/native.raw" "$pid" >"$tmp/native.masked"
mask "$tmp/emu.raw" >"$tmp/emu.masked"

# emu's own column: `) = ` at column 40 (0-based) or one space after a longer call.
misaligned=$(awk 'match($0, /\) += [^=]*$/) { s = substr($0, RSTART); sp = index(s, "=") - 2; \
                   if (!((RSTART + 1 < 40 && RSTART + sp == 40) || (RSTART + 1 >= 40 && sp == 1))) print NR": "$0 }' \
             "$tmp/emu.raw" | head -3)

n=$(wc -l <"$tmp/native.masked"); e=$(wc -l <"$tmp/emu.masked")
if cmp -s "$tmp/native.masked" "$tmp/emu.masked" && [ "$nst" = "$est" ] && [ -z "$misaligned" ]; then
    echo "ok   $prog: the same $n strace lines (native exit status $nst)"
    exit 0
fi
echo "FAIL $prog: native $n lines, exit status $nst; emu $e lines, exit status $est"
[ -z "$misaligned" ] || { echo "    emu lines not aligned as strace aligns them:"; echo "$misaligned" | sed 's/^/    /'; }
diff -u --label native --label "emu run --strace" "$tmp/native.masked" "$tmp/emu.masked" | head -n 40 | sed 's/^/    /'
exit 1
