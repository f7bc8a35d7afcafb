# MatchIt on the NSW + CPS persons (see make_fixture.py). Run: Rscript make_fixture.R
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
