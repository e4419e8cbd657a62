# The R client against a real airlock: tables through the streamed CSV route, every kind
# through airlock_submit, refusals as classed errors, auditors' reads, reviews.

three_by_three <- function(small = 3) {
  sizes <- c("north|young" = small, "north|old" = 25, "north|mid" = 30, "south|young" = 22, "south|old" = 28,
             "south|mid" = 31, "east|young" = 24, "east|old" = 26, "east|mid" = 27)
  keys <- rep(names(sizes), sizes)
  data.frame(patient = sprintf("P%03d", seq_along(keys)), region = sub("\\|.*", "", keys), age = sub(".*\\|", "", keys),
             cost = round(100 + seq_along(keys) * 3.7, 2), stringsAsFactors = FALSE)
}

csv_digest <- function(df) {
  path <- tempfile()
  on.exit(unlink(path))
  airlock:::write_microdata(df, path)
  airlock:::sha256_file(path)
}

test_that("a table with a small cell is rejected, with findings, cells and a protected version", {
  cl <- test_client()
  df <- three_by_three()
  d <- airlock_check_table(df, index = "region", columns = "age", client = cl)
  expect_s3_class(d, "airlock_decision")
  expect_identical(d$outcome, "reject")
  f <- airlock_findings(d)
  expect_identical(f$status[f$check == "min_count"], "fail")
  expect_identical(f$cells[f$check == "min_count"], 1L)
  cells <- airlock_failing_cells(d)
  small <- cells[cells$check == "min_count", ]
  expect_identical(c(small$region, small$age), c("north", "young"))
  expect_identical(small$count, 3)
  # airlock's table is R's own table() of the same rows.
  long <- airlock_result_table(d)
  local <- as.data.frame(table(region = df$region, age = df$age), stringsAsFactors = FALSE)
  merged <- merge(long, local, by = c("region", "age"))
  expect_equal(nrow(merged), 9)
  expect_equal(merged$count, merged$Freq)
  wide <- airlock_result_table(d, wide = TRUE)
  expect_identical(names(wide), c("region", "mid", "old", "young"))
  expect_equal(wide$young[wide$region == "north"], 3)
  p <- airlock_protected(d)
  expect_true(is.na(p$value[p$region == "north" & p$age == "young"]))
  expect_gte(sum(p$suppressed), 4)
  expect_match(attr(p, "csv"), "^region,")
  # Only the columns used were sent (no patient ids), and the decision names those bytes.
  expect_identical(as.data.frame(d)$sha256, csv_digest(df[, c("region", "age")]))
})

test_that("the protected version resubmitted is released", {
  cl <- test_client()
  d <- airlock_check_table(three_by_three(), index = "region", columns = "age", name = "by_age", client = cl)
  expect_identical(d$outcome, "reject")
  form <- airlock_resubmit_form(d, "by_age")
  expect_false(is.null(form))
  expect_length(strsplit(form$protection, ".", fixed = TRUE)[[1]], 3)
  # The signed decision names the token; the form with the suppressed cells' evidence is
  # beside it, never in what is signed, recorded and packaged.
  expect_true(nzchar(d$outputs$by_age$protected$protection$jti))
  expect_false(grepl(form$protection_salt, airlock_js_json(d$raw$decision), fixed = TRUE))
  again <- airlock_resubmit_protected(d)
  expect_identical(again$outcome, "release")
  expect_identical(c(again$project, again$requester), c(d$project, d$requester))
  published <- Filter(function(c) !isTRUE(c$suppressed), again$outputs$by_age$table$cells)
  expect_false(any(vapply(published, function(c) identical(c$labels$region, "north") && identical(c$labels$age, "young"), TRUE)))
  expect_identical(airlock_verify(again)$outcome, "release")
})

test_that("a safe magnitude table is released and agrees with R's own aggregate", {
  cl <- test_client()
  df <- three_by_three(small = 12)
  d <- airlock_check_table(df, index = "region", columns = "age", values = "cost", aggfunc = "mean", margins = TRUE,
                           name = "mean_cost", client = cl)
  expect_identical(d$outcome, "release")
  long <- airlock_result_table(d)
  local <- aggregate(cost ~ region + age, df, mean)
  m <- merge(long, local, by = c("region", "age"))
  expect_equal(nrow(m), 9)
  expect_equal(m$value, m$cost, tolerance = 1e-12)
  expect_equal(long$value[long$region == "All" & long$age == "All"], mean(df$cost), tolerance = 1e-12)
  expect_null(airlock_protected(d))
})

