# The README's example runs against a real airlock, and every `#>` line is what R prints.

readme_blocks <- function(path) {
  lines <- readLines(path, encoding = "UTF-8", warn = FALSE)
  starts <- which(lines == "```r")
  ends <- which(lines == "```")
  lapply(starts, function(s) lines[(s + 1):(min(ends[ends > s]) - 1)])
}

# Runs each top-level expression of a block in `env`; returns one record per expression with
# what it printed and the `#>` lines written after it.
run_block <- function(block, env) {
  exprs <- parse(text = block, keep.source = TRUE)
  refs <- attr(exprs, "srcref")
  out <- list()
  for (i in seq_along(exprs)) {
    last_line <- refs[[i]][3]
    next_line <- if (i < length(exprs)) refs[[i + 1]][1] else length(block) + 1
    between <- block[seq_len(next_line - last_line - 1) + last_line]
    expected <- sub("^#> ?", "", grep("^#>", between, value = TRUE))
    printed <- utils::capture.output({
      res <- withVisible(eval(exprs[[i]], env))
      if (res$visible) print(res$value)
    })
    out[[i]] <- list(code = paste(block[refs[[i]][1]:last_line], collapse = "\n"), printed = printed, expected = expected)
  }
  out
}

test_that("the README example runs and prints what it shows", {
  blocks <- readme_blocks(file.path(test_path(), "..", "..", "README.md"))
  expect_gte(length(blocks), 4)
  cl <- test_client()
  withr::local_envvar(AIRLOCK_URL = airlock_server$url, AIRLOCK_TOKEN = airlock_server$tokens$alice)
  withr::local_dir(withr::local_tempdir())
  env <- new.env(parent = globalenv())
  checked <- 0
  for (block in blocks) {
    for (r in run_block(block, env)) {
      if (length(r$expected)) {
        checked <- checked + 1
        expect_identical(trimws(r$printed, "right"), trimws(r$expected, "right"), label = r$code)
      }
    }
  }
  expect_gte(checked, 9)
})
