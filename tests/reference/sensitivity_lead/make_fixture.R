# Rosenbaum bounds for the lead example (Morton et al. 1982; Rosenbaum 2002, ch. 4), the data in
# the documented example of rbounds::psens. rbounds is not in Debian, so this script computes the
# large-sample bounds of Rosenbaum (2002, section 4.3.3) directly in R, independently of the
# Python code, and records R's own wilcox.test() p-value for Gamma = 1 as a cross-check.
# Run from this folder:  Rscript make_fixture.R
trt <- c(38, 23, 41, 18, 37, 36, 23, 62, 31, 34, 24, 14, 21, 17, 16, 20,
         15, 10, 45, 39, 22, 35, 49, 48, 44, 35, 43, 39, 34, 13, 73, 25, 27)
ctrl <- c(16, 18, 18, 24, 19, 11, 10, 15, 16, 18, 18, 13, 19, 10, 16,
          16, 24, 13, 9, 14, 21, 19, 7, 18, 19, 12, 11, 22, 25, 16, 13, 11, 13)
write.csv(data.frame(pair = seq_along(trt), exposed = trt, control = ctrl), "lead.csv",
          row.names = FALSE)
d <- trt - ctrl
d <- d[d != 0]
r <- rank(abs(d))              # average ranks for ties
T <- sum(r[d > 0])
bound <- function(p) {
  1 - pnorm((T - p * sum(r)) / sqrt(p * (1 - p) * sum(r^2)))
}
gamma <- seq(1, 6, by = 0.5)
out <- data.frame(Gamma = gamma,
                  "Lower bound" = sapply(1 / (1 + gamma), bound),
                  "Upper bound" = sapply(gamma / (1 + gamma), bound),
                  check.names = FALSE)
write.csv(out, "bounds.csv", row.names = FALSE)
wt <- wilcox.test(trt, ctrl, paired = TRUE, alternative = "greater", exact = FALSE,
                  correct = FALSE)
crit <- uniroot(function(lg) bound(exp(lg) / (1 + exp(lg))) - 0.05, c(0, log(100)),
                tol = 1e-12)$root
write.csv(data.frame(T = T, n_pairs = length(d), wilcox_V = unname(wt$statistic),
                     wilcox_p = wt$p.value, gamma_critical_05 = exp(crit)),
          "summary.csv", row.names = FALSE)
writeLines(R.version.string, "versions.txt")
