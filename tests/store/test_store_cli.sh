#!/usr/bin/env bash
# CLI tests of the record-keeping commands: db, user, patient, ledger, audit, backup, restore.
# Includes the tamper test (edit one audit row with the sqlite3 CLI after dropping the guard
# trigger, as an attacker would → `audit verify` fails and names the row), and the same round
# trip on a throw-away PostgreSQL server.
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/pg_server.sh"

export KC_AUDIT_KEY="$TMP/audit.key"
export KC_USER=ann KC_DB="$TMP/clinic.db"
DB="$TMP/clinic.db"

run_kc "db status on a new database" 0 db status --format json
K=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["known_version"])' "$TMP/out" 2>/dev/null)
if [ -n "$K" ] && [ "$K" -ge 1 ]; then ok "status reports the known version ($K)"; else notok "no known_version"; K=1; fi
run_kc "db status on a new database (table)" 0 db status
expect_out "status on a new database: version 0" "^schema version 0 \\(this ketaclinic knows up to $K\\)"
expect_out "status says migrations are pending" 'migrations pending'
run_kc "db migrate" 0 db migrate
expect_out "migrate applies every version in one go" "^applied [0-9]+ migration\\(s\\); schema version $K\$"
run_kc "db status after migrate" 0 db status
expect_out "status names the version" "^schema version $K \\(this ketaclinic knows up to $K\\)"
expect_out "status says up to date" '^up to date'
mode=$(stat -c %a "$KC_AUDIT_KEY" 2>/dev/null)
if [ "$mode" = 600 ]; then ok "audit key created with mode 600"; else notok "audit key mode is '$mode'"; fi

run_kc "add nurse ann" 0 user add ann --staff-role nurse --display "Ann Nurse"
run_kc "add nurse bob" 0 user add bob --staff-role nurse
run_kc "patient add" 0 patient add --mrn M-100 --family Doe --given Jane --birth-date 1980-04-30 --sex female --emergency-name "John Doe" --emergency-phone "+1 555 0100"
run_kc "patient show" 0 patient show M-100
expect_out "show prints the emergency contact" '^emergency contact John Doe \+1 555 0100'
run_kc "bad sex is refused" 2 patient add --mrn M-101 --family Roe --birth-date 1980-04-30 --sex f
expect_err "names patients.sex" 'patients\.sex'
run_kc "duplicate MRN is refused" 1 patient add --mrn M-100 --family Roe --birth-date 1980-04-30 --sex male
expect_err "names patients.mrn" 'patients\.mrn.*already exists'
run_kc "bad birth date is refused" 2 patient add --mrn M-102 --family Roe --birth-date 1980-13-01 --sex male
expect_err "names patients.birth_date" 'patients\.birth_date'

