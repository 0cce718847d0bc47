#!/usr/bin/env bash
# Debian's busybox-static (glibc, static) running applets that do not fork, natively and under
# `emu run`, in the same directory (mounted into the guest at /d, with the host's /etc read-only
# for user names): stdout and exit status must be identical. Exits 1 on a difference, 2 when
# busybox is not installed (make deps installs busybox-static).
set -uo pipefail
cd "$(dirname "$0")/.."
EMU=${EMU:-.build/release/emu}
BB=${BUSYBOX:-/bin/busybox}
[ -x "$BB" ] && file "$BB" | grep -q "statically linked" || { echo "compare-busybox: no static $BB (install busybox-static)" >&2; exit 2; }
d=$(mktemp -d); trap 'rm -rf "$d" "$d.n" "$d.e"' EXIT
printf 'banana\napple\ncherry\napple\n10 20\n' > "$d/fruit.txt"
printf 'a,b,c\n1,2,3\n' > "$d/table.csv"
mkdir -p "$d/sub" && printf 'x\n' > "$d/sub/x.txt"
touch -d @0 "$d/fruit.txt" "$d/table.csv" "$d/sub/x.txt" "$d/sub"
pass=0; fail=0
run_case() {  # applet args... — each run in its own copy of the directory (applets change it)
  local n e sn se
  rm -rf "$d.n" "$d.e"; cp -a "$d" "$d.n"; cp -a "$d" "$d.e"
  n=$(cd "$d.n" && env -i "$BB" "$@" <"$d/fruit.txt" 2>/dev/null); sn=$?
  e=$("$EMU" run --mount "$d.e:/d" --mount /etc:/etc:ro --cwd /d "$BB" "$@" <"$d/fruit.txt" 2>/dev/null); se=$?
  if [ "$n" = "$e" ] && [ "$sn" = "$se" ]; then pass=$((pass+1)); echo "ok   busybox $*"
  else fail=$((fail+1)); echo "FAIL busybox $* (status native $sn, emu $se)"; diff <(echo "$n") <(echo "$e") | head -8 | sed 's/^/    /'; fi
}
run_case echo hello world
run_case cat fruit.txt
run_case ls -l
run_case ls -l sub
run_case wc fruit.txt
run_case sort fruit.txt
run_case sha256sum fruit.txt
run_case md5sum fruit.txt
run_case seq 3 7
run_case head -n 2 fruit.txt
run_case tail -n 2 fruit.txt
run_case grep an fruit.txt
run_case sed 's/a/A/g' fruit.txt
run_case awk '{ s += length($0) } END { print s }' fruit.txt
run_case tr a-z A-Z
run_case cut -d, -f2 table.csv
run_case od -c table.csv
run_case expr 6 '*' 7
run_case printf '%05d %s\n' 42 x
run_case basename /x/y.txt .txt
run_case uname -m
run_case env
run_case cp fruit.txt copy.txt
run_case mv table.csv moved.csv
run_case rm -r sub
run_case mkdir -p a/b/c
run_case mkdir made
run_case rm -f nothing
echo "busybox applets: $pass passed, $fail failed"
[ "$fail" = 0 ]
