/* protocol_table.c — the shipped default protocol table (version PROTOCOL_DEFAULT_VERSION).
 * Every entry names its source and confidence from /work/shared/reference/clinical.md
 * (V = checked against a primary text, S = secondary, ? = unverified, "product" = a decision of
 * this project).  docs/clinical-sources.md lists the same entries; a unit test keeps them equal. */
#include "clinic/protocol.h"

#define SANACORA "Sanacora et al., JAMA Psychiatry 2017;74(4):399-405"
#define ANDRADE "Andrade, J Clin Psychiatry 2017;78(7):e852"
#define ANDRADE_ORAL "Andrade, J Clin Psychiatry (oral ketamine review)"
#define SPRAVATO "SPRAVATO (esketamine) US prescribing information / REMS"
#define LOO2016 "Loo et al., Acta Psychiatr Scand 2016;134:48"
#define ACADEMIC "one academic esketamine clinic's protocol (clinical.md s3)"

const struct protocol_entry protocol_table[] = {
    /* IV racemic ketamine for mood disorders (clinical.md s1a) */
    {"iv.default_mg_per_kg", 0.5, "mg/kg", 0.1, 1.0, SANACORA " (most RCTs)", "V"},
    {"iv.min_mg_per_kg", 0.1, "mg/kg", 0.05, 0.5, ANDRADE " (range 0.1-0.75 mg/kg)", "V"},
    {"iv.max_default_mg_per_kg", 0.75, "mg/kg", 0.1, 1.0, ANDRADE " (range 0.1-0.75 mg/kg)", "V"},
    {"iv.hard_limit_mg_per_kg", 1.0, "mg/kg", 0.5, 1.0,
     "product decision (issue 5: an IV maximum above 1 mg/kg per session is refused)", "product"},
    {"iv.default_duration_min", 40, "min", 2, 100, SANACORA " (0.5 mg/kg over 40 min)", "V"},
    {"iv.min_duration_min", 2, "min", 2, 100, ANDRADE " (session length 2-100 min)", "V"},
    {"iv.max_duration_min", 100, "min", 2, 100, ANDRADE " (session length 2-100 min)", "V"},
    {"iv.ibw_bmi_threshold", 30, "kg/m2", 25, 40,
     SANACORA " suggested ideal body weight at BMI >= 30, as confirmed by Singh et al., J Clin "
     "Psychiatry 2019 (letter); clinical.md s11", "V"},
    {"dose.obese_basis", 1, "choice", 1, 2,
     "at BMI >= iv.ibw_bmi_threshold the default weight basis: 1 = ideal (Sanacora 2017; Singh "
     "2019), 2 = adjusted (Traynor 1995 formula; clinic choice)", "V/product"},
    {"iv.hard_limit_mg", 100, "mg", 50, 150,
     "product decision (issue 14): an absolute IV maximum per session whatever the weight or "
     "override (1 mg/kg at 100 kg)", "product"},
    /* IM and SC (clinical.md s1d, s1e) */
    {"im.default_mg_per_kg", 0.5, "mg/kg", 0.1, 1.0,
     "Chilukuri, Indian J Psychol Med 2014;36:71 (0.25 or 0.5 mg/kg IM)", "V"},
    {"im.max_default_mg_per_kg", 0.5, "mg/kg", 0.1, 1.0,
     "Chilukuri, Indian J Psychol Med 2014;36:71 (0.25 or 0.5 mg/kg IM)", "V"},
    {"im.hard_limit_mg_per_kg", 1.0, "mg/kg", 0.5, 1.0,
     "clinic practice 0.5-1 mg/kg IM (clinical.md s1d, unverified)", "?"},
    {"im.hard_limit_mg", 100, "mg", 50, 150,
     "product decision (issue 14): absolute IM maximum whatever the weight (1 mg/kg at 100 kg)",
     "product"},
    {"sc.default_mg_per_kg", 0.5, "mg/kg", 0.1, 1.0,
     "Loo (KADS), Br J Psychiatry 2023;223:533 (fixed 0.5 mg/kg)", "V"},
    {"sc.max_default_mg_per_kg", 0.9, "mg/kg", 0.1, 1.0,
     "Loo (KADS), Br J Psychiatry 2023;223:533 (flexible 0.5-0.9 mg/kg)", "V"},
    {"sc.hard_limit_mg_per_kg", 1.0, "mg/kg", 0.5, 1.0,
     "Glue, J Psychopharmacol 2017;31:1302 (1 mg/kg SC, highest studied)", "V"},
    {"sc.hard_limit_mg", 100, "mg", 50, 150,
     "product decision (issue 14): absolute SC maximum whatever the weight (1 mg/kg at 100 kg)",
     "product"},
    /* CRPS (issue 14): 4-hour IV infusions by rate instead of the 100-min depression limit */
    {"crps.max_duration_min", 240, "min", 100, 240,
     "Schwartzman et al., Pain 2009;147:107 (4 h a day for 10 days); ASRA/AAPM/ASA 2018 "
     "(0.35 mg/kg/h over 4 h)", "V"},
    {"crps.max_mg_per_kg_per_h", 0.35, "mg/kg/h", 0.1, 0.35,
     "Schwartzman et al., Pain 2009;147:107 (<= 0.35 mg/kg/h); ASRA/AAPM/ASA 2018", "V"},
    {"crps.max_mg_per_h", 25, "mg/h", 5, 25,
     "Schwartzman et al., Pain 2009;147:107 (at most 25 mg/h)", "V"},
    /* Titration across sessions (clinical.md s1d) */
    {"titration.start_mg_per_kg", 0.1, "mg/kg", 0.05, 0.5, LOO2016 " (start 0.1 mg/kg)", "V"},
    {"titration.step_mg_per_kg", 0.1, "mg/kg", 0.05, 0.2, LOO2016 " (+0.1 mg/kg per session)", "V"},
    {"titration.ceiling_mg_per_kg", 0.5, "mg/kg", 0.1, 1.0, LOO2016 " (to 0.5 mg/kg)", "V"},
    {"titration.min_interval_days", 7, "days", 1, 28, LOO2016 " (sessions >=1 week apart)", "V"},
    /* Oral and sublingual (clinical.md s1d; bioavailability pkpd.md s1c) */
    {"oral.bioavailability_pct", 20, "%", 8, 30,
     "Yanagihara 2003 (oral F ~20%); " ANDRADE_ORAL " (F 20-25%)", "V"},
    {"oral.start_mg", 50, "mg", 10, 100,
     "Al Shirawi, J Clin Psychopharmacol 2017 (50 mg, +25 mg steps)", "V"},
    {"oral.step_mg", 25, "mg", 5, 50,
     "Al Shirawi, J Clin Psychopharmacol 2017 (50 mg, +25 mg steps)", "V"},
    {"oral.min_interval_days", 3, "days", 2, 14,
     "Al Shirawi, J Clin Psychopharmacol 2017 (50 mg every 3 days)", "V"},
    {"oral.max_default_mg_per_kg", 2.5, "mg/kg", 0.25, 7,
     ANDRADE_ORAL " (2.0-2.5 mg/kg oral ~ 0.5 mg/kg IV)", "V"},
    {"oral.hard_limit_mg_per_kg", 7, "mg/kg", 1, 7, ANDRADE_ORAL " (reported 0.25-7 mg/kg)", "V"},
    {"oral.hard_limit_mg", 300, "mg", 25, 300, ANDRADE_ORAL " (reported 25-300 mg fixed)", "V"},
    {"sl.default_mg", 10, "mg", 5, 50,
     "Lara, Int J Neuropsychopharmacol 2013 (10 mg, 100 mg/mL, hold 5 min)", "V"},
    {"sl.bioavailability_pct", 30, "%", 20, 40,
     "Yanagihara 2003 (SL F 30%); Rolan 2014 BJCP 77:1011 (29%)", "V"},
    {"sl.max_default_mg", 300, "mg", 10, 330,
     "Hull et al., J Affect Disord 2022;314:59 (300-450 mg at-home SL; summary only); at most "
     "sl.hard_limit_mg", "S"},
    {"sl.hard_limit_mg", 330, "mg", 10, 330,
     "product decision (issue 14): x SL F 30% at most the IV absolute limit (100 mg); Hull 2022 "
     "used 300-450 mg at home", "product"},
    {"sl.hard_limit_mg_per_kg", 3.3, "mg/kg", 1, 3.3,
     "product decision (issue 14): x SL F 30% never more systemic drug than the IV hard limit "
     "1 mg/kg (was the oral 7 mg/kg)", "product"},
    /* Racemic ketamine intranasal (issue 14) */
    {"in.default_mg", 43.4, "mg base", 10, 100,
     "Lapidus et al., Biol Psychiatry 2014;76:970 (50 mg ketamine hydrochloride = 43.4 mg base)",
     "V"},
    {"in.bioavailability_pct", 45, "%", 10, 50,
     "Yanagihara 2003 (~45%, n = 3); 11-17% for 10-50 mg (Pharmacotherapy 2022;42:298)", "V"},
    {"in.max_default_mg", 100, "mg base", 10, 200,
     "product decision: twice the Lapidus 2014 dose before a prescriber's override", "product"},
    {"in.hard_limit_mg", 200, "mg base", 10, 222,
     "product decision (issue 14): x intranasal F 45% at most the IV absolute limit (100 mg)",
     "product"},
    {"in.hard_limit_mg_per_kg", 2.2, "mg/kg", 0.5, 2.2,
     "product decision (issue 14): x intranasal F 45% never more systemic drug than the IV hard "
     "limit 1 mg/kg", "product"},
    /* Volumes shown to staff (issue 14: 0.05 mL printed as 0.1 mL is twice the dose) */
    {"dose.volume_display_tolerance_pct", 1, "%", 0.1, 2,
     "product decision: a shown volume may differ from the computed one by at most this, else "
     "more digits are shown and the volume is flagged as not measurable (dose_volume_text)",
     "product"},
    /* Esketamine nasal (clinical.md s1c) */
    {"esk.device_mg", 28, "mg base", 28, 28, SPRAVATO " (28 mg per device = 2 sprays)", "V"},
    {"esk.device_salt_mg", 32.3, "mg HCl", 32.3, 32.3,
     SPRAVATO " (32.3 mg esketamine hydrochloride = 28 mg esketamine per device)", "V"},
    {"esk.device_spacing_min", 5, "min", 5, 15, SPRAVATO " (5 min rest between devices)", "V"},
    {"esk.first_dose_mg", 56, "mg base", 28, 56, SPRAVATO " (TRD day 1: 56 mg)", "V"},
    {"esk.first_dose_mg_older", 28, "mg base", 28, 28,
     "SPRAVATO EU SmPC / HK label (>=65 y start at 28 mg); applies when esk.label_region = 2",
     "V"},
    {"esk.older_age_years", 65, "years", 65, 65, "SPRAVATO EU SmPC / HK label (>=65 y)", "V"},
    {"esk.label_region", 1, "choice", 1, 2,
     "product decision (issue 14): 1 = US label (day 1 56 mg whatever the age; spravatohcp.com "
     "dosing), 2 = EU SmPC / HK (28 mg from 65 y)", "V/product"},
    {"esk.first_dose_mdsi_mg", 84, "mg base", 56, 84,
     SPRAVATO " MDSI section (84 mg twice weekly for 4 weeks from day 1; may reduce to 56 mg)",
     "V"},
    {"esk.hard_limit_mg", 84, "mg base", 28, 84, SPRAVATO " (56 or 84 mg; 84 = 3 devices)", "V"},
    {"esk.min_age_years", 18, "years", 18, 18, SPRAVATO " (indications in adults)", "V"},
    {"esk.bp_recheck_min", 40, "min", 30, 60, SPRAVATO " (recheck BP ~40 min post-dose)", "V"},
    /* Salt / base */
    {"ketamine.hcl_per_base", 1.1534, "ratio", 1.1534, 1.1534,
     "molar masses: ketamine HCl 274.19 / ketamine 237.73 g/mol", "V"},
    /* Screening (clinical.md s2) */
    {"screen.min_age_years", 18, "years", 18, 25,
     "adult indications (SPRAVATO label; racemic RCTs in adults)", "V"},
    {"screen.trd_min_trials", 2, "count", 2, 4,
     SPRAVATO " (TRD = inadequate response to >=2 antidepressants)", "V"},
    {"screen.psychosis_excludes", 1, "0/1", 0, 1,
     "product decision (issue 8: current or past psychosis excludes), as in the esketamine phase 3 programme, which enrolled non-psychotic depression only (Popova et al., Am J Psychiatry 2019;176:428, TRANSFORM-2); 0 = the label/consensus reading (assess first; avoid if poorly controlled)", "product"},
    /* Contraindications (issue 14; screen.c history_rules).  1 = absolute.  Where the label makes
     * the condition absolute the safe range is 1-1: no clinic may relax it.  The others default
     * to the label/consensus severity (0) and a clinic may make them absolute (1). */
    {"screen.absolute_aneurysm", 1, "0/1", 1, 1,
     "SPRAVATO US label (contraindication); Ketalar US label (significant BP elevation a serious "
     "hazard)", "V"},
    {"screen.absolute_avm", 1, "0/1", 1, 1,
     "SPRAVATO US label (contraindication); Ketalar US label (significant BP elevation a serious "
     "hazard)", "V"},
    {"screen.absolute_ich", 1, "0/1", 1, 1,
     "SPRAVATO US label (contraindication); Ketalar US label (significant BP elevation a serious "
     "hazard)", "V"},
    {"screen.absolute_hypersensitivity", 1, "0/1", 1, 1,
     "SPRAVATO and Ketalar US labels (contraindication: hypersensitivity)", "V"},
    {"screen.absolute_uncontrolled_hypertension", 1, "0/1", 1, 1,
     "Ketalar US label (significant BP elevation a serious hazard); Swiss Ketalar SmPC (untreated "
     ">180/100); SPRAVATO US label 5.6 (do not administer where a BP rise poses a serious risk)",
     "V"},
    {"screen.absolute_cvd_uncontrolled", 0, "0/1", 0, 1,
     "ASRA 2018 / SPRAVATO warning (relative); 1 = the clinic excludes (product choice)", "S"},
    {"screen.absolute_substance_use_active", 0, "0/1", 0, 1,
     "ASRA 2018 (no serial infusions) / SPRAVATO (careful consideration); 1 = the clinic "
     "excludes", "S"},
    {"screen.absolute_raised_icp", 0, "0/1", 0, 1,
     "ASRA 2018 (avoid or low dose, grade C); SPRAVATO 5.6; 1 = the clinic excludes", "S"},
    {"screen.absolute_raised_iop", 0, "0/1", 0, 1,
     "ASRA 2018 (avoid or low dose, grade C); 1 = the clinic excludes", "S"},
    {"screen.absolute_porphyria", 0, "0/1", 0, 1,
     "ACEP sedation guideline 2011 (relative); 1 = the clinic excludes", "S"},
    {"screen.absolute_thyroid", 0, "0/1", 0, 1,
     "ACEP sedation guideline 2011 (relative); 1 = the clinic excludes", "S"},
    /* Pre-dose gate and intra-session alarms (clinical.md s1a, s3) */
    {"gate.sbp_max_mmhg", 140, "mmHg", 120, 180,
     SPRAVATO " (baseline >140/90: weigh risk); " SANACORA " attributed", "V"},
    {"gate.dbp_max_mmhg", 90, "mmHg", 70, 110,
     SPRAVATO " (baseline >140/90: weigh risk); " SANACORA " attributed", "V"},
    {"gate.hr_max_bpm", 110, "bpm", 90, 130, SANACORA " attributed (HR >110); not verified", "?"},
    {"gate.spo2_min_pct", 92, "%", 88, 98,
     "Aldrete modified score (SpO2 >92% on air for full marks)", "V"},
    {"alarm.sbp_sustained_mmhg", 180, "mmHg", 160, 200, ACADEMIC " (>180/110 twice, 5 min apart)",
     "S"},
    {"alarm.dbp_sustained_mmhg", 110, "mmHg", 90, 120,
     ACADEMIC " (>180/110 twice, 5 min apart)", "S"},
    {"alarm.sustained_window_min", 5, "min", 2, 15, ACADEMIC " (two readings 5 min apart)", "S"},
    {"alarm.sbp_single_mmhg", 200, "mmHg", 170, 220, ACADEMIC " (>200/120 once)", "S"},
    {"alarm.dbp_single_mmhg", 120, "mmHg", 100, 130, ACADEMIC " (>200/120 once)", "S"},
    {"alarm.hr_sustained_bpm", 120, "bpm", 100, 140,
     ACADEMIC " (HR >120 sustained 5 min; Sanacora-attributed 110)", "S"},
    {"alarm.hr_window_min", 5, "min", 2, 15, ACADEMIC " (HR >120 sustained 5 min)", "S"},
    {"alarm.spo2_min_pct", 92, "%", 80, 98,
     "Aldrete modified score (SpO2 >92% on air); floor 80% is a product decision", "V"},
    {"alarm.spo2_gap_min", 1, "min", 0.25, 5,
     "product decision: continuous SpO2 (ASA sedation; SPRAVATO label) so a 1-min gap alarms", "?"},
    {"alarm.sbp_rise_mmhg", 30, "mmHg", 15, 60,
     "product decision (no published rate-of-change limit; Yale 2024 mean peak rise +16 mmHg)",
     "?"},
    {"alarm.rise_window_min", 10, "min", 5, 30,
     "product decision (one IV BP interval, Riva-Posse 2018)", "?"},
    /* Monitoring intervals (clinical.md s3) */
    {"monitor.bp_interval_min", 10, "min", 5, 15,
     "Riva-Posse, J Affect Disord 2018 (BP every 10 min during infusion)", "V"},
    {"monitor.bp_interval_alarmed_min", 5, "min", 2, 10,
     "clinical.md s3 suggested default (every 5 min if alarmed)", "V"},
    {"monitor.bp_interval_post_min", 15, "min", 5, 30,
     "Riva-Posse, J Affect Disord 2018 (every 15 min after infusion)", "V"},
    /* Discharge (clinical.md s3) */
    {"discharge.aldrete_pass", 9, "points", 8, 10,
     "modified Aldrete usual pass mark >=9 (some use >=8 with no zero item)", "S"},
    {"discharge.bp_band_pct", 20, "%", 10, 30,
     "modified Aldrete circulation item (BP within 20% of baseline)", "V"},
    {"discharge.min_observation_iv_min", 60, "min", 30, 240,
     "product decision (BP/HR back to baseline within 1.5 h, Szarmach 2020)", "?"},
    {"discharge.min_observation_esk_min", 120, "min", 120, 480,
     SPRAVATO " (>=2 h post-dose regardless of score)", "V"},
    /* Scale cut-offs where sources disagree (clinical.md s4); the other bands are the published
     * instruments' own (scale_table.c) */
    {"scale.pcl5_cutoff", 33, "points", 31, 38,
     "NCPTSD PCL-5 guide (provisional cut-off 31-33; older guide 38)", "S"},
    {"scale.hamd_band_set", 1, "choice", 1, 2,
     "HAM-D17 bands: 1 = Zimmerman 2013 (0-7/8-16/17-23/>=24), 2 = ids-qids.org table "
     "(0-7/8-13/14-19/20-25/>=26); the sources disagree",
     "V/?"},
    {"scale.madrs_severe_min", 35, "points", 31, 35,
     "clinical.md s4 (35-60 severe; Mueller 2003 suggests 31)", "S/?"},
    /* Suicide-risk items (issue 14): the score from which each raises the safety alert.  The safe
     * maximum keeps the top anchors (plans, attempts) always alerting; see scale_table.c. */
    {"scale.phq9_item9_alert_min", 1, "points", 1, 1,
     "Kroenke 2001 PHQ-9: any positive answer to item 9 needs a safety assessment "
     "(clinical.md s4)", "V"},
    {"scale.madrs_item10_alert_min", 2, "points", 1, 4,
     "Montgomery & Asberg 1979 item 10 anchors (2 = fleeting suicidal thoughts, 4 = suicide a "
     "possible solution, 6 = explicit plans); default 2 is a product decision", "V/product"},
    {"scale.hamd_item3_alert_min", 1, "points", 1, 3,
     "Hamilton 1960 item 3 anchors (1 = life not worth living .. 4 = attempts); default 1 as "
     "PHQ-9 item 9 (any positive answer), product decision", "V/product"},
    {"scale.qids_item12_alert_min", 1, "points", 1, 2,
     "Rush 2003 QIDS-SR16 item 12 anchors (1 = life empty .. 3 = specific plans or attempt); "
     "default 1 as PHQ-9 item 9, product decision", "V/product"},
    /* Response, remission, relapse (clinical.md s4) */
    {"response.depression_drop_pct", 50, "%", 40, 60,
     "standard definition (>=50% drop from baseline), clinical.md s4", "V"},
    {"response.ptsd_drop_pct", 30, "%", 20, 50,
     "Feder, Am J Psychiatry 2021 (CAPS-5 >=30% drop)", "V"},
    {"response.pcl5_drop_points", 10, "points", 5, 20,
     "US VA NCPTSD PCL-5 guide (>=10-point drop clinically meaningful)", "S"},
    {"response.ocd_drop_pct", 35, "%", 25, 50,
     "Rodriguez, Neuropsychopharmacology 2013 (Y-BOCS >=35% drop)", "V"},
    {"response.pain_drop_pct", 30, "%", 20, 50, "NRS >=30% drop often called meaningful", "?"},
    {"response.partial_drop_pct", 25, "%", 20, 40,
     "common convention (25-49% drop = partial response); not in reference", "?"},
    {"remission.phq9_below", 5, "points", 3, 10, "Kroenke 2001 PHQ-9 (<5 minimal)", "V"},
    {"remission.gad7_below", 5, "points", 3, 10, "Spitzer 2006 GAD-7 (<5 minimal)", "V"},
    {"remission.qids_max", 5, "points", 3, 10, "Rush 2003 QIDS-SR16 (<=5)", "V"},
    {"remission.madrs_max", 10, "points", 7, 12,
     "ESCAPE-TRD, Reif NEJM 2023 (MADRS <=10; <=12 in some trials)", "V"},
    {"remission.hamd_max", 7, "points", 5, 10, "HAM-D17 remission <=7", "V"},
    {"remission.ybocs_max", 12, "points", 8, 16, "Y-BOCS remission often <=12", "S"},
    {"relapse.madrs_min", 22, "points", 18, 30,
     "SUSTAIN-1, Daly JAMA Psychiatry 2019 (MADRS >=22 twice 5-15 days apart); unverified", "?"},
    /* Course (clinical.md s1a, s1c) */
    {"course.min_gap_days", 2, "days", 1, 14,
     "Murrough, Biol Psychiatry 2013 (3x/week: >=2 days apart)", "V"},
    {"induction.sessions", 6, "count", 4, 12,
     "Murrough 2013 (6 infusions/12 days); Oliver, J Clin Psychiatry 2022 (6 in 21 days)", "V"},
    {"induction.max_days", 21, "days", 12, 28, "Oliver, J Clin Psychiatry 2022 (6 in 21 days)",
     "V"},
    {"futility.sessions_without_response", 3, "count", 3, 12,
     SANACORA " (few respond after >3 infusions without earlier response); ORKA-2 (J Affect "
              "Disord 2023): ~20% responded only at infusions 10-12",
     "V"},
};

const size_t protocol_table_len = sizeof protocol_table / sizeof protocol_table[0];
