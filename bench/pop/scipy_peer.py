# scipy_peer.py — the Python peer: each patient's three-compartment ODE with scipy.integrate.odeint
# (LSODA; rtol 1e-8, atol 1e-12 mg), the infusion's end as a second call, output every minute to
# 240 min.  usage: python3 scipy_peer.py params.csv MAX_N ; stops after BENCH_SECONDS (default 60).
# Prints "patients seconds" on stderr and the per-minute lower medians (rank ceil(n/2)) on stdout.
import csv, math, os, sys, time
import numpy as np
from scipy.integrate import odeint

def rhs(a, t, k10, k12, k13, k21, k31, r):
    return [r - (k10 + k12 + k13) * a[0] + k21 * a[1] + k31 * a[2],
            k12 * a[0] - k21 * a[1],
            k13 * a[0] - k31 * a[2]]

rows = list(csv.DictReader(open(sys.argv[1])))[: int(sys.argv[2])]
budget = float(os.environ.get("BENCH_SECONDS", "60"))
cp = np.zeros((len(rows), 241))
t0 = time.perf_counter()
done = 0
for i, p in enumerate(rows):
    k = [float(p[x]) for x in ("k10", "k12", "k13", "k21", "k31")]
    tinf = float(p["infusion_min"])
    r = float(p["rate_mg_per_min"])
    o1 = odeint(rhs, [0.0, 0.0, 0.0], np.arange(0, tinf + 1), args=tuple(k + [r]), rtol=1e-8, atol=1e-12)
    o2 = odeint(rhs, o1[-1], np.arange(tinf, 241), args=tuple(k + [0.0]), rtol=1e-8, atol=1e-12)
    cp[i] = np.concatenate([o1[:, 0], o2[1:, 0]]) / float(p["v1_l"]) * 1000.0
    done = i + 1
    if time.perf_counter() - t0 > budget:
        break
secs = time.perf_counter() - t0
print(done, secs, file=sys.stderr)
for j in range(241):
    v = np.sort(cp[:done, j])
    print("%d,%.12g" % (j, v[math.ceil(done / 2) - 1]))
