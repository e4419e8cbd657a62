# Runs the testthat suite and writes one JSON record per test to the file named by the first
# argument (for the npm test wrapper, test/clients/r-client.test.ts): file, test, passed, and
# what went wrong. A skipped test is not a passed one.
args <- commandArgs(trailingOnly = TRUE)
pkg <- normalizePath(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))), ".."))
results <- testthat::test_local(pkg, reporter = "summary", stop_on_failure = FALSE, stop_on_warning = FALSE)
records <- lapply(results, function(t) {
  bad <- Filter(function(r) !inherits(r, "expectation_success") && !inherits(r, "expectation_warning"), t$results)
  list(file = t$file, test = t$test, passed = length(t$results) > 0 && length(bad) == 0,
       message = paste(vapply(bad, conditionMessage, ""), collapse = "\n"))
})
writeLines(jsonlite::toJSON(records, auto_unbox = TRUE), args[[1]])
