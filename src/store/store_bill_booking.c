/* store_bill_booking.c — the checks a scheduler makes before booking a session: the patient's
 * payer allows it (a commercial payer's prior authorisation is on file and covers the day) and,
 * for esketamine, the patient is enrolled in the SPRAVATO REMS by that day. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "clinic/course.h"
#include "store/store_billing.h"
#include "store/store_int.h"
#include "store/store_rems.h"

int store_bill_booking_check(struct store *st, const struct store_actor *who, int64_t patient_id,
                             const char *day, enum bill_service service, struct kc_error *err)
{
    long d = 0;
    int rc = course_date_parse(day, &d, err);
    if (rc) return kc_error_prefix(err, "booking day");
    struct store_bill_payer p;
    if ((rc = store_bill_payer_get(st, who, patient_id, &p, err))) return rc;
    struct bill_payer view;
    store_bill_payer_view(&p, &view);
    if ((rc = bill_payer_check_booking(&view, d, err))) return rc;
    if (service == BILL_SVC_ESKETAMINE) return store_rems_check_dose(st, who, patient_id, day, err);
    return KC_OK;
}
