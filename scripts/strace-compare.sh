#!/usr/bin/env bash
# scripts/strace-compare.sh [PROGRAM [ARGS...]]
# scripts/strace-compare.sh --image multi|wake
# Runs a static Linux program (default guests/build/linux/hello) natively under `strace -f -o
# FILE` and under `emu run --strace=FILE`, and compares the two traces line by line
# (docs/strace.md). With --image, boots guests/build/images/NAME.img with `emu boot --strace=FILE`
# and compares each process's lines with the same programs run natively under one `strace -f -o`.
# Exits 0 when they agree, 1 when they differ, 2 when strace, script(1), emu or the program is
# missing.
#
# emu's guest stdout is its console, a terminal; so the native run gets a terminal too: a
# pseudo-terminal from script(1), sized 24x80 as emu's console reports (TIOCGWINSZ), with stdin
# /dev/null in both runs. Both traces are files, so every line starts with its PID as `%-5d `
# (strace's printleader with -f -o FILE; emu checks its own prefix separately).
#
# What is masked before comparing, and why (keep this list short):
#   - the native lines up to a process's successful execve(...): under emu the roottask loads
#     the program, nothing execs (with --image also the shell that starts the programs, whose
#     PID runs no program of the image);
#   - the PID prefix's padding, and native PIDs as numbers (in the prefix, set_tid_address's
#     result, getpid, kill, si_pid): each becomes the PID of the same program under emu (1 for
#     `emu run`; in an image init is 1 and the others follow in boot.json's order);
#   - hex numbers of 5 or more digits (0x405658, 0x7ffc…): addresses, which differ with ASLR
#     and emu's address-space layout; smaller ones (0x8, 0x10, flags) are compared;
#   - tv_sec/tv_nsec/tv_usec values (clocks), getrandom's bytes (random);
#   - the spaces before ` = result` (strace pads to column 40; masking changes widths). emu's own
#     padding is checked separately: every `) = ` result starts at column 40 or one space after
#     the call, every line starts with `%-5d ` of its PID;
#   - native `<unfinished ...>` / `<... NAME resumed>` pairs are joined into one line: emu prints
#     a call that blocks once, when it ends (docs/strace.md);
#   - --image wake only: the sender polls for the waiter's files, `access("/tmp/emu-wake-N",
#     F_OK) = -1 ENOENT` and `sched_yield() = 0`, a number of times (zero or more) that depends on
#     timing; those lines are dropped from both traces (the successful access stays).
# Only each process's own lines are compared, in order: how two processes' lines interleave
# depends on the host's (or emu's) scheduling. The native Hedron-ABI program of the multi image
# has no native counterpart; its PID's lines are listed but not compared.
# Environment: EMU (default .build/release/emu), KEEP=DIR keeps the raw and masked traces.
set -uo pipefail
cd "$(dirname "$0")/.."
EMU=${EMU:-.build/release/emu}
L=guests/build/linux

command -v strace >/dev/null || { echo "strace-compare: strace not installed (make deps)" >&2; exit 2; }
command -v script >/dev/null || { echo "strace-compare: script(1) (util-linux) not installed" >&2; exit 2; }
[ -x "$EMU" ] || { echo "strace-compare: $EMU not found (run make build first)" >&2; exit 2; }

tmp=${KEEP:-$(mktemp -d)}
mkdir -p "$tmp"
rm -f "$tmp"/native.* "$tmp"/emu.*
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT

# The emu processes and the native programs they are: `EMU-PID REGEX` pairs, REGEX matching the
# argv of the native process's last execve. `image`, `driver` (a shell command run natively under
# strace; $0 is guests/build/linux), `uncompared` (emu PIDs without a native counterpart).
image="" polls=""
if [ "${1:-}" = "--image" ]; then
    image=${2:?--image NAME}
    case "$image" in
    multi)   # guests/images/multi/boot.json; the same commands as scripts/check-multi-image.sh
        driver='env -i EMU_T_IMAGE=multi "$0"/args from the multi image & env -i EMU_T_ROLE=init "$0"/args init; wait'
        pairs=('1 /args", "init"\]' '3 /args", "from", "the", "multi", "image"\]')
        uncompared="2" ;;
    wake)    # guests/images/wake/boot.json: `wake kill 1` sends to init, natively to the waiter
        # Both are children of the shell, as both are the roottask's under emu (a waiter that is
        # the sender's child would send it SIGCHLD).
        driver='"$0"/wake wait & "$0"/wake kill $!; wait'
        pairs=('1 /wake", "wait"\]' '2 /wake", "kill", "[0-9]+"\]')
        uncompared="" polls='^(sched_yield\(\) = 0|access\("/tmp/emu-wake-[0-9]", F_OK\) = -1 ENOENT .*)$' ;;
    *) echo "strace-compare: no native driver for image $image (multi, wake)" >&2; exit 2 ;;
    esac
    what=guests/build/images/$image.img
    [ -f "$what" ] || { echo "strace-compare: $what not built (make guests)" >&2; exit 2; }
    [ -x "$L/args" ] && [ -x "$L/wake" ] || { echo "strace-compare: $L not built (make -C guests linux)" >&2; exit 2; }
    cmd=$(printf '%q ' strace -f -o "$tmp/native.raw" sh -c "$driver" "$L")
    emu=("$EMU" boot "$what" --strace="$tmp/emu.raw")
