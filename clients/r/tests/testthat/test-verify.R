# Offline verification of the server's real signatures, and every way a tampered decision is caught.

signed <- local({
  cl <- test_client()
  df <- data.frame(region = rep(c("north", "south"), c(8, 50)), sex = rep(c("F", "M"), 29))
  list(d = airlock_check_table(df, index = "region", columns = "sex", name = "by_region", client = cl), jwks = airlock_jwks(cl))
})

tamper <- function(raw, path, value) {
  path <- as.list(path)
  if (length(path) == 1) {
    raw[[path[[1]]]] <- value
  } else {
    raw[[path[[1]]]] <- tamper(raw[[path[[1]]]], path[-1], value)
  }
  raw
}

field_of <- function(expr) tryCatch({ expr; NA_character_ }, airlock_verification_error = function(e) e$field)

test_that("a real decision verifies offline from the saved file and JWKS", {
  dir <- tempfile(); dir.create(dir)
  airlock_save_decision(signed$d, file.path(dir, "decision.json"))
  writeLines(airlock_js_json(signed$jwks), file.path(dir, "jwks.json"))
  v <- airlock_verify(airlock_read_decision(file.path(dir, "decision.json")), file.path(dir, "jwks.json"))
  expect_identical(v$decision_id, signed$d$id)
  expect_identical(v$outcome, "reject")
  expect_identical(v$kid, signed$jwks$keys[[1]]$kid)
  # The server's own CLI agrees on the file R saved.
  r <- airlock_cli("verify", file.path(dir, "decision.json"), "--jwks", file.path(dir, "jwks.json"))
  expect_identical(r$status, 0L)
})

test_that("a changed field is named by its JSON pointer", {
  raw <- signed$d$raw
  cases <- list(
    list(c("decision", "outcome"), "release", "/decision/outcome"),
    list(list("decision", "outputs", 1, "findings", 1, "cells", 1, "count"), 40, "/decision/outputs/0/findings/0/cells/0/count"),
    list(c("decision", "project"), "another", "/decision/project"),
    list(c("decision", "released_by"), "someone", "/decision/released_by"),
    list(list("decision", "outputs", 1, "sha256"), strrep("0", 64), "/decision/outputs/0/sha256"),
    list(c("audit", "seq"), 0, "/audit/seq"),
    list(c("audit", "hash"), "XYZ", "/audit/hash")
  )
  for (case in cases) {
    expect_identical(field_of(airlock_verify(tamper(raw, case[[1]], case[[2]]), signed$jwks)), case[[3]])
  }
  dir <- tempfile(); dir.create(dir)
  bad <- tamper(raw, c("decision", "outcome"), "release")
  writeLines(airlock_js_json(bad), file.path(dir, "bad.json"))
  writeLines(airlock_js_json(signed$jwks), file.path(dir, "jwks.json"))
  r <- airlock_cli("verify", file.path(dir, "bad.json"), "--jwks", file.path(dir, "jwks.json"), "--json")
  expect_identical(r$status, 1L)
  expect_identical(jsonlite::fromJSON(r$stdout)$field, "/decision/outcome")
})

test_that("numbers spelled differently still verify", {
  raw <- signed$d$raw
  raw$decision$outputs[[1]]$table$cells[[1]]$count <- as.numeric(raw$decision$outputs[[1]]$table$cells[[1]]$count)
  expect_identical(airlock_verify(raw, signed$jwks)$decision_id, signed$d$id)
})

b64url <- function(r) gsub("=+$", "", chartr("+/", "-_", gsub("\n", "", jsonlite::base64_enc(r))))

test_that("a flipped signature byte, another key, another alg or typ are refused", {
  raw <- signed$d$raw
  parts <- strsplit(raw$signature, ".", fixed = TRUE)[[1]]
  sig <- airlock:::b64url_decode(parts[3])
  sig[11] <- xor(sig[11], as.raw(1))
  expect_identical(field_of(airlock_verify(modifyList(raw, list(signature = paste(parts[1], parts[2], b64url(sig), sep = "."))), signed$jwks)), "/signature")
  key <- openssl::ed25519_keygen()
  kid <- signed$jwks$keys[[1]]$kid
  forge <- function(header, decision) {
    h <- b64url(charToRaw(airlock_js_json(header)))
    p <- b64url(charToRaw(airlock_canonical_json(decision)))
    paste(h, p, b64url(openssl::ed25519_sign(charToRaw(paste0(h, ".", p)), key)), sep = ".")
  }
  released <- modifyList(raw$decision, list(outcome = "release"))
  forged <- list(decision = released, signature = forge(list(alg = "EdDSA", kid = kid, typ = "airlock-decision+jws"), released))
  e <- tryCatch(airlock_verify(forged, signed$jwks), error = identity)
  expect_match(e$reason, "does not verify")
  none <- paste(b64url(charToRaw('{"alg":"none","kid":"x","typ":"airlock-decision+jws"}')), strsplit(raw$signature, ".", fixed = TRUE)[[1]][2], "", sep = ".")
  expect_match(tryCatch(airlock_verify(modifyList(raw, list(signature = none)), signed$jwks), error = identity)$reason, 'alg is "none"')
  pub <- b64url(key$pubkey$data)
  own <- list(keys = list(list(kty = "OKP", crv = "Ed25519", x = pub, kid = "k", alg = "EdDSA")))
  other_typ <- list(decision = raw$decision, signature = forge(list(alg = "EdDSA", kid = "k", typ = "airlock-protection+jws"), raw$decision))
  expect_match(tryCatch(airlock_verify(other_typ, own), error = identity)$reason, "typ")
  good <- list(decision = raw$decision, signature = forge(list(alg = "EdDSA", kid = "k", typ = "airlock-decision+jws"), raw$decision))
  expect_identical(airlock_verify(good, own)$kid, "k")
  expect_match(tryCatch(airlock_verify(good, signed$jwks), error = identity)$reason, "no usable key with kid k")
})

