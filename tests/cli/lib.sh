# Helpers for shell tests: each check prints "ok - NAME" or "not ok - NAME" (scripts/run-tests.sh
# counts them).  KC_BIN is the sanitizer build of the ketaclinic binary.
: "${KC_BIN:?run through scripts/run-tests.sh}"
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

ok()     { echo "ok - $1"; }
notok()  { echo "not ok - $1"; shift; for l in "$@"; do echo "    $l"; done; }
skip()   { echo "skip - $1"; }

# run_kc NAME EXPECTED_STATUS ARGS... : runs ketaclinic, keeps stdout in $TMP/out, stderr in $TMP/err
run_kc() {
    local name=$1 want=$2; shift 2
    "$KC_BIN" "$@" >"$TMP/out" 2>"$TMP/err"; local rc=$?
    if [ "$rc" -eq "$want" ]; then ok "$name (exit $rc)"; return 0; fi
    notok "$name: exit $rc, wanted $want" "args: $*" "stderr: $(head -c 400 "$TMP/err")"
    return 1
}
# expect_out NAME REGEX : stdout of the last run_kc matches the extended regex
expect_out() {
    if grep -Eq -- "$2" "$TMP/out"; then ok "$1"; else notok "$1" "no match for /$2/ in:" "$(head -c 600 "$TMP/out")"; fi
}
expect_err() {
    if grep -Eq -- "$2" "$TMP/err"; then ok "$1"; else notok "$1" "no match for /$2/ in stderr:" "$(head -c 600 "$TMP/err")"; fi
}
