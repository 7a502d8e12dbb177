#!/usr/bin/env bash
# CLI tests for the clinical commands: protocol, score, dose, screen, course.
# Each command: the readable table, the JSON form, and bad input (one line naming it, exit 2).
. "$(dirname "$0")/lib.sh"

# json_get FILE PYTHON_EXPR : evaluates an expression on the parsed JSON in d
json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
# expect_json NAME PYTHON_EXPR WANT : the expression on stdout's JSON prints WANT
expect_json() {
    local got; got=$(json_get "$TMP/out" "$2" 2>&1)
    if [ "$got" = "$3" ]; then ok "$1"; else notok "$1" "$2 = '$got', wanted '$3'"; fi
}
# expect_one_line_err NAME : stderr is exactly one line
expect_one_line_err() {
    local n; n=$(wc -l <"$TMP/err")
    if [ "$n" -eq 1 ]; then ok "$1"; else notok "$1" "stderr has $n lines:" "$(head -c 400 "$TMP/err")"; fi
}

# --- protocol ---------------------------------------------------------------------------------
run_kc "protocol show" 0 protocol show
expect_out "protocol show lists the IV hard limit" '^iv\.hard_limit_mg_per_kg +1 '
run_kc "protocol show json" 0 protocol show --format json
expect_json "protocol json version" "d['version']" "kc-default-2026.2"
expect_json "protocol json SpO2 safe min" "[e['safe_min'] for e in d['entries'] if e['key']=='alarm.spo2_min_pct'][0]" "80.0"

cat >"$TMP/ok.json" <<'J'
{"clinic": "north", "version": "2", "overrides": {"iv.default_mg_per_kg": 0.4, "alarm.spo2_min_pct": 90}}
J
run_kc "protocol check good file" 0 protocol check "$TMP/ok.json"
expect_out "check names the version" 'kc-default-2026\.2\+north-2'
run_kc "protocol show with override" 0 protocol show --protocol "$TMP/ok.json" --format json
expect_json "override value in force" "[e['value'] for e in d['entries'] if e['key']=='iv.default_mg_per_kg'][0]" "0.4"

cat >"$TMP/spo2.json" <<'J'
{"clinic": "north", "overrides": {"alarm.spo2_min_pct": 75}}
J
run_kc "protocol check refuses SpO2 alarm below 80%" 2 protocol check "$TMP/spo2.json"
expect_err "refusal names the entry and reason" "alarm\.spo2_min_pct.*below its safe minimum 80"
expect_one_line_err "refusal is one line"
cat >"$TMP/iv.json" <<'J'
{"clinic": "north", "overrides": {"iv.hard_limit_mg_per_kg": 1.5}}
J
run_kc "protocol check refuses IV max above 1 mg/kg" 2 protocol check "$TMP/iv.json"
expect_err "IV refusal names the entry" "iv\.hard_limit_mg_per_kg.*above its safe maximum 1"
echo '{"clinic": "x", ' >"$TMP/broken.json"
run_kc "protocol check broken JSON" 2 protocol check "$TMP/broken.json"
expect_err "broken JSON names the position" "invalid JSON at line [0-9]+ column"
run_kc "protocol unknown action" 2 protocol frobnicate
run_kc "protocol check missing file" 2 protocol check "$TMP/none.json"

