# Reference numbers for tests/did/test_att_gt_mpdta.py (R did 2.x, Callaway & Sant'Anna).
# R did is not installed on the build machine; the numbers in r_did_*.csv are the printed output
# of this script as quoted in the project brief (and in the did package's own vignette).
library(did)
data(mpdta)
out <- att_gt(yname = "lemp", gname = "first.treat", idname = "countyreal", tname = "year",
              xformla = ~1, data = mpdta, control_group = "nevertreated", est_method = "dr",
              bstrap = FALSE, cband = FALSE)
write.csv(data.frame(group = out$group, t = out$t, att = round(out$att, 4)),
          "r_did_att_gt.csv", row.names = FALSE)
agg <- lapply(c("simple", "group", "dynamic", "calendar"), function(k) {
  a <- aggte(out, type = k, bstrap = FALSE, cband = FALSE)
  data.frame(type = k, overall.att = round(a$overall.att, 6), overall.se = round(a$overall.se, 6))
})
write.csv(do.call(rbind, agg), "r_did_aggte.csv", row.names = FALSE)
write.csv(data.frame(Wpval = out$Wpval), "r_did_pretest.csv", row.names = FALSE)
