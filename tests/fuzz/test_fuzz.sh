#!/usr/bin/env bash
# test_fuzz.sh — a short libFuzzer run of each parser driver in tests/fuzz/ (API bodies, query
# arguments and FHIR search parameters, dose strings, protocol and screening JSON, covariate
# CSV; the HL7 driver has tests/hl7/test_fuzz.sh) from the seed corpora, KC_FUZZ_SECONDS each
# (default 8).  Skips, saying why, when clang's libFuzzer is not installed.  `make fuzz` runs
# them longer; docs/security.md has the figures of the long run.
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${KC_FUZZ_SECONDS:-8}
build=$(dirname "$(dirname "${KC_BIN:?run through scripts/run-tests.sh}")")
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
    >"$probe/p.c"
if ! command -v clang >/dev/null || ! clang -fsanitize=fuzzer,address "$probe/p.c" -o "$probe/p" 2>/dev/null; then
    echo "skip - parser fuzzing (clang with libFuzzer is not installed: apt-get install clang)"
    exit 0
fi
drivers=(api query dose protocol csv)
if ! make -s --no-print-directory BUILD="$build" "${drivers[@]/#/$build/fuzz/fuzz_}" \
        >"$probe/build.log" 2>&1; then
    tail -n 40 "$probe/build.log"
    echo "not ok - fuzz drivers build"
    exit 0
fi
echo "ok - fuzz drivers build (${drivers[*]})"
for d in "${drivers[@]}"; do
    # a fresh copy of the seeds, so make check does not depend on an earlier run's corpus
    work=$probe/$d
    mkdir -p "$work/fuzz"
    ln -s "$(cd "$build" && pwd)/fuzz/fuzz_$d" "$work/fuzz/fuzz_$d"
    if bash scripts/fuzz.sh "$work" "$secs" "" "$d" >"$probe/$d.out" 2>&1; then
        line=$(grep "^$d " "$probe/$d.out")
        echo "ok - $d fuzzing for ${secs} s, no crash, no sanitizer report: $line"
    else
        cat "$probe/$d.out"
        echo "not ok - $d fuzzing"
    fi
done
