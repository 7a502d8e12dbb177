/* test_hl7_parser.c — the HL7 v2 parser and the ORU reader on real monitor messages (GE B40
 * PCD-01 sample and Philips MDIL rows from ../shared/reference/interop-security.md §C3), other
 * encoding characters, escapes, sloppy terminators, batches and limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hl7/oru.h"

/* GE B40 sample (reference §C3; the elided OBR ids filled in). */
static const char ge[] =
    "MSH|^~\\&|VSP^080019FFFE134535^EUI-64|GE Healthcare|||20130122134100||ORU^R01^ORU_R01|"
    "004097134535|P|2.6|||NE|AL||UNICODE UTF-8|||PCD_DEC_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO\r"
    "PID|||HED12^^^PID^MR||LAZY^KITTY\r"
    "PV1||R|SURGERY^^V2\r"
    "OBR|1|080019FFFE134535^VSP^080019FFFE134535^EUI-64|1^VSP|182777000^monitoring of "
    "patient^SCT|||20130122134100\r"
    "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X\r"
    "OBX|11|NM|147842^MDC_ECG_HEART_RATE^MDC|1.5.1.1|80|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||||||"
    "080019FFFE0B4020^B40_GE\r";

static struct hl7_message msg; /* large: one per test binary */

static struct hl7_str S(const char *s)
{
    return (struct hl7_str){s, strlen(s)};
}

/* Reading options: the clinic's zone is UTC here, receive time fixed. */
static const struct hl7_read_options *ro(void)
{
    static struct hl7_zone utc;
    static struct hl7_read_options o;
    if (!utc.set) hl7_zone_load("UTC", &utc, NULL);
    o = (struct hl7_read_options){"2026-11-23T10:00:00.000Z", NULL, &utc, NULL, NULL};
    return &o;
}

static void assert_slice(struct hl7_str v, const char *want)
{
    char got[256];
    size_t n = v.n < sizeof got - 1 ? v.n : sizeof got - 1;
    memcpy(got, v.p ? v.p : "", n);
    got[n] = '\0';
    assert_string_equal(got, want);
}

static void ge_sample_parses(void **state)
{
    (void)state;
    struct kc_error err = {0};
    assert_int_equal(hl7_parse(ge, strlen(ge), &msg, &err), 0);
    assert_int_equal(msg.nseg, 6);
    assert_string_equal(msg.seg[5].id, "OBX");
    assert_slice(hl7_field(&msg, 0, 1), "|");
    assert_slice(hl7_field(&msg, 0, 2), "^~\\&");
    assert_slice(hl7_field(&msg, 0, 10), "004097134535");
    assert_slice(hl7_get(&msg, 0, 9, 2), "R01");
    assert_slice(hl7_get(&msg, 0, 3, 2), "080019FFFE134535");
    assert_slice(hl7_get(&msg, 1, 3, 5), "MR");
    assert_slice(hl7_get(&msg, 2, 3, 3), "V2");
    assert_slice(hl7_get(&msg, 5, 3, 2), "MDC_ECG_HEART_RATE");
    assert_slice(hl7_field(&msg, 5, 18), "080019FFFE0B4020^B40_GE");
    assert_int_equal(hl7_field(&msg, 5, 40).n, 0); /* past the last field */
    struct hl7_str all[30];
    assert_int_equal(hl7_fields(&msg, 5, all, 30), 19); /* id + 18 fields */
    for (unsigned i = 0; i < 30; i++) { /* the same slices as hl7_field, one by one */
        struct hl7_str one = hl7_field(&msg, 5, i);
        if (i > 0) assert_true(all[i].n == one.n && (one.n == 0 || all[i].p == one.p));
    }
    assert_int_equal(hl7_fields(&msg, 0, all, 30), 22);
    assert_slice(all[1], "|");
    assert_slice(all[2], "^~\\&");
    assert_slice(all[10], "004097134535");
    assert_int_equal(hl7_fields(&msg, 0, all, 3), 3);
    assert_slice(all[2], "^~\\&");
    assert_int_equal(hl7_find(&msg, "OBX", 0), 4);
    assert_int_equal(hl7_find(&msg, "ZZZ", 0), -1);

    struct hl7_oru o;
    enum hl7_nak nak;
    int code = 0;
    assert_int_equal(hl7_oru_read(&msg, ro(), &o, &nak, &code, &err), 0);
    assert_string_equal(o.control_id, "004097134535");
    assert_string_equal(o.sender, "VSP^080019FFFE134535^EUI-64|GE Healthcare");
    assert_int_equal(o.ngroups, 1);
    assert_int_equal(o.groups[0].n_ids, 1);
    assert_string_equal(o.groups[0].ids[0], "HED12");
    assert_string_equal(o.groups[0].bed, "SURGERY^^V2");
    assert_int_equal(o.nobs, 1); /* the device-tree row with status X is not a reading */
    assert_string_equal(o.obs[0].code, "hr");
    assert_true(o.obs[0].value == 80);
    assert_string_equal(o.obs[0].at, "2013-01-22T13:41:00.000Z"); /* OBR-7 read in the clinic's zone (UTC here) */
    assert_int_equal(o.obs[0].obx, 2);
}

