#!/usr/bin/env bash
# run.sh — the population benchmark of issue 4 (make bench).  The workload: Domino 1984, 70 kg,
# log-normal IIV of CV 30% on all six parameters, 0.5 mg/kg IV over 40 min, Cp every minute to
# 240 min.  ketaclinic and a bare exponential loop run BENCH_N patients (default 1e6) on one core
# (the best of five alternating runs, by CPU time);
# the peers (R deSolve lsoda, SciPy odeint and solve_ivp LSODA, SUNDIALS CVODE BDF; rtol 1e-8) solve the
# same patients (bench/pop/params.c) until 10,000 or BENCH_SECONDS (default 60) have passed.
# Their per-minute medians must agree with ketaclinic's (refined quantiles, same patients) to
# 1e-4 relative.  Prints patients per CPU-second (per core) and the ratios.
# The peers are the Debian packages, so Debian's /usr/bin/python3 runs SciPy (not a pyenv one).
# usage: bench/pop/run.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:?usage: run.sh BUILD_DIR}
kc="$build/rel/ketaclinic"
params_bin="$build/rel/bench/pop_params"
n=${BENCH_N:-1000000}
peer_max=${BENCH_PEER_MAX:-10000}
export BENCH_SECONDS=${BENCH_SECONDS:-60}
seed=1
cv=0.3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bash bench/pop/deps.sh
cflags="-std=c17 -D_GNU_SOURCE -O2"
gcc $cflags -o "$tmp/bare_loop" bench/pop/bare_loop.c -lm
gcc $cflags -o "$tmp/cvode_peer" bench/pop/cvode_peer.c -lsundials_cvode -lsundials_nvecserial \
    -lsundials_sunlinsoldense -lsundials_sunmatrixdense -lm
"$params_bin" "$peer_max" "$seed" "$cv" >"$tmp/params.csv"

pop() { # pop N THREADS EXTRA... : runs ketaclinic, stdout to $tmp/kc.csv; prints "patients wall cpu"
    local np=$1 th=$2; shift 2
    "$kc" pk population --model domino1984 --n "$np" --weight 70 --age 40 --iiv "$cv" \
        --dose "iv 0.5mg/kg over 40min" --until 240min --step 1min --quantiles 50 --seed "$seed" \
        --threads "$th" --timing --format csv "$@" >"$tmp/kc.csv" 2>"$tmp/kc.err"
    sed -n 's/^ketaclinic: \([0-9]*\) patients in \([0-9.]*\) s (\([0-9.]*\) CPU s).*/\1 \2 \3/p' "$tmp/kc.err"
}
bare_run() { "$tmp/bare_loop" "$1" 2>&1 >/dev/null; }
per() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", a / b }'; }
# "patients wall cpu" lines -> the one with the least CPU time
fastest() { printf '%s\n' "$@" | grep . | sort -t' ' -k3 -g | head -1; }

echo "population benchmark: Domino 1984, CV 30% on 6 parameters, 0.5 mg/kg over 40 min, 241 outputs"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) vCPUs; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
# The two vCPUs are shared with other work, so rates are per CPU-second (the process's user +
# system time), and ketaclinic and the bare loop alternate five times, keeping the best of each.
k1="" b1="" kr="" ka=""
for round in 1 2 3 4 5; do
    k1=$(fastest "$k1" "$(pop "$n" 1)")
    b1=$(fastest "$b1" "$(bare_run "$n")")
done
for round in 1 2 3; do
    kr=$(fastest "$kr" "$(pop "$n" 1 --refine)")
    ka=$(fastest "$ka" "$(pop "$n" "$(nproc)")")
done
read -r kn kw kc_cpu <<<"$k1"
ours=$(per "$kn" "$kc_cpu")
row() { # row LABEL PATIENTS WALL CPU RATIO_TEXT
    printf '%-32s %9d %9.3f %9.3f %13s %10s %s\n' "$1" "$2" "$3" "$4" "$(per "$2" "$4")" "$5" "${6:-}"
}
printf '\n%-32s %9s %9s %9s %13s %10s\n' "engine" "patients" "wall s" "CPU s" "patients/CPUs" "ours/them"
row "ketaclinic (1 thread)" $k1 "1"
read -r x y z <<<"$kr"; row "ketaclinic --refine (2 passes)" "$x" "$y" "$z" ""
read -r x y z <<<"$ka"
row "ketaclinic ($(nproc) threads)" "$x" "$y" "$z" "" "($(per "$x" "$y") patients/s wall)"
read -r x y z <<<"$b1"
row "bare exponential loop" "$x" "$y" "$z" "$(awk -v a="$ours" -v b="$(per "$x" "$z")" 'BEGIN { printf "%.2f", a / b }')"

status=0
for peer in cvode desolve scipy scipy_ivp; do
    case $peer in
    cvode) cmd=("$tmp/cvode_peer" "$tmp/params.csv" "$peer_max"); label="SUNDIALS CVODE (BDF)" ;;
    desolve) cmd=(Rscript bench/pop/desolve_peer.R "$tmp/params.csv" "$peer_max"); label="R deSolve (lsoda)" ;;
    scipy) cmd=(/usr/bin/python3 bench/pop/scipy_peer.py "$tmp/params.csv" "$peer_max" odeint); label="SciPy (odeint, LSODA)" ;;
    scipy_ivp) cmd=(/usr/bin/python3 bench/pop/scipy_peer.py "$tmp/params.csv" "$peer_max" solve_ivp); label="SciPy (solve_ivp, LSODA)" ;;
    esac
    "${cmd[@]}" >"$tmp/$peer.csv" 2>"$tmp/$peer.err" || { echo "$label failed: $(tail -3 "$tmp/$peer.err")"; status=1; continue; }
    read -r pn pw pc <"$tmp/$peer.err"
    pop "$pn" "$(nproc)" --refine >/dev/null
    # max relative difference of the medians at 1..240 min
    diff=$(awk -F, 'NR==FNR { if (FNR > 1) ours[FNR-2] = $2; next } $1 > 0 { d = ($2 - ours[$1]) / ours[$1]; if (d < 0) d = -d; if (d > m) m = d } END { printf "%.2e", m }' "$tmp/kc.csv" "$tmp/$peer.csv")
    ok=$(awk -v d="$diff" 'BEGIN { print (d <= 1e-4) ? "agree" : "DISAGREE" }')
    [ "$ok" = agree ] || status=1
    row "$label" "$pn" "$pw" "$pc" "$(awk -v a="$ours" -v p="$pn" -v c="$pc" 'BEGIN { printf "%.0f", a / (p / c) }')" \
        "medians $ok (max rel diff $diff)"
done
echo
echo "patients/CPUs: patients per CPU-second (one core).  ours/them: ketaclinic's over the peer's."
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
