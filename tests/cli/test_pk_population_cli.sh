#!/usr/bin/env bash
# `ketaclinic pk population` as a person uses it: formats, identical output across threads,
# covariate table, bad input.
. "$(dirname "$0")/lib.sh"

args=(pk population --model herd2007 --n 3000 --weight "normal 30 8" --age "uniform 2 12" --dose "iv 1mg/kg over 2min" --until 120min --step 1min --quantiles 5,50,95)
run_kc "population csv, 1 thread" 0 "${args[@]}" --threads 1 --format csv
[ "$(head -1 "$TMP/out")" = "time_min,cp_p5_ng_per_ml,cp_p50_ng_per_ml,cp_p95_ng_per_ml,cp_mean_ng_per_ml,p_above_level" ] \
    && ok "population csv header" || notok "population csv header" "$(head -1 "$TMP/out")"
[ "$(wc -l <"$TMP/out")" -eq 122 ] && ok "population csv has 121 rows" || notok "population csv rows" "$(wc -l <"$TMP/out")"
awk -F, 'NR>2 { if (!($2 <= $3 && $3 <= $4)) bad=1 } END { exit bad }' "$TMP/out" && ok "p5 <= p50 <= p95" || notok "p5 <= p50 <= p95"
cp "$TMP/out" "$TMP/one.csv"
for t in 2 4; do
    run_kc "population csv, $t threads" 0 "${args[@]}" --threads $t --format csv
    cmp -s "$TMP/one.csv" "$TMP/out" && ok "identical output with $t threads" || notok "identical output with $t threads"
done
run_kc "population other seed" 0 "${args[@]}" --seed 7 --format csv
cmp -s "$TMP/one.csv" "$TMP/out" && notok "another seed gives other patients" || ok "another seed gives other patients"

run_kc "population json refined" 0 pk population --model domino1984 --n 2000 --weight 70 --iiv 0.3 --residual 0.1 --dose "iv 0.5mg/kg over 40min" --until 240min --refine --format json
node -e 'const j=JSON.parse(require("fs").readFileSync(0));const c=j.cp[40];if(j.cp.length!==241||!j.refined||!(c.quantiles.p5<c.quantiles.p50&&c.quantiles.p50<c.quantiles.p95)||!(j.cmax_ng_per_ml.p_above_level>0)||j.quantile_resolution_rel>1e-5)process.exit(1)' <"$TMP/out" \
    && ok "json has refined quantiles, Cmax exceedance" || notok "json refined" "$(head -c 300 "$TMP/out")"
run_kc "population table" 0 pk population --model domino1984 --n 500 --weight "uniform 50 90" --iiv 0.25 --dose "iv 0.5mg/kg over 40min" --until 60min --step 5min --timing
expect_out "table names the quantile resolution" "within 0.78% of the exact sample quantile"
expect_out "table shows Cmax exceedance" "^P\(Cmax > 250 ng/mL\) = "
expect_err "timing on stderr" "500 patients in .* patients/s"

printf 'weight_kg,age_y\n60,30\n80,50\n' >"$TMP/cov.csv"
run_kc "population from a covariate table" 0 pk population --model domino1984 --n 4 --covariates "$TMP/cov.csv" --iiv none --dose "iv 35mg" --until 10min --refine --format csv
# two patients of 60 kg and two of 80 kg: V1 3.78 and 5.04 L, so Cp(0) 9259 and 6944 ng/mL
awk -F, 'NR==2 { if ($2 < 6944 || $2 > 6945 || $4 < 9259 || $4 > 9260) bad=1 } END { exit bad }' "$TMP/out" \
    && ok "covariate rows are used" || notok "covariate rows are used" "$(sed -n 2p "$TMP/out")"

# an empty cell is a cell: the age column does not shift into the weight's place (issue 22)
printf 'weight_kg,site,age_y\n60,,30\n' >"$TMP/cov.csv"
run_kc "covariate table with an empty cell" 0 pk population --model domino1984 --n 1 --covariates "$TMP/cov.csv" --iiv none --dose "iv 35mg" --until 10min --refine --format csv
printf 'weight_kg,age_y\n70\n' >"$TMP/cov.csv"
run_kc "covariate row without its age cell" 2 pk population --model domino1984 --n 1 --covariates "$TMP/cov.csv" --iiv none --dose "iv 35mg"
expect_err "names the line and the missing column" "cov.csv:2: the row has 1 cells; the age column is missing"
printf 'weight_kg,age_y\n70,,\n80,40\n' >"$TMP/cov.csv"
run_kc "covariate row with an empty age" 2 pk population --model domino1984 --n 1 --covariates "$TMP/cov.csv" --iiv none --dose "iv 35mg"
expect_err "names the empty age" "cov.csv:2: age '' is not plausible"
printf 'weight_kg,age_y\n70,40\000junk\n' >"$TMP/cov.csv"
run_kc "covariate table with a NUL byte" 2 pk population --model domino1984 --n 1 --covariates "$TMP/cov.csv" --iiv none --dose "iv 35mg"
expect_err "names the NUL byte" "cov.csv:2: a NUL byte"
printf 'weight,weight_kg\n70,70\n' >"$TMP/cov.csv"
run_kc "covariate header naming weight twice" 2 pk population --model domino1984 --n 1 --covariates "$TMP/cov.csv" --iiv none --dose "iv 35mg"
expect_err "says weight twice" "names the weight column twice"

run_kc "population bad weight" 2 pk population --model domino1984 --weight "normal seventy 12" --dose "iv 1mg/kg"
expect_err "names the bad weight" "--weight: 'normal seventy 12'"
run_kc "population bad quantile" 2 pk population --model domino1984 --weight 70 --dose "iv 1mg/kg" --quantiles 5,150
expect_err "names the bad quantile" "'150' is not a percentage"
run_kc "population needs a dose" 2 pk population --model domino1984 --weight 70
run_kc "population missing weight" 2 pk population --model domino1984 --dose "iv 1mg/kg"
expect_err "says which covariate" "needs the patient's weight"

# Cmax is the true peak, not the output grid's: a 40-min infusion watched every 60 min peaks at
# 40 min (the end of the infusion), as `pk simulate` finds it; the fast IV path (Domino) and the
# engine path (Perez-Ruixo esketamine IV) both; a bolus between outputs likewise.
cmax_same() { # label, model, dose, step, extra covariates...
    local label=$1 model=$2 dose=$3 step=$4; shift 4
    run_kc "$label: population" 0 pk population --model "$model" --n 8 --iiv none --dose "$dose" --until 240min --step "$step" --format json "$@"
    local pop=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(0)).cmax_ng_per_ml.max)' <"$TMP/out")
    run_kc "$label: simulate" 0 pk simulate --model "$model" --dose "$dose" --until 240min --step "$step" --format json "$@"
    local sim=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(0)).summary.cmax_ng_per_ml)' <"$TMP/out")
    node -e "process.exit(Math.abs($pop - $sim) <= 1e-6 * $sim ? 0 : 1)" \
        && ok "$label: population Cmax $pop = simulate Cmax $sim" || notok "$label: population Cmax $pop, simulate $sim"
}
cmax_same "fast path, 60-min grid" domino1984 "iv 0.5mg/kg over 40min" 60min --weight 70
cmax_same "fast path, 7-min grid" domino1984 "iv 0.5mg/kg over 40min" 7min --weight 70
cmax_same "engine path, 60-min grid" perezruixo2021 "iv 0.2mg/kg over 40min" 60min --weight 70 --age 45
cmax_same "bolus between outputs" domino1984 "iv 10mg at 25min" 60min --weight 70
