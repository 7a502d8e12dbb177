/* api_ui.h — internal to src/http: the handlers added for the web UI (issue 8): screening,
 * treatment plans and signing, discharge checks, ledger writes and entries, outcome statistics
 * the staff list, interventions at the chair.  Routes are in api_util.c. */
#ifndef KC_HTTP_API_UI_H
#define KC_HTTP_API_UI_H

#include "http/api.h"

int api_screenings_add(struct api_req *r);   /* POST /api/patients/:id/screenings */
int api_screenings_list(struct api_req *r);  /* GET  /api/patients/:id/screenings */
int api_plans_add(struct api_req *r);        /* POST /api/patients/:id/plans */
int api_plans_list(struct api_req *r);       /* GET  /api/patients/:id/plans */
int api_plans_sign(struct api_req *r);       /* POST /api/plans/:id/sign (prescriber) */
int api_discharge_check(struct api_req *r);  /* POST /api/sessions/:id/discharge */
int api_ledger_add(struct api_req *r);       /* POST /api/ledger */
int api_ledger_entries(struct api_req *r);   /* GET  /api/ledger/entries */
int api_outcomes(struct api_req *r);         /* GET  /api/outcomes */
int api_users_list(struct api_req *r);       /* GET  /api/users */
int api_interventions_add(struct api_req *r);  /* POST /api/sessions/:id/interventions */
int api_interventions_list(struct api_req *r); /* GET  /api/sessions/:id/interventions */
int api_discharge_latest(struct api_req *r);   /* GET  /api/sessions/:id/discharge */
int api_scale_lines(struct api_req *r);        /* GET  /api/scales/:key/lines?baseline=N */

#endif