test_that("a CSV file, a data frame in many chunks and one in one chunk send the same bytes", {
  cl <- test_client()
  df <- three_by_three(small = 12)[, c("region", "age")]
  path <- tempfile(fileext = ".csv")
  airlock:::write_microdata(df, path)
  ids <- c(
    as.data.frame(airlock_check_table(df, index = "region", columns = "age", name = "t", client = cl))$sha256,
    as.data.frame(airlock_check_table(df, index = "region", columns = "age", name = "t", chunk_rows = 7L, client = cl))$sha256,
    as.data.frame(airlock_check_table(path, index = "region", columns = "age", name = "t", client = cl))$sha256
  )
  expect_identical(unique(ids), airlock:::sha256_file(path))
})

test_that("refusals are classed errors with airlock's stable codes", {
  cl <- test_client()
  expect_error(airlock_check_table(three_by_three(), index = "postcode", client = cl), "no column postcode")
  e <- tryCatch(airlock_check_table(three_by_three(), index = "region", values = "cost", aggfunc = "mode", client = cl), error = identity)
  expect_s3_class(e, "airlock_api_error")
  expect_identical(c(e$status, e$code), c(400L, "INVALID_REQUEST"))
  e <- tryCatch(airlock_check_table(three_by_three(), index = "region", client = airlock_client(airlock_server$url, "nope", project = "p")), error = identity)
  expect_identical(e$code, "UNAUTHENTICATED")
  e <- tryCatch(airlock_check_table(three_by_three(), index = "region", client = test_client("auditor-only")), error = identity)
  expect_identical(c(e$status, e$code), c(403L, "FORBIDDEN"))
  expect_error(airlock_submit(list(airlock_output_summary("s", data.frame(name = "a", statistic = "mean", n = 50, value = 1)),
                                   airlock_output_summary("s", data.frame(name = "a", statistic = "mean", n = 50, value = 1))), client = cl), "unique")
})

test_that("every kind goes through one submission, models straight from lm() and glm()", {
  cl <- test_client()
  df <- three_by_three(small = 12)
  df$rare <- as.integer(seq_len(nrow(df)) <= 4) # a dummy only four people have
  df$y <- df$cost * 0.5 + ifelse(df$age == "old", 20, 0) + sin(seq_len(nrow(df)))
  df$high <- as.integer((df$cost + 400 * sin(seq_len(nrow(df)) * 7)) > median(df$cost))
  fit <- lm(y ~ cost + age + rare, data = df)
  logit <- glm(high ~ cost, data = df, family = binomial())
  d <- airlock_submit(list(
    airlock_output_table("by_region", df, index = "region"),
    airlock_output_cells("declared", list(list(labels = list(site = "A"), count = 41), list(labels = list(site = "B"), count = 3))),
    airlock_output_model("lm_fit", fit),
    airlock_output_model("small_model", family = "ols", n_obs = 12, n_params = 8),
    airlock_output_summary("ages", data.frame(name = "age", statistic = "max", n = 120, value = 97)),
    airlock_output_records("extract", data.frame(age_band = rep("40-49", 3), sex = "F"), quasi_identifiers = c("age_band", "sex")),
    airlock_output_file("notes", content = charToRaw("All counts are of hospitals.\n"), filename = "notes.txt"),
    airlock_output_file("pickle", content = as.raw(c(0x80, 0x04, 0x95, 0x00)), filename = "model.pkl")
  ), client = cl)
  out <- as.data.frame(d)
  outcome <- stats::setNames(out$outcome, out$output)
  expect_identical(unname(outcome[c("by_region", "declared", "small_model", "ages", "extract", "pickle")]),
                   c("release", "reject", "reject", "reject", "reject", "reject"))
  expect_identical(d$outcome, "reject")
  m <- d$outputs$lm_fit
  expect_identical(m$kind, "model")
  sent <- airlock_output_model("lm_fit", fit)
  terms <- stats::setNames(sent$coefficients, vapply(sent$coefficients, `[[`, "", "term"))
  expect_identical(sent$n_params, length(coef(fit)))
  expect_identical(terms$rare$n, 4L)
  expect_identical(terms$cost$n, nrow(df))
  f <- airlock_findings(d)
  expect_true(all(c("min_count", "residual_dof", "extremes", "k_anonymity", "file_type") %in% f$check[f$status == "fail"]))
  expect_error(airlock_result_table(d), "2 table outputs")
  expect_identical(airlock_result_table(d, "declared")$count, c(41, 3))
  logit_out <- airlock_output_model("logit", logit)
  expect_identical(logit_out$family, "logit")
})

