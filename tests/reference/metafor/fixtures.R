# Reference values for outcomelab.synthesis from R metafor on its classic data sets.
#
# Run from this folder:   Rscript fixtures.R
# Writes <case>/data.csv (the effect sizes and sampling variances metafor::escalc computed, plus
# moderators) and <case>/expected.json (one record per model fitted below, metafor's own names).
suppressMessages({
  library(metafor)
  library(jsonlite)
})

ctrl <- list(threshold = 1e-12, maxiter = 1000)

fit_record <- function(name, res, pi_type = "default") {
  pr <- predict(res, pi.type = pi_type)
  list(
    name = name, method = res$method, test = res$test, pi_type = pi_type, k = res$k,
    b = as.numeric(res$b), coef_names = rownames(res$b), se = as.numeric(res$se),
    ci.lb = as.numeric(res$ci.lb), ci.ub = as.numeric(res$ci.ub), pval = as.numeric(res$pval),
    tau2 = res$tau2, se.tau2 = res$se.tau2, I2 = res$I2, H2 = res$H2,
    QE = res$QE, QEp = res$QEp, QM = res$QM, QMp = res$QMp, QMdf = res$QMdf,
    R2 = if (is.null(res$R2)) NA else res$R2,
    pi.lb = if (res$p == 1) as.numeric(pr$pi.lb) else NA,
    pi.ub = if (res$p == 1) as.numeric(pr$pi.ub) else NA
  )
}

pooled_fits <- function(dat) {
  out <- list()
  for (method in c("REML", "DL")) {
    for (test in c("z", "knha", "adhoc")) {
      res <- rma(yi, vi, data = dat, method = method, test = test, control = ctrl)
      out[[length(out) + 1]] <- fit_record(paste(method, test, "default", sep = "/"), res)
      out[[length(out) + 1]] <- fit_record(paste(method, test, "riley", sep = "/"), res, "riley")
    }
  }
  out
}

regression_fits <- function(dat, formula, label) {
  out <- list()
  for (method in c("REML", "DL")) {
    for (test in c("z", "knha")) {
      res <- rma(yi, vi, mods = formula, data = dat, method = method, test = test, control = ctrl)
      out[[length(out) + 1]] <- fit_record(paste("mods", label, method, test, sep = "/"), res)
    }
  }
  out
}

subgroup_fits <- function(dat, column) {
  out <- list()
  for (method in c("REML", "DL")) {
    for (test in c("z", "knha")) {
      levels <- sort(unique(as.character(dat[[column]])))
      est <- c(); se <- c(); rows <- list()
      for (lev in levels) {
        sub <- dat[as.character(dat[[column]]) == lev, ]
        if (nrow(sub) < 2) next
        res <- rma(yi, vi, data = sub, method = method, test = test, control = ctrl)
        rec <- fit_record(paste("subgroup", column, lev, method, test, sep = "/"), res, "riley")
        rec$level <- lev
        rows[[length(rows) + 1]] <- rec
        est <- c(est, as.numeric(res$b)); se <- c(se, res$se)
      }
      # test of subgroup differences: equal-effects meta-analysis of the subgroup estimates
      between <- rma(est, sei = se, method = "EE")
      out[[length(out) + 1]] <- list(
        name = paste("subgroups", column, method, test, sep = "/"), method = method, test = test,
        subgroups = rows, Q_between = between$QE, Q_between_df = length(est) - 1,
        Q_between_p = between$QEp
      )
    }
  }
  out
}

egger_fits <- function(dat) {
  res <- rma(yi, vi, data = dat, control = ctrl)
  lm_test <- regtest(res, model = "lm")
  rma_test <- regtest(res, model = "rma", predictor = "sei")
  list(
    list(name = "egger/lm", zval = lm_test$zval, pval = lm_test$pval, dfs = lm_test$dfs,
         est = lm_test$est, ci.lb = lm_test$ci.lb, ci.ub = lm_test$ci.ub,
         slope = as.numeric(lm_test$fit$coefficients[2])),
    list(name = "egger/rma", zval = rma_test$zval, pval = rma_test$pval,
         est = rma_test$est, ci.lb = rma_test$ci.lb, ci.ub = rma_test$ci.ub)
  )
}

write_case <- function(case, dat, fits, columns) {
  dir.create(case, showWarnings = FALSE)
  out <- as.data.frame(dat)[, columns, drop = FALSE]
  out$yi <- as.numeric(out$yi)
  write.csv(out, file.path(case, "data.csv"), row.names = FALSE, na = "")
  meta <- list(metafor_version = as.character(packageVersion("metafor")),
               r_version = R.version.string, case = case, fits = fits)
  writeLines(toJSON(meta, auto_unbox = TRUE, digits = NA, na = "null", pretty = TRUE),
             file.path(case, "expected.json"))
}

# 1. BCG vaccine trials (Colditz et al. 1994): log risk ratios, 13 trials
bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
write_case("bcg", bcg, c(
  pooled_fits(bcg),
  regression_fits(bcg, ~ablat, "ablat"),
  regression_fits(bcg, ~ablat + year, "ablat+year"),
  regression_fits(bcg, ~factor(alloc), "alloc"),
  subgroup_fits(bcg, "alloc"),
  egger_fits(bcg)
), c("trial", "author", "year", "ablat", "alloc", "yi", "vi"))

# 2. Hine et al. (1989): risk differences, 6 trials, tau² = 0 (boundary)
hine <- escalc(measure = "RD", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.hine1989)
write_case("hine1989", hine, pooled_fits(hine), c("study", "yi", "vi"))

# 3. Normand (1999): mean differences in length of stay, 9 studies, large tau²
normand <- escalc(measure = "MD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i,
                  n2i = n2i, data = dat.normand1999)
write_case("normand1999", normand, pooled_fits(normand), c("study", "source", "yi", "vi"))

# 4. Hackshaw et al. (1998): log odds ratios, passive smoking, 37 studies (Egger with k >= 10)
hack <- dat.hackshaw1998
write_case("hackshaw1998", hack, c(pooled_fits(hack), egger_fits(hack),
  subgroup_fits(hack, "design"), regression_fits(hack, ~year, "year")),
  c("study", "author", "year", "country", "design", "yi", "vi"))

# 5. Bangert-Drowns et al. (2004): standardised mean differences, 48 studies, moderators with NAs
bd <- dat.bangertdrowns2004
bd_complete <- bd[!is.na(bd$length), ]
write_case("bangertdrowns2004", bd, c(pooled_fits(bd),
  regression_fits(bd_complete, ~length, "length"), subgroup_fits(bd, "meta"), egger_fits(bd)),
  c("id", "author", "year", "grade", "length", "meta", "yi", "vi"))

# 6. Molloy et al. (2014): Fisher-z correlations, 16 studies
mol <- escalc(measure = "ZCOR", ri = ri, ni = ni, data = dat.molloy2014)
write_case("molloy2014", mol, c(pooled_fits(mol), regression_fits(mol, ~meanage, "meanage"),
  subgroup_fits(mol, "design"), egger_fits(mol)),
  c("authors", "year", "ni", "design", "meanage", "quality", "yi", "vi"))
