#!/usr/bin/env bash
# Runs the store suite (build/san/tests/test_store) against a real PostgreSQL started for this
# test; the SQLite run is the unit binary itself, run by scripts/run-tests.sh.
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/pg_server.sh"

suite="$(dirname "$KC_BIN")/tests/test_store"
if [ ! -x "$suite" ]; then notok "store suite binary $suite is missing"; exit 0; fi

if ! pg_start; then skip "store suite on PostgreSQL ($PG_SKIP)"; exit 0; fi
ok "throw-away PostgreSQL server started ($PG_URL)"

KC_TEST_DB="$PG_URL" CMOCKA_MESSAGE_OUTPUT=STDOUT timeout 600 "$suite" >"$TMP/pg.log" 2>&1
rc=$?
# one line per cmocka test, so each counts on its own
while read -r line; do
    case "$line" in
        "[       OK ] "*) ok "postgres: ${line#\[       OK \] }" ;;
        "[  FAILED  ] "*" test(s), listed below:"|"[  FAILED  ] "*" test(s).") ;;
        "[  FAILED  ] "*) notok "postgres: ${line#\[  FAILED  \] }" ;;
        "[  SKIPPED ] "*" test(s)"*) ;;
        "[  SKIPPED ] "*) skip "postgres: ${line#\[  SKIPPED \] } (see the suite's message)" ;;
    esac
done < <(sort -u "$TMP/pg.log" | grep -E '^\[  (     OK|FAILED |SKIPPED) \]')
if [ "$rc" -ne 0 ]; then notok "store suite on PostgreSQL exited $rc" "$(tail -n 40 "$TMP/pg.log")"; fi
