#!/usr/bin/env bash
# `ketaclinic pk tci` as a person uses it: exact CSV columns, the pump limits, replay, bad input.
. "$(dirname "$0")/lib.sh"

run_kc "tci plasma csv" 0 pk tci --model domino1984 --weight 70 --target "plasma 200ng/mL" --until 60min --format csv
[ "$(head -1 "$TMP/out")" = "time_min,rate_mg_per_min,rate_ml_per_h,cumulative_mg,cp_ng_per_ml,ce_ng_per_ml" ] \
    && ok "tci csv header exact" || notok "tci csv header exact" "$(head -1 "$TMP/out")"
[ "$(wc -l <"$TMP/out")" -eq 362 ] && ok "tci csv has 361 rows (10-s updates for 60 min)" || notok "tci csv rows" "$(wc -l <"$TMP/out")"
# 0.1 mL/h steps give at most 0.5 x 0.1 mL/h x 10 mg/mL of rate error: well under 0.5% of 200 ng/mL
awk -F, 'NR>2 { if ($5 < 199 || $5 > 201) bad=1 } END { exit bad }' "$TMP/out" && ok "Cp stays on target after the first interval" || notok "Cp on target"
awk -F, 'NR>1 { q=$3/0.1; if (q-int(q+0.5) > 1e-6 || int(q+0.5)-q > 1e-6 || $2 > 52.5) bad=1 } END { exit bad }' "$TMP/out" \
    && ok "rates are 0.1 mL/h steps under 0.75 mg/kg/min" || notok "rates are 0.1 mL/h steps under the maximum"
cp "$TMP/out" "$TMP/log.csv"
run_kc "tci replay of the log" 0 pk tci --model domino1984 --weight 70 --replay "$TMP/log.csv" --format csv
if paste -d, "$TMP/log.csv" "$TMP/out" | awk -F, 'NR>1 { for (i=4;i<=6;i++) { a=$i; b=$(i+6); d=a-b; if (d<0) d=-d; if (d > 1e-7*(a<0?-a:a) + 1e-9) bad=1 } } END { exit bad }'; then
    ok "replay gives the same curve (1e-7)"; else notok "replay gives the same curve"; fi

run_kc "tci effect with cap and decrement" 0 pk tci --model domino1984 --weight 70 --ke0 0.652 --target "effect 200ng/mL" --target "plasma 100ng/mL at 30min" --pause 40min-45min --cp-cap 2 --until 60min --decrement 50ng/mL
expect_out "table shows the decrement time" "After stopping: Cp below 50 ng/mL after [0-9.]+ min, Ce after"
expect_out "table shows effect mode" " effect "
run_kc "tci json" 0 pk tci --model domino1984 --weight 70 --target "effect 150ng/mL" --until 5min --max-rate 20mL/h --format json
node -e 'const j=JSON.parse(require("fs").readFileSync(0));if(j.rows.length!==31||j.pump.max_ml_per_h!==20||!j.rows.every(r=>r.rate_ml_per_h<=20+1e-9)||!j.rows.some(r=>r.limited))process.exit(1)' <"$TMP/out" \
    && ok "json rows respect the mL/h limit" || notok "json rows respect the mL/h limit" "$(head -c 300 "$TMP/out")"

# Issue 14: effect-site targeting of 200 ng/mL (Olofsen 2022 ke0 0.0835/min) with default settings
# reached ~3000 ng/mL plasma; the anaesthetic range starts at 1200 ng/mL (Zanos 2018, Table 1).
run_kc "tci effect default cap" 0 pk tci --model domino1984 --weight 70 --ke0 0.0835 --target "effect 200ng/mL" --until 30min --format json
node -e 'const j=JSON.parse(require("fs").readFileSync(0));const m=Math.max(...j.rows.map(r=>r.cp_ng_per_ml));if(m>400*(1+1e-9)||!j.rows.some(r=>r.cp_capped)||!/plasma cap/.test((j.notes||[])[0]||""))process.exit(1)' <"$TMP/out" \
    && ok "default cap keeps Cp at or below 2 x target and says it bound" || notok "default plasma cap" "$(head -c 300 "$TMP/out")"
run_kc "tci cap note in the table" 0 pk tci --model domino1984 --weight 70 --ke0 0.0835 --target "effect 200ng/mL" --until 5min
expect_out "the note" "^Note: the plasma cap \(2 x target, at most 1000 ng/mL\) cut the rate"
run_kc "tci ceiling into anaesthesia refused" 2 pk tci --model domino1984 --weight 70 --target "effect 200ng/mL" --cp-max 1500ng/mL
expect_err "names --cp-max" "--cp-max '1500ng/mL'"
run_kc "tci cap factor too large refused" 2 pk tci --model domino1984 --weight 70 --target "effect 200ng/mL" --cp-cap 8
run_kc "tci plasma target above the ceiling refused" 2 pk tci --model domino1984 --weight 70 --target "plasma 1500ng/mL"
expect_err "names the ceiling" "plasma ceiling 1000 ng/mL"

run_kc "tci without target" 2 pk tci --model domino1984 --weight 70
expect_err "names the missing target" "at least one --target"
run_kc "tci bad target" 2 pk tci --model domino1984 --weight 70 --target "plasma lots"
expect_err "names the bad target" "--target 'plasma lots'"
run_kc "tci bad pause" 2 pk tci --model domino1984 --weight 70 --target "plasma 100ng/mL" --pause 30min-20min
expect_err "names the bad pause" "--pause '30min-20min'"
run_kc "tci rejects --dose" 2 pk tci --model domino1984 --weight 70 --target "plasma 100ng/mL" --dose "iv 1mg"
printf 'time_min,rate_ml_per_h\n0,10\n1,abc\n' >"$TMP/bad.csv"
run_kc "tci bad replay log" 2 pk tci --model domino1984 --weight 70 --replay "$TMP/bad.csv"
expect_err "names the bad line" "bad.csv:3: 'abc'"
