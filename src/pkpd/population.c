/* population.c — the population run (see population.h): checks the request, splits the patients
 * into contiguous blocks, one per thread, and merges the threads' statistics exactly. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/quantity.h"
#include "pkpd/pop_internal.h"

#define PROGRESS_EVERY 4096

int pop_dist_parse(const char *text, double lo, double hi, struct pop_dist *out,
                   struct kc_error *err)
{
    char buf[96], *w[4], *save = NULL;
    size_t len = text ? strlen(text) : 0;
    if (len == 0 || len >= sizeof buf) return kc_error_set(err, KC_EINVAL, "'%.40s': empty or too long", text ? text : "");
    memcpy(buf, text, len + 1);
    int nw = 0;
    for (char *p = strtok_r(buf, " \t", &save); p; p = strtok_r(NULL, " \t", &save)) {
        if (nw == 4) return kc_error_set(err, KC_EINVAL, "'%s': too many words", text);
        w[nw++] = p;
    }
    struct pop_dist d = {POP_DIST_FIXED, NAN, NAN, lo, hi};
    double v[2];
    int need = 1, first = 1;
    if (nw >= 1 && kc_parse_double(w[0], &v[0], NULL) == KC_OK) first = 0;
    else if (nw >= 1 && strcasecmp(w[0], "fixed") == 0) d.kind = POP_DIST_FIXED;
    else if (nw >= 1 && strcasecmp(w[0], "normal") == 0) d.kind = POP_DIST_NORMAL, need = 2;
    else if (nw >= 1 && strcasecmp(w[0], "uniform") == 0) d.kind = POP_DIST_UNIFORM, need = 2;
    else
        return kc_error_set(err, KC_EINVAL, "'%s': expected a number, 'fixed V', 'normal MEAN SD' or "
                            "'uniform MIN MAX'", text);
    if (nw != first + need) return kc_error_set(err, KC_EINVAL, "'%s': expected %d number%s after '%s'",
                                                text, need, need > 1 ? "s" : "", w[0]);
    for (int k = 0; k < need; k++)
        if (kc_parse_double(w[first + k], &v[k], NULL))
            return kc_error_set(err, KC_EINVAL, "'%s': '%s' is not a number", text, w[first + k]);
    d.a = v[0];
    d.b = need > 1 ? v[1] : NAN;
    if (!(d.a >= lo && d.a <= hi))
        return kc_error_set(err, KC_ERANGE, "'%s': %g is outside the plausible %g-%g", text, d.a, lo, hi);
    if (d.kind == POP_DIST_NORMAL && !(d.b >= 0 && d.b <= (hi - lo)))
        return kc_error_set(err, KC_ERANGE, "'%s': SD %g must be 0 to %g", text, d.b, hi - lo);
    if (d.kind == POP_DIST_UNIFORM && !(d.b >= d.a && d.b <= hi))
        return kc_error_set(err, KC_ERANGE, "'%s': uniform bounds must be ascending within %g-%g", text, lo, hi);
    *out = d;
    return KC_OK;
}


int pop_omega_for_model(const struct pk_model *m, double cv_all, int *n_eta, double *omega,
                        struct kc_error *err)
{
    int n = pk_model_n_eta(m);
    if (n > POP_MAX_ETA) return kc_error_set(err, KC_EUNSUPPORTED, "model %s has too many etas", m->id);
    memset(omega, 0, sizeof(double) * POP_MAX_ETA * POP_MAX_ETA);
    for (int i = 0; i < n; i++) {
        /* the published IIV (model.c), or one CV for every parameter (the same value on the
         * logit scale for fractions) */
        struct pk_eta_info info;
        int rc = pk_model_eta(m, i, &info, err);
        if (rc) return rc;
        omega[i * POP_MAX_ETA + i] = cv_all >= 0 ? log(1.0 + cv_all * cv_all) : info.variance;
    }
    *n_eta = n;
    return KC_OK;
}