# --- score ------------------------------------------------------------------------------------
run_kc "score phq9 (issue example)" 0 score phq9 1,2,0,3,1,0,2,1,0
expect_out "phq9 total and band" '^total: 10 of 0-27  band: moderate'
expect_out "phq9 ships item text" 'Little interest or pleasure in doing things'
run_kc "score phq9 json" 0 score phq9 1,2,0,3,1,0,2,1,0 --format json
expect_json "phq9 json total" "d['total']" "10"
expect_json "phq9 json LOINC item 9" "d['items'][8]['loinc']" "44260-8"
expect_json "phq9 json no alert" "d['safety_alert']" "False"
run_kc "score phq9 item 9 alert" 0 score phq9 0,0,0,0,0,0,0,0,2 --format json
expect_json "item 9 > 0 is blocking" "d['blocking']" "True"
run_kc "score madrs with baseline" 0 score madrs 1,1,1,1,1,1,1,1,1,1 --baseline 30 --format json
expect_json "madrs response" "d['change']['response']" "True"
expect_json "madrs remission (<=10)" "d['change']['remission']" "True"
expect_json "change names protocol entries" "'remission.madrs_max' in d['change']['protocol']['entries']" "True"
run_kc "score madrs no item text" 0 score madrs 1,1,1,1,1,1,1,1,1,1 --format json
expect_json "madrs items are numbers only" "'text' in d['items'][0]" "False"
run_kc "score cssrs high" 0 score cssrs 1,1,1,1,0,0
expect_out "cssrs high risk alert" 'SAFETY ALERT \(blocking\): C-SSRS high risk'
run_kc "score pcl5 json" 0 score pcl5 2,0,0,0,0,2,0,2,2,0,0,0,0,0,2,2,0,0,0,0 --format json
expect_json "pcl5 cluster rule" "d['provisional_ptsd']" "True"
run_kc "score list" 0 score list
expect_out "list has aldrete" '^aldrete '
run_kc "score out-of-range item" 2 score phq9 1,2,0,4,1,0,2,1,0
expect_err "names the item" 'PHQ-9 item 4: 4 is outside 0-3'
expect_one_line_err "out-of-range error is one line"
run_kc "score missing item" 2 score gad7 1,2,0
expect_err "names the count" 'GAD-7 needs 7 item scores, got 3'
run_kc "score unknown scale" 2 score phq10 1
expect_err "names the scale" "unknown scale 'phq10'"
run_kc "score bad baseline" 2 score phq9 1,2,0,3,1,0,2,1,0 --baseline 40
expect_err "names --baseline" '^ketaclinic: --baseline'

# --- dose -------------------------------------------------------------------------------------
run_kc "dose iv (issue example)" 0 dose --route iv --weight 92 --height 175 --mg-per-kg 0.5 --over 40min --bag 50mg/100mL
expect_out "iv amount base and salt" '^amount: 46\.0 mg ketamine base \(= 53\.1 mg hydrochloride\)'
expect_out "iv mL/h from the bag" '^pump rate: 138\.0 mL/h'
expect_out "iv mg/min" 'over 40 min, 1\.150 mg/min'
run_kc "dose iv adjusted json" 0 dose --route iv --weight 92 --height 175 --sex male --basis adjusted --mg-per-kg 0.5 --over 40min --bag 50mg/100mL --format json
expect_json "adjusted weight used" "round(d['weight']['used_kg'],2)" "79.08"
expect_json "formula in result" "'IBW + 0.4 x (TBW - IBW)' in d['weight']['formula']" "True"
expect_json "PK handoff amount" "round(d['administrations'][0]['amount_mg_base'],3)" "39.539"
expect_json "protocol entries named" "'iv.hard_limit_mg_per_kg' in d['protocol']['entries']" "True"
run_kc "dose nasal first dose" 0 dose --route nasal --age 40 --first-dose --format json
expect_json "esketamine 56 mg = 2 devices" "(d['dose_mg_base'], d['devices'])" "(56.0, 2)"
expect_json "esketamine salt 2 x 32.3 mg" "round(d['dose_mg_salt_hcl'],1)" "64.6"
run_kc "dose titrate" 0 dose --route iv --titrate --weight 70 --format json
expect_json "Loo titration steps" "[s['mg_per_kg'] for s in d['steps']]" "[0.1, 0.2, 0.3, 0.4, 0.5]"
run_kc "dose above protocol max without reason" 2 dose --route iv --weight 92 --mg-per-kg 0.9
expect_err "names the override need" 'needs a prescriber override'
run_kc "dose above protocol max with reason" 0 dose --route iv --weight 92 --mg-per-kg 0.9 --override-reason "partial response"
expect_out "override noted" 'prescriber override'
run_kc "dose above hard limit refused" 2 dose --route iv --weight 92 --mg-per-kg 1.2 --override-reason "any"
expect_err "hard limit named" 'refused: above the hard limit 1 mg/kg \(iv\.hard_limit_mg_per_kg\)'
expect_one_line_err "refusal is one line"
run_kc "dose nasal first 84 refused" 2 dose --route nasal --age 40 --first-dose --mg 84
# SPRAVATO US label, MDSI: 84 mg from day 1 — what `course --plan mdsi` schedules
run_kc "dose MDSI first 84 allowed" 0 dose --route nasal --age 40 --first-dose --mg 84 --indication mdsi
expect_out "three devices" '^devices: 3 x 28 mg'
run_kc "course mdsi schedules 84" 0 course --plan mdsi --start 2027-02-01 --format json
expect_json "first session 84 mg" "d['sessions'][0]['dose'].startswith('84 mg')" "True"
# Schwartzman 2009 CRPS: 0.35 mg/kg/h for 4 h (the depression limit is 100 min)
run_kc "dose CRPS 4-hour infusion" 0 dose --route iv --weight 70 --mg-per-kg 1.4 --over 240min --indication crps
run_kc "dose 4-hour infusion for depression refused" 2 dose --route iv --weight 70 --mg-per-kg 0.5 --over 240min
# racemic intranasal (Lapidus 2014: 50 mg hydrochloride)
run_kc "dose racemic intranasal" 0 dose --route in --weight 70 --mg 50 --salt
expect_out "racemic" '^ketamine \(racemic\) in'
# issue 14: volumes at syringe precision (0.01 mL below 1 mL), never rounded to another dose
run_kc "dose IM 0.35 mL" 0 dose --route im --weight 70 --mg-per-kg 0.5 --conc 100mg/mL
expect_out "0.35 mL, not 0.3" '^volume: 0\.35 mL$'
run_kc "dose IM 0.05 mL" 0 dose --route im --weight 50 --mg-per-kg 0.1 --conc 100mg/mL
expect_out "0.05 mL, not 0.1" '^volume: 0\.05 mL$'
run_kc "dose IM 0.045 mL" 0 dose --route im --weight 45 --mg-per-kg 0.1 --conc 100mg/mL --format json
expect_json "0.045 mL flagged, full precision kept" "(d['volume_text'], d['volume_measurable'], d['volume_ml'])" "('0.045 mL', False, 0.045)"
run_kc "dose bad duration unit" 2 dose --route iv --weight 92 --over 40furlongs
expect_err "names --over" '^ketaclinic: --over'
run_kc "dose bad weight" 2 dose --route iv --weight heavy
expect_err "names --weight" '^ketaclinic: --weight'
run_kc "dose missing route" 2 dose --weight 92

