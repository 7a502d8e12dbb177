/* engine.c — chooses and drives one of the two exact steppers (engine.h) behind one interface. */
#include <math.h>
#include <string.h>

#include "pkpd/engine.h"

const char *pk_engine_name(enum pk_engine_kind kind)
{
    switch (kind) {
    case PK_ENGINE_EXPO: return "exponential-states";
    case PK_ENGINE_EXPM: return "matrix-exponential";
    default: return "auto";
    }
}

int pk__engine_init(struct pk__engine *e, const struct pk_indiv *ind, enum pk_engine_kind want,
                    struct kc_error *err)
{
    memset(e, 0, sizeof *e);
    e->structure = ind->model->structure;
    e->v1_l = ind->v1_l;
    e->k10 = ind->k10;
    e->vcn_l = ind->model->structure == PK_STRUCT_PEREZ_RUIXO ? ind->pr.vcn : 0.0;
    e->nport = PK__MAX_PORTS;
    int mammillary = e->structure == PK_STRUCT_MAMMILLARY;
    if (want == PK_ENGINE_EXPO && !mammillary)
        return kc_error_set(err, KC_EUNSUPPORTED,
                            "model %s is not mammillary: exponential states do not apply",
                            ind->model->id);
    if (mammillary && want != PK_ENGINE_EXPM) {
        struct kc_error local;
        int rc = pk__expo_build(ind, &e->u.expo, &local);
        if (rc == KC_OK) {
            e->kind = PK_ENGINE_EXPO;
            return KC_OK;
        }
        if (want == PK_ENGINE_EXPO) return kc_error_set(err, rc, "%s", local.msg);
        /* AUTO: coincident poles -> the matrix exponential handles them exactly. */
    }
    e->kind = PK_ENGINE_EXPM;
    return pk__linsys_build(ind, &e->u.expm, err);
}

void pk__engine_reset(const struct pk__engine *e, struct pk__state *s)
{
    (void)e;
    memset(s, 0, sizeof *s);
}

void pk__engine_bolus(const struct pk__engine *e, struct pk__state *s, int port, double mg)
{
    if (port < 0 || port >= PK__MAX_PORTS) return;
    if (e->kind == PK_ENGINE_EXPO) {
        pk__expo_bolus(&e->u.expo, s, port, mg);
    } else {
        int st = e->u.expm.port_state[port];
        if (st >= 0) s->v[st] += mg;
    }
}

int pk__engine_advance(struct pk__engine *e, struct pk__state *s, const double *rate, double dt_min,
                       struct kc_error *err)
{
    if (!(dt_min > 0)) return KC_OK;
    if (e->kind == PK_ENGINE_EXPO) {
        pk__expo_advance(&e->u.expo, s, rate, dt_min);
        return KC_OK;
    }
    return pk__expm_advance(&e->u.expm, s, rate, dt_min, err);
}

double pk__engine_cp(const struct pk__engine *e, const struct pk__state *s)
{
    double central = e->kind == PK_ENGINE_EXPO ? pk__expo_out(&e->u.expo, s, PK__OUT_C) : s->v[0];
    return central / e->v1_l * 1000.0; /* mg/L -> ng/mL */
}

double pk__engine_ce(const struct pk__engine *e, const struct pk__state *s)
{
    if (e->kind == PK_ENGINE_EXPO) return pk__expo_out(&e->u.expo, s, PK__OUT_CE) * 1000.0;
    int idx = e->structure == PK_STRUCT_PEREZ_RUIXO ? PK__R_CE : PK__M_CE;
    return s->v[idx] * 1000.0;
}

void pk__engine_read(const struct pk__engine *e, const struct pk__state *s, struct pk_point *out)
{
    memset(out->amount_mg, 0, sizeof out->amount_mg);
    out->cp_ng_per_ml = pk__engine_cp(e, s);
    out->ce_ng_per_ml = pk__engine_ce(e, s);
    out->met_ng_per_ml = NAN;
    double *a = out->amount_mg;
    if (e->kind == PK_ENGINE_EXPO) {
        const struct pk__expo *x = &e->u.expo;
        double integral = pk__expo_integral(s);
        a[0] = pk__expo_out(x, s, PK__OUT_C);
        a[1] = pk__expo_out(x, s, PK__OUT_P2);
        a[2] = pk__expo_out(x, s, PK__OUT_P3);
        a[3] = pk__expo_out(x, s, PK__OUT_D);
        a[4] = e->k10 * integral;
        out->auc_ng_min_per_ml = integral / e->v1_l * 1000.0;
    } else if (e->structure == PK_STRUCT_MAMMILLARY) {
        const double *v = s->v;
        a[0] = v[PK__M_C];
        a[1] = v[PK__M_P2];
        a[2] = v[PK__M_P3];
        a[3] = v[PK__M_D_IM] + v[PK__M_D_IN] + v[PK__M_D_PO] + v[PK__M_D_SL];
        a[4] = v[PK__M_ELIM];
        out->auc_ng_min_per_ml = v[PK__M_AUC] * 1000.0;
    } else {
        const double *v = s->v;
        static const int order[] = {PK__R_C,    PK__R_P1,   PK__R_P2, PK__R_LIVER,
                                    PK__R_D_N,  PK__R_D_SW, PK__R_D_PO, PK__R_MC,
                                    PK__R_MP,   PK__R_ELIM, PK__R_METAB};
        for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) a[i] = v[order[i]];
        out->auc_ng_min_per_ml = v[PK__R_AUC] * 1000.0;
        out->met_ng_per_ml = v[PK__R_MC] / e->vcn_l * 1000.0;
    }
}

int pk_amount_names(const struct pk_indiv *ind, const char **names, int max)
{
    static const char *mam[] = {"central", "peripheral2", "peripheral3", "depot", "eliminated"};
    static const char *pr[] = {"central",      "peripheral1",   "peripheral2",
                               "liver",        "nasal",         "gut_swallowed",
                               "gut_oral",     "noresketamine_central",
                               "noresketamine_peripheral", "eliminated", "metabolized"};
    const char **src = ind->model->structure == PK_STRUCT_PEREZ_RUIXO ? pr : mam;
    int n = ind->model->structure == PK_STRUCT_PEREZ_RUIXO ? (int)(sizeof pr / sizeof pr[0])
                                                           : (int)(sizeof mam / sizeof mam[0]);
    if (n > max) n = max;
    for (int i = 0; i < n; i++) names[i] = src[i];
    return n;
}
