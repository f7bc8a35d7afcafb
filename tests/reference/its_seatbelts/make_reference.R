# Reference for outcomelab.synth.interrupted_time_series: segmented regression with monthly
# seasonality and Newey-West standard errors on R's Seatbelts data (UK road casualties,
# Harvey and Durbin 1986; the seat-belt law came into force on 31 January 1983, so February
# 1983 is the first treated month). Run from this folder:  Rscript make_reference.R
library(sandwich)
library(lmtest)
sb <- data.frame(
  month = format(seq(as.Date("1969-01-01"), by = "month", length.out = nrow(Seatbelts)), "%Y-%m"),
  drivers_killed = as.numeric(Seatbelts[, "DriversKilled"]),
  front = as.numeric(Seatbelts[, "front"])
)
write.csv(sb, "seatbelts.csv", row.names = FALSE)
n <- nrow(sb)
start <- which(sb$month == "1983-02")
sb$time <- seq_len(n) - start            # 0 in the first treated month
sb$law <- as.numeric(seq_len(n) >= start)
sb$time_after <- sb$time * sb$law
sb$moy <- factor(as.integer(substr(sb$month, 6, 7)))
out <- NULL
for (lag in c(3, 12)) {
  for (y in c("drivers_killed", "front")) {
    fit <- lm(as.formula(paste(y, "~ time + law + time_after + moy")), data = sb)
    vc <- NeweyWest(fit, lag = lag, prewhite = FALSE, adjust = FALSE)
    ct <- coeftest(fit, vcov. = vc)
    keep <- c("(Intercept)", "time", "law", "time_after")
    out <- rbind(out, data.frame(outcome = y, lag = lag, term = keep,
                                 estimate = ct[keep, 1], std.error = ct[keep, 2]))
  }
}
write.csv(out, "r_sandwich_neweywest.csv", row.names = FALSE)
print(out)
print(R.version.string)
print(packageVersion("sandwich"))