# --- screen -----------------------------------------------------------------------------------
cat >"$TMP/patient.json" <<'J'
{"age": 45, "sex": "female", "weight_kg": 70, "height_cm": 165, "diagnoses": ["mdd"],
 "history": ["bipolar"], "medications": ["lorazepam", "lithium"],
 "vitals": {"sbp": 162, "dbp": 98, "hr": 80, "spo2": 97},
 "adequate_antidepressant_trials": 3, "drug": "ketamine", "route": "iv"}
J
run_kc "screen table" 0 screen --input "$TMP/patient.json"
expect_out "outcome line" '^screening \(ketamine, iv\): eligible with cautions'
expect_out "BP gate finding" 'BP 162/98 above the 140/90 gate'
run_kc "screen json" 0 screen --input "$TMP/patient.json" --format json
expect_json "json outcome" "d['outcome']" "eligible with cautions"
expect_json "benzodiazepine interaction" "[f['severity'] for f in d['findings'] if f['id']=='ddi-benzodiazepine'][0]" "caution"
expect_json "findings carry sources" "all(f['source'] for f in d['findings'])" "True"
cat >"$TMP/esk.json" <<'J'
{"age": 60, "diagnoses": ["trd"], "history": ["aneurysm"], "adequate_antidepressant_trials": 2,
 "vitals": {"sbp": 120, "dbp": 80}, "drug": "esketamine", "route": "nasal"}
