# MatchIt on the NSW + CPS persons (see make_fixture.py). Run: Rscript make_fixture.R
# Writes expected.csv (effect), pairs.csv (matched pairs), distance.csv (R's linear logit score per
# row of sample.csv) and caliper.csv (0.2 SD of it).
# MatchIt 4.5.1's vector nearest-neighbour code compares score differences with an integer abs()
# (see ../matchit_lalonde/SOURCE.md), so the match runs through its matrix path: `distance` is
# the treated x control matrix |logit_i - logit_j| of the glm propensity score, treated rows in
# decreasing order of the score (m.order "largest"), controls in data (pseudonym) order, caliper
# 0.2 standard deviations of the logit.
suppressPackageStartupMessages({library(MatchIt); library(sandwich); library(lmtest)})
d <- read.csv("sample.csv")
rownames(d) <- paste0("u", seq_len(nrow(d)))
f <- treat ~ age + educ + black + hisp + marr + nodegree + re74 + re75
ps <- fitted(glm(f, data = d, family = binomial()))
lin <- log(ps / (1 - ps))
tr <- which(d$treat == 1); co <- which(d$treat == 0)
tr <- tr[order(ps[tr], decreasing = TRUE)]
sorted <- d[c(tr, co), ]
dlin <- abs(outer(lin[tr], lin[co], "-"))
dimnames(dlin) <- list(rownames(d)[tr], rownames(d)[co])
m <- matchit(f, data = sorted, method = "nearest", distance = dlin, caliper = 0.2 * sd(lin),
             std.caliper = FALSE)
md <- match.data(m)
fit <- lm(re78 ~ treat + age + educ + black + hisp + marr + nodegree + re74 + re75,
          data = md, weights = weights)
ct <- coeftest(fit, vcov. = vcovCL, cluster = ~subclass)
out <- data.frame(Estimate = ct["treat", "Estimate"], Std.Error = ct["treat", "Std. Error"],
                  n_treated = sum(md$treat == 1), n_control = sum(md$treat == 0),
                  MatchIt = as.character(packageVersion("MatchIt")),
                  R = paste(R.version$major, R.version$minor, sep = "."))
write.csv(out, "expected.csv", row.names = FALSE)
# the matched pairs (row numbers of sample.csv) and MatchIt's own distance: R's logit score and
# the caliper, so that a test can match on exactly the distance MatchIt used
mm <- m$match.matrix
pairs <- data.frame(treated = as.integer(sub("u", "", rownames(mm))),
                    control = as.integer(sub("u", "", mm[, 1])))
write.csv(pairs[order(pairs$treated), ], "pairs.csv", row.names = FALSE)
writeLines(c("linear_logit", sprintf("%.17g", lin)), "distance.csv")
writeLines(c("caliper", sprintf("%.17g", 0.2 * sd(lin))), "caliper.csv")
