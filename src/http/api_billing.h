/* api_billing.h — the billing handlers (api_billing.c, issue 10), listed in api_util.c's route
 * table under the billing resource (admin and front desk write; clinical staff and auditors
 * read). */
#ifndef KC_HTTP_API_BILLING_H
#define KC_HTTP_API_BILLING_H

#include "http/api.h"

int api_billing_charge(struct api_req *r);    /* POST /api/sessions/:id/charges */
int api_billing_entry(struct api_req *r);     /* POST /api/patients/:id/billing */
int api_billing_account(struct api_req *r);   /* GET /api/patients/:id/billing */
int api_billing_superbill(struct api_req *r); /* GET /api/patients/:id/superbill */

#endif
