# cases.sh — sourced by native-check.sh and scripts/compare-linux.sh (bash).
# Reads cases.txt and runs one case, writing its transcript: stdout's bytes followed by the
# line "--- exit status N" (so a missing final newline still shows).

# linux_cases FILE ALL -> lines "id|program|test|env|args" with the columns trimmed
# (ALL=1: every case; otherwise only those with test = yes)
linux_cases() {
    local file=$1 all=${2:-0}
    sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' -e 's/[[:space:]]*|[[:space:]]*/|/g' \
        -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$file" |
        awk -F'|' -v all="$all" 'all == 1 || $3 == "yes"'
}

# linux_run_case MODE BIN ENV ARGS TRANSCRIPT STDERR
#   MODE native: env -i ENV BIN ARGS
#   MODE emu:    $EMU run --env K=V... BIN ARGS   (EMU must be set)
# Exit status 124 means the run hit LINUX_TIMEOUT (seconds, default 120).
linux_run_case() {
    local mode=$1 bin=$2 env=$3 args=$4 out=$5 err=$6 st kv
    local -a envs=() emuenv=()
    for kv in $env; do envs+=("$kv"); emuenv+=(--env "$kv"); done
    eval "set -- $args"
    if [ "$mode" = native ]; then
        timeout "${LINUX_TIMEOUT:-120}" env -i "${envs[@]}" "$bin" "$@" </dev/null >"$out" 2>"$err"
    else
        timeout "${LINUX_TIMEOUT:-120}" "$EMU" run "${emuenv[@]}" "$bin" "$@" </dev/null >"$out" 2>"$err"
    fi
    st=$?
    printf -- '--- exit status %d\n' "$st" >>"$out"
    return 0
}
