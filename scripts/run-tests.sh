#!/usr/bin/env bash
# Runs every test of the project and ends with one line: "N passed, N failed[, N skipped]".
#   unit tests   : cmocka binaries in BUILD/tests/ (built with ASan+UBSan)
#   shell tests  : tests/*/test_*.sh, printing "ok - …", "not ok - …" or "skip - …" lines
#   node tests   : tests/*/test_*.mjs, run with node's test runner (TAP)
# Usage: scripts/run-tests.sh BUILD_DIR [FILTER]   (FILTER: substring of the test file name)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: run-tests.sh BUILD_DIR [FILTER]}
filter=${2:-}
export KC_BIN="$PWD/$build/ketaclinic"
export KC_ROOT="$PWD"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export CMOCKA_MESSAGE_OUTPUT=STDOUT

passed=0; failed=0; skipped=0
failures=()
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT


run_unit() {
    local bin=$1 name log p f s rc
    name=$(basename "$bin"); log="$logdir/$name.log"
    timeout 600 "$bin" >"$log" 2>&1; rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed or sanitizer abort
    report "$name" "$log" "$p" "$f" "$s"
}

run_shell() {
    local script=$1 name log p f s rc
    name=${script#tests/}; log="$logdir/${name//\//_}.log"
    timeout 900 bash "$script" >"$log" 2>&1; rc=$?
    p=$(grep -c '^ok - ' "$log"); f=$(grep -c '^not ok - ' "$log"); s=$(grep -c '^skip - ' "$log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - $name exited $rc" >>"$log"; fi
    report "$name" "$log" "$p" "$f" "$s"
}

run_node() {
    local script=$1 name log p f s rc
    name=${script#tests/}; log="$logdir/${name//\//_}.log"
    timeout 900 node --test --test-reporter=tap "$script" >"$log" 2>&1; rc=$?
    p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$log" | tail -1); p=${p:-0}
    f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$log" | tail -1); f=${f:-0}
    s=$(sed -n 's/^# skipped \([0-9]*\)/\1/p' "$log" | tail -1); s=${s:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    report "$name" "$log" "$p" "$f" "$s"
}

report() {
    local name=$1 log=$2 p=$3 f=$4 s=$5
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    if [ "$f" -gt 0 ]; then
        printf 'FAIL %-40s %3d passed, %d failed\n' "$name" "$p" "$f"
        sed 's/^/    /' "$log" | tail -n 60
        failures+=("$name")
    else
        printf 'ok   %-40s %3d passed%s\n' "$name" "$p" "$([ "$s" -gt 0 ] && echo ", $s skipped")"
        grep -h '^skip - ' "$log" | sed 's/^/    /'
    fi
}

for bin in "$build"/tests/*; do
    [ -x "$bin" ] && [ -f "$bin" ] || continue
    case "$bin" in *"$filter"*) run_unit "$bin" ;; esac
done
for script in tests/*/test_*.sh; do
    [ -f "$script" ] || continue
    case "$script" in *"$filter"*) run_shell "$script" ;; esac
done
for script in tests/*/test_*.mjs; do
    [ -f "$script" ] || continue
    case "$script" in *"$filter"*) run_node "$script" ;; esac
done

if [ ${#failures[@]} -gt 0 ]; then echo "failed: ${failures[*]}"; fi
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
