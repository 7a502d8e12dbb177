/* pdf_forms.c — the superbill and the REMS Patient Monitoring Form as PDF, drawn from the JSON
 * the store builds (store_bill_superbill, store_rems_form_json), so the PDF and the JSON carry the
 * same fields. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/pdf_doc.h"
#include "clinic/billing.h"

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static const char *money(const json_t *o, const char *k, char *buf, size_t cap)
{
    bill_cents_format((int64_t)json_integer_value(json_object_get(o, k)), buf, cap);
    return buf;
}

int pdf_superbill(const json_t *sb, const char *path, struct kc_error *err)
{
    struct pdf_doc *d = NULL;
    int rc = pdf_doc_new("Superbill (itemised statement for insurance)", &d, err);
    if (rc) return rc;
    const json_t *prov = json_object_get(sb, "provider"), *pat = json_object_get(sb, "patient");
    const json_t *payer = json_object_get(sb, "payer"), *tot = json_object_get(sb, "totals");
    pdf_doc_heading(d, "Provider");
    pdf_doc_line(d, "Clinic", str(prov, "clinic"));
    pdf_doc_line(d, "NPI", str(prov, "npi"));
    pdf_doc_line(d, "Tax ID", str(prov, "tax_id"));
    pdf_doc_heading(d, "Patient");
    pdf_doc_line(d, "Name", str(pat, "name"));
    pdf_doc_line(d, "MRN", str(pat, "mrn"));
    pdf_doc_line(d, "Date of birth", str(pat, "birth_date"));
    pdf_doc_line(d, "Address", str(pat, "address"));
    pdf_doc_line(d, "Payer", str(payer, "kind"));
    pdf_doc_line(d, "Insurer / member", str(payer, "name"));
    pdf_doc_line(d, "Member ID", str(payer, "member_id"));
    pdf_doc_line(d, "Prior authorisation", str(payer, "prior_auth"));
    pdf_doc_heading(d, "Diagnoses");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(sb, "diagnoses"), i, v) {
        char dx[160];
        snprintf(dx, sizeof dx, "%s %s", str(v, "code"), str(v, "display"));
        pdf_doc_line(d, str(v, "system"), dx);
    }
    pdf_doc_heading(d, "Services");
    static const double x[] = {0, 70, 115, 145, 175, 420};
    const char *hdr[] = {"Date", "Code", "Mod", "Units", "Description", "Amount"};
    pdf_doc_row(d, hdr, x, 6, 1);
    json_array_foreach(json_object_get(sb, "lines"), i, v) {
        char units[16], amt[32];
        snprintf(units, sizeof units, "%" JSON_INTEGER_FORMAT,
                 json_integer_value(json_object_get(v, "units")));
        const char *row[] = {str(v, "date"), str(v, "code"), str(v, "modifier"), units,
                             str(v, "description"), money(v, "cents", amt, sizeof amt)};
        pdf_doc_row(d, row, x, 6, 0);
    }
    pdf_doc_heading(d, "Payments and adjustments");
    json_array_foreach(json_object_get(sb, "payments"), i, v) {
        char amt[32], day[11];
        snprintf(day, sizeof day, "%.10s", str(v, "at"));
        const char *row[] = {day, str(v, "kind"), "", "", str(v, "method"),
                             money(v, "cents", amt, sizeof amt)};
        pdf_doc_row(d, row, x, 6, 0);
    }
    pdf_doc_heading(d, "Totals");
    char b[32];
    pdf_doc_line(d, "Total billed", money(tot, "billed_cents", b, sizeof b));
    pdf_doc_line(d, "Payments", money(tot, "payments_cents", b, sizeof b));
    pdf_doc_line(d, "Refunds", money(tot, "refunds_cents", b, sizeof b));
    pdf_doc_line(d, "Adjustments", money(tot, "adjustments_cents", b, sizeof b));
    pdf_doc_line(d, "Balance due", money(tot, "balance_cents", b, sizeof b));
    rc = pdf_doc_save(d, path, err);
    pdf_doc_free(d);
    return rc;
}

static const char *yn(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_true(v) ? "Yes" : json_is_false(v) ? "No" : "";
}

static const char *num(const json_t *o, const char *k, char *buf, size_t cap)
{
    const json_t *v = json_object_get(o, k);
    if (!json_is_integer(v)) return "";
    snprintf(buf, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return buf;
}

static const char *bp(const json_t *o, const char *k, char *buf, size_t cap)
{
    const json_t *v = json_object_get(o, k);
    if (!json_is_object(v)) return "";
    snprintf(buf, cap, "%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT " mmHg",
             json_integer_value(json_object_get(v, "sys")),
             json_integer_value(json_object_get(v, "dia")));
    return buf;
}

int pdf_rems_form(const json_t *f, const char *path, struct kc_error *err)
{
    struct pdf_doc *d = NULL;
    int rc = pdf_doc_new("SPRAVATO REMS Patient Monitoring Form", &d, err);
    if (rc) return rc;
    char b[64];
    const json_t *c = json_object_get(f, "concomitant");
    pdf_doc_heading(d, "Patient");
    pdf_doc_line(d, "Name", str(f, "patient_name"));
    pdf_doc_line(d, "Date of birth", str(f, "birth_date"));
    pdf_doc_line(d, "Sex", str(f, "sex"));
    pdf_doc_line(d, "First treatment", yn(f, "first_treatment"));
    pdf_doc_line(d, "Enrolled in the REMS", yn(f, "enrolled"));
    pdf_doc_heading(d, "Concomitant medications");
    pdf_doc_line(d, "Benzodiazepines", yn(c, "benzodiazepines"));
    pdf_doc_line(d, "Non-benzo sedative-hypnotics", yn(c, "sedative_hypnotics"));
    pdf_doc_line(d, "Psychostimulants", yn(c, "psychostimulants"));
    pdf_doc_line(d, "MAOIs", yn(c, "maois"));
    pdf_doc_line(d, "Opioids", yn(c, "opioids"));
    pdf_doc_heading(d, "Treatment session");
    pdf_doc_line(d, "Monitoring HCP", str(f, "monitoring_hcp"));
    pdf_doc_line(d, "Setting", str(f, "setting"));
    pdf_doc_line(d, "Date", str(f, "session_date"));
    pdf_doc_line(d, "Dose (mg)", num(f, "dose_mg", b, sizeof b));
    pdf_doc_line(d, "Lot number", str(f, "lot"));
    pdf_doc_line(d, "Total duration (min)", num(f, "total_duration_min", b, sizeof b));
    pdf_doc_line(d, "Ready to leave (min)", num(f, "ready_to_leave_min", b, sizeof b));
    pdf_doc_line(d, "Vitals acceptable pre-dose", yn(f, "vitals_ok_pre"));
    pdf_doc_line(d, "Vitals acceptable at end", yn(f, "vitals_ok_end"));
    pdf_doc_line(d, "BP pre-dose", bp(f, "bp_pre", b, sizeof b));
    pdf_doc_line(d, "BP about 40 min", bp(f, "bp_40", b, sizeof b));
    pdf_doc_line(d, "BP pre-discharge", bp(f, "bp_end", b, sizeof b));
    pdf_doc_heading(d, "Adverse events");
    pdf_doc_line(d, "Sedation", yn(f, "sedation"));
    pdf_doc_line(d, "Dissociation", yn(f, "dissociation"));
    pdf_doc_line(d, "Respiratory depression", yn(f, "respiratory_depression"));
    pdf_doc_line(d, "Serious adverse event", yn(f, "serious_ae"));
    pdf_doc_line(d, "Description", str(f, "sae_description"));
    const char *missing = str(f, "missing");
    if (*missing) {
        pdf_doc_heading(d, "NOT COMPLETE - cannot be signed");
        pdf_doc_line(d, "Missing", missing);
    }
    rc = pdf_doc_save(d, path, err);
    pdf_doc_free(d);
    return rc;
}
