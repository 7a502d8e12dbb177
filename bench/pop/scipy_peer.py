# scipy_peer.py — the Python peer: each patient's three-compartment ODE with scipy.integrate.odeint
# (LSODA) or solve_ivp(method="LSODA"); rtol 1e-8, atol 1e-12 mg; the infusion's end as a second
# call; output every minute to 240 min.
# usage: python3 scipy_peer.py params.csv MAX_N [odeint|solve_ivp] ; stops after BENCH_SECONDS (60).
# Prints "patients seconds cpu_seconds" on stderr and the per-minute lower medians (rank ceil(n/2)) on stdout.
import csv, math, os, sys, time
import numpy as np
from scipy.integrate import odeint, solve_ivp

def rhs(a, t, k10, k12, k13, k21, k31, r):
    return [r - (k10 + k12 + k13) * a[0] + k21 * a[1] + k31 * a[2],
            k12 * a[0] - k21 * a[1],
            k13 * a[0] - k31 * a[2]]

def rhs_t(t, a, *k):
    return rhs(a, t, *k)

def solve(a0, times, k):
    if mode == "odeint":
        return odeint(rhs, a0, times, args=tuple(k), rtol=1e-8, atol=1e-12)
    o = solve_ivp(rhs_t, (times[0], times[-1]), a0, method="LSODA", t_eval=times, args=tuple(k),
                  rtol=1e-8, atol=1e-12)
    return o.y.T

mode = sys.argv[3] if len(sys.argv) > 3 else "odeint"
rows = list(csv.DictReader(open(sys.argv[1])))[: int(sys.argv[2])]
budget = float(os.environ.get("BENCH_SECONDS", "60"))
cp = np.zeros((len(rows), 241))
t0 = time.perf_counter()
c0 = time.process_time()
done = 0
for i, p in enumerate(rows):
    k = [float(p[x]) for x in ("k10", "k12", "k13", "k21", "k31")]
    tinf = float(p["infusion_min"])
    r = float(p["rate_mg_per_min"])
    o1 = solve([0.0, 0.0, 0.0], np.arange(0, tinf + 1), k + [r])
    o2 = solve(o1[-1], np.arange(tinf, 241), k + [0.0])
    cp[i] = np.concatenate([o1[:, 0], o2[1:, 0]]) / float(p["v1_l"]) * 1000.0
    done = i + 1
    if time.perf_counter() - t0 > budget:
        break
secs = time.perf_counter() - t0
print(done, secs, time.process_time() - c0, file=sys.stderr)
for j in range(241):
    v = np.sort(cp[:done, j])
    print("%d,%.12g" % (j, v[math.ceil(done / 2) - 1]))