# --- ledger -------------------------------------------------------------------------------------
L="--drug ketamine --lot K2301"
run_kc "receipt" 0 ledger record receipt $L --location safe --qty 500mg --supplier "Acme, DEA AB1234567"
run_kc "waste without witness" 2 ledger record waste $L --location safe --qty 5mg
expect_err "names the witness" 'witness is required'
run_kc "waste witnessed by oneself" 2 ledger record waste $L --location safe --qty 5mg --witness ann
expect_err "asks for a second staff member" 'second staff member'
run_kc "waste with witness" 0 ledger record waste $L --location safe --qty 5mg --witness bob
run_kc "transfer" 0 ledger record transfer $L --location safe --to cart-1 --qty 100mg
run_kc "overdraw is refused" 2 ledger record transfer $L --location cart-1 --to safe --qty 100.001mg
expect_err "says balances never go negative" 'never go negative'
run_kc "adjust without reason" 2 ledger record adjust $L --location safe --qty -1mg
run_kc "fractional microgram refused" 2 ledger record receipt $L --location safe --qty 0.0001mg --supplier x
expect_err "names --qty" '--qty'
run_kc "count that agrees" 0 ledger record count $L --location cart-1 --qty 100mg --user bob
run_kc "count that disagrees" 0 ledger record count $L --location cart-1 --qty 98mg --user bob
expect_out "opens a discrepancy" 'discrepancy 1 opened'
run_kc "balance" 0 ledger balance
expect_out "safe holds 395 mg" '^ketamine +K2301 +safe +395\.000 mg$'
expect_out "cart shows the open discrepancy" '^ketamine +K2301 +cart-1 +100\.000 mg  OPEN DISCREPANCY'
run_kc "resolve without reason" 2 ledger resolve 1
run_kc "resolve" 0 ledger resolve 1 --reason "2 mg spilled on the cart, see incident 17"
run_kc "balance after resolve" 0 ledger balance --format json
n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([b["balance_ug"] for b in d if b["location"]=="cart-1"][0])' "$TMP/out" 2>&1)
if [ "$n" = 98000 ]; then ok "cart-1 is 98000 ug after resolving"; else notok "cart-1 balance '$n'"; fi
run_kc "report csv" 0 ledger report --format csv
rows=$(($(wc -l <"$TMP/out") - 1))
if [ "$rows" -eq 6 ]; then ok "report lists the 6 entries"; else notok "report lists $rows entries" "$(cat "$TMP/out")"; fi
expect_out "report carries the witness" '"waste","ketamine"|,waste,"ketamine","K2301","safe","",5000,495000,"ann","bob"'
run_kc "ledger verify" 0 ledger verify
expect_out "ledger intact" 'ledger intact: 6 entries'
run_kc "audit verify" 0 audit verify
expect_out "audit intact" 'audit log intact: [0-9]+ entries'
run_kc "audit list json" 0 audit list --format json
expect_out "failed attempts are audited" '"outcome": "failure"'
run_kc "audit list again" 0 audit list --format json
expect_out "reading the audit log is itself audited" '"resource_type": "AuditLog"'
run_kc "ledger report (table)" 0 ledger report
run_kc "audit list after the report" 0 audit list --format json
expect_out "the ledger report read is audited" '"resource_type": "LedgerReport"'

