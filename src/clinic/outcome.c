/* outcome.c — Wilson intervals, paired Hedges' g, clinic summaries and the published
 * benchmarks of clinical.md s5. */
#include <math.h>
#include <string.h>

#include "clinic/outcome.h"

const struct outcome_benchmark outcome_benchmarks[] = {
    {"real-world meta-analysis (79 studies)", 2665, "mixed", "mixed", "mixed", "45% +-10",
     "30% +-5.9", "Hedges g 1.44 +-0.61", "Alnefeesi, J Psychiatr Res 2022", "V"},
    {"RCT meta-analysis, racemic + esketamine (36 RCTs)", 2903, "mixed", "mixed", "mixed",
     "RR 2.14 vs placebo", "RR 1.64", "SMD -0.63", "Bahji et al. 2022 (PMID 35231204)", "V"},
    {"single-infusion RCT meta-analysis (9 RCTs)", 368, "iv", "mixed", "0.5 mg/kg",
     "52% (24 h), 48% (72 h), 40% (day 7)", "21%, 24%, 26%", "-",
     "Han, Neuropsychiatr Dis Treat 2016", "V"},
    {"open series, academic", 24, "iv", "madrs", "6 IV over 12 days", "70.8%", "-",
     "relapse median 18 days", "Murrough, Biol Psychiatry 2013", "V"},
    {"Canadian community clinic (CRTCE)", 213, "iv", "qids16", "4 IV, 0.5-0.75 mg/kg", "27%",
     "13%", "-", "McIntyre, J Affect Disord 2020", "V"},
    {"US multisite private clinic", 424, "iv", "phq9", "6 IV in 21 days",
     "50% by 6 wk; 72% after 10", "20%; 38% after 10", "-", "Oliver, J Clin Psychiatry 2022",
     "V"},
    {"Osmind ORKA-1 (178 practices)", 537, "iv", "phq9", "4-8 IV in 7-28 days", "53.6%",
     "28.9%", "d = 1.5", "McInnes, J Affect Disord 2022", "V"},
    {"Osmind-linked controlled analysis (ORKA-2?)", 714, "iv", "qids16", "induction",
     "~50% after 6 infusions (press)", "~25% (press)", "d = 1.56 (QIDS), 1.17 (GAD-7)",
     "J Affect Disord 2023", "d V; rates S"},
    {"at-home SL telehealth", 1247, "sl", "phq9", "4 sessions", "62.8% PHQ-9, 62.9% GAD-7",
     "32.6%, 31.3%", "-", "Hull, J Affect Disord 2022;314:59", "V"},
    {"ELEKT-D, ketamine vs ECT", 403, "iv", "qids16", "6 IV over 3 weeks", "55.4% vs 41.2%", "-",
     "-", "Anand, NEJM 2023", "V"},
    {"KetECT inpatients, ketamine vs ECT", 186, "iv", "madrs", "3x/week up to 12", "-",
     "46% vs 63% (MADRS <=10)", "-", "Ekstrand, Int J Neuropsychopharmacol 2022", "V"},
    {"esketamine TRANSFORM-2", 223, "nasal", "madrs", "flexible 56/84 + new AD",
     "69.3% vs 52.0%", "52.5% vs 31.0%", "MADRS diff -4.0 at day 28",
     "Popova, Am J Psychiatry 2019", "diff V; rates ?"},
    {"esketamine vs quetiapine XR (ESCAPE-TRD)", 676, "nasal", "madrs", "flexible", "-",
     "27.1% vs 17.6% at week 8", "-", "Reif, NEJM 2023", "V"},
    {"esketamine monotherapy RCT", 0, "nasal", "madrs", "4 weeks", "-", "22.5% vs 7.6% at week 4",
     "-", "J&J / Becker's 2025", "S"},
    {"PTSD (civilian), 6 x 0.5 mg/kg over 2 weeks", 0, "iv", "caps5", "6 IV over 2 weeks",
     "67% vs 20% (CAPS-5 >=30%)", "-", "-", "Feder, Am J Psychiatry 2021", "V"},
    {"OCD, single 0.5 mg/kg", 0, "iv", "ybocs", "single infusion", "50% vs 0% (Y-BOCS >=35%)",
     "-", "-", "Rodriguez, Neuropsychopharmacology 2013", "V"},
};
const int outcome_benchmarks_len = (int)(sizeof outcome_benchmarks / sizeof outcome_benchmarks[0]);

int outcome_wilson(long k, long n, double z, double *lo, double *hi, struct kc_error *err)
{
    if (n < 1 || k < 0 || k > n || !(z > 0))
        return kc_error_set(err, KC_EINVAL, "Wilson interval: need 0 <= k <= n and n >= 1 (k=%ld, n=%ld)", k, n);
    double p = (double)k / (double)n, nn = (double)n, z2 = z * z;
    double den = 1 + z2 / nn;
    double centre = (p + z2 / (2 * nn)) / den;
    double half = z / den * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
    *lo = fmax(0.0, centre - half);
    *hi = fmin(1.0, centre + half);
    return KC_OK;
}

