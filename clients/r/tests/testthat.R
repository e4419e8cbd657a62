library(testthat)
library(airlock)

test_check("airlock")
