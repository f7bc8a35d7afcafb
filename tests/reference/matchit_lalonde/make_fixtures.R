# Reference fixtures for outcomelab.matching, generated with MatchIt 4.5.1 on R 4.2.
# Run from this directory:  Rscript make_fixtures.R
suppressPackageStartupMessages({
  library(MatchIt); library(sandwich); library(lmtest)
})
data("lalonde", package = "MatchIt")
write.csv(lalonde, "../lalonde/lalonde.csv")
f <- treat ~ age + educ + race + married + nodegree + re74 + re75

save_case <- function(m, name) {
  units <- data.frame(id = rownames(lalonde), treat = lalonde$treat,
                      weights = unname(m$weights))
  units$subclass <- if (is.null(m$subclass)) NA else as.integer(as.character(m$subclass))
  units$distance <- if (is.null(m$distance)) NA else unname(m$distance)
  units$discarded <- unname(m$discarded)
  write.csv(units, sprintf("%s_units.csv", name), row.names = FALSE)
  if (!is.null(m$match.matrix)) {
    mm <- m$match.matrix
    out <- data.frame(treated = rownames(mm))
    for (j in seq_len(ncol(mm))) out[[paste0("control", j)]] <- mm[, j]
    write.csv(out, sprintf("%s_pairs.csv", name), row.names = FALSE)
  }
}

save_effect <- function(m, name, covs = FALSE, cluster = ~subclass) {
  md <- match.data(m)
  fm <- if (covs) re78 ~ treat + age + educ + race + married + nodegree + re74 + re75 else re78 ~ treat
  fit <- lm(fm, data = md, weights = weights)
  ct <- coeftest(fit, vcov. = vcovCL, cluster = cluster)   # vcovCL default type "HC1"
  data.frame(case = name, covariates = covs, Estimate = ct["treat", "Estimate"],
             `Std. Error` = ct["treat", "Std. Error"], check.names = FALSE)
}

m_nn <- matchit(f, data = lalonde, method = "nearest", distance = "glm")
save_case(m_nn, "nearest")
s <- summary(m_nn, un = TRUE)
write.csv(data.frame(term = rownames(s$sum.all), s$sum.all, check.names = FALSE),
          "nearest_summary_all.csv", row.names = FALSE)
write.csv(data.frame(term = rownames(s$sum.matched), s$sum.matched, check.names = FALSE),
          "nearest_summary_matched.csv", row.names = FALSE)

# Only the scores and the discarded sets are used from these two (the matches go through the
# vector code path, see below):
save_case(matchit(f, data = lalonde, method = "nearest", distance = "glm", link = "probit"),
          "nearest_probit")
save_case(matchit(f, data = lalonde, method = "nearest", distance = "glm", discard = "both"),
          "nearest_discard_both")
# Kept to document the vector code path's caliper problem (pair distances beyond 0.01):
save_case(matchit(f, data = lalonde, method = "nearest", distance = "glm", caliper = 0.01,
                  std.caliper = FALSE), "caliper_raw")
save_case(matchit(f, data = lalonde, method = "nearest", distance = "mahalanobis"), "mahalanobis")
save_case(matchit(treat ~ race + married + nodegree, data = lalonde, method = "exact"), "exact")
m_cem <- matchit(f, data = lalonde, method = "cem")
save_case(m_cem, "cem")

eff <- rbind(save_effect(m_nn, "nearest"), save_effect(m_nn, "nearest", covs = TRUE),
             save_effect(m_cem, "cem"))
write.csv(eff, "effects.csv", row.names = FALSE)
writeLines(c(R.version.string, paste("MatchIt", packageVersion("MatchIt")),
             paste("sandwich", packageVersion("sandwich")), paste("lmtest", packageVersion("lmtest"))),
           "versions.txt")

# --- MatchIt 4.5.1's vector nearest-neighbour code (nn_matchC_vec) compares score differences with
# an integer abs(): every |difference| < 1 counts as 0, so it always takes the lower neighbour and
# a caliper on the propensity score never binds (see SOURCE.md). Its matrix code path computes
# distances correctly, so the matched sets are checked against matchit() with `distance` given as
# the treated x control matrix |ps_i - ps_j|, treated rows sorted by decreasing score (so that
# m.order = "data" is the "largest first" order) and controls in data order.
ps <- m_nn$distance
calipers <- data.frame(
  case = c("caliper_ps_sd", "caliper_logit_sd", "caliper_raw"),
  caliper = c(matchit(f, data = lalonde, caliper = 0.2)$caliper,
              matchit(f, data = lalonde, link = "linear.logit", caliper = 0.2)$caliper,
              matchit(f, data = lalonde, caliper = 0.01, std.caliper = FALSE)$caliper))
write.csv(calipers, "calipers.csv", row.names = FALSE)
tr <- which(lalonde$treat == 1); co <- which(lalonde$treat == 0)
tr <- tr[order(ps[tr], decreasing = TRUE)]
sorted <- lalonde[c(tr, co), ]
dmat <- abs(outer(ps[tr], ps[co], "-"))
dimnames(dmat) <- list(rownames(lalonde)[tr], rownames(lalonde)[co])
matrix_case <- function(name, ...) {
  m <- matchit(f, data = sorted, method = "nearest", distance = dmat, ...)
  mm <- m$match.matrix
  out <- data.frame(treated = rownames(mm))
  for (j in seq_len(ncol(mm))) out[[paste0("control", j)]] <- mm[, j]
  write.csv(out, sprintf("matrix_%s_pairs.csv", name), row.names = FALSE)
  m
}
m_mat <- matrix_case("nearest")
s_mat <- summary(m_mat)$sum.matched
write.csv(data.frame(term = rownames(s_mat), s_mat, check.names = FALSE),
          "matrix_nearest_summary_matched.csv", row.names = FALSE)
invisible(matrix_case("ratio2", ratio = 2))
invisible(matrix_case("replace", replace = TRUE))
invisible(matrix_case("caliper", caliper = 0.2 * sd(ps), std.caliper = FALSE))
lin <- log(ps / (1 - ps))
dlin <- abs(outer(lin[tr], lin[co], "-")); dimnames(dlin) <- dimnames(dmat)
m <- matchit(f, data = sorted, method = "nearest", distance = dlin, caliper = 0.2 * sd(lin),
             std.caliper = FALSE)
mm <- m$match.matrix
write.csv(data.frame(treated = rownames(mm), control1 = mm[, 1]), "matrix_caliper_logit_pairs.csv",
          row.names = FALSE)
