#!/usr/bin/env bash
# test_review_json.sh — `ketaclinic hl7 review` prints each queued message as one line of valid
# JSON whatever the monitor sent: quotes, backslashes and control bytes escaped, UTF-8 kept, a
# Latin-1 byte as its code point (issue 22: it built printf formats from the fields and printed
# control bytes as '?').
. "$(dirname "$0")/../cli/lib.sh"
db=$TMP/kc.db
run_kc "db migrate" 0 db migrate --db "$db" --audit-key "$TMP/k" || exit 0
# control id: quote, backslash, tab, 'é' in UTF-8, then a Latin-1 0xE9; reason with a % sign
sqlite3 "$db" "INSERT INTO hl7_review (received_at, sender, control_id, reason, patient_ref,
  bed_ref, message) VALUES ('2026-11-23T10:00:00.000Z', 'MON', 'a\"b\\c' || char(9) || 'd' ||
  char(233) || CAST(X'E9' AS TEXT), '100% %s %n unknown', 'P1', 'bed 4', 'MSH|')"
run_kc "hl7 review" 0 hl7 review --db "$db" --audit-key "$TMP/k" || exit 0
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
if (lines.length !== 1) throw new Error(`${lines.length} lines`);
const r = JSON.parse(lines[0]);
const want = "a\"b\\c\td\u00e9\u00e9";
if (r.control_id !== want) throw new Error(`control_id ${JSON.stringify(r.control_id)}`);
if (r.reason !== "100% %s %n unknown") throw new Error(`reason ${r.reason}`);
if (r.bed_ref !== "bed 4" || r.patient_ref !== "P1" || r.status !== "open") throw new Error(lines[0]);
' "$TMP/out" 2>"$TMP/node.err" && ok "review line is JSON with every byte kept" \
  || notok "review line" "$(cat "$TMP/out")" "$(cat "$TMP/node.err")"