static void other_encoding_characters(void **state)
{
    (void)state;
    /* field #, component $, repetition *, escape @, subcomponent !  */
    const char m[] = "MSH#$*@!#MON#WARD###20261123100000+0100##ORU$R01#C1#P#2.5\r"
                     "PID###A1$$$X$MR*MRN@S@7$$$H$MR\r"
                     "OBX#1#NM#8480-6$Systolic$LN##121#mm[Hg]#####F\r"
                     "OBX#2#NM#8462-4$Diastolic$LN##79#mmHg#####F#####\r";
    struct kc_error err = {0};
    assert_int_equal(hl7_parse(m, strlen(m), &msg, &err), 0);
    assert_int_equal(msg.d.field, '#');
    assert_int_equal(msg.d.comp, '$');
    assert_int_equal(msg.d.esc, '@');
    struct hl7_str f = hl7_field(&msg, 1, 3);
    assert_int_equal(hl7_nrep(f, &msg.d), 2);
    char out[64];
    assert_int_equal(hl7_unescape(hl7_comp(hl7_rep(f, &msg.d, 1), &msg.d, 1), &msg.d, out,
                                  sizeof out, NULL, &err), 0);
    assert_string_equal(out, "MRN$7");
    struct hl7_oru o;
    enum hl7_nak nak;
    assert_int_equal(hl7_oru_read(&msg, ro(), &o, &nak, NULL, &err), 0);
    assert_int_equal(o.groups[0].n_ids, 2);
    assert_string_equal(o.groups[0].ids[1], "MRN$7");
    assert_int_equal(o.nobs, 2);
    assert_string_equal(o.obs[1].code, "dbp");
    assert_string_equal(o.obs[0].at, "2026-11-23T09:00:00.000Z"); /* +0100 taken off */
}

static void escapes(void **state)
{
    (void)state;
    struct hl7_delims d = {'|', '^', '~', '\\', '&', 0};
    char out[64];
    size_t n = 0;
    struct kc_error err = {0};
    assert_int_equal(hl7_unescape(S("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f"), &d, out, sizeof out, &n,
                                  &err), 0);
    assert_string_equal(out, "a|b^c&d~e\\f");
    assert_int_equal(hl7_unescape(S("\\X414243\\x\\X0D0A\\"), &d, out, sizeof out, &n, &err), 0);
    assert_string_equal(out, "ABCx\r\n");
    assert_int_equal(hl7_unescape(S("line\\.br\\two\\H\\"), &d, out, sizeof out, &n, &err), 0);
    assert_string_equal(out, "line\\.br\\two\\H\\"); /* formatting kept as sent */
    assert_int_equal(hl7_unescape(S("bad\\F"), &d, out, sizeof out, &n, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "unterminated"));
    assert_int_equal(hl7_unescape(S("\\X4\\"), &d, out, sizeof out, &n, &err), KC_EINVAL);
    assert_int_equal(hl7_unescape(S("\\XZZ\\"), &d, out, sizeof out, &n, &err), KC_EINVAL);
    assert_int_equal(hl7_unescape(S("abcdef"), &d, out, 4, &n, &err), KC_ELIMIT);
    /* escape and unescape round trip */
    char enc[128];
    assert_int_equal(hl7_escape("x|y^z~w\\v&u\rq", &d, enc, sizeof enc, &n, &err), 0);
    assert_string_equal(enc, "x\\F\\y\\S\\z\\R\\w\\E\\v\\T\\u\\X0D\\q");
    assert_int_equal(hl7_unescape(S(enc), &d, out, sizeof out, &n, &err), 0);
    assert_string_equal(out, "x|y^z~w\\v&u\rq");
}