test_that("an exception goes to review and two checkers release it", {
  cl <- test_client()
  d <- airlock_submit(airlock_output_table("hospitals", three_by_three(), index = "region", columns = "age",
                                           exception = "The counts are of hospitals, which are published every year."), client = cl)
  expect_identical(d$outcome, "review")
  f <- airlock_findings(d)
  expect_identical(unique(f$original_status[f$check == "min_count"]), "fail")
  one <- airlock_review(d$id, "release", "Hospital counts are public; nobody is identifiable.", client = test_client("checker-1"))
  expect_identical(one$state, "approving")
  two <- airlock_review(d$id, "release", "Agreed: hospital-level counts only.", client = test_client("checker-2"))
  expect_identical(two$state, "released")
  expect_identical(two$final$decision$outcome, "release")
  expect_identical(airlock_review_status(d$id, client = cl)$state, "released")
  expect_identical(airlock_verify(two$final, airlock_jwks(cl))$outcome, "release")
  e <- tryCatch(airlock_review(d$id, "reject", "Changed my mind about it.", client = test_client("checker-1")), error = identity)
  expect_identical(c(e$status, e$code), c(409L, "CONFLICT"))
})

test_that("auditors page through decisions, newest first", {
  cl <- test_client()
  made <- vapply(1:3, function(i) airlock_check_table(three_by_three(small = 12), index = "region", name = paste0("t", i), client = cl)$id, "")
  auditor <- test_client("auditor-only", project = cl$project)
  seen <- vapply(airlock_list_decisions(project = cl$project, page_size = 1, client = auditor), function(d) d$id, "")
  expect_identical(seen, rev(made))
  expect_length(airlock_list_decisions(project = cl$project, limit = 2, client = auditor), 2)
  back <- airlock_get_decision(made[1], client = auditor)
  expect_identical(back$outcome, "release")
  expect_identical(airlock_verify(back)$decision_id, made[1])
})

test_that("a transient failure is retried with the same key and the whole streamed body", {
  # clients/testing/flaky-proxy.cjs: every other POST answered 503, the others forwarded.
  p <- processx::process$new("node", c(file.path(repo_root, "clients/testing/flaky-proxy.cjs"), airlock_server$url), stdout = "|", stderr = "|")
  on.exit(p$kill())
  port <- NA
  while (is.na(port) && p$is_alive()) {
    p$poll_io(5000)
    line <- p$read_output_lines()
    if (length(line)) port <- as.integer(sub("proxy ", "", line[1]))
  }
  cl <- airlock_client(paste0("http://127.0.0.1:", port), airlock_server$tokens$alice, project = "r-retry", requester = "alice", dataset = "r-retry")
  df <- three_by_three(small = 12)
  d <- airlock_check_table(df, index = "region", columns = "age", client = cl)
  expect_identical(d$outcome, "release")
  seen <- jsonlite::fromJSON(httr2::resp_body_string(httr2::req_perform(httr2::request(paste0("http://127.0.0.1:", port, "/__seen")))))
  expect_identical(nrow(seen), 2L)
  expect_identical(seen$key[1], seen$key[2])
  expect_identical(seen$sha256[1], seen$sha256[2])
  expect_identical(seen$sha256[2], as.data.frame(d)$sha256)
  e <- tryCatch(airlock_check_table(df, index = "region", client = airlock_client(cl$url, cl$token, project = "r", retries = 0)), error = identity)
  expect_s3_class(e, "airlock_api_error")
  expect_identical(c(e$status, e$code), c(503L, "STORE_UNAVAILABLE"))
})

test_that("a retry after a lost answer gets the recorded decision, not a second one", {
  # flaky-proxy.cjs lose-answer: every other POST reaches airlock, but its answer is replaced by a 503.
  p <- processx::process$new("node", c(file.path(repo_root, "clients/testing/flaky-proxy.cjs"), airlock_server$url, "lose-answer"), stdout = "|", stderr = "|")
  on.exit(p$kill())
  port <- NA
  while (is.na(port) && p$is_alive()) {
    p$poll_io(5000)
    line <- p$read_output_lines()
    if (length(line)) port <- as.integer(sub("proxy ", "", line[1]))
  }
  project <- paste0("r-lost-", as.integer(runif(1, 1, 1e9)))
  cl <- airlock_client(paste0("http://127.0.0.1:", port), airlock_server$tokens$alice, project = project, requester = "alice", dataset = project)
  d <- airlock_check_table(three_by_three(small = 12), index = "region", columns = "age", client = cl)
  expect_true(d$replayed)
  expect_identical(d$outcome, "release")
  auditor <- test_client("auditor-only", project = project)
  made <- vapply(airlock_list_decisions(project = project, client = auditor), function(x) x$id, "")
  expect_identical(made, d$id)
})