# --- the database refuses changes; an attacker who drops the trigger is caught --------------
if command -v sqlite3 >/dev/null; then
    if sqlite3 "$DB" "UPDATE audit_log SET user_name='mallory' WHERE seq=3" 2>"$TMP/sq.err"; then
        notok "sqlite3 UPDATE of audit_log was allowed"
    else
        grep -q 'append-only' "$TMP/sq.err" && ok "the database refuses UPDATE on audit_log" \
            || notok "unexpected sqlite3 error" "$(cat "$TMP/sq.err")"
    fi
    cp "$DB" "$TMP/pristine.db"
    sqlite3 "$DB" "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET user_name='mallory' WHERE seq=3;"
    run_kc "audit verify after editing entry 3" 1 audit verify
    expect_err "names entry 3" 'FAILED at entry 3: its content does not match its hash'
    cp "$TMP/pristine.db" "$DB"; rm -f "$DB-wal" "$DB-shm"
    sqlite3 "$DB" "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq=5;"
    run_kc "audit verify after deleting entry 5" 1 audit verify
    expect_err "names entry 5 as missing" 'FAILED at entry 5: entry 5 is missing'
    cp "$TMP/pristine.db" "$DB"; rm -f "$DB-wal" "$DB-shm"
    sqlite3 "$DB" "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET seq=-seq WHERE seq IN (6,7); UPDATE audit_log SET seq=7 WHERE seq=-6; UPDATE audit_log SET seq=6 WHERE seq=-7;"
    run_kc "audit verify after swapping entries 6 and 7" 1 audit verify
    expect_err "names entry 6" 'FAILED at entry 6'
    cp "$TMP/pristine.db" "$DB"; rm -f "$DB-wal" "$DB-shm"
    last=$(sqlite3 "$DB" "SELECT max(seq) FROM audit_log")
    sqlite3 "$DB" "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq=$last;"
    run_kc "audit verify after truncating the tail" 1 audit verify
    expect_err "names the lost last entry" "FAILED at entry $last: entries $last onwards are missing"
    cp "$TMP/pristine.db" "$DB"; rm -f "$DB-wal" "$DB-shm"
    # an anchor shipped off the machine catches a tail cut back together with the chain head
    run_kc "audit head gives an anchor" 0 audit head
    anchor=$(awk '{print $2}' "$TMP/out")
    expect_out "anchor is SEQ:HASH" '^audit [0-9]+:[0-9a-f]{64} [0-9T:-]+Z$'
    run_kc "verify against the anchor" 0 audit verify --anchor "$anchor"
    aseq=${anchor%%:*}
    sqlite3 "$DB" "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq >= $((aseq - 1)); UPDATE chain_head SET seq = $((aseq - 2)), hash = (SELECT hash FROM audit_log WHERE seq = $((aseq - 2))) WHERE name = 'audit';"
    run_kc "a cut tail with a forged head passes without the anchor" 0 audit verify
    run_kc "but not against the anchor" 1 audit verify --anchor "$anchor"
    expect_err "names the anchored entry" "FAILED at entry $aseq: entry $aseq named by the anchor is missing"
    run_kc "a malformed anchor is bad input" 2 audit verify --anchor "12"
    cp "$TMP/pristine.db" "$DB"; rm -f "$DB-wal" "$DB-shm"
    sqlite3 "$DB" "DROP TRIGGER ledger_entries_no_update; UPDATE ledger_entries SET qty_ug=4000 WHERE seq=2;"
    run_kc "ledger verify after editing entry 2" 1 ledger verify
    expect_err "names ledger entry 2" 'ledger check FAILED at entry 2'
    cp "$TMP/pristine.db" "$DB"; rm -f "$DB-wal" "$DB-shm"
    run_kc "restored copy verifies" 0 audit verify
    # a database written by a newer ketaclinic
    cp "$DB" "$TMP/future.db"
    sqlite3 "$TMP/future.db" "INSERT INTO schema_version VALUES (99, 'future', '2030-01-01T00:00:00.000Z')"
    run_kc "newer schema is refused" 1 db status --db "$TMP/future.db"
    expect_err "says which versions" "schema version 99 but this ketaclinic knows only up to version $K"
else
    skip "tamper tests (sqlite3 CLI not installed)"
fi

# --- read-only database, backup and restore -------------------------------------------------
run_kc "read-only database refuses writes" 1 patient add --db "file:$DB?mode=ro" --mrn M-200 --family X --birth-date 1990-01-01 --sex male
expect_err "says read-only" 'read-only'
run_kc "a read-only copy can still be verified" 0 audit verify --db "file:$DB?mode=ro"
run_kc "and its ledger" 0 ledger verify --db "file:$DB?mode=ro"
run_kc "backup" 0 backup "$TMP/backup.db"
run_kc "backup refuses to overwrite" 1 backup "$TMP/backup.db"
run_kc "restore into an empty database" 0 restore "$TMP/backup.db" --db "$TMP/restored.db"
run_kc "restored audit log verifies" 0 audit verify --db "$TMP/restored.db"
run_kc "restored patient is there" 0 patient show M-100 --db "$TMP/restored.db"
run_kc "restore into a non-empty database is refused" 1 restore "$TMP/backup.db" --db "$TMP/restored.db"
expect_err "says not empty" 'not empty'