int pop__cholesky(int n, const double *a, double *l, struct kc_error *err)
{
    memset(l, 0, sizeof(double) * POP_MAX_ETA * POP_MAX_ETA);
    for (int j = 0; j < n; j++) {
        double d = a[j * POP_MAX_ETA + j];
        for (int k = 0; k < j; k++) d -= l[j * POP_MAX_ETA + k] * l[j * POP_MAX_ETA + k];
        if (d < -1e-12 * (1 + fabs(a[j * POP_MAX_ETA + j])))
            return kc_error_set(err, KC_EINVAL, "Ω is not positive semi-definite (pivot %d)", j + 1);
        double ljj = d > 0 ? sqrt(d) : 0.0;
        l[j * POP_MAX_ETA + j] = ljj;
        for (int i = j + 1; i < n; i++) {
            double s = a[i * POP_MAX_ETA + j];
            if (fabs(a[i * POP_MAX_ETA + j] - a[j * POP_MAX_ETA + i]) > 1e-12)
                return kc_error_set(err, KC_EINVAL, "Ω is not symmetric (%d,%d)", i + 1, j + 1);
            for (int k = 0; k < j; k++) s -= l[i * POP_MAX_ETA + k] * l[j * POP_MAX_ETA + k];
            if (ljj > 0) l[i * POP_MAX_ETA + j] = s / ljj;
            else if (fabs(s) > 1e-12)
                return kc_error_set(err, KC_EINVAL, "Ω is not positive semi-definite (column %d)", j + 1);
        }
    }
    return KC_OK;
}

static int check(const struct pop_request *req, struct kc_error *err)
{
    if (!req->model) return kc_error_set(err, KC_EINVAL, "population: no model");
    if (!(req->n_patients >= 1 && req->n_patients <= POP_MAX_PATIENTS))
        return kc_error_set(err, KC_ERANGE, "population: --n must be 1 to %ld", POP_MAX_PATIENTS);
    if (req->threads < 1 || req->threads > POP_MAX_THREADS)
        return kc_error_set(err, KC_ERANGE, "population: threads must be 1 to %d", POP_MAX_THREADS);
    if (req->n_times < 1 || req->n_times > POP_MAX_TIMES)
        return kc_error_set(err, KC_ELIMIT, "population: %zu output times; 1 to %d allowed", req->n_times, POP_MAX_TIMES);
    for (size_t j = 0; j < req->n_times; j++)
        if (!(req->times_min[j] >= 0) || (j && !(req->times_min[j] > req->times_min[j - 1])))
            return kc_error_set(err, KC_EINVAL, "population: output times must ascend from 0");
    if (req->n_quantiles > POP_MAX_QUANTILES)
        return kc_error_set(err, KC_ELIMIT, "population: at most %d quantiles", POP_MAX_QUANTILES);
    for (size_t k = 0; k < req->n_quantiles; k++)
        if (!(req->quantiles[k] > 0 && req->quantiles[k] <= 1))
            return kc_error_set(err, KC_EINVAL, "population: quantile %g is not in (0, 1]", req->quantiles[k]);
    if (req->n_eta != pk_model_n_eta(req->model) && req->n_eta != 0)
        return kc_error_set(err, KC_EINVAL, "population: model %s takes %d etas, not %d", req->model->id,
                            pk_model_n_eta(req->model), req->n_eta);
    if (!(req->residual_sd >= 0 && req->residual_sd < 5))
        return kc_error_set(err, KC_EINVAL, "population: residual SD must be 0 to 5 (log scale)");
    return KC_OK;
}

struct job {
    const struct pop_request *req;
    const double *chol;
    long i0, i1;
    int index;
    atomic_long *done;
    long total;
    struct pop_acc acc;
    struct pop_refine refine; /* pass 2 only */
    int pass;
    long n_outside;
    int rc;
    long failed_at;
    struct kc_error err;
};

