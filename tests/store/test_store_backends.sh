#!/usr/bin/env bash
# Runs the store suites (BUILD/san/tests/test_store, test_store_ledger, and the kill test of
# test_store_faults) against a real PostgreSQL
# started for this test; the SQLite runs are the unit binaries themselves (scripts/run-tests.sh).
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/pg_server.sh"

suites=("$(dirname "$KC_BIN")/tests/test_store" "$(dirname "$KC_BIN")/tests/test_store_ledger"
        "$(dirname "$KC_BIN")/tests/test_store_faults" "$(dirname "$KC_BIN")/tests/test_store_audit_async"
        "$(dirname "$KC_BIN")/tests/test_torture")
for s in "${suites[@]}"; do
    [ -x "$s" ] || { notok "store suite binary $s is missing"; exit 0; }
done

if ! pg_start; then pg_report "store suites on PostgreSQL"; exit 0; fi
ok "throw-away PostgreSQL server started ($PG_URL)"

for s in "${suites[@]}"; do
    name=$(basename "$s")
    # a database per suite: each suite run has its own audit key
    pg_createdb "$name" || { notok "createdb $name failed"; continue; }
    KC_TEST_DB="$PG_BASE_URL/$name" CMOCKA_MESSAGE_OUTPUT=STDOUT timeout 600 "$s" >"$TMP/pg.log" 2>&1
    rc=$?
    # one line per cmocka test, so each counts on its own
    while read -r line; do
        case "$line" in
            "[       OK ] "*) ok "postgres $name: ${line#\[       OK \] }" ;;
            "[  FAILED  ] "*" test(s), listed below:"|"[  FAILED  ] "*" test(s).") ;;
            "[  FAILED  ] "*) notok "postgres $name: ${line#\[  FAILED  \] }" ;;
            "[  SKIPPED ] "*" test(s)"*) ;;
            "[  SKIPPED ] "*) skip "postgres $name: ${line#\[  SKIPPED \] } (see the suite's message)" ;;
        esac
    done < <(sort -u "$TMP/pg.log" | grep -E '^\[  (     OK|FAILED |SKIPPED) \]')
    if [ "$rc" -ne 0 ]; then
        notok "$name on PostgreSQL exited $rc" "$(tail -n 40 "$TMP/pg.log")"
    fi
done
