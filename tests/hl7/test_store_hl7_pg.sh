#!/usr/bin/env bash
# Runs the HL7 store suite (BUILD/san/tests/test_store_hl7: schema v2, store_hl7_ingest, the
# review queue) against a throw-away PostgreSQL (tests/store/pg_server.sh); scripts/run-tests.sh
# runs the same binary on SQLite.
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/../store/pg_server.sh"
s="$(dirname "$KC_BIN")/tests/test_store_hl7"
[ -x "$s" ] || { notok "test_store_hl7 is missing"; exit 0; }
if ! pg_start; then pg_report "HL7 store suite on PostgreSQL"; exit 0; fi
pg_createdb test_store_hl7 || { notok "createdb failed"; exit 0; }
KC_TEST_DB="$PG_BASE_URL/test_store_hl7" CMOCKA_MESSAGE_OUTPUT=STDOUT timeout 600 "$s" >"$TMP/pg.log" 2>&1
rc=$?
while read -r line; do
    case "$line" in
        "[       OK ] "*) ok "postgres test_store_hl7: ${line#\[       OK \] }" ;;
        "[  FAILED  ] "*" test(s), listed below:"|"[  FAILED  ] "*" test(s).") ;;
        "[  FAILED  ] "*) notok "postgres test_store_hl7: ${line#\[  FAILED  \] }" ;;
    esac
done < <(sort -u "$TMP/pg.log" | grep -E '^\[  (     OK|FAILED ) \]')
[ "$rc" -eq 0 ] || notok "test_store_hl7 on PostgreSQL exited $rc" "$(tail -n 40 "$TMP/pg.log")"