# --- the same on PostgreSQL --------------------------------------------------------------------
if ! pg_start; then pg_report "CLI on PostgreSQL"; exit 0; fi
P="$PG_URL"
run_kc "pg: db migrate" 0 db migrate --db "$P"
expect_out "pg: every migration applied" "applied [0-9]+ migration\\(s\\); schema version $K\$"
run_kc "pg: db status" 0 db status --db "$P" --format json
expect_out "pg: backend postgres" "\"backend\": \"postgres\", \"schema_version\": $K"
run_kc "pg: add user" 0 user add ann --staff-role nurse --db "$P"
run_kc "pg: patient add" 0 patient add --db "$P" --mrn M-1 --family Doe --birth-date 1980-04-30 --sex female
run_kc "pg: duplicate MRN names the field" 1 patient add --db "$P" --mrn M-1 --family Doe --birth-date 1980-04-30 --sex female
expect_err "pg: names patients.mrn" 'patients\.mrn'
run_kc "pg: receipt" 0 ledger record receipt --db "$P" $L --location safe --qty 500mg --supplier Acme
run_kc "pg: audit verify" 0 audit verify --db "$P"
run_kc "pg: backup (pg_dump)" 0 backup "$TMP/pg.dump" --db "$P"
pg_createdb kc2 && ok "pg: second database" || notok "pg: createdb kc2 failed"
run_kc "pg: restore into the empty database" 0 restore "$TMP/pg.dump" --db "$PG_BASE_URL/kc2"
run_kc "pg: restored ledger verifies" 0 ledger verify --db "$PG_BASE_URL/kc2"
run_kc "pg: restored audit verifies" 0 audit verify --db "$PG_BASE_URL/kc2"
run_kc "pg: restored patient" 0 patient show M-1 --db "$PG_BASE_URL/kc2"
if pg_psql -h 127.0.0.1 -p "$PG_PORT" -U kc kc -c "UPDATE audit_log SET user_name='x' WHERE seq=2" 2>"$TMP/psql.err"; then
    notok "pg: UPDATE of audit_log was allowed"
else
    grep -q 'append-only' "$TMP/psql.err" && ok "pg: the database refuses UPDATE on audit_log" || notok "pg: unexpected error" "$(cat "$TMP/psql.err")"
fi
pg_psql -h 127.0.0.1 -p "$PG_PORT" -U kc kc -c "ALTER TABLE audit_log DISABLE TRIGGER USER; UPDATE audit_log SET detail='edited' WHERE seq=2;" >/dev/null
run_kc "pg: audit verify after tampering" 1 audit verify --db "$P"
expect_err "pg: names entry 2" 'FAILED at entry 2'

# least privilege for the application role (interop-security.md D4.3)
pg_psql -h 127.0.0.1 -p "$PG_PORT" -U kc kc -c "CREATE ROLE kc_app LOGIN" >/dev/null 2>&1
run_kc "pg: db grant to the application role" 0 db grant kc_app --db "$P"
run_kc "pg: granting the owner is refused" 1 db grant kc --db "$P"
expect_err "pg: says why" 'owns the tables'
run_kc "pg: granting an unknown role" 2 db grant nobody_here --db "$P"
A="postgresql://kc_app@127.0.0.1:$PG_PORT/kc"
run_kc "pg: the application role writes records" 0 patient add --db "$A" --mrn M-9 --family App --birth-date 1990-01-01 --sex male
run_kc "pg: and the ledger" 0 ledger record receipt --db "$A" $L --location safe --qty 1mg --supplier Acme
# a table a later migration creates (as the owner) is usable by the application role too
pg_psql -h 127.0.0.1 -p "$PG_PORT" -U kc kc -c "CREATE TABLE later_migration (id BIGSERIAL PRIMARY KEY, x TEXT)" >/dev/null
if pg_psql -h 127.0.0.1 -p "$PG_PORT" -U kc_app kc -c "INSERT INTO later_migration (x) VALUES ('y')" >/dev/null 2>"$TMP/psql.err"; then
    ok "pg: tables of later migrations are granted by default"
else
    notok "pg: the application role cannot use a later table" "$(cat "$TMP/psql.err")"
fi
for sql in "UPDATE audit_log SET detail='x' WHERE seq=1" "DELETE FROM ledger_entries" \
           "ALTER TABLE audit_log DISABLE TRIGGER USER" "TRUNCATE audit_log"; do
    if pg_psql -h 127.0.0.1 -p "$PG_PORT" -U kc_app kc -c "$sql" 2>"$TMP/psql.err"; then
        notok "pg: the application role could run: $sql"
    elif grep -Eq 'permission denied|must be owner' "$TMP/psql.err"; then
        ok "pg: the application role may not: ${sql%% *} ${sql#* }"
    else
        notok "pg: unexpected error for $sql" "$(cat "$TMP/psql.err")"
    fi
done
