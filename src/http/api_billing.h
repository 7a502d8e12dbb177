/* api_billing.h — the billing, REMS and report handlers (api_billing.c, api_rems.c; issue 10),
 * listed in api_util.c's route table: billing under the billing resource (admin and front desk
 * write; clinical staff and auditors read), the REMS form under the session resource (signing
 * needs the sign action: prescribers), enrolment under clinical, reports under billing. */
#ifndef KC_HTTP_API_BILLING_H
#define KC_HTTP_API_BILLING_H

#include "http/api.h"

int api_billing_charge(struct api_req *r);    /* POST /api/sessions/:id/charges */
int api_billing_entry(struct api_req *r);     /* POST /api/patients/:id/billing */
int api_billing_account(struct api_req *r);   /* GET /api/patients/:id/billing */
int api_billing_superbill(struct api_req *r); /* GET /api/patients/:id/superbill */
int api_billing_booking_check(struct api_req *r); /* GET /api/patients/:id/booking-check */
/* api_rems.c: the REMS paperwork and the reports */
int api_rems_enrol(struct api_req *r);        /* POST /api/patients/:id/rems-enrolment */
int api_rems_form(struct api_req *r);         /* GET /api/sessions/:id/rems */
int api_rems_sign(struct api_req *r);         /* POST /api/sessions/:id/rems/sign */
int api_rems_submit(struct api_req *r);       /* POST /api/sessions/:id/rems/submit */
int api_rems_tracker(struct api_req *r);      /* GET /api/rems/tracker */
int api_report_operations(struct api_req *r); /* GET /api/reports/operations */

#endif