static void sloppy_terminators_and_mdil(void **state)
{
    (void)state;
    /* Philips Efficia rows with MDIL codes (reference §C3), \n and \r\n line ends, blank lines */
    const char m[] = "MSH|^~\\&|Efficia|Philips|||20261123101500||ORU^R01|P-77|P|2.3\r\n"
                     "PID|||MRN-9\n\n"
                     "PV1||I|^^bed 4\r\n"
                     "OBR|1\r"
                     "OBX|1|NM|0002-4182^HR^MDIL||72|0004-0aa0^bpm^MDIL|||||F\n"
                     "OBX|2|NM|0002-4bb8^SpO2^MDIL||||||||X\n"
                     "OBX|3|NM|0002-4bb8^SpO2^MDIL||97|0004-0220^%^MDIL|||||F\n";
    struct kc_error err = {0};
    assert_int_equal(hl7_parse(m, strlen(m), &msg, &err), 0);
    assert_int_equal(msg.nseg, 7);
    struct hl7_oru o;
    enum hl7_nak nak;
    assert_int_equal(hl7_oru_read(&msg, ro(), &o, &nak, NULL, &err), 0);
    assert_string_equal(o.groups[0].bed, "^^bed 4");
    assert_int_equal(o.nobs, 2);
    assert_string_equal(o.obs[0].code, "hr");
    assert_string_equal(o.obs[1].code, "spo2");
    assert_true(o.obs[1].value == 97);
}

static void units_are_converted(void **state)
{
    (void)state;
    const char m[] = "MSH|^~\\&|M|F|||20261123101500||ORU^R01|U1|P|2.6\r"
                     "PID|||MRN-9\r"
                     "OBX|1|NM|8310-5^Temp^LN||98.6|[degF]\r"
                     "OBX|2|NM|151708^MDC_AWAY_CO2_ET^MDC||5.0|3843^MDC_DIM_KILO_PASCAL^MDC\r";
    struct kc_error err = {0};
    assert_int_equal(hl7_parse(m, strlen(m), &msg, &err), 0);
    struct hl7_oru o;
    enum hl7_nak nak;
    assert_int_equal(hl7_oru_read(&msg, ro(), &o, &nak, NULL, &err), 0);
    assert_int_equal(o.nobs, 2);
    assert_float_equal(o.obs[0].value, 37.0, 1e-9);
    assert_float_equal(o.obs[1].value, 37.503, 1e-3); /* 1 mmHg = 133.322 Pa */
    double v = 80;
    assert_int_equal(hl7_unit_convert("hr", "mmHg", &v, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "not a unit of hr"));
    assert_int_equal(hl7_unit_convert("hr", "furlong", &v, &err), KC_EINVAL);
}