int outcome_hedges_g_paired(double mean_diff, double sd_diff, double r, long n,
                            struct outcome_effect *out, struct kc_error *err)
{
    if (n < 3) return kc_error_set(err, KC_EINVAL, "Hedges' g needs at least 3 paired courses, got %ld", n);
    if (!(sd_diff > 0) || !isfinite(mean_diff))
        return kc_error_set(err, KC_EINVAL, "Hedges' g: the change has no spread (SD of differences 0)");
    if (!(r > -1 && r < 1))
        return kc_error_set(err, KC_EINVAL, "Hedges' g: correlation %g outside (-1, 1)", r);
    double nn = (double)n;
    double s_within = sd_diff / sqrt(2 * (1 - r));
    double d = mean_diff / s_within;
    double vd = (1 / nn + d * d / (2 * nn)) * 2 * (1 - r);
    double j = 1 - 3 / (4 * (nn - 1) - 1);
    struct outcome_effect e = {d, j * d, j * j * vd, 0, 0, r, n};
    e.lo = e.g - OUTCOME_Z95 * sqrt(e.var_g);
    e.hi = e.g + OUTCOME_Z95 * sqrt(e.var_g);
    *out = e;
    return KC_OK;
}

int outcome_hedges_g_data(const double *b, const double *e, long n, struct outcome_effect *out,
                          struct kc_error *err)
{
    if (n < 3) return kc_error_set(err, KC_EINVAL, "Hedges' g needs at least 3 paired courses, got %ld", n);
    double mb = 0, me = 0, md = 0;
    for (long i = 0; i < n; i++) mb += b[i], me += e[i], md += b[i] - e[i];
    mb /= n, me /= n, md /= n;
    double sbb = 0, see = 0, sbe = 0, sdd = 0;
    for (long i = 0; i < n; i++) {
        double x = b[i] - mb, y = e[i] - me, z = (b[i] - e[i]) - md;
        sbb += x * x, see += y * y, sbe += x * y, sdd += z * z;
    }
    if (!(sbb > 0 && see > 0))
        return kc_error_set(err, KC_EINVAL, "Hedges' g: baseline or end scores have no spread");
    double r = sbe / sqrt(sbb * see);
    return outcome_hedges_g_paired(md, sqrt(sdd / (double)(n - 1)), r, n, out, err);
}

#define OUTCOME_MAX_N 1000000L

int outcome_summarise(const struct protocol *p, const struct outcome_course *c, long n,
                      struct outcome_summary *out, struct kc_error *err)
{
    struct outcome_summary s;
    memset(&s, 0, sizeof s);
    protocol_trace_begin(&s.trace, p);
    if (n < 1 || n > OUTCOME_MAX_N)
        return kc_error_set(err, KC_EINVAL, "outcomes: need 1-%ld courses, got %ld", OUTCOME_MAX_N, n);
    for (long i = 0; i < n; i++) {
        struct scale_change ch;
        if (c[i].scale != c[0].scale)
            return kc_error_set(err, KC_EINVAL, "course %ld: scale %s differs from %s (group by scale)",
                                i + 1, c[i].scale->name, c[0].scale->name);
        int rc = scale_compare(p, c[i].scale, c[i].baseline, c[i].end, 0, &ch, err);
        if (rc) return kc_error_prefix(err, "course %ld", i + 1);
        for (size_t k = 0; k < ch.trace.n; k++) (void)protocol_use(p, ch.trace.keys[k], &s.trace);
        s.responders += ch.response;
        if (ch.remission >= 0) s.remission_defined = 1, s.remitters += ch.remission;
    }
    s.n = n;
    s.response_rate = (double)s.responders / n;
    outcome_wilson(s.responders, n, OUTCOME_Z95, &s.response_lo, &s.response_hi, NULL);
    s.remission_rate = s.remission_lo = s.remission_hi = NAN;
    if (s.remission_defined) {
        s.remission_rate = (double)s.remitters / n;
        outcome_wilson(s.remitters, n, OUTCOME_Z95, &s.remission_lo, &s.remission_hi, NULL);
    }
    if (n >= 3) {
        /* two passes over the courses: means, then centred sums (no allocation) */
        double mb = 0, me = 0, md = 0, sbb = 0, see = 0, sbe = 0, sdd = 0;
        for (long i = 0; i < n; i++) mb += c[i].baseline, me += c[i].end;
        mb /= n, me /= n, md = mb - me;
        for (long i = 0; i < n; i++) {
            double x = c[i].baseline - mb, y = c[i].end - me, z = x - y;
            sbb += x * x, see += y * y, sbe += x * y, sdd += z * z;
        }
        struct kc_error ignore = {0};
        /* a group without spread reports no effect size (effect.n = 0) rather than failing */
        if (!(sbb > 0 && see > 0) ||
            outcome_hedges_g_paired(md, sqrt(sdd / (double)(n - 1)), sbe / sqrt(sbb * see), n,
                                    &s.effect, &ignore))
            s.effect.n = 0;
    }
    *out = s;
    return KC_OK;
}