J
run_kc "screen esketamine aneurysm" 0 screen --input "$TMP/esk.json" --format json
expect_json "label contraindication" "(d['outcome'], [f['severity'] for f in d['findings'] if f['id']=='aneurysm'][0])" "('not eligible', 'absolute')"
# Ketalar label: a significant BP rise is a serious hazard -> absolute for racemic ketamine too
sed 's/"drug": "esketamine", "route": "nasal"/"drug": "ketamine", "route": "im"/' "$TMP/esk.json" >"$TMP/ket-aneurysm.json"
run_kc "screen racemic aneurysm" 0 screen --input "$TMP/ket-aneurysm.json" --format json
expect_json "Ketalar contraindication" "(d['outcome'], [f['severity'] for f in d['findings'] if f['id']=='aneurysm'][0])" "('not eligible', 'absolute')"
echo '{"clinic": "lax", "overrides": {"screen.absolute_aneurysm": 0}}' >"$TMP/lax.json"
run_kc "protocol may not relax a label contraindication" 2 protocol check "$TMP/lax.json"
expect_err "names the entry" "screen.absolute_aneurysm"
echo '{"age": 45, "drug": "ketamine", "route": "iv", "history": ["flu"]}' >"$TMP/bad.json"
run_kc "screen unknown history" 2 screen --input "$TMP/bad.json"
expect_err "names the history item" "history\[0\] 'flu'"
expect_one_line_err "one line"
run_kc "screen missing --input" 2 screen
run_kc "screen missing file" 2 screen --input "$TMP/nope.json"

# --- course -----------------------------------------------------------------------------------
run_kc "course spravato (issue example)" 0 course --plan spravato-trd --start 2026-12-01 --clinic-days mon,wed,fri
expect_out "first session on the first clinic day" '^ +1  2026-12-02 Wed +1  weeks 1-4, twice weekly +56 mg \(day 1\)'
run_kc "course spravato json" 0 course --plan spravato-trd --start 2026-12-01 --format json
expect_json "16 sessions" "len(d['sessions'])" "16"
expect_json "label dates weeks 1-2" "[s['date'] for s in d['sessions'][:4]]" "['2026-12-01', '2026-12-04', '2026-12-08', '2026-12-11']"
expect_json "min gap kept" "min((__import__('datetime').date.fromisoformat(b['date'])-__import__('datetime').date.fromisoformat(a['date'])).days for a,b in zip(d['sessions'],d['sessions'][1:])) >= d['min_gap_days']" "True"
run_kc "course missed session" 0 course --plan iv-induction --start 2026-12-07 --clinic-days mon,wed,fri --missed 3 --on 2026-12-12 --format json
expect_json "missed session moved to next clinic day" "d['sessions'][2]['date']" "2026-12-14"
expect_json "earlier sessions marked given" "[s['done'] for s in d['sessions'][:3]]" "[True, True, False]"
run_kc "course review futility" 0 course review --scale madrs --baseline 32 --current 28 --sessions 6 --format json
expect_json "futility rule" "d['futile']" "True"
run_kc "course bad date" 2 course --plan mdsi --start 2027-02-29
expect_err "names the date" "^ketaclinic: --start: date '2027-02-29': month 2 has no day 29"
expect_one_line_err "bad date is one line"
run_kc "course bad clinic day" 2 course --plan mdsi --start 2027-02-01 --clinic-days mon,funday
expect_err "names the day" "'funday'"
run_kc "course unknown plan" 2 course --plan weekly --start 2027-02-01
run_kc "course gap refused by protocol" 2 course --plan mdsi --start 2027-02-01 --min-gap 30
expect_err "names the entry" "course\.min_gap_days"

# --- vitals and discharge ---------------------------------------------------------------------
run_kc "vitals gate" 0 vitals gate --bp 162/98 --hr 80 --spo2 97 --format json
expect_json "gate holds above 140/90" "(d['dose_allowed'], d['alarms'][0]['id'])" "(False, 'bp-gate')"
cat >"$TMP/readings.json" <<'J'
{"now_min": 15, "readings": [{"t_min": 0, "sbp": 130, "dbp": 80, "hr": 80, "spo2": 98},
 {"t_min": 10, "sbp": 185, "dbp": 100, "spo2": 98}, {"t_min": 15, "sbp": 186, "dbp": 104, "spo2": 97}]}
