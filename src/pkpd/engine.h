/* engine.h — internal: the two exact steppers behind pk_simulate, pk_tci and pk_population.
 *
 *  - EXPO: exponential states for mammillary models (Bailey & Shafer 1991 closed form, as in
 *    STANPUMP).  Each input port (central, or a first-order depot) keeps one state per pole
 *    (disposition eigenvalues, ka, ke0); any output is a fixed linear combination of them whose
 *    coefficients come from partial fractions.  Exact for piecewise-constant input at any step.
 *  - EXPM: the same linear system written as dx/dt = K x + u and stepped with exp(K dt) and its
 *    integral (Padé scaling and squaring).  Exact for any linear structure, including the
 *    non-mammillary Perez-Ruixo esketamine model and coincident eigenvalues (ka or ke0 equal to a
 *    disposition eigenvalue), where EXPO's partial fractions break down.
 *
 * Amounts are mg of drug base, times min, volumes L; concentrations out are ng/mL. */
#ifndef KC_PKPD_ENGINE_H
#define KC_PKPD_ENGINE_H

#include "base/error.h"
#include "pkpd/model.h"
#include "pkpd/simulate.h"

#define PK__MAX_PORTS 5
#define PK__MAX_POLES 5
#define PK__MAX_X 14
#define PK__STATE_LEN 32
#define PK__CACHE 4

/* Relative separation under which two poles are treated as coincident: the partial-fraction
 * coefficients grow like 1/separation and cancellation costs about eps/separation of accuracy,
 * so 1e-5 keeps results within ~1e-11 relative.  Closer poles go to the matrix exponential. */
#define PK__POLE_SEPARATION 1e-5

/* Input ports.  Mammillary: 0 central, then one first-order depot per extravascular route
 * (port == route).  Perez-Ruixo: 0 central, 1 nasal depot, 2 swallowed gut depot (zero-order
 * input), 3 oral gut depot (zero-order input). */
enum { PK__PORT_CENTRAL = 0, PK__PR_PORT_NASAL = 1, PK__PR_PORT_SWALLOWED = 2, PK__PR_PORT_ORAL = 3 };

struct pk__state {
    double v[PK__STATE_LEN];
};

struct pk__expo {
    int nlambda;
    int npole[PK__MAX_PORTS];
    double pole[PK__MAX_PORTS][PK__MAX_POLES];
    /* coefficients per output (central, p2, p3, Ce in mg/L, depot amount) per port per pole */
    double c[5][PK__MAX_PORTS][PK__MAX_POLES];
    double cached_dt;
    double decay[PK__MAX_PORTS][PK__MAX_POLES], gain[PK__MAX_PORTS][PK__MAX_POLES],
        igain0[PK__MAX_PORTS][PK__MAX_POLES], igainr[PK__MAX_PORTS][PK__MAX_POLES];
};

struct pk__expm {
    int n;
    double k[PK__MAX_X * PK__MAX_X];
    int port_state[PK__MAX_PORTS];
    int next;                       /* round-robin slot in the cache */
    double dt[PK__CACHE];
    double phi[PK__CACHE][PK__MAX_X * PK__MAX_X];
    double gamma[PK__CACHE][PK__MAX_X * PK__MAX_X];
};

struct pk__engine {
    enum pk_engine_kind kind;       /* resolved: EXPO or EXPM */
    enum pk_structure structure;
    int nport;
    double v1_l, k10, vcn_l;
    union {
        struct pk__expo expo;
        struct pk__expm expm;
    } u;
};

/* Prepares the engine for individual ind.  want = AUTO picks EXPO for mammillary models unless
 * two poles nearly coincide, then EXPM; EXPO on a non-mammillary model or with near-coincident
 * poles is KC_EUNSUPPORTED / KC_ENUMERIC. */
int pk__engine_init(struct pk__engine *e, const struct pk_indiv *ind, enum pk_engine_kind want,
                    struct kc_error *err);
void pk__engine_reset(const struct pk__engine *e, struct pk__state *s);
void pk__engine_bolus(const struct pk__engine *e, struct pk__state *s, int port, double mg);
/* Advances s by dt_min with constant input rates rate[port] (mg/min; NULL = none). */
int pk__engine_advance(struct pk__engine *e, struct pk__state *s, const double *rate, double dt_min,
                       struct kc_error *err);
void pk__engine_read(const struct pk__engine *e, const struct pk__state *s, struct pk_point *out);
/* Plasma concentration only (ng/mL): the fast read for TCI and populations. */
double pk__engine_cp(const struct pk__engine *e, const struct pk__state *s);
double pk__engine_ce(const struct pk__engine *e, const struct pk__state *s);

/* Builders of the K matrix (engine_linsys.c). */
int pk__linsys_build(const struct pk_indiv *ind, struct pk__expm *m, struct kc_error *err);
int pk__expm_advance(struct pk__expm *m, struct pk__state *s, const double *rate, double dt,
                     struct kc_error *err);
/* EXPO set-up and stepping (engine_expo.c). */
enum { PK__OUT_C, PK__OUT_P2, PK__OUT_P3, PK__OUT_CE, PK__OUT_D };
int pk__expo_build(const struct pk_indiv *ind, struct pk__expo *x, struct kc_error *err);
void pk__expo_advance(struct pk__expo *x, struct pk__state *s, const double *rate, double dt);
void pk__expo_bolus(const struct pk__expo *x, struct pk__state *s, int port, double mg);
double pk__expo_out(const struct pk__expo *x, const struct pk__state *s, int out);
double pk__expo_integral(const struct pk__state *s); /* integral of central amount, mg.min */

/* EXPM state indices (engine_linsys.c).  Mammillary: */
enum { PK__M_C, PK__M_P2, PK__M_P3, PK__M_D_IM, PK__M_D_IN, PK__M_D_PO, PK__M_D_SL, PK__M_CE,
       PK__M_ELIM, PK__M_AUC, PK__M_N };
/* Perez-Ruixo: */
enum { PK__R_C, PK__R_P1, PK__R_P2, PK__R_LIVER, PK__R_D_N, PK__R_D_SW, PK__R_D_PO, PK__R_MC,
       PK__R_MP, PK__R_CE, PK__R_ELIM, PK__R_METAB, PK__R_AUC, PK__R_AUCM, PK__R_N };

#endif
