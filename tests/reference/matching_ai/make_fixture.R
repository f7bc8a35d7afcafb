# R Matching's Abadie-Imbens matching estimator and standard error on simulated data, the peer of
# outcomelab's MatchResult.effect(se="abadie_imbens") with replacement. Run: Rscript make_fixture.R
# Writes data.csv (x1, x2, t, y and R's logit propensity score ps) and expected.csv.
suppressPackageStartupMessages(library(Matching))
set.seed(20261130)
n <- 800
x1 <- rnorm(n)
x2 <- rbinom(n, 1, 0.4) + runif(n, 0, 0.5)        # continuous: no tied scores
t <- rbinom(n, 1, plogis(-0.6 + 0.8 * x1 + 0.5 * x2))
y <- 1 + x1 + 0.7 * x2 + t * (2 + 0.5 * x1) + rnorm(n, sd = 1 + 0.5 * abs(x1))
ps <- fitted(glm(t ~ x1 + x2, family = binomial))
d <- data.frame(x1, x2, t, y, ps)
write.csv(transform(d, x1 = sprintf("%.17g", x1), x2 = sprintf("%.17g", x2),
                    y = sprintf("%.17g", y), ps = sprintf("%.17g", ps)),
          "data.csv", row.names = FALSE, quote = FALSE)
# 1:1 with replacement on the score; distance.tolerance far below any gap between scores so
# that no two comparison units count as tied; Var.calc = 1 (one same-group neighbour for the
# conditional variances, as outcomelab; Var.calc = 0 would assume homoskedasticity)
run <- function(bias) {
  m <- Match(Y = y, Tr = t, X = ps, estimand = "ATT", M = 1, replace = TRUE, ties = TRUE,
             distance.tolerance = 1e-12, Var.calc = 1, BiasAdjust = bias,
             Z = if (bias) cbind(x1, x2) else ps)
  data.frame(bias_adjust = bias, estimate = m$est, se = m$se, se_standard = m$se.standard,
             n_treated = m$wnobs, n_ties = length(m$index.treated) - m$wnobs)
}
out <- rbind(run(FALSE), run(TRUE))
out$Matching <- as.character(packageVersion("Matching"))
out$R <- paste(R.version$major, R.version$minor, sep = ".")
write.csv(out, "expected.csv", row.names = FALSE)
print(out)
