# Reference balance statistics from MatchIt for tests/balance/test_balance_reference.py.
# Run from this folder:  Rscript make_fixture.R   (R 4.2, MatchIt 4.5.1 from Debian r-cran-matchit)
suppressPackageStartupMessages(library(MatchIt))
data("lalonde", package = "MatchIt")
write.csv(lalonde, "../lalonde/lalonde.csv", row.names = TRUE)

f <- treat ~ age + educ + race + married + nodegree + re74 + re75
out_sum <- function(s, file) {
  tab <- as.data.frame(s)
  tab <- cbind(variable = rownames(tab), tab)
  write.csv(tab, file, row.names = FALSE)
}

# 1. ATT: 1:1 nearest-neighbour matching on a logit propensity score (MatchIt's default).
m <- matchit(f, data = lalonde, method = "nearest", distance = "glm")
s <- summary(m)
out_sum(s$sum.all, "att_nearest_sum_all.csv")
out_sum(s$sum.matched, "att_nearest_sum_matched.csv")
md <- match.data(m, drop.unmatched = FALSE)
write.csv(data.frame(id = rownames(md), distance = md$distance, weights = md$weights,
                     subclass = md$subclass), "att_nearest_weights.csv", row.names = FALSE)
nn <- as.data.frame(s$nn)
write.csv(cbind(sample = rownames(nn), nn), "att_nearest_nn.csv", row.names = FALSE)

# 2. ATE: propensity-score subclassification (6 subclasses) -> subclassification weights.
ms <- matchit(f, data = lalonde, method = "subclass", distance = "glm", estimand = "ATE",
              subclass = 6)
ss <- summary(ms)
out_sum(ss$sum.all, "ate_subclass_sum_all.csv")
out_sum(ss$sum.across, "ate_subclass_sum_across.csv")
nns <- as.data.frame(ss$nn)
write.csv(cbind(sample = rownames(nns), nns), "ate_subclass_nn.csv", row.names = FALSE)
write.csv(data.frame(id = names(ms$weights), weights = ms$weights),
          "ate_subclass_weights.csv", row.names = FALSE)

# 3. ATE with inverse-probability weights used as sampling weights (s.weights) and no matching:
#    sum.all then gives IPW-weighted means, variance ratios, eCDF statistics and an SMD whose
#    denominator sqrt((v1 + v0) / 2) uses IPW-weighted variances.
ps <- fitted(glm(f, data = lalonde, family = binomial))
lalonde$ipw <- ifelse(lalonde$treat == 1, 1 / ps, 1 / (1 - ps))
mi <- matchit(f, data = lalonde, method = NULL, distance = "glm", estimand = "ATE",
              s.weights = ~ipw)
out_sum(summary(mi)$sum.all, "ate_ipw_sum_all.csv")
write.csv(data.frame(id = rownames(lalonde), ipw = lalonde$ipw), "ate_ipw_weights.csv",
          row.names = FALSE)
writeLines(c(R.version.string, paste("MatchIt", packageVersion("MatchIt"))), "versions.txt")
