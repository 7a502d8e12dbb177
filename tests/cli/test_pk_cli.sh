#!/usr/bin/env bash
# `ketaclinic pk ...` and `ketaclinic demo` as a person uses them: outputs, formats, bad input.
. "$(dirname "$0")/lib.sh"

run_kc "pk models lists every model" 0 pk models
for m in domino1984 clements1981 hijazi2003 herd2007 kamp2020 perezruixo2021; do
    expect_out "pk models shows $m" "^$m "
done
run_kc "pk models json" 0 pk models --format json
if node -e 'const m=JSON.parse(require("fs").readFileSync(0));if(m.length<6||!m.every(x=>x.citation&&x.parameters.length))process.exit(1)' <"$TMP/out"; then
    ok "models json has citations and parameters"; else notok "models json has citations and parameters"; fi

run_kc "simulate csv" 0 pk simulate --model domino1984 --weight 70 --dose "iv 0.5mg/kg over 40min" --until 240min --step 1min --format csv
if [ "$(head -1 "$TMP/out")" = "time_min,cp_ng_per_ml,ce_ng_per_ml" ]; then ok "csv header exact"; else notok "csv header exact" "$(head -1 "$TMP/out")"; fi
[ "$(wc -l <"$TMP/out")" -eq 242 ] && ok "csv has 241 rows" || notok "csv has 241 rows" "$(wc -l <"$TMP/out")"
awk -F, '$1==40 { if ($2 > 240.35 && $2 < 240.37) ok=1 } END { exit !ok }' "$TMP/out" && ok "Cp 240.36 at 40 min in csv" || notok "Cp 240.36 at 40 min in csv"

run_kc "simulate esketamine csv has metabolite" 0 pk simulate --model perezruixo2021 --age 45 --dose "in 56mg" --until 12h --step 15min --format csv
[ "$(head -1 "$TMP/out")" = "time_min,cp_ng_per_ml,ce_ng_per_ml,noresketamine_ng_per_ml" ] && ok "metabolite column" || notok "metabolite column" "$(head -1 "$TMP/out")"

run_kc "simulate json" 0 pk simulate --model domino1984 --weight 70 --dose "iv 0.5mg/kg over 40min" --at 5,10,40,60 --format json
node -e 'const j=JSON.parse(require("fs").readFileSync(0));const p=j.points;if(p.length!==4||Math.abs(p[2].cp_ng_per_ml-240.36)>0.01||!(j.summary.cmax_ng_per_ml>240)||Math.abs(j.summary.s_ketamine_ce_max_ng_per_ml-j.summary.ce_max_ng_per_ml/2)>1e-9||j.model.id!=="domino1984")process.exit(1)' <"$TMP/out" \
    && ok "json points and summary" || notok "json points and summary" "$(head -c 300 "$TMP/out")"

run_kc "simulate table with amounts" 0 pk simulate --model domino1984 --weight 70 --dose "iv 35mg" --dose "po 50mg at 30min" --until 2h --amounts
expect_out "table names the engine" "engine: exponential-states"
expect_out "table shows the assumed absorption" "absorption structure assumed for po"
expect_out "table shows the summary" "^Cmax .* ng/mL at"
expect_out "table shows S-ketamine Ce against C50" "x C50 \(121 ng/mL, Olofsen 2022\)"

run_kc "outside the covariate range warns" 0 pk simulate --model herd2007 --weight 90 --dose "iv 1mg/kg" --until 60min
expect_err "warning names the range" "warning: weight 90.0 kg is outside herd2007"

run_kc "compare shows the spread" 0 pk compare --weight 70 --dose "iv 0.5mg/kg over 40min" --at 40
expect_out "compare lists domino" "domino1984"
expect_out "compare lists the spread column" "spread"
expect_out "compare leaves out the paediatric model without an age" "not shown: herd2007"
run_kc "compare esketamine" 0 pk compare --drug esketamine --age 50 --dose "in 84mg" --at 30,60
expect_out "compare esketamine uses perezruixo2021" "perezruixo2021"

run_kc "demo" 0 demo
expect_out "demo shows every model" "perezruixo2021"
expect_out "demo shows the observed value" "185 ng/mL"

# Bad input: one line naming the problem, exit status 2.
bad() {
    local name=$1 pattern=$2; shift 2
    if run_kc "$name" 2 "$@"; then
        expect_err "$name: message names it" "$pattern"
        [ "$(wc -l <"$TMP/err")" -eq 1 ] && ok "$name: one line" || notok "$name: one line" "$(cat "$TMP/err")"
    fi
}
bad "unknown model" "unknown model 'marsh' \(known: domino1984" pk simulate --model marsh --weight 70 --dose "iv 10mg"
bad "unknown unit" "furlongs" pk simulate --model domino1984 --weight 70 --dose "iv 10mg over 3furlongs"
bad "negative dose" "negative" pk simulate --model domino1984 --weight 70 --dose "iv -10mg"
bad "zero dose" "above zero" pk simulate --model domino1984 --weight 70 --dose "iv 0mg"
bad "unknown route" "unknown route 'rectal'" pk simulate --model domino1984 --weight 70 --dose "rectal 10mg"
bad "missing weight" "needs the patient's weight" pk simulate --model domino1984 --dose "iv 10mg"
bad "missing age for esketamine" "needs the patient's age" pk simulate --model perezruixo2021 --dose "in 56mg"
bad "partial nasal device" "28 mg devices" pk simulate --model perezruixo2021 --age 40 --dose "in 30mg"
bad "route not in model" "no absorption data for route sl" pk simulate --model perezruixo2021 --age 40 --dose "sl 30mg"
bad "over for oral" "only iv doses run over" pk simulate --model domino1984 --weight 70 --dose "po 10mg over 10min"
bad "duplicate at" "'at' given twice" pk simulate --model domino1984 --weight 70 --dose "iv 10mg at 5min at 6min"
bad "missing time after over" "'over' needs a time" pk simulate --model domino1984 --weight 70 --dose "iv 10mg over"
bad "step and at together" "either --step or --at" pk simulate --model domino1984 --weight 70 --dose "iv 10mg" --step 1min --at 1,2
bad "unknown option" "unknown option '--wieght'" pk simulate --model domino1984 --wieght 70 --dose "iv 10mg"
bad "bad format" "--format 'xml'" pk simulate --model domino1984 --weight 70 --dose "iv 10mg" --format xml
bad "implausible weight" "not a plausible weight" pk simulate --model domino1984 --weight 900 --dose "iv 10mg"
bad "descending --at" "ascending" pk simulate --model domino1984 --weight 70 --dose "iv 10mg" --at 10,5
bad "until without unit" "no unit" pk simulate --model domino1984 --weight 70 --dose "iv 10mg" --until 240
bad "unknown subcommand" "unknown subcommand 'simulat'" pk simulat
