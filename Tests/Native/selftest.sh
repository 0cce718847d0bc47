#!/bin/sh
# Build snippet_runner into a temp dir and run the end-to-end self-test.
# Usage: Tests/Native/selftest.sh            (exit status 0 = all passed)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-gcc} -O2 -Wall -Wextra -Werror -o "$tmp/snippet_runner" "$here/snippet_runner.c"
python3 "$here/selftest.py" "$tmp/snippet_runner"
