# Reference fixtures for outcomelab.matching's ATC, subclass, mahvars and covariate-caliper options,
# generated with MatchIt 4.5.1 (Debian r-cran-matchit) on R 4.2.  Run from this folder:
#   Rscript make_fixtures.R
# Nearest-neighbour matches on a scalar distance go through MatchIt's matrix code path (a
# treated x control distance matrix), because its vector path (nn_matchC_vec) compares score
# differences with an integer abs() (see ../matchit_lalonde/SOURCE.md).
suppressPackageStartupMessages(library(MatchIt))
data("lalonde", package = "MatchIt")
f <- treat ~ age + educ + race + married + nodegree + re74 + re75
ps <- fitted(glm(f, data = lalonde, family = binomial))

pairs_out <- function(m, name) {
  mm <- m$match.matrix
  out <- data.frame(focal = rownames(mm))
  for (j in seq_len(ncol(mm))) out[[paste0("match", j)]] <- mm[, j]
  write.csv(out, sprintf("%s_pairs.csv", name), row.names = FALSE)
}
units_out <- function(m, name) {
  sc <- if (is.null(m$subclass)) NA else as.integer(as.character(m$subclass))
  write.csv(data.frame(id = rownames(lalonde), weights = unname(m$weights), subclass = sc),
            sprintf("%s_units.csv", name), row.names = FALSE)
}

# 1. ATC, 1:1 with replacement, matrix path. MatchIt's ATC flips the treatment (focal = the
#    controls) and matches in the same way; its matrix path fails for estimand = "ATC" (an index
#    error: it subsets the matrix before flipping), so the flip is done here, as MatchIt does it
#    internally: controls become the focal group, sorted by increasing score (MatchIt's default
#    order "smallest" for the ATC), and m.order = "data" keeps that order.
tr <- which(lalonde$treat == 1); co <- which(lalonde$treat == 0)
co_sorted <- co[order(ps[co], decreasing = FALSE)]
flip <- lalonde[c(co_sorted, tr), ]
flip$focal <- as.integer(flip$treat == 0)
dmat_c <- abs(outer(ps[co_sorted], ps[tr], "-"))
dimnames(dmat_c) <- list(rownames(lalonde)[co_sorted], rownames(lalonde)[tr])
m_atc <- matchit(update(f, focal ~ .), data = flip, method = "nearest", distance = dmat_c,
                 m.order = "data", replace = TRUE)
pairs_out(m_atc, "atc_replace")
m_atc1 <- matchit(update(f, focal ~ .), data = flip, method = "nearest", distance = dmat_c,
                  m.order = "data")
pairs_out(m_atc1, "atc_nearest")

# 2. Covariate calipers with the score as distance (matrix path, raw units)
tr_sorted <- tr[order(ps[tr], decreasing = TRUE)]
sorted <- lalonde[c(tr_sorted, co), ]
dmat <- abs(outer(ps[tr_sorted], ps[co], "-"))
dimnames(dmat) <- list(rownames(lalonde)[tr_sorted], rownames(lalonde)[co])
m_cal <- matchit(f, data = sorted, method = "nearest", distance = dmat,
                 caliper = c(age = 5, educ = 2), std.caliper = FALSE)
pairs_out(m_cal, "covariate_caliper")

# 3. Mahalanobis distance on mahvars within a propensity-score caliper (0.25 SD of the score);
#    this goes through MatchIt's general nn_matchC, not the vector path.
m_mah <- matchit(f, data = lalonde, method = "nearest", distance = "glm",
                 mahvars = ~ age + educ + re74 + re75, caliper = 0.25)
pairs_out(m_mah, "mahvars_caliper")
write.csv(data.frame(caliper = unname(m_mah$caliper)), "mahvars_caliper_value.csv",
          row.names = FALSE)

# 4. Propensity-score subclassification (6 subclasses) for the three estimands
for (est in c("ATT", "ATC", "ATE")) {
  m_sub <- matchit(f, data = lalonde, method = "subclass", distance = "glm", estimand = est,
                   subclass = 6)
  units_out(m_sub, sprintf("subclass_%s", tolower(est)))
}

# 5. Exact matching for the ATC and ATE
for (est in c("ATC", "ATE")) {
  units_out(matchit(treat ~ race + married + nodegree, data = lalonde, method = "exact",
                    estimand = est), sprintf("exact_%s", tolower(est)))
}
writeLines(c(R.version.string, paste("MatchIt", packageVersion("MatchIt"))), "versions.txt")

# 6. Sampling weights (s.weights): deterministic weights 1, 2, 3 by row. The propensity score is
#    the weighted glm (MatchIt uses s.weights in the glm); matches on the matrix path; the effect
#    as MatchIt's vignette with s.weights: lm(re78 ~ treat, weights = weights * s.weights) with
#    vcovCL(cluster = ~subclass) (HC1); balance from summary(m) with s.weights.
suppressPackageStartupMessages({library(sandwich); library(lmtest)})
lalonde$sw <- 1 + (seq_len(nrow(lalonde)) %% 3)
ps_w <- suppressWarnings(fitted(glm(f, data = lalonde, family = binomial, weights = sw)))
write.csv(data.frame(id = rownames(lalonde), sw = lalonde$sw, distance = unname(ps_w)),
          "sweights_units.csv", row.names = FALSE)
tr_w <- tr[order(ps_w[tr], decreasing = TRUE)]
sorted_w <- lalonde[c(tr_w, co), ]
dmat_w <- abs(outer(ps_w[tr_w], ps_w[co], "-"))
dimnames(dmat_w) <- list(rownames(lalonde)[tr_w], rownames(lalonde)[co])
m_sw <- matchit(f, data = sorted_w, method = "nearest", distance = dmat_w, s.weights = ~sw)
pairs_out(m_sw, "sweights")
md <- match.data(m_sw)  # weights column = matching weights x s.weights (include.s.weights)
fit <- lm(re78 ~ treat, data = md, weights = weights)
ct <- coeftest(fit, vcov. = vcovCL, cluster = ~subclass)
write.csv(data.frame(Estimate = ct["treat", "Estimate"], `Std. Error` = ct["treat", "Std. Error"],
                     check.names = FALSE), "sweights_effect.csv", row.names = FALSE)
s_sw <- summary(m_sw)
write.csv(data.frame(term = rownames(s_sw$sum.all), s_sw$sum.all, check.names = FALSE),
          "sweights_summary_all.csv", row.names = FALSE)
write.csv(data.frame(term = rownames(s_sw$sum.matched), s_sw$sum.matched, check.names = FALSE),
          "sweights_summary_matched.csv", row.names = FALSE)
