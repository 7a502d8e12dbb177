# desolve_peer.R — the R peer: each patient's three-compartment ODE with deSolve::lsoda
# (rtol 1e-8, atol 1e-12 mg), the infusion's end as a second call, output every minute to 240 min.
# usage: Rscript desolve_peer.R params.csv MAX_N ; stops after BENCH_SECONDS (default 60).
# Prints "patients seconds cpu_seconds" on stderr and the per-minute lower medians (rank ceil(n/2)) on stdout.
suppressPackageStartupMessages(library(deSolve))
args <- commandArgs(trailingOnly = TRUE)
p <- read.csv(args[1])
max_n <- min(as.integer(args[2]), nrow(p))
budget <- as.numeric(Sys.getenv("BENCH_SECONDS", "60"))
rhs <- function(t, a, q) {
  list(c(q[["r"]] - (q[["k10"]] + q[["k12"]] + q[["k13"]]) * a[1] + q[["k21"]] * a[2] + q[["k31"]] * a[3],
         q[["k12"]] * a[1] - q[["k21"]] * a[2],
         q[["k13"]] * a[1] - q[["k31"]] * a[3]))
}
cp <- matrix(0, nrow = max_n, ncol = 241)
pt0 <- proc.time()
t0 <- pt0[["elapsed"]]
done <- 0
for (i in seq_len(max_n)) {
  q <- c(k10 = p$k10[i], k12 = p$k12[i], k13 = p$k13[i], k21 = p$k21[i], k31 = p$k31[i], r = p$rate_mg_per_min[i])
  tinf <- p$infusion_min[i]
  o1 <- lsoda(c(0, 0, 0), 0:tinf, rhs, q, rtol = 1e-8, atol = 1e-12)
  q[["r"]] <- 0
  o2 <- lsoda(o1[nrow(o1), 2:4], tinf:240, rhs, q, rtol = 1e-8, atol = 1e-12)
  cp[i, ] <- c(o1[, 2], o2[-1, 2]) / p$v1_l[i] * 1000
  done <- i
  if (proc.time()[["elapsed"]] - t0 > budget) break
}
pt1 <- proc.time()
secs <- pt1[["elapsed"]] - t0
cpu <- (pt1[["user.self"]] + pt1[["sys.self"]]) - (pt0[["user.self"]] + pt0[["sys.self"]])
cat(done, secs, cpu, "\n", file = stderr())
for (j in 1:241) {
  v <- sort(cp[1:done, j])
  cat(sprintf("%d,%.12g\n", j - 1, v[ceiling(done / 2)]))
}