static void naks(void **state)
{
    (void)state;
    struct { const char *m; enum hl7_nak nak; int code; const char *why; } cases[] = {
        {"MSH|^~\\&|M|F|||20261123||ADT^A01|C1|P|2.6\rPID|||X\r", HL7_NAK_AR, 200, "ADT^A01"},
        {"MSH|^~\\&|M|F|||20261123||ORU^R01||P|2.6\rPID|||X\r", HL7_NAK_AR, 101, "MSH-10"},
        {"MSH|^~\\&|M|F|||20261123||ORU^R01|C1|T|2.6\rPID|||X\r", HL7_NAK_AR, 202, "MSH-11"},
        {"MSH|^~\\&|M|F|||20261123||ORU^R01|C1|P|3.0\rPID|||X\r", HL7_NAK_AR, 203, "MSH-12"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct kc_error err = {0};
        struct hl7_oru o;
        enum hl7_nak nak;
        int code = 0;
        assert_int_equal(hl7_parse(cases[i].m, strlen(cases[i].m), &msg, &err), 0);
        assert_int_not_equal(hl7_oru_read(&msg, ro(), &o, &nak, &code, &err), 0);
        assert_int_equal(nak, cases[i].nak);
        assert_int_equal(code, cases[i].code);
        if (!strstr(err.msg, cases[i].why)) fail_msg("case %zu: '%s' lacks '%s'", i, err.msg,
                                                     cases[i].why);
    }
    /* one bad reading is refused on its own; the good one beside it stays */
    struct { const char *obx; int code; const char *why; } rd[] = {
        {"OBX|2|NM|8867-4^HR^LN||7O\r", 102, "not a number"},
        {"OBX|2|NM|8867-4^HR^LN||900\r", 207, "implausible"},
        {"OBX|2|NM|8480-6^S^LN||80\rOBX|3|NM|8462-4^D^LN||120\r", 207, "implausible pair"},
        {"OBX|2|ST|8867-4^HR^LN||seventy\r", 102, "OBX-2"},
        {"OBX|2|NM|150031^MDC_PRESS_CUFF_SYS^MDC||142|266016\r", 103, "not known"},
        {"OBX|2|NM|150344^MDC_TEMP^MDC||37.1\r", 103, "no unit"},
        {"OBX|2|NM|150344^MDC_TEMP^MDC||37.1|268160^MDC_DIM_FAHR^MDC\r", 103, "not known"},
        {"OBX|2|NM|8867-4^HR^LN||70|||DEMO\r", 207, "demo mode"},
        {"OBX|2|NM|8867-4^HR^LN||70||||||F|||2026\r", 102, "minute"},
    };
    for (size_t i = 0; i < sizeof rd / sizeof rd[0]; i++) {
        char m[512];
        snprintf(m, sizeof m, "MSH|^~\\&|M|F|||20261123100000+0000||ORU^R01|C1|P|2.6\rPID|||X\r"
                 "OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC||97|262688\r%s", rd[i].obx);
        struct kc_error err = {0};
        struct hl7_oru o;
        enum hl7_nak nak;
        assert_int_equal(hl7_parse(m, strlen(m), &msg, &err), 0);
        assert_int_equal(hl7_oru_read(&msg, ro(), &o, &nak, NULL, &err), 0);
        assert_int_equal(o.nobs, 1);
        assert_string_equal(o.obs[0].code, "spo2");
        if (o.nrefused != 1 || o.refused[0].hl7_error != rd[i].code ||
            !strstr(o.refused[0].reason, rd[i].why))
            fail_msg("reading case %zu: %zu refused, code %d, '%s' (want %d '%s')", i,
                     o.nrefused, o.nrefused ? o.refused[0].hl7_error : 0,
                     o.nrefused ? o.refused[0].reason : "", rd[i].code, rd[i].why);
    }
}

static void times_and_zones(void **state)
{
    (void)state;
    struct hl7_dtm d;
    struct kc_error err = {0};
    /* every precision; the Mindray form; offsets */
    assert_int_equal(hl7_dtm_parse("2026", &d, &err), 0);
    assert_int_equal(d.prec, 4);
    assert_int_equal(hl7_dtm_parse("20260726120500.1000+0800", &d, &err), 0);
    assert_int_equal(d.prec, 14);
    assert_int_equal(d.ms, 100);
    assert_int_equal(d.off_min, 480);
    assert_int_equal(hl7_dtm_parse("20190929092150123", &d, &err), 0);
    assert_int_equal(d.ms, 123);
    assert_int_not_equal(hl7_dtm_parse("20260231", &d, &err), 0); /* 31 February */
    assert_int_not_equal(hl7_dtm_parse("202607261205.5", &d, &err), 0);
    /* a time without offset: MSH-7's offset, else the sender's zone, else the clinic's */
    struct hl7_zone chicago, berlin;
    assert_int_equal(hl7_zone_load("America/Chicago", &chicago, &err), 0);
    assert_int_equal(hl7_zone_load("Europe/Berlin", &berlin, &err), 0);
    assert_int_not_equal(hl7_zone_load("Mars/Olympus", &berlin, &err), 0);
    assert_int_equal(hl7_zone_load("Europe/Berlin", &berlin, &err), 0);
    struct { const char *msh7, *obx14; const struct hl7_zone *sender, *clinic; const char *want; }
    c[] = {
        {"20260105100000-0700", "20260105100000", NULL, &berlin, "2026-01-05T17:00:00.000Z"},
        {"20260105100000", "20260105100000", &chicago, &berlin, "2026-01-05T16:00:00.000Z"},
        {"20260705100000", "20260705100000", &chicago, &berlin, "2026-07-05T15:00:00.000Z"},
        {"20260105100000", "20260105100000", NULL, &berlin, "2026-01-05T09:00:00.000Z"},
        {"20260105100000", "20260105100000+0100", NULL, NULL, "2026-01-05T09:00:00.000Z"},
        {"20260105100000", "20260105100000", NULL, NULL, NULL},          /* no zone: refused */
        {"20260308023000", "20260308023000", &chicago, NULL, NULL},      /* in the DST gap */
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char m[400];
        snprintf(m, sizeof m, "MSH|^~\\&|M|F|||%s||ORU^R01|T%zu|P|2.6\rPID|||X\r"
                 "OBX|1|NM|8867-4^HR^LN||70|/min|||||F|||%s\r", c[i].msh7, i, c[i].obx14);
        assert_int_equal(hl7_parse(m, strlen(m), &msg, &err), 0);
        struct hl7_read_options o = {"2026-11-23T10:00:00.000Z", c[i].sender, c[i].clinic, NULL,
                                     NULL};
        struct hl7_oru r;
        enum hl7_nak nak;
        assert_int_equal(hl7_oru_read(&msg, &o, &r, &nak, NULL, &err), 0);
        if (c[i].want) {
            assert_int_equal(r.nobs, 1);
            assert_string_equal(r.obs[0].at, c[i].want);
        } else {
            assert_int_equal(r.nobs, 0);
            assert_int_equal(r.nrefused, 1);
            assert_int_equal(r.refused[0].field, 14);
        }
    }
}

static void identity(void **state)
{
    (void)state;
    struct kc_error err = {0};
    /* two patient groups: each reading to its own; a visit number is never the MRN */
    const char m[] = "MSH|^~\\&|M|F|||20260105100000+0000||ORU^R01|G1|P|2.6\r"
                     "PID|||V-77^^^H^VN~A-1^^^H^MR\rOBR|1\rOBX|1|NM|8867-4^HR^LN||70|/min\r"
                     "PID|||B-2^^^H^MR\rPV1||I|W^^3\rOBX|1|NM|8867-4^HR^LN||90|/min\r";
    assert_int_equal(hl7_parse(m, strlen(m), &msg, &err), 0);
    struct hl7_oru r;
    enum hl7_nak nak;
    assert_int_equal(hl7_oru_read(&msg, ro(), &r, &nak, NULL, &err), 0);
    assert_int_equal(r.ngroups, 2);
    assert_int_equal(r.groups[0].n_ids, 1);
    assert_string_equal(r.groups[0].ids[0], "A-1");
    assert_string_equal(r.groups[1].ids[0], "B-2");
    assert_string_equal(r.groups[1].bed, "W^^3");
    assert_int_equal(r.nobs, 2);
    assert_int_equal(r.obs[0].group, 0);
    assert_int_equal(r.obs[1].group, 1);
    /* configured MRN type and authority; two different MRNs of that type conflict */
    const char m2[] = "MSH|^~\\&|M|F|||20260105100000+0000||ORU^R01|G2|P|2.6\r"
                      "PID|||1^^^OTHER^MR~2^^^CLINIC^MR~3^^^CLINIC^MR\rOBX|1|NM|8867-4^HR^LN||70\r";
    assert_int_equal(hl7_parse(m2, strlen(m2), &msg, &err), 0);
    struct hl7_read_options o = *ro();
    o.mrn_type = "MR";
    o.mrn_authority = "CLINIC";
    assert_int_equal(hl7_oru_read(&msg, &o, &r, &nak, NULL, &err), 0);
    assert_int_equal(r.groups[0].n_ids, 2);
    assert_string_equal(r.groups[0].ids[0], "2");
    assert_int_equal(r.groups[0].conflict, 1);
}

static void channels_and_alarm_series(void **state)
{
    (void)state;
    struct kc_error err = {0};
    /* NIBP and an arterial line, two SpO2 probes, ECG HR and pulse rate: distinct channels;
     * the alarms take the cuff, the first probe and the ECG; a correction is passed on */
    const char m[] = "MSH|^~\\&|M|F|||20260105100000+0000||ORU^R01|C1|P|2.6\rPID|||X\r"
                     "OBX|1|NM|150033^MDC_PRESS_BLD_ART_SYS^MDC|1.13.1.1|140|266016\r"
                     "OBX|2|NM|150301^MDC_PRESS_CUFF_SYS^MDC|1.1.9.150301|120|266016\r"
                     "OBX|3|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.3.1.150456|97|262688\r"
                     "OBX|4|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.3.2.150456|91|262688\r"
                     "OBX|5|NM|149530^MDC_PULS_OXIM_PULS_RATE^MDC|1.3.1.1|71|264864\r"
                     "OBX|6|NM|147842^MDC_ECG_HEART_RATE^MDC|1.5.1.1|70|264864|||||C\r"
                     "OBX|7|NM|151708^MDC_AWAY_CO2_ET^MDC|1.7.1.1|5.3|3843\r"
                     "OBX|8|NM|150344^MDC_TEMP^MDC|1.26.1.1|-99.9|268192\r";
    assert_int_equal(hl7_parse(m, strlen(m), &msg, &err), 0);
    struct hl7_oru r;
    enum hl7_nak nak;
    assert_int_equal(hl7_oru_read(&msg, ro(), &r, &nak, NULL, &err), 0);
    assert_int_equal(r.nobs, 7);
    assert_int_equal(r.skipped, 1);
    struct { const char *code, *channel; double v; int alarm; char st; } want[] = {
        {"sbp", "art", 140, 0, 'F'}, {"sbp", "nibp", 120, 1, 'F'}, {"spo2", "spo2", 97, 1, 'F'},
        {"spo2", "spo2", 91, 0, 'F'}, {"pr", "spo2", 71, 0, 'F'}, {"hr", "ecg", 70, 1, 'C'},
        {"etco2", "co2", 5.3 * 7.500617, 1, 'F'},
    };
    for (size_t i = 0; i < 7; i++) {
        assert_string_equal(r.obs[i].code, want[i].code);
        assert_string_equal(r.obs[i].channel, want[i].channel);
        assert_float_equal(r.obs[i].value, want[i].v, 1e-6);
        assert_int_equal(r.obs[i].alarm, want[i].alarm);
        assert_int_equal(r.obs[i].status, want[i].st);
    }
}

static void bad_messages_and_limits(void **state)
{
    (void)state;
    struct kc_error err = {0};
    const char *bad[] = {"", "MS", "PID|||X\r", "MSH", "MSH|\r", "MSH|^^\\&|\r", "MSH|^~\\&|\rP\r",
                         "MSH|^~\\&|\rpid|1\r", "MSH|^~\\&|\rPIDX|1\r", "MSHA^~\\&|\r",
                         "MSH|^~\\&abc|\r"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (hl7_parse(bad[i], strlen(bad[i]), &msg, &err) != KC_EINVAL)
            fail_msg("'%s' was accepted", bad[i]);
    /* a segment with too many fields, too many segments, too many bytes */
    size_t cap = 4u << 20;
    char *big = malloc(cap);
    assert_non_null(big);
    size_t n = (size_t)snprintf(big, cap, "MSH|^~\\&|\rOBX");
    for (int i = 0; i < HL7_MAX_FIELDS + 1; i++) big[n++] = '|';
    assert_int_equal(hl7_parse(big, n, &msg, &err), KC_ELIMIT);
    assert_non_null(strstr(err.msg, "fields"));
    n = (size_t)snprintf(big, cap, "MSH|^~\\&|\r");
    for (int i = 0; i < HL7_MAX_SEGMENTS; i++) n += (size_t)snprintf(big + n, cap - n, "NTE|1\r");
    assert_int_equal(hl7_parse(big, n, &msg, &err), KC_ELIMIT);
    assert_non_null(strstr(err.msg, "segments"));
    memset(big + n, 'x', cap - n);
    assert_int_equal(hl7_parse(big, HL7_MAX_MESSAGE + 1, &msg, &err), KC_ELIMIT);
    free(big);
    /* a message cut short: the parser sees only len bytes (no NUL needed) */
    char cut[8];
    memcpy(cut, "MSH|^~\\&", 8);
    assert_int_equal(hl7_parse(cut, 8, &msg, &err), 0);
    assert_int_equal(hl7_field(&msg, 0, 3).n, 0);
    /* found by the fuzzer: a later segment that is just "MSH" has no MSH-1 to give out */
    assert_int_equal(hl7_parse("MSH|^~\\&|\rMSH", 13, &msg, &err), 0);
    assert_int_equal(msg.nseg, 2);
    assert_int_equal(hl7_field(&msg, 1, 1).n, 0);
    assert_int_equal(hl7_field(&msg, 1, 2).n, 0);
    double v;
    assert_int_equal(hl7_number(S(" 12.5 "), &v, &err), 0);
    assert_true(v == 12.5);
    assert_int_equal(hl7_number(S("-3"), &v, &err), 0);
    assert_int_equal(hl7_number(S("1e3"), &v, &err), KC_EINVAL);
    assert_int_equal(hl7_number(S("nan"), &v, &err), KC_EINVAL);
    assert_int_equal(hl7_number(S("."), &v, &err), KC_EINVAL);
    assert_int_equal(hl7_number(S("1.2.3"), &v, &err), KC_EINVAL);
    char t[32];
    assert_int_equal(hl7_time_utc("20260230120000", t, &err), KC_EINVAL);
    assert_int_equal(hl7_time_utc("202611231200-0500", t, &err), 0);
    assert_string_equal(t, "2026-11-23T17:00:00.000Z");
    assert_int_equal(hl7_time_utc("202701010030+0100", t, &err), 0); /* across a year */
    assert_string_equal(t, "2026-12-31T23:30:00.000Z");
    assert_int_equal(hl7_time_utc("20240229235959-0001", t, &err), 0);
    assert_string_equal(t, "2024-03-01T00:00:59.000Z");
    assert_int_equal(hl7_time_utc("20230229000000", t, &err), KC_EINVAL);
    assert_int_equal(hl7_time_utc("20261123120000.25", t, &err), 0);
    assert_string_equal(t, "2026-11-23T12:00:00.250Z");
}

static void batches(void **state)
{
    (void)state;
    const char b[] = "FHS|^~\\&|GW\rBHS|^~\\&|GW\r"
                     "MSH|^~\\&|M|F|||||ORU^R01|B1|P|2.6\rPID|||X\rOBX|1|NM|8867-4^HR^LN||70\r"
                     "MSH|^~\\&|M|F|||||ORU^R01|B2|P|2.6\rPID|||X\rOBX|1|NM|8867-4^HR^LN||71\r"
                     "BTS|2\rFTS|1\r";
    struct hl7_range r[4];
    size_t n = 0;
    struct kc_error err = {0};
    assert_int_equal(hl7_split_batch(b, strlen(b), r, 4, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(hl7_parse(b + r[1].off, r[1].len, &msg, &err), 0);
    assert_slice(hl7_field(&msg, 0, 10), "B2");
    assert_int_equal(msg.nseg, 3);
    assert_int_equal(hl7_split_batch(b, strlen(b), r, 1, &n, &err), KC_ELIMIT);
    const char wrong[] = "BHS|^~\\&\rMSH|^~\\&|M\rBTS|3\r";
    assert_int_equal(hl7_split_batch(wrong, strlen(wrong), r, 4, &n, &err), KC_EINVAL);
    assert_non_null(strstr(err.msg, "BTS-1 declares 3"));
    const char stray[] = "PID|||X\rMSH|^~\\&|M\r";
    assert_int_equal(hl7_split_batch(stray, strlen(stray), r, 4, &n, &err), KC_EINVAL);
    assert_int_equal(hl7_split_batch(ge, strlen(ge), r, 4, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].len, strlen(ge));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ge_sample_parses),       cmocka_unit_test(other_encoding_characters),
        cmocka_unit_test(escapes),                cmocka_unit_test(sloppy_terminators_and_mdil),
        cmocka_unit_test(units_are_converted),    cmocka_unit_test(naks),
        cmocka_unit_test(times_and_zones), cmocka_unit_test(identity),
        cmocka_unit_test(channels_and_alarm_series),
        cmocka_unit_test(bad_messages_and_limits), cmocka_unit_test(batches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
