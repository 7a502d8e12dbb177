/* engine_linsys.c — the models as linear systems dx/dt = K x + u, stepped exactly with the matrix
 * exponential.  Used for the Perez-Ruixo esketamine model (not mammillary: hepato-portal
 * compartment, metabolite) and whenever exponential states would be ill-conditioned. */
#include <math.h>
#include <string.h>

#include "pkpd/engine.h"
#include "pkpd/linalg.h"

#define K(i, j) m->k[(i) * m->n + (j)]

static void build_mammillary(const struct pk_indiv *ind, struct pk__expm *m)
{
    m->n = PK__M_N;
    double k10 = ind->k10, k12 = ind->k12, k13 = ind->k13, k21 = ind->k21, k31 = ind->k31;
    K(PK__M_C, PK__M_C) = -(k10 + k12 + k13);
    K(PK__M_C, PK__M_P2) = k21;
    K(PK__M_C, PK__M_P3) = k31;
    K(PK__M_P2, PK__M_C) = k12;
    K(PK__M_P2, PK__M_P2) = -k21;
    K(PK__M_P3, PK__M_C) = k13;
    K(PK__M_P3, PK__M_P3) = -k31;
    static const int depot_state[PK_ROUTE_COUNT] = {
        [PK_ROUTE_IM] = PK__M_D_IM, [PK_ROUTE_IN] = PK__M_D_IN,
        [PK_ROUTE_PO] = PK__M_D_PO, [PK_ROUTE_SL] = PK__M_D_SL};
    m->port_state[PK__PORT_CENTRAL] = PK__M_C;
    for (int r = PK_ROUTE_IM; r < PK_ROUTE_COUNT; r++) {
        int d = depot_state[r];
        double ka = ind->routes[r].ka_per_min;
        m->port_state[r] = d;
        K(d, d) = -ka;
        K(PK__M_C, d) = ka;
    }
    double ke0 = ind->ke0_per_min;
    K(PK__M_CE, PK__M_C) = ke0 / ind->v1_l; /* Ce kept in mg/L */
    K(PK__M_CE, PK__M_CE) = -ke0;
    K(PK__M_ELIM, PK__M_C) = k10;
    K(PK__M_AUC, PK__M_C) = 1.0 / ind->v1_l;
}

/* Perez-Ruixo 2021 structure (Fig. 1; ODEs as corrected in nlmixr2lib's errata). */
static void build_perez_ruixo(const struct pk_indiv *ind, struct pk__expm *m)
{
    const struct pk_pr_params *p = &ind->pr;
    m->n = PK__R_N;
    K(PK__R_C, PK__R_C) = -(p->q1 + p->q2 + p->qh) / p->vc;
    K(PK__R_C, PK__R_P1) = p->q1 / p->vp1;
    K(PK__R_C, PK__R_P2) = p->q2 / p->vp2;
    K(PK__R_C, PK__R_LIVER) = p->qh / p->vh;
    K(PK__R_C, PK__R_D_N) = p->ka_n;
    K(PK__R_P1, PK__R_C) = p->q1 / p->vc;
    K(PK__R_P1, PK__R_P1) = -p->q1 / p->vp1;
    K(PK__R_P2, PK__R_C) = p->q2 / p->vc;
    K(PK__R_P2, PK__R_P2) = -p->q2 / p->vp2;
    K(PK__R_LIVER, PK__R_C) = p->qh / p->vc;
    K(PK__R_LIVER, PK__R_LIVER) = -(p->qh / p->vh + p->kel + p->kmet);
    K(PK__R_LIVER, PK__R_D_SW) = p->ka_sw;
    K(PK__R_LIVER, PK__R_D_PO) = p->ka_po;
    K(PK__R_D_N, PK__R_D_N) = -p->ka_n;
    K(PK__R_D_SW, PK__R_D_SW) = -p->ka_sw;
    K(PK__R_D_PO, PK__R_D_PO) = -p->ka_po;
    K(PK__R_MC, PK__R_LIVER) = p->kmet;
    K(PK__R_MC, PK__R_MC) = -(p->cln + p->q3) / p->vcn;
    K(PK__R_MC, PK__R_MP) = p->q3 / p->vpn;
    K(PK__R_MP, PK__R_MC) = p->q3 / p->vcn;
    K(PK__R_MP, PK__R_MP) = -p->q3 / p->vpn;
    K(PK__R_CE, PK__R_C) = ind->ke0_per_min / p->vc;
    K(PK__R_CE, PK__R_CE) = -ind->ke0_per_min;
    K(PK__R_ELIM, PK__R_LIVER) = p->kel;
    K(PK__R_METAB, PK__R_LIVER) = p->kmet;
    K(PK__R_AUC, PK__R_C) = 1.0 / p->vc;
    K(PK__R_AUCM, PK__R_MC) = 1.0 / p->vcn;
    m->port_state[PK__PORT_CENTRAL] = PK__R_C;
    m->port_state[PK__PR_PORT_NASAL] = PK__R_D_N;
    m->port_state[PK__PR_PORT_SWALLOWED] = PK__R_D_SW;
    m->port_state[PK__PR_PORT_ORAL] = PK__R_D_PO;
    m->port_state[4] = -1;
}

int pk__linsys_build(const struct pk_indiv *ind, struct pk__expm *m, struct kc_error *err)
{
    memset(m, 0, sizeof *m);
    for (int i = 0; i < PK__CACHE; i++) m->dt[i] = -1.0;
    if (ind->model->structure == PK_STRUCT_PEREZ_RUIXO) build_perez_ruixo(ind, m);
    else build_mammillary(ind, m);
    for (int i = 0; i < m->n * m->n; i++)
        if (!isfinite(m->k[i]))
            return kc_error_set(err, KC_ENUMERIC, "model %s: rate matrix is not finite",
                                ind->model->id);
    return KC_OK;
}

/* Finds or computes the propagators for dt. */
static int propagators(struct pk__expm *m, double dt, int *slot, struct kc_error *err)
{
    for (int i = 0; i < PK__CACHE; i++)
        if (m->dt[i] == dt) {
            *slot = i;
            return KC_OK;
        }
    int s = m->next;
    m->next = (m->next + 1) % PK__CACHE;
    int rc = pk__propagators(m->n, m->k, dt, m->phi[s], m->gamma[s]);
    if (rc) {
        m->dt[s] = -1.0;
        return kc_error_set(err, rc, "matrix exponential failed for step %.6g min", dt);
    }
    m->dt[s] = dt;
    *slot = s;
    return KC_OK;
}

int pk__expm_advance(struct pk__expm *m, struct pk__state *s, const double *rate, double dt,
                     struct kc_error *err)
{
    int slot = 0, rc = propagators(m, dt, &slot, err);
    if (rc) return rc;
    const int n = m->n;
    double u[PK__MAX_X] = {0}, x[PK__MAX_X];
    int any = 0;
    if (rate)
        for (int p = 0; p < PK__MAX_PORTS; p++)
            if (rate[p] != 0.0 && m->port_state[p] >= 0) {
                u[m->port_state[p]] += rate[p];
                any = 1;
            }
    const double *phi = m->phi[slot], *gam = m->gamma[slot];
    for (int i = 0; i < n; i++) {
        double acc = 0.0;
        for (int j = 0; j < n; j++) acc += phi[i * n + j] * s->v[j];
        if (any)
            for (int j = 0; j < n; j++) acc += gam[i * n + j] * u[j];
        x[i] = acc;
    }
    memcpy(s->v, x, sizeof(double) * (size_t)n);
    return KC_OK;
}
