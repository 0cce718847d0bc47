#!/usr/bin/env bash
# make -C guests linux-check: runs every case of cases.txt natively, twice, and stores the
# transcript (stdout + "--- exit status N") in OUTDIR/<id>.expected. Fails if a run is not
# deterministic or a program does not exit with status 0.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: native-check.sh OUTDIR}
. "$here/cases.sh"
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
while IFS='|' read -r id prog test env args; do
    linux_run_case native "$out/$prog" "$env" "$args" "$tmp/a" "$tmp/a.err"
    linux_run_case native "$out/$prog" "$env" "$args" "$tmp/b" "$tmp/b.err"
    if ! cmp -s "$tmp/a" "$tmp/b"; then
        echo "FAIL $id: two native runs differ"; diff "$tmp/a" "$tmp/b" | head -10; fail=1
    elif [ "$(tail -n 1 "$tmp/a")" != "--- exit status 0" ]; then
        echo "FAIL $id: $(tail -n 1 "$tmp/a" | sed 's/^--- //')"; head -c 2000 "$tmp/a.err"; fail=1
    else
        cp "$tmp/a" "$out/$id.expected"
        echo "ok   $id ($(($(wc -l <"$tmp/a") - 1)) lines)"
    fi
done < <(linux_cases "$here/cases.txt" 1)
exit $fail
