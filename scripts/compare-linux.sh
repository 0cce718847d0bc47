#!/usr/bin/env bash
# scripts/compare-linux.sh [--all] [ID...]
# Runs the cases of guests/linux/cases.txt natively and under `emu run` (stdin </dev/null)
# and compares stdout's bytes and the exit status. Prints "ok ID" or "FAIL ID" with a diff
# excerpt and emu's stderr; exits 1 if any case fails, 2 if `emu run` does not exist.
#   --all   also the cases marked test = no (full-length benchmarks)
#   ID...   only these cases
# Environment: EMU (default .build/release/emu), LINUX_TIMEOUT (seconds per run, default 120),
# KEEP=DIR keeps every transcript (<id>.native, <id>.emu, <id>.emu.err) in DIR.
# Needs `make -C guests linux` first.
set -uo pipefail
cd "$(dirname "$0")/.."
EMU=${EMU:-.build/release/emu}
BIN=guests/build/linux
. guests/linux/cases.sh

all=0
only=()
for a in "$@"; do
    case $a in
        --all) all=1 ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "compare-linux: unknown option $a" >&2; exit 64 ;;
        *) only+=("$a") ;;
    esac
done

if [ ! -x "$EMU" ]; then
    echo "compare-linux: $EMU not found (run make build first)" >&2
    exit 2
fi
# `emu run` is the Linux personality's command (issue 4); until it exists nothing can be compared.
if ! "$EMU" --help 2>&1 | grep -Eq '^[[:space:]]+run([[:space:]]|$)'; then
    echo "compare-linux: MISSING: '$EMU run' does not exist yet ($EMU --help lists no 'run' subcommand); no case was compared" >&2
    exit 2
fi

tmp=${KEEP:-$(mktemp -d)}
mkdir -p "$tmp"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
while IFS='|' read -r id prog test env args; do
    if [ ${#only[@]} -gt 0 ]; then
        keep=0; for o in "${only[@]}"; do [ "$o" = "$id" ] && keep=1; done
        [ $keep = 1 ] || continue
    fi
    if [ ! -x "$BIN/$prog" ]; then
        echo "FAIL $id: $BIN/$prog not built (make -C guests linux)"; fail=$((fail + 1)); continue
    fi
    linux_run_case native "$BIN/$prog" "$env" "$args" "$tmp/$id.native" "$tmp/$id.native.err"
    linux_run_case emu "$BIN/$prog" "$env" "$args" "$tmp/$id.emu" "$tmp/$id.emu.err"
    if cmp -s "$tmp/$id.native" "$tmp/$id.emu"; then
        echo "ok   $id"; pass=$((pass + 1))
    else
        echo "FAIL $id: $prog $args"; fail=$((fail + 1))
        diff -u --label native --label "emu run" "$tmp/$id.native" "$tmp/$id.emu" | head -n 30 | sed 's/^/    /'
        if [ -s "$tmp/$id.emu.err" ]; then
            echo "    emu stderr:"; head -n 10 "$tmp/$id.emu.err" | sed 's/^/      /'
        fi
    fi
done < <(linux_cases guests/linux/cases.txt "$all")
echo "linux programs: $pass passed, $fail failed"
[ -n "${KEEP:-}" ] && echo "transcripts in $tmp"
[ $fail = 0 ] && [ $pass -gt 0 ]
