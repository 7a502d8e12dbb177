#!/usr/bin/env bash
# Runs the billing, REMS and report store suites (BUILD/san/tests/test_store_billing, _rems, _report)
# against a real PostgreSQL started for this test; the SQLite runs are the unit binaries
# themselves (scripts/run-tests.sh).
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/pg_server.sh"

suites=("$(dirname "$KC_BIN")/tests/test_store_billing" "$(dirname "$KC_BIN")/tests/test_store_rems"
        "$(dirname "$KC_BIN")/tests/test_store_report")
for s in "${suites[@]}"; do
    [ -x "$s" ] || { notok "store suite binary $s is missing"; exit 0; }
done
if ! pg_start; then pg_report "billing store suites on PostgreSQL"; exit 0; fi
for s in "${suites[@]}"; do
    name=$(basename "$s")
    pg_createdb "$name" || { notok "createdb $name failed"; continue; }
    KC_TEST_DB="$PG_BASE_URL/$name" CMOCKA_MESSAGE_OUTPUT=STDOUT timeout 600 "$s" >"$TMP/pg.log" 2>&1
    rc=$?
    while read -r line; do
        case "$line" in
            "[       OK ] "*) ok "postgres $name: ${line#\[       OK \] }" ;;
            "[  FAILED  ] "*" test(s), listed below:"|"[  FAILED  ] "*" test(s).") ;;
            "[  FAILED  ] "*) notok "postgres $name: ${line#\[  FAILED  \] }" ;;
        esac
    done < <(sort -u "$TMP/pg.log" | grep -E '^\[  (     OK|FAILED ) \]')
    [ "$rc" -eq 0 ] || notok "$name on PostgreSQL exited $rc" "$(tail -n 40 "$TMP/pg.log")"
done
