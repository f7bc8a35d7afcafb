# Reference fits for outcomelab.numerics.fit_binomial: R's glm() on the MatchIt lalonde data.
# Run from this folder:  Rscript make_fixture.R
# Raw earnings (re74, re75 near 1e4) beside 0/1 indicators make an ill-conditioned design, the case
# that broke an earlier unscaled merge of the project's logistic fits.
lalonde <- read.csv("../lalonde/lalonde.csv", row.names = 1)
# deterministic positive non-integer prior weights (sampling weights)
lalonde$w <- 0.5 + ((seq_len(nrow(lalonde)) * 37) %% 17) / 8
f <- treat ~ age + educ + race + married + nodegree + re74 + re75
fits <- list(
  logit = glm(f, data = lalonde, family = binomial("logit")),
  probit = glm(f, data = lalonde, family = binomial("probit")),
  logit_weighted = suppressWarnings(glm(f, data = lalonde, family = binomial("logit"), weights = w))
)
coefs <- do.call(rbind, lapply(names(fits), function(k) {
  cf <- coef(fits[[k]])
  data.frame(case = k, term = names(cf), estimate = unname(cf), iter = fits[[k]]$iter,
             deviance = fits[[k]]$deviance)
}))
write.csv(coefs, "coefficients.csv", row.names = FALSE)
scores <- data.frame(sapply(fits, fitted))
write.csv(scores, "fitted.csv", row.names = FALSE)
writeLines(c(R.version.string), "versions.txt")
