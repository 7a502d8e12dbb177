#!/usr/bin/env bash
# fuzz.sh — runs the libFuzzer drivers one after another (make fuzz) and prints one line each:
# inputs run, seconds, inputs per second, coverage.  Each keeps its corpus in
# BUILD/fuzz/corpus-NAME (seeded from tests/fuzz/corpus/NAME or tests/hl7/corpus), so a longer
# run goes on from where the last one stopped; a crash, leak or timeout input is kept as
# BUILD/fuzz/NAME-crash-... and printed in base64.  Exit 1 when any driver failed.
# Usage: scripts/fuzz.sh BUILD SECONDS [RUNS] [NAME...]   (RUNS: stop after that many inputs
# instead; NAME: only those drivers, e.g. api csv)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: fuzz.sh BUILD SECONDS [RUNS] [NAME...]}
secs=${2:-60}
runs=${3:-}
shift $(( $# < 3 ? $# : 3 ))
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(hl7 api query dose protocol csv)
failed=0
printf '%-9s %12s %8s %9s %8s %7s\n' driver inputs seconds inputs/s corpus cov
for name in "${names[@]}"; do
    bin=$build/fuzz/fuzz_$name
    seeds=tests/fuzz/corpus/$name maxlen=65536
    [ "$name" = hl7 ] && seeds=tests/hl7/corpus maxlen=4096
    [ "$name" = query ] && maxlen=4096
    corpus=$build/fuzz/corpus-$name
    mkdir -p "$corpus"
    if [ "$name" = hl7 ]; then # real messages in subfolders, with notes beside them
        find "$seeds" -type f \( -name '*.hl7' -o -name '*.bin' \) -exec cp -n -t "$corpus" {} +
    else
        find "$seeds" -type f -exec cp -n -t "$corpus" {} +
    fi
    dict=()
    [ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
    limit=(-max_total_time="$secs")
    [ -n "$runs" ] && limit=(-runs="$runs")
    log=$build/fuzz/$name.log
    start=$(date +%s.%N)
    "$bin" "${limit[@]}" -max_len="$maxlen" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        "${dict[@]}" -artifact_prefix="$build/fuzz/$name-" "$corpus" >"$log" 2>&1
    rc=$?
    end=$(date +%s.%N)
    done_runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    n=$(ls "$corpus" | wc -l)
    if [ "$rc" -eq 0 ] && [ -n "$done_runs" ]; then
        awk -v n="$name" -v r="$done_runs" -v a="$start" -v b="$end" -v c="$n" -v v="${cov:-?}" \
            'BEGIN { s = b - a; printf "%-9s %12d %8.0f %9.0f %8s %7s\n", n, r, s, r / s, c, v }' 
    else
        failed=1
        echo "FAIL $name (libFuzzer exit $rc); last lines of $log:"
        tail -n 30 "$log" | sed 's/^/    /'
        for f in "$build/fuzz/$name"-crash-* "$build/fuzz/$name"-leak-* \
                 "$build/fuzz/$name"-timeout-* "$build/fuzz/$name"-oom-*; do
            [ -f "$f" ] && { echo "    input $f (base64):"; base64 "$f" | head -20 | sed 's/^/    /'; }
        done
    fi
done
exit $failed