# The decision list's detached signatures (RFC 7515 Appendix F): the decision as listed, and one
# whose numbers R, Python and ECMAScript spell differently (1e-07 / 1e-7, 1e+22, 0.30000000000000004).
listed <- local({
  cl <- test_client()
  odd <- airlock_submit(airlock_output_model("odd_numbers", family = "ols", n_obs = 400L, n_params = 3L,
    coefficients = list(list(term = "(Intercept)", estimate = 0.1 + 0.2, std_error = 1e-7),
                        list(term = "dose", estimate = 1e22, std_error = 5),
                        list(term = "age", estimate = -123456789.98765433, std_error = 0.000001))), client = cl)
  auditor <- test_client("auditor-only")
  items <- c(airlock_list_decisions(project = signed$d$raw$decision$project, client = auditor),
             airlock_list_decisions(project = cl$project, client = auditor))
  ids <- vapply(items, function(x) x$id, "")
  list(item = items[[match(signed$d$id, ids)]], odd = items[[match(odd$id, ids)]])
})

test_that("the list sends detached signatures that verify offline", {
  parts <- strsplit(signed$d$raw$signature, ".", fixed = TRUE)[[1]]
  expect_identical(listed$item$raw$signature, paste0(parts[1], "..", parts[3]))
  expect_identical(airlock_verify(listed$item, signed$jwks)$decision_id, signed$d$id)
  expect_identical(strsplit(listed$odd$raw$signature, ".", fixed = TRUE)[[1]][2], "")
  expect_identical(airlock_verify(listed$odd, signed$jwks)$decision_id, listed$odd$id)
  # Saved as listed, the file verifies offline here and with the server's own CLI.
  dir <- tempfile(); dir.create(dir)
  airlock_save_decision(listed$odd, file.path(dir, "listed.json"))
  writeLines(airlock_js_json(signed$jwks), file.path(dir, "jwks.json"))
  expect_identical(airlock_verify(airlock_read_decision(file.path(dir, "listed.json")), file.path(dir, "jwks.json"))$decision_id, listed$odd$id)
  expect_identical(airlock_cli("verify", file.path(dir, "listed.json"), "--jwks", file.path(dir, "jwks.json"))$status, 0L)
})

test_that("a tampered decision beside a detached signature fails, here and in airlock verify", {
  raw <- listed$item$raw
  cases <- list(list(c("decision", "outcome"), "release"),
                list(list("decision", "outputs", 1, "table", "cells", 1, "count"), 400),
                list(list("decision", "outputs", 1, "findings"), list()))
  for (case in cases) expect_identical(field_of(airlock_verify(tamper(raw, case[[1]], case[[2]]), signed$jwks)), "/signature")
  dir <- tempfile(); dir.create(dir)
  writeLines(airlock_js_json(tamper(raw, c("decision", "outcome"), "release")), file.path(dir, "bad.json"))
  writeLines(airlock_js_json(signed$jwks), file.path(dir, "jwks.json"))
  r <- airlock_cli("verify", file.path(dir, "bad.json"), "--jwks", file.path(dir, "jwks.json"), "--json")
  expect_identical(r$status, 1L)
  expect_identical(jsonlite::fromJSON(r$stdout)$field, "/signature")
  # A value with no canonical form is named; only header..signature is the detached form.
  expect_identical(field_of(airlock_verify(tamper(raw, list("decision", "outputs", 1, "table", "cells", 1, "count"), NaN), signed$jwks)), "/decision")
  parts <- strsplit(raw$signature, ".", fixed = TRUE)[[1]]
  for (broken in c(paste0(".", ".", parts[3]), paste0(parts[1], ".."), paste0(parts[1], ".", parts[3]))) {
    expect_identical(field_of(airlock_verify(modifyList(raw, list(signature = broken)), signed$jwks)), "/signature")
  }
})
