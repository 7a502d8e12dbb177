#!/usr/bin/env bash
# test_fuzz.sh — a short libFuzzer run (20 s) of the HL7 parser, ORU reader, ACK builder and MLLP
# reader (tests/hl7/fuzz_hl7.c) from the seed corpus tests/hl7/corpus/.  Skips, saying why, when
# clang's libFuzzer is not installed.  `make fuzz` runs it longer.
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${KC_FUZZ_SECONDS:-20}
build=$(dirname "$(dirname "${KC_BIN:?run through scripts/run-tests.sh}")")
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
    >"$probe/p.c"
if ! command -v clang >/dev/null || ! clang -fsanitize=fuzzer,address "$probe/p.c" -o "$probe/p" 2>/dev/null; then
    echo "skip - hl7 parser fuzzing (clang with libFuzzer is not installed: apt-get install clang)"
    exit 0
fi
if ! make -s --no-print-directory BUILD="$build" fuzz-build >"$probe/build.log" 2>&1; then
    cat "$probe/build.log"
    echo "not ok - hl7 fuzz target builds"
    exit 0
fi
echo "ok - hl7 fuzz target builds"
mkdir -p "$probe/corpus"
find tests/hl7/corpus -type f -name "*.hl7" -o -type f -name "*.bin" | while read -r f; do cp "$f" "$probe/corpus/$(echo "$f" | tr / _)"; done
"$build/fuzz/fuzz_hl7" -max_total_time="$secs" -max_len=4096 -timeout=10 \
    -artifact_prefix="$probe/" "$probe/corpus" >"$probe/log" 2>&1
rc=$?
runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$probe/log")
if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
    echo "ok - hl7 parser fuzzing for ${secs} s: $runs inputs, no crash, no sanitizer report"
else
    tail -n 40 "$probe/log"
    for f in "$probe"/crash-* "$probe"/leak-* "$probe"/timeout-*; do
        [ -f "$f" ] && { echo "input that failed (base64):"; base64 "$f" | head -20; }
    done
    echo "not ok - hl7 parser fuzzing (libFuzzer exit $rc)"
fi