static void *worker(void *arg)
{
    struct job *j = arg;
    const struct pop_request *req = j->req;
    const struct pk_model *m = req->model;
    size_t nt = req->n_times;
    struct pop_scratch *w = pop__scratch_new(req);
    /* Cp, then Cmax and AUC, of a batch: series s of lane p at [s * POP_LANES + p] */
    double *v = malloc((nt + 2) * POP_LANES * sizeof *v);
    j->rc = !w || !v ? kc_error_set(&j->err, KC_ENOMEM, "out of memory") : KC_OK;
    if (j->rc) goto out;
    memcpy(w->chol, j->chol, sizeof w->chol);
    long since = 0;
    for (long i = j->i0; i < j->i1; i += POP_LANES) {
        int nb = j->i1 - i < POP_LANES ? (int)(j->i1 - i) : POP_LANES;
        struct pk_covariates cov[POP_LANES];
        double *cmax = v + nt * POP_LANES, *auc = cmax + POP_LANES;
        int rc = pop__simulate(req, w, i, nb, NULL, cov, v, POP_LANES, cmax, auc, &j->failed_at,
                               &j->err);
        if (rc) {
            j->rc = rc;
            break;
        }
        if (j->pass == 1) {
            pop_acc_add_lanes(&j->acc, 0, nt + 1, v, POP_LANES, nb, req->level_ng_per_ml);
            pop_acc_add_lanes(&j->acc, nt + 1, 1, auc, POP_LANES, nb, INFINITY);
            j->acc.n += (uint64_t)nb;
            for (int p = 0; p < nb; p++)
                j->n_outside += (cov[p].weight_kg < m->weight_min_kg || cov[p].weight_kg > m->weight_max_kg ||
                                 cov[p].age_y < m->age_min_y || cov[p].age_y > m->age_max_y);
        } else {
            for (size_t s = 0; s < nt + 2; s++)
                for (int p = 0; p < nb; p++) pop_refine_add(&j->refine, s, v[s * POP_LANES + (size_t)p]);
        }
        since += nb;
        if (since >= PROGRESS_EVERY) {
            long d = atomic_fetch_add(j->done, since) + since;
            since = 0;
            if (j->index == 0 && req->progress) req->progress(req->progress_ctx, d, j->total);
        }
    }
    atomic_fetch_add(j->done, since);
out:
    pop__scratch_free(w);
    free(v);
    return NULL;
}

/* Runs one pass over all patients on req->threads threads. */
static int run_pass(const struct pop_request *req, const double *chol, int pass, struct pop_result *res,
                    atomic_long *done, long total, struct kc_error *err)
{
    int nth = req->threads;
    if (nth > req->n_patients) nth = (int)req->n_patients;
    struct job *jobs = calloc((size_t)nth, sizeof *jobs);
    pthread_t *tid = calloc((size_t)nth, sizeof *tid);
    int rc = !jobs || !tid ? kc_error_set(err, KC_ENOMEM, "out of memory") : KC_OK;
    int started = 0;
    long per = (req->n_patients + nth - 1) / nth;
    for (int k = 0; !rc && k < nth; k++) {
        struct job *j = &jobs[k];
        *j = (struct job){.req = req, .chol = chol, .i0 = k * per, .index = k, .done = done,
                          .total = total, .pass = pass, .failed_at = -1};
        j->i1 = j->i0 + per < req->n_patients ? j->i0 + per : req->n_patients;
        if (pass == 1 ? pop_acc_init(&j->acc, req->n_times + 2)
                      : pop_refine_clone_empty(&j->refine, &res->refine)) {
            rc = kc_error_set(err, KC_ENOMEM, "out of memory for thread %d's statistics", k);
            break;
        }
        if (k == 0) continue; /* the calling thread works as thread 0 */
        if (pthread_create(&tid[k], NULL, worker, j)) {
            rc = kc_error_set(err, KC_ENOMEM, "cannot start thread %d", k);
            break;
        }
        started = k;
    }
    if (!rc) worker(&jobs[0]);
    for (int k = 1; k <= started; k++) pthread_join(tid[k], NULL);
    long first_fail = -1;
    int setup_rc = rc;
    for (int k = 0; !setup_rc && k < nth; k++)
        if (jobs[k].rc && (first_fail < 0 || jobs[k].failed_at < first_fail)) {
            first_fail = jobs[k].failed_at;
            *err = jobs[k].err;
            rc = jobs[k].rc;
        }
    for (int k = 0; jobs && k < nth; k++) {
        if (!rc && pass == 1) {
            pop_acc_merge(&res->acc, &jobs[k].acc);
            res->n_outside_range += jobs[k].n_outside;
        } else if (!rc) {
            pop_refine_merge(&res->refine, &jobs[k].refine);
        }
        pop_acc_free(&jobs[k].acc);
        pop_refine_free(&jobs[k].refine);
    }
    free(jobs);
    free(tid);
    return rc;
}

