# Read the data and R HonestDiD's own results from the knitr cache of the HonestDiD README.
# Usage: Rscript read_readme_cache.R <HonestDiD checkout>/README_cache/gfm <out folder>
# Base R only (lazyLoad); the cache holds the objects each README chunk created.
args <- commandArgs(trailingOnly = TRUE)
cache <- args[1]
out <- args[2]
chunk <- function(prefix) {
  f <- list.files(cache, pattern = paste0("^", prefix, "_.*\\.rdb$"), full.names = TRUE)
  e <- new.env()
  lazyLoad(sub("\\.rdb$", "", f[1]), envir = e)
  e
}
plain <- function(d) {
  d <- as.data.frame(d)
  for (n in names(d)) d[[n]] <- as.vector(d[[n]])
  d
}
# full ehec panel (chunk 10) and the non-staggered subset with the README's fake control (chunk 8)
write.csv(plain(chunk("unnamed-chunk-10")$df)[, c("stfips", "year", "dins", "yexp2")],
          file.path(out, "ehec.csv"), row.names = FALSE)
c8 <- chunk("unnamed-chunk-8")
write.csv(plain(c8$df_nonstaggered)[, c("stfips", "year", "dins", "D", "control")],
          file.path(out, "ehec_nonstaggered_control.csv"), row.names = FALSE)
write.csv(data.frame(term = names(c8$betahat), estimate = unname(c8$betahat)),
          file.path(out, "fixest_control_betahat.csv"), row.names = FALSE)
write.csv(unname(c8$sigma), file.path(out, "fixest_control_sigma.csv"), row.names = FALSE)
# R HonestDiD's results (full precision)
res <- list(
  rm_first = chunk("unnamed-chunk-4")$delta_rm_results,
  sd_first = chunk("unnamed-chunk-6")$delta_sd_results,
  rm_average = chunk("unnamed-chunk-7")$delta_rm_results_avg,
  cs_rm_e0 = chunk("unnamed-chunk-9")$sensitivity_results$robust_ci
)
rows <- do.call(rbind, lapply(names(res), function(k) {
  d <- plain(res[[k]])
  m <- if ("Mbar" %in% names(d)) d$Mbar else d$M
  data.frame(case = k, Delta = d$Delta, method = d$method, M = m, lb = d$lb, ub = d$ub)
}))
write.csv(rows, file.path(out, "r_honestdid.csv"), row.names = FALSE)
# R did's event study (chunk 9): estimates and the covariance honest_did() builds from them
es <- chunk("unnamed-chunk-9")$es
inf <- es$inf.function$dynamic.inf.func.e
n <- nrow(inf)
write.csv(data.frame(egt = es$egt, att.egt = es$att.egt), file.path(out, "r_did_es.csv"),
          row.names = FALSE)
write.csv(unname(t(inf) %*% inf / n / n), file.path(out, "r_did_es_V.csv"), row.names = FALSE)
