/* dose_pk.c — the bridge from a dose plan to the PK engine's doses (clinic -> pkpd, the
 * direction DESIGN.md allows). */
#include "clinic/dose.h"
#include "pkpd/simulate.h"

int dose_pk_doses(const struct dose_plan *d, struct pk_dose *out, unsigned max, unsigned *n,
                  struct kc_error *err)
{
    enum pk_route route;
    switch (d->route) {
    case DOSE_ROUTE_IV: route = PK_ROUTE_IV; break;
    case DOSE_ROUTE_IM: route = PK_ROUTE_IM; break;
    case DOSE_ROUTE_ORAL: route = PK_ROUTE_PO; break;
    case DOSE_ROUTE_SL: route = PK_ROUTE_SL; break;
    case DOSE_ROUTE_NASAL_ESK: route = PK_ROUTE_IN; break;
    case DOSE_ROUTE_NASAL_RAC: route = PK_ROUTE_IN; break;
    default:
        return kc_error_set(err, KC_EUNSUPPORTED, "no PK model for the %s route",
                            dose_route_name(d->route));
    }
    if (max < 1 || d->n_admin < 1) return kc_error_set(err, KC_EINVAL, "no room for the dose");
    out[0] = (struct pk_dose){route, d->dose_mg_base, 0, 0, d->admin[0].t_start_min,
                              d->route == DOSE_ROUTE_IV ? d->duration_min : 0};
    *n = 1;
    return KC_OK;
}
