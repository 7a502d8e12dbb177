/* schema_v2.c — version 2: the HL7 v2 listener's tables (issue 9).  hl7_messages keeps one row per
 * understood monitor message, keyed by sender and control id, so that a retried message is
 * acknowledged again but never stored twice; hl7_review keeps the messages that could not be
 * attached to a session (unknown patient, no session in progress, unusable values). */
#include "store/schema.h"

const char store__schema_v2[] =
    "CREATE TABLE hl7_messages (id @ID@, sender TEXT NOT NULL, control_id TEXT NOT NULL,"
    " received_at TEXT NOT NULL,"
    " ack_code TEXT NOT NULL CONSTRAINT \"hl7_messages.ack_code\" CHECK (ack_code IN ('AA','AE')),"
    " session_id BIGINT REFERENCES sessions(id), n_obs INTEGER NOT NULL, detail TEXT,"
    " CONSTRAINT \"hl7_messages.control_id\" UNIQUE (sender, control_id));\n"
    "CREATE TABLE hl7_review (id @ID@, received_at TEXT NOT NULL, sender TEXT NOT NULL,"
    " control_id TEXT NOT NULL, reason TEXT NOT NULL, patient_ref TEXT, bed_ref TEXT,"
    " message TEXT NOT NULL,"
    " status TEXT NOT NULL DEFAULT 'open' CONSTRAINT \"hl7_review.status\""
    " CHECK (status IN ('open','resolved','discarded')));\n"
    "CREATE INDEX hl7_review_status ON hl7_review (status, id);\n"
    "CREATE INDEX sessions_started_chair ON sessions (status, chair);\n";