J
run_kc "vitals check" 0 vitals check --input "$TMP/readings.json" --format json
expect_json "sustained BP alarm is critical" "[a['severity'] for a in d['alarms'] if a['id']=='bp-sustained']" "['critical']"
run_kc "vitals discharge esketamine" 0 vitals discharge --esketamine --since 100min --aldrete 2,2,2,2,1 --baseline-bp 120/80 --bp 130/85 --escort --mental-status-baseline
expect_out "2 h minimum for esketamine" 'missing: observed 100 of the minimum 120 min'
run_kc "vitals discharge ready" 0 vitals discharge --esketamine --since 2h --aldrete 2,2,1,2,2 --baseline-bp 120/80 --bp 130/85 --escort --mental-status-baseline
expect_out "ready" '^discharge: ready'
# Aldrete 1995: SpO2 item 1 = needs O2 to keep SpO2 >90%; a total of 9 is not a discharge home
run_kc "vitals discharge oxygen item" 0 vitals discharge --esketamine --since 2h --aldrete 2,2,2,2,1 --baseline-bp 120/80 --bp 130/85 --escort --mental-status-baseline
expect_out "oxygen item at 1 keeps the patient" 'oxygen saturation 1: needs 2'
echo '{"now_min": 5, "readings": [{"t_min": 0, "sbp": 120, "dbp": 180}]}' >"$TMP/bad-readings.json"
run_kc "vitals implausible reading" 2 vitals check --input "$TMP/bad-readings.json"
expect_err "names the reading" 'reading 1'
expect_one_line_err "one line"
run_kc "vitals bad bp" 2 vitals gate --bp 162
expect_err "names --bp" "\-\-bp '162'"

# --- outcome ----------------------------------------------------------------------------------
cat >"$TMP/courses.json" <<'J'
{"courses": [
 {"condition": "trd", "route": "iv", "scale": "phq9", "baseline": 20, "end": 4},
 {"condition": "trd", "route": "iv", "scale": "phq9", "baseline": 18, "end": 8},
 {"condition": "trd", "route": "iv", "scale": "phq9", "baseline": 22, "end": 15},
 {"condition": "trd", "route": "iv", "scale": "phq9", "baseline": 16, "end": 12},
 {"condition": "trd", "route": "iv", "scale": "phq9", "baseline": 24, "end": 3},
 {"condition": "trd", "route": "nasal", "scale": "madrs", "baseline": 34, "end": 12}]}
J
run_kc "outcome table" 0 outcome --input "$TMP/courses.json"
expect_out "response with Wilson interval" 'response  3/5 = 60\.0% \(95% Wilson 23\.1-88\.2%\)'
expect_out "benchmark beside it" 'ORKA-1'
run_kc "outcome json" 0 outcome --input "$TMP/courses.json" --format json
expect_json "two groups" "len(d)" "2"
expect_json "remission CI" "[round(x,3) for x in d[0]['remission']['ci95']]" "[0.118, 0.769]"
expect_json "Hedges g present" "'hedges_g' in d[0]" "True"
run_kc "outcome benchmarks" 0 outcome benchmarks --format json
expect_json "ELEKT-D listed" "[b['response'] for b in d if 'Anand' in b['source']][0]" "55.4% vs 41.2%"
echo '{"courses": [{"condition": "trd", "route": "iv", "scale": "phq9", "baseline": 40, "end": 4}]}' >"$TMP/bad-courses.json"
run_kc "outcome out-of-range baseline" 2 outcome --input "$TMP/bad-courses.json"
expect_err "names the course" 'course 1: PHQ-9 baseline 40 is outside 0-27'
expect_one_line_err "one line"
run_kc "dose titrate oral" 0 dose --route oral --titrate --weight 70 --format json
expect_json "Al Shirawi steps to 2.5 mg/kg" "[s['dose_mg_base'] for s in d['steps']]" "[50.0, 75.0, 100.0, 125.0, 150.0, 175.0]"
run_kc "score caps5 with baseline" 0 score caps5 2,2,2,2,2,2,2,2,2,1,1,1,1,1,1,1,0,0,0,0 --baseline 40 --format json
expect_json "CAPS-5 30% response" "(d['total'], d['change']['response'])" "(25, True)"

# --- bad usage is one line, exit 2, for every clinical command ---------------------------------
for args in "protocol" "score" "score phq9" "dose" "screen" "course" "course review --scale phq9" "vitals" "outcome" "outcome nonsense"; do
    # shellcheck disable=SC2086
    run_kc "usage error: $args" 2 $args
    expect_one_line_err "usage error is one line: $args"
done
for cmd in protocol score dose screen course vitals outcome; do
    run_kc "$cmd --help" 0 $cmd --help
done
