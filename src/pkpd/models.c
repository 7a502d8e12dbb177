/* models.c — the table of shipped ketamine and esketamine models, with provenance.
 * Every number here is also listed in docs/clinical-sources.md and checked by tests/unit/test_pk_models.c.
 * Rate constants are per minute, volumes in litres. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pkpd/model.h"

/* Absorption of racemic ketamine by route (shared by the racemic models).
 * F values: IM 93% adults (Clements 1982 J Pharm Sci 71:539; widely quoted, paper not retrieved);
 * IN 45% (Yanagihara 2003 Biopharm Drug Dispos 24:37, n=3); PO 20% (Yanagihara 2003; Chong 2006
 * Pain Med: 23 +/- 9%); SL 29% (Rolan 2014 BJCP 77:1011, wafer, 27-31%; Yanagihara 30%).
 * No adult absorption rate constant or lag has been published for these routes, so the
 * first-order ka below is ASSUMED, chosen so that the Domino 1984 model reproduces the middle
 * of the reported Tmax (tests/unit/test_pk_models.c checks it).  Because Domino's central
 * compartment equilibrates within minutes, these ka values are slow (IN: absorption t1/2 53 min);
 * they describe the shape of the curve, not a measured absorption rate.  Reported Tmax: IM 5-20 min (secondary sources), IN 14-23 min (Yanagihara 2003 and Pharmacotherapy
 * 2022;42:298), PO about 1 h (Chong 2006), SL 0.75 h (Rolan 2014).  The output says so. */
#define RACEMIC_ROUTES                                                                              \
    {                                                                                               \
        [PK_ROUTE_IV] = {1, 1.0, 0.0, 0.0, 0, "intravenous: complete"},                            \
        [PK_ROUTE_IM] = {1, 0.93, 0.029, 0.0, 1,                                                     \
                         "F 93% Clements 1982 J Pharm Sci 71:539 (unverified); ka assumed for Tmax 5-20 min"}, \
        [PK_ROUTE_IN] = {1, 0.45, 0.013, 0.0, 1,                                                     \
                         "F 45% Yanagihara 2003 Biopharm Drug Dispos 24:37; ka assumed for Tmax 14-23 min"}, \
        [PK_ROUTE_PO] = {1, 0.20, 0.0058, 0.0, 1,                                                    \
                         "F 20% Yanagihara 2003 (23% Chong 2006 Pain Med); ka assumed for Tmax ~1 h"}, \
        [PK_ROUTE_SL] = {1, 0.29, 0.0067, 0.0, 1,                                                    \
                         "F 29% Rolan 2014 Br J Clin Pharmacol 77:1011; ka assumed for Tmax 0.75 h"}, \
    }

/* Olofsen 2022: t1/2ke0 8.3 min -> ke0 = ln 2 / 8.3 = 0.0835 /min (S-ketamine; R contributes
 * nothing).  Used for every model, since none of the racemic disposition papers published a ke0
 * (STANPUMP's 10 /min and opentiva's 0.652 /min are guesses; see docs/clinical-sources.md). */
#define OLOFSEN_KE0 (0.69314718055994531 / PK_OLOFSEN_T_HALF_KE0_MIN)
#define OLOFSEN_SRC "Olofsen 2022 Anesthesiology (t1/2ke0 8.3 min, S-ketamine)"

