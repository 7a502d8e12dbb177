/* schema_v4.c — version 4: billing and the SPRAVATO REMS paperwork (issue 10).  bill_entries is
 * the append-only account ledger of each patient (a void or refund is a new row referencing the
 * old one; the v1 tables charges/payments stay unused); bill_payers keeps each patient's payer
 * history (the newest row is current); bill_plans the payment plans; rems_enrolments and
 * rems_forms the REMS patient enrolment and the signed Patient Monitoring Forms. */
#include "store/schema.h"

const char store__schema_v4[] =
    "CREATE TABLE bill_payers (id @ID@, patient_id BIGINT NOT NULL REFERENCES patients(id),"
    " kind TEXT NOT NULL CONSTRAINT \"bill_payers.kind\""
    " CHECK (kind IN ('self-pay','commercial','medicare')),"
    " name TEXT, member_id TEXT, prior_auth TEXT, prior_auth_expires TEXT,"
    " esk_unbundled INTEGER NOT NULL DEFAULT 0, recorded_at TEXT NOT NULL,"
    " by_user TEXT NOT NULL);\n"
    "CREATE INDEX bill_payers_patient ON bill_payers (patient_id, id);\n"
    "CREATE TABLE bill_plans (id @ID@, patient_id BIGINT NOT NULL REFERENCES patients(id),"
    " total_cents BIGINT NOT NULL CONSTRAINT \"bill_plans.total_cents\" CHECK (total_cents > 0),"
    " n INTEGER NOT NULL CONSTRAINT \"bill_plans.n\" CHECK (n > 0),"
    " first_due TEXT NOT NULL, interval_days INTEGER NOT NULL, created_at TEXT NOT NULL,"
    " by_user TEXT NOT NULL);\n"
    "CREATE TABLE bill_entries (id @ID@, patient_id BIGINT NOT NULL REFERENCES patients(id),"
    " session_id BIGINT REFERENCES sessions(id),"
    " kind TEXT NOT NULL CONSTRAINT \"bill_entries.kind\""
    " CHECK (kind IN ('charge','void','payment','refund','adjust')),"
    " code TEXT, modifier TEXT, units INTEGER NOT NULL DEFAULT 1, unit_cents BIGINT,"
    " cents BIGINT NOT NULL CONSTRAINT \"bill_entries.cents\" CHECK (cents > 0),"
    " ref_id BIGINT REFERENCES bill_entries(id), payer TEXT, method TEXT, reason TEXT,"
    " plan_id BIGINT REFERENCES bill_plans(id), at TEXT NOT NULL, by_user TEXT NOT NULL);\n"
    "CREATE INDEX bill_entries_patient ON bill_entries (patient_id, id);\n"
    "CREATE INDEX bill_entries_session ON bill_entries (session_id);\n"
    "CREATE TABLE rems_enrolments (id @ID@, patient_id BIGINT NOT NULL REFERENCES patients(id)"
    " CONSTRAINT \"rems_enrolments.patient_id\" UNIQUE, rems_id TEXT, enrolled_on TEXT NOT NULL,"
    " recorded_at TEXT NOT NULL, by_user TEXT NOT NULL);\n"
    "CREATE TABLE rems_forms (id @ID@, session_id BIGINT NOT NULL REFERENCES sessions(id)"
    " CONSTRAINT \"rems_forms.session_id\" UNIQUE, form TEXT NOT NULL, signed_at TEXT NOT NULL,"
    " signed_by TEXT NOT NULL, submitted_at TEXT, submitted_by TEXT);\n";

const char store__schema_v4_sqlite[] =
    "CREATE TRIGGER bill_entries_no_update BEFORE UPDATE ON bill_entries BEGIN"
    " SELECT RAISE(ABORT, 'bill_entries is append-only: entries cannot be changed'); END;\n"
    "CREATE TRIGGER bill_entries_no_delete BEFORE DELETE ON bill_entries BEGIN"
    " SELECT RAISE(ABORT, 'bill_entries is append-only: entries cannot be deleted'); END;\n";

const char store__schema_v4_pg[] =
    "CREATE TRIGGER bill_entries_append_only BEFORE UPDATE OR DELETE ON bill_entries"
    " FOR EACH ROW EXECUTE FUNCTION kc_append_only();\n";