else
    prog=${1:-$L/hello}
    [ $# -gt 0 ] && shift
    [ -x "$prog" ] || { echo "strace-compare: $prog not built (make -C guests linux)" >&2; exit 2; }
    what=$prog
    cmd=$(printf '%q ' strace -f -o "$tmp/native.raw" "$prog" "$@")
    emu=("$EMU" run --strace="$tmp/emu.raw" "$prog" "$@")
    pairs=('1 .') uncompared=""
fi

script -qec "stty rows 24 cols 80; ulimit -c 0; exec $cmd </dev/null" /dev/null >"$tmp/native.out" 2>&1
nst=$?
timeout 600 "${emu[@]}" </dev/null >"$tmp/emu.out" 2>"$tmp/emu.err"
est=$?
[ -s "$tmp/native.raw" ] || { echo "FAIL $what: no native trace"; exit 1; }

# Native: `<unfinished ...>` joined with its `<... resumed>` (at the resumed line's place; nothing
# of the same PID comes between them), then per PID only the lines after its last successful
# execve, and the PID of the program's last execve argv paired with an emu PID.
awk '
    { pid = $1; rest = substr($0, index($0, " ") + 1); sub(/^ +/, "", rest) }
    rest ~ / <unfinished \.\.\.>$/ { sub(/ <unfinished \.\.\.>$/, "", rest); open[pid] = rest; next }
    rest ~ /^<\.\.\. [a-z0-9_]+ resumed>/ && (pid in open) { sub(/^<\.\.\. [a-z0-9_]+ resumed>/, "", rest); rest = open[pid] rest; delete open[pid] }
    { print pid " " rest }' "$tmp/native.raw" >"$tmp/native.joined"
declare -A native_of   # emu PID -> native PID
sedmap=()
for p in "${pairs[@]}"; do
    e=${p%% *} re=${p#* }
    n=$(grep -E '^[0-9]+ execve\(.*\) += 0$' "$tmp/native.joined" | grep -E "execve\(\"[^\"]*\", \[\"[^]]*$re" | cut -d' ' -f1 | sort -u)
    if [ "$(echo "$n" | grep -c .)" != 1 ]; then
        echo "FAIL $what: no single native process for emu PID $e (execve argv matching $re): '${n//$'\n'/ }'"; exit 1
    fi
    native_of[$e]=$n
    sedmap+=(-e "s/\\b$n\\b/$e/g")
done

mask() {  # the lines of one process, prefix stripped, with native PIDs mapped
    sed -E "${sedmap[@]}" \
        -e 's/0x[0-9a-f]{5,}/0x…/g' \
        -e 's/(tv_sec|tv_nsec|tv_usec)=[0-9]+/\1=…/g' \
        -e 's/^(getrandom\()"[^"]*"/\1"…"/' \
        -e 's/^(.*\)) +(= [^=]*)$/\1 \2/' |
    if [ -n "$polls" ]; then grep -Ev "$polls"; else cat; fi
}
lines_of() {  # FILE PID -> that PID's lines without the prefix
    awk -v p="$2" '$1 == p { s = substr($0, index($0, " ") + 1); sub(/^ +/, "", s); print s }' "$1"
}

# emu's own format: `%-5d ` before every line, `) = ` at column 40 (0-based; the prefix counts) or
# one space after a longer call.
misaligned=$(awk '{ want = sprintf("%-5d ", $1); if ($1 !~ /^[0-9]+$/ || substr($0, 1, length(want)) != want || substr($0, length(want) + 1, 1) == " ") { print NR": "$0; next } }
                  match($0, /\) += [^=]*$/) { s = substr($0, RSTART); sp = index(s, "=") - 2; \
                   if (!((RSTART + 1 < 40 && RSTART + sp == 40) || (RSTART + 1 >= 40 && sp == 1))) print NR": "$0 }' \
             "$tmp/emu.raw" | head -3)

ok=1 report=""
for e in $(printf '%s\n' "${!native_of[@]}" | sort -n); do
    n=${native_of[$e]}
    lines_of "$tmp/native.joined" "$n" | awk '/^execve\(.*\) += 0$/ { buf = ""; next } { buf = buf $0 "\n" } END { printf "%s", buf }' |
        mask >"$tmp/native.$e.masked"
    lines_of "$tmp/emu.raw" "$e" | mask >"$tmp/emu.$e.masked"
    c=$(wc -l <"$tmp/native.$e.masked")
    if cmp -s "$tmp/native.$e.masked" "$tmp/emu.$e.masked"; then
        report+="pid $e: $c lines; "
    else
        ok=0
        echo "FAIL $what: pid $e (native $n): native $c lines, emu $(wc -l <"$tmp/emu.$e.masked") lines"
        diff -u --label "native pid $n" --label "emu pid $e" "$tmp/native.$e.masked" "$tmp/emu.$e.masked" | head -n 40 | sed 's/^/    /'
    fi
done
# Every emu PID is either compared or known to have no native counterpart.
for e in $(awk '{ print $1 }' "$tmp/emu.raw" | sort -un); do
    [ -n "${native_of[$e]:-}" ] && continue
    if [[ " $uncompared " == *" $e "* ]]; then
        report+="pid $e not compared ($(lines_of "$tmp/emu.raw" "$e" | paste -sd' ')); "
    else
        ok=0; echo "FAIL $what: emu pid $e has no native counterpart"
    fi
done

if [ "$ok" = 1 ] && [ "$nst" = "$est" ] && [ -z "$misaligned" ]; then
    echo "ok   $what: the same strace lines, ${report%; } (native exit status $nst)"
    exit 0
fi
[ "$nst" = "$est" ] || echo "FAIL $what: native exit status $nst, emu exit status $est"
[ -z "$misaligned" ] || { echo "FAIL $what: emu lines not prefixed or aligned as strace -f -o does:"; echo "$misaligned" | sed 's/^/    /'; }
exit 1