int pop_run(const struct pop_request *req, struct pop_result *res, struct kc_error *err)
{
    memset(res, 0, sizeof *res);
    int rc = check(req, err);
    if (rc) return rc;
    double chol[POP_MAX_ETA * POP_MAX_ETA];
    rc = pop__cholesky(req->n_eta, req->omega, chol, err);
    if (rc) return rc;
    res->n_patients = req->n_patients;
    res->n_times = req->n_times;
    res->n_quantiles = req->n_quantiles;
    memcpy(res->quantiles, req->quantiles, req->n_quantiles * sizeof(double));
    if (pop_acc_init(&res->acc, req->n_times + 2))
        return kc_error_set(err, KC_ENOMEM, "out of memory for the statistics");
    atomic_long done = 0;
    long total = req->n_patients * (req->refine && req->n_quantiles ? 2 : 1);
    rc = run_pass(req, chol, 1, res, &done, total, err);
    if (!rc && req->refine && req->n_quantiles) {
        if (pop_refine_init(&res->refine, &res->acc, req->quantiles, req->n_quantiles))
            rc = kc_error_set(err, KC_ENOMEM, "out of memory for the refinement");
        else rc = run_pass(req, chol, 2, res, &done, total, err);
        res->refined = !rc;
    }
    if (!rc && req->progress) req->progress(req->progress_ctx, total, total);
    if (rc) pop_result_free(res);
    return rc;
}

void pop_result_free(struct pop_result *res)
{
    pop_acc_free(&res->acc);
    pop_refine_free(&res->refine);
    memset(res, 0, sizeof *res);
}

double pop_result_quantile(const struct pop_result *res, size_t series, size_t k)
{
    if (k >= res->n_quantiles || series >= res->acc.n_series) return NAN;
    if (res->refined) return pop_refine_quantile(&res->refine, &res->acc, series, k);
    return pop_acc_quantile(&res->acc, series, res->quantiles[k], NULL, NULL);
}

double pop_result_p_above(const struct pop_result *res, size_t series)
{
    return res->acc.n ? (double)res->acc.m[series].above / (double)res->acc.n : NAN;
}

int pop_patient(const struct pop_request *req, long i, struct pk_indiv *ind, double *cp,
                double *cmax, double *auc_ng_h_per_ml, struct kc_error *err)
{
    int rc = check(req, err);
    if (rc) return rc;
    struct pop_scratch *w = pop__scratch_new(req);
    double *tmp = malloc(req->n_times * sizeof *tmp);
    if (!w || !tmp) rc = kc_error_set(err, KC_ENOMEM, "out of memory");
    if (!rc) rc = pop__cholesky(req->n_eta, req->omega, w->chol, err);
    if (!rc) {
        double cm, au;
        long failed;
        rc = pop__simulate(req, w, i, 1, ind, NULL, cp ? cp : tmp, 1, &cm, &au, &failed, err);
        if (!rc && cmax) *cmax = cm;
        if (!rc && auc_ng_h_per_ml) *auc_ng_h_per_ml = au;
    }
    pop__scratch_free(w);
    free(tmp);
    return rc;
}
