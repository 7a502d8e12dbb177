/* schema_v7.c — version 7: per-reading records of the HL7 listener (issue 15).  hl7_readings
 * keeps what does not go to vitals (the alarm series): readings of other channels (an arterial
 * line beside the cuff, a second SpO2 probe, pulse rates), the earlier values that a correction
 * (OBX-11 C) replaced or a withdrawal (W) removed, and readings held for review with their
 * reason (assigned to a session or discarded by a nurse later). */
#include "store/schema.h"

const char store__schema_v7[] =
    "CREATE TABLE hl7_readings (id @ID@, received_at TEXT NOT NULL, sender TEXT NOT NULL,"
    " control_id TEXT NOT NULL, obx INTEGER NOT NULL, session_id BIGINT REFERENCES sessions(id),"
    " vitals_id BIGINT, at TEXT NOT NULL, code TEXT NOT NULL, channel TEXT NOT NULL,"
    " source TEXT, instance TEXT, device TEXT, value @REAL@,"
    " status TEXT NOT NULL CONSTRAINT \"hl7_readings.status\" CHECK (status IN ('channel',"
    "'superseded','withdrawn','review','assigned','discarded')),"
    " reason TEXT, patient_ref TEXT, chair_ref TEXT);\n"
    "CREATE INDEX hl7_readings_session ON hl7_readings (session_id, code, at);\n"
    "CREATE INDEX hl7_readings_status ON hl7_readings (status, id);\n"
    "CREATE INDEX vitals_session_code ON vitals (session_id, code, at);\n";
