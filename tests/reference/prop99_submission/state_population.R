# State codes, names and 1975 population of the 50 US states from base R's datasets package
# (state.abb, state.name, state.x77[, "Population"]: US Bureau of the Census, Statistical Abstract
# of the United States 1977, July 1975 estimates in thousands).
# Usage: Rscript state_population.R  (writes state_population_1975.csv beside this script)
here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)))
x <- data.frame(
  abb = state.abb,
  state = state.name,
  population_1975_thousands = unname(state.x77[, "Population"])
)
write.csv(x, file.path(here, "state_population_1975.csv"), row.names = FALSE)