static const struct pk_param domino_params[] = {
    {"V1", 0.063, "L/kg", 0, "Domino 1984 via STANPUMP/stanpumpR/opentiva"},
    {"k10", 0.438, "/min", 0, "idem"},
    {"k12", 0.592, "/min", 0, "idem"},
    {"k13", 0.590, "/min", 0, "idem"},
    {"k21", 0.247, "/min", 0, "idem"},
    {"k31", 0.0146, "/min", 0, "idem"},
};
static const struct pk_param clements_params[] = {
    {"V1", 1.7522, "L/kg", 0, "Clements 1981 as coded in opentiva"},
    {"k10", 0.0109, "/min", 0, "idem"},
    {"k12", 0.0186, "/min", 0, "idem"},
    {"k21", 0.0137, "/min", 0, "idem"},
};
static const struct pk_param hijazi_params[] = {
    {"V1", 1.08, "L/kg", 0, "Hijazi 2003 as coded in opentiva"},
    {"k10", 0.0333, "/min", 0, "idem; V1*k10 = 36 mL/min/kg as in the paper"},
    {"k12", 0.0088, "/min", 0, "idem"},
    {"k21", 0.0030, "/min", 0, "idem"},
};
static const struct pk_param herd_params[] = {
    {"V1", 38.7, "L/70kg", 0.64, "Herd 2007 Paediatr Anaesth 17:622"},
    {"V2", 102, "L/70kg", 0.517, "idem"},
    {"CL", 90, "L/h/70kg", 0.381, "idem; allometric exponent 0.75"},
    {"Q", 215, "L/h/70kg", 0.19, "idem; allometric exponent 0.75"},
};
static const struct pk_param kamp_params[] = {
    {"Vd", 252, "L/70kg", 0, "Kamp 2020 Anesthesiology 133:1192 (95% CI 200-304)"},
    {"CL", 79, "L/h/70kg", 0, "idem (95% CI 69-90)"},
};
static const struct pk_param pr_params[] = {
    {"Vc", 192, "L", 0.275, "Perez-Ruixo 2021 Clin Pharmacokinet 60:501, Table 3 (via nlmixr2lib)"},
    {"Vp1", 143, "L", 0.493, "idem"},
    {"Q1", 84.3, "L/h", 0, "idem"},
    {"Vp2", 417, "L", 0, "idem"},
    {"Q2", 37.6, "L/h", 0, "idem"},
    {"Qh", 151, "L/h", 0.232, "idem; -2.19 L/h per year of age above 60"},
    {"Vh", 101, "L", 0.346, "idem"},
    {"kel", 1.11, "/h", 1.20, "idem; x0.36 if Asian"},
    {"kmet", 2.77, "/h", 0, "idem; IIV estimate blank in the paper"},
    {"FRn", 0.54, "", 0, "idem; per 28 mg device, x0.62 for later devices, x1.34 if Japanese; IIV 70.8 (logit)"},
    {"ka,n", 2.93, "/h", 0.615, "idem"},
    {"Dsw", 0.53, "h", 0, "idem; zero-order swallowed part"},
    {"ka,sw", 1.45, "/h", 1.32, "idem"},
    {"Fgut", 0.64, "", 0, "idem"},
    {"Dpo", 0.32, "h", 0, "idem"},
    {"ka,po", 0.97, "/h", 1.32, "idem"},
    {"Vcn/F", 70, "L", 0.316, "idem; noresketamine"},
    {"CLn/F", 38, "L/h", 0.254, "idem; x0.81 if Asian"},
    {"Vpn/F", 115, "L", 0, "idem"},
    {"Q3/F", 26.1, "L/h", 0, "idem"},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct pk_model models[] = {
    {
        .id = "domino1984",
        .name = "Domino 1984",
        .citation = "Domino EF, Domino SE, Smith RE, et al. Ketamine kinetics in unmedicated and "
                    "diazepam-premedicated subjects. Clin Pharmacol Ther 1984;36:645-653",
        .population = "healthy adult volunteers",
        .notes = "STANPUMP's 'human' ketamine set. Predicts 240 ng/mL at the end of 0.5 mg/kg over "
                 "40 min at 70 kg, about 30% above the ~185 ng/mL observed (Zanos 2018, citing "
                 "Zarate 2006). Sampling site not stated in our sources.",
        .site = PK_SITE_VENOUS,
        .enantiomer = PK_RACEMIC,
        .structure = PK_STRUCT_MAMMILLARY,
        .confidence = PK_CONF_VERIFIED,
        .n_cmt = 3,
        .kind = PK_MICRO_PER_KG,
        .p = {0.063, 0.438, 0.592, 0.590, 0.247, 0.0146},
        .required = PK_COV_WEIGHT,
        .weight_min_kg = 40, .weight_max_kg = 140, .age_min_y = 18, .age_max_y = 100,
        .range_source = "adults; the paper's weight range was not retrieved (40-140 kg used)",
        .routes = RACEMIC_ROUTES,
        .ke0_per_min = OLOFSEN_KE0, .ke0_source = OLOFSEN_SRC,
        .params = domino_params, .n_params = N(domino_params),
    },
    {
        .id = "clements1981",
        .name = "Clements 1981 (250 ug/kg)",
        .citation = "Clements JA, Nimmo WS. Pharmacokinetics and analgesic effect of ketamine in "
                    "man. Br J Anaesth 1981;53:27-30 (250 ug/kg bolus data set, as coded in opentiva)",
        .population = "healthy adult volunteers, 250 ug/kg IV",
        .notes = "CL 19.1 mL/min/kg, Vss 4.13 L/kg; parameter set from opentiva (paper not retrieved).",
        .site = PK_SITE_VENOUS,
        .enantiomer = PK_RACEMIC,
        .structure = PK_STRUCT_MAMMILLARY,
        .confidence = PK_CONF_CODE,
        .n_cmt = 2,
        .kind = PK_MICRO_PER_KG,
        .p = {1.7522, 0.0109, 0.0186, 0.0, 0.0137, 0.0},
        .required = PK_COV_WEIGHT,
        .weight_min_kg = 40, .weight_max_kg = 140, .age_min_y = 18, .age_max_y = 100,
        .range_source = "adult volunteers; exact ranges not retrieved",
        .routes = RACEMIC_ROUTES,
        .ke0_per_min = OLOFSEN_KE0, .ke0_source = OLOFSEN_SRC,
        .params = clements_params, .n_params = N(clements_params),
    },
    {
        .id = "hijazi2003",
        .name = "Hijazi 2003",
        .citation = "Hijazi Y, Bodonian C, Bolon M, Salord F, Boulieu R. Pharmacokinetics and "
                    "haemodynamics of ketamine in intensive care patients with brain or spinal cord "
                    "injury. Br J Anaesth 2003;90:155-160",
        .population = "adult ICU patients with brain or spinal cord injury (long infusions)",
        .notes = "Paper: CL 36.0 (SD 13.3) mL/min/kg, Vbeta 16.0 L/kg, t1/2beta 4.9 h. opentiva's "
                 "age cap of <=18 y is not supported by the abstract and is not applied here.",
        .site = PK_SITE_VENOUS,
        .enantiomer = PK_RACEMIC,
        .structure = PK_STRUCT_MAMMILLARY,
        .confidence = PK_CONF_VERIFIED,
        .n_cmt = 2,
        .kind = PK_MICRO_PER_KG,
        .p = {1.08, 0.0333, 0.0088, 0.0, 0.0030, 0.0},
        .required = PK_COV_WEIGHT,
        .weight_min_kg = 40, .weight_max_kg = 140, .age_min_y = 18, .age_max_y = 100,
        .range_source = "adult ICU patients; exact ranges not retrieved",
        .routes = RACEMIC_ROUTES,
        .ke0_per_min = OLOFSEN_KE0, .ke0_source = OLOFSEN_SRC,
        .params = hijazi_params, .n_params = N(hijazi_params),
    },
    {
        .id = "herd2007",
        .name = "Herd 2007 (children)",
        .citation = "Herd D, Anderson BJ. Ketamine disposition in children presenting for "
                    "procedural sedation and analgesia in a children's emergency department. "
                    "Paediatr Anaesth 2007;17:622-629",
        .population = "children in the emergency department, 1-1.5 mg/kg IV",
        .notes = "Allometric to 70 kg (exponent 1 for volumes, 0.75 for clearances). Between-subject "
                 "variability published for V1, V2, CL and Q.",
        .site = PK_SITE_VENOUS,
        .enantiomer = PK_RACEMIC,
        .structure = PK_STRUCT_MAMMILLARY,
        .confidence = PK_CONF_VERIFIED,
        .n_cmt = 2,
        .kind = PK_CLEAR_ALLOMETRIC,
        .p = {38.7, 102.0, 0.0, 90.0 / 60.0, 215.0 / 60.0, 0.0},
        .vol_exp = 1.0, .cl_exp = 0.75,
        .omega_cv = {0.64, 0.517, 0.0, 0.381, 0.19, 0.0},
        .required = PK_COV_WEIGHT,
        .weight_min_kg = 8, .weight_max_kg = 70, .age_min_y = 1, .age_max_y = 16,
        .range_source = "paediatric ED population; the paper's exact ranges were not retrieved "
                        "(1-16 y, 8-70 kg used)",
        .routes = RACEMIC_ROUTES,
        .ke0_per_min = OLOFSEN_KE0, .ke0_source = OLOFSEN_SRC,
        .params = herd_params, .n_params = N(herd_params),
    },
    {
        .id = "kamp2020",
        .name = "Kamp 2020 (meta-analysis summary)",
        .citation = "Kamp J, van Velzen M, Olofsen E, et al. Pharmacokinetic and pharmacodynamic-"
                    "based considerations for the use of ketamine... Anesthesiology 2020;133:1192",
        .population = "pooled adult studies (weighted means)",
        .notes = "One-compartment summary built by us from the weighted means Vd 252 L/70 kg and "
                 "CL 79 L/h/70 kg, scaled linearly with weight; t1/2 2.2 h. Not the paper's "
                 "raw-data model (arterial central + 2 peripheral + venous delay).",
        .site = PK_SITE_MIXED,
        .enantiomer = PK_RACEMIC,
        .structure = PK_STRUCT_MAMMILLARY,
        .confidence = PK_CONF_SUMMARY,
        .n_cmt = 1,
        .kind = PK_CLEAR_ALLOMETRIC,
        .p = {252.0, 0.0, 0.0, 79.0 / 60.0, 0.0, 0.0},
        .vol_exp = 1.0, .cl_exp = 1.0,
        .required = PK_COV_WEIGHT,
        .weight_min_kg = 40, .weight_max_kg = 140, .age_min_y = 18, .age_max_y = 100,
        .range_source = "adults; no covariate effects were found in the meta-analysis",
        .routes = RACEMIC_ROUTES,
        .ke0_per_min = OLOFSEN_KE0, .ke0_source = OLOFSEN_SRC,
        .params = kamp_params, .n_params = N(kamp_params),
    },
    {
        .id = "perezruixo2021",
        .name = "Perez-Ruixo 2021 (esketamine)",
        .citation = "Perez-Ruixo C, Rossenu S, Zannikos P, et al. Population pharmacokinetics of "
                    "esketamine nasal spray and its metabolite noresketamine in healthy subjects and "
                    "patients with treatment-resistant depression. Clin Pharmacokinet "
                    "2021;60(4):501-516",
        .population = "820 healthy subjects and TRD patients, 18-86 y, 39-170 kg; IN, IV, PO",
        .notes = "Three-compartment esketamine with a hepato-portal compartment (well-stirred) and a "
                 "two-compartment apparent noresketamine. Nasal doses are given as 28 mg devices 5 "
                 "min apart; later devices absorb less (FRn x0.62); the rest is swallowed. "
                 "Noresketamine AUC is over-predicted 1.38-1.56x (nlmixr2lib errata).",
        .site = PK_SITE_VENOUS,
        .enantiomer = PK_S_KETAMINE,
        .structure = PK_STRUCT_PEREZ_RUIXO,
        .confidence = PK_CONF_CODE,
        .n_cmt = 3,
        .required = PK_COV_AGE,
        .weight_min_kg = 39, .weight_max_kg = 170, .age_min_y = 18, .age_max_y = 86,
        .range_source = "Perez-Ruixo 2021 Table 2 (18-86 y, 39-170 kg)",
        .routes = {
            [PK_ROUTE_IV] = {1, 1.0, 0.0, 0.0, 0, "intravenous: complete"},
            [PK_ROUTE_IN] = {1, 0.0, 2.93 / 60.0, 0.0, 0,
                             "Perez-Ruixo 2021: FRn 0.54 nasal (ka,n 2.93 /h), rest swallowed"},
            [PK_ROUTE_PO] = {1, 0.64, 0.97 / 60.0, 0.0, 0,
                             "Perez-Ruixo 2021: Fgut 0.64, zero-order 0.32 h then ka,po 0.97 /h"},
        },
        .ke0_per_min = OLOFSEN_KE0, .ke0_source = OLOFSEN_SRC,
        .params = pr_params, .n_params = N(pr_params),
    },
};

size_t pk_model_count(void)
{
    return N(models);
}

const struct pk_model *pk_model_at(size_t i)
{
    return i < N(models) ? &models[i] : NULL;
}

int pk_model_find(const char *id, const struct pk_model **out, struct kc_error *err)
{
    for (size_t i = 0; i < N(models); i++)
        if (id && strcasecmp(models[i].id, id) == 0) {
            *out = &models[i];
            return KC_OK;
        }
    char known[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < N(models) && used < sizeof known; i++) {
        int n = snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "", models[i].id);
        if (n < 0) break;
        used += (size_t)n;
    }
    return kc_error_set(err, KC_ENOTFOUND, "unknown model '%s' (known: %s)", id ? id : "", known);
}
