# The HTTP client: airlock_client(), submissions, auditors' and checkers' reads.

env_or <- function(value, name) {
  if (!is.null(value)) return(value)
  v <- Sys.getenv(name, "")
  if (nzchar(v)) v else NULL
}

#' A connection to an airlock service.
#'
#' `url`, `token`, `project`, `requester` and `dataset` default to the environment variables
#' `AIRLOCK_URL`, `AIRLOCK_TOKEN`, `AIRLOCK_PROJECT`, `AIRLOCK_REQUESTER` (else the login
#' name) and `AIRLOCK_DATASET`; keep tokens out of scripts. Every submission carries an
#' `Idempotency-Key`; connection failures, 429 and 503 answers are retried `retries` times
#' with the same key.
#'
#' @examples
#' \dontrun{cl <- airlock_client("https://airlock.tre.example.org", Sys.getenv("AIRLOCK_TOKEN"), project = "p1")}
airlock_client <- function(url = NULL, token = NULL, project = NULL, requester = NULL, dataset = NULL,
                           timeout = 300, retries = 2) {
  url <- env_or(url, "AIRLOCK_URL")
  if (is.null(url)) stop("no airlock URL: pass url or set AIRLOCK_URL", call. = FALSE)
  structure(list(
    url = sub("/+$", "", url),
    token = env_or(token, "AIRLOCK_TOKEN"),
    project = env_or(project, "AIRLOCK_PROJECT"),
    requester = env_or(requester, "AIRLOCK_REQUESTER"),
    dataset = env_or(dataset, "AIRLOCK_DATASET"),
    timeout = timeout,
    retries = retries,
    cache = new.env(parent = emptyenv())
  ), class = "airlock_client")
}

default_client <- function(client) if (is.null(client)) airlock_client() else client

# An error answer from airlock as an R condition of class "airlock_api_error", carrying the
# stable code, the HTTP status and the per-field problems.
api_error <- function(resp) {
  status <- httr2::resp_status(resp)
  problem <- tryCatch(jsonlite::fromJSON(httr2::resp_body_string(resp), simplifyVector = FALSE), error = function(e) NULL)
  code <- if (is.list(problem) && !is.null(problem$code)) problem$code else paste0("HTTP_", status)
  detail <- if (is.list(problem) && !is.null(problem$detail)) problem$detail else httr2::resp_status_desc(resp)
  structure(class = c("airlock_api_error", "error", "condition"), list(
    message = paste0(status, " ", code, ": ", detail), call = NULL,
    status = status, code = code, detail = detail,
    errors = if (is.list(problem)) problem$errors else NULL, problem = problem))
}

# One exchange with airlock. With `retry` (reads, and submissions that carry an
# Idempotency-Key) connection failures, 429 and 5xx-unavailable answers are tried again with
# the same request built afresh (a streamed file body cannot be sent twice from one handle).
perform <- function(client, req, retry = FALSE) {
  prepare <- function(r) {
    r <- httr2::req_user_agent(r, "airlock-r/0.1.0")
    r <- httr2::req_timeout(r, client$timeout)
    r <- httr2::req_error(r, is_error = function(resp) FALSE)
    if (!is.null(client$token)) r <- httr2::req_auth_bearer_token(r, client$token)
    r
  }
  attempts <- if (retry) client$retries + 1 else 1
  for (attempt in seq_len(attempts)) {
    last <- attempt == attempts
    resp <- tryCatch(httr2::req_perform(prepare(req)), error = function(e) if (last) stop(e) else e)
    if (inherits(resp, "error")) {
      Sys.sleep(min(30, 0.5 * 2^(attempt - 1)))
      next
    }
    status <- httr2::resp_status(resp)
    if (!last && status %in% c(429, 502, 503, 504)) {
      after <- suppressWarnings(as.numeric(httr2::resp_header(resp, "Retry-After")))
      Sys.sleep(if (length(after) == 1 && !is.na(after)) min(30, max(0, after)) else min(30, 0.5 * 2^(attempt - 1)))
      next
    }
    if (status >= 400) stop(api_error(resp))
    return(resp)
  }
}

request_for <- function(client, path) httr2::req_url_path_append(httr2::request(client$url), path)

get_json <- function(client, path, query = list()) {
  req <- request_for(client, path)
  if (length(query)) req <- do.call(httr2::req_url_query, c(list(req), query))
  resp <- perform(client, httr2::req_headers(req, Accept = "application/json"), retry = TRUE)
  jsonlite::fromJSON(httr2::resp_body_string(resp), simplifyVector = FALSE)
}

request_context <- function(client, project, requester, dataset) {
  p <- if (!is.null(project)) project else client$project
  if (is.null(p)) stop("no project: pass project (or set it on the client, or AIRLOCK_PROJECT)", call. = FALSE)
  r <- if (!is.null(requester)) requester else if (!is.null(client$requester)) client$requester else Sys.info()[["user"]]
  d <- if (!is.null(dataset)) dataset else client$dataset
  ctx <- list(project = p, requester = r)
  if (!is.null(d)) ctx$dataset <- d
  ctx
}

sha256_file <- function(path) {
  con <- file(path, open = "rb")
  on.exit(close(con))
  paste0(openssl::sha256(con))
}

new_key <- function() paste(as.character(openssl::rand_bytes(16)), collapse = "")

#' Submits outputs of any kind (built with the airlock_output_* functions, or lists in the
#' API's Output shape) as one request; returns the signed, recorded decision.
#'
#' An error answer (bad input, no permission, the service unable to decide) is an R error of
#' class `airlock_api_error` with `$code` and `$status`: no decision, never a release.
#'
#' @examples
#' \dontrun{d <- airlock_submit(list(airlock_output_table("t", df, index = "region")), client = cl)}
airlock_submit <- function(outputs, project = NULL, requester = NULL, dataset = NULL, client = NULL,
                           idempotency_key = NULL) {
  client <- default_client(client)
  if (!is.null(outputs$kind)) outputs <- list(outputs)
  if (length(outputs) == 0) stop("airlock_submit needs at least one output", call. = FALSE)
  names_ <- vapply(outputs, function(o) as.character(o$name), "")
  if (anyDuplicated(names_)) stop("output names must be unique within a request: ", paste(unique(names_[duplicated(names_)]), collapse = ", "), call. = FALSE)
  body <- c(request_context(client, project, requester, dataset), list(outputs = unname(outputs)))
  text <- airlock_js_json(body)
  sent <- vapply(outputs, function(o) openssl::sha256(airlock_js_json(o)), "")
  names(sent) <- names_
  req <- request_for(client, "v1/decisions")
  req <- httr2::req_headers(req, `Idempotency-Key` = if (is.null(idempotency_key)) new_key() else idempotency_key,
                            Accept = "application/json")
  req <- httr2::req_body_raw(req, charToRaw(text), type = "application/json")
  decision_from(perform(client, req, retry = TRUE), client, sent)
}

# Numbers as the shortest text that reads back the same (15 significant digits are not
# always enough; 17 are ugly), vectorised over a column.
format_numbers <- function(x) {
  out <- rep("", length(x))
  todo <- which(is.finite(x))
  for (d in 15:17) {
    if (!length(todo)) break
    s <- sprintf(paste0("%.", d, "g"), x[todo])
    ok <- as.numeric(s) == x[todo]
    out[todo[ok]] <- s[ok]
    todo <- todo[!ok]
  }
  out
}

#' Writes the columns of a data frame to a CSV file chunk by chunk (never one string).
write_microdata <- function(df, path, chunk_rows = 50000L) {
  con <- file(path, open = "wb")
  on.exit(close(con))
  n <- nrow(df)
  starts <- if (n == 0) 1L else seq(1L, n, by = chunk_rows)
  for (s in starts) {
    part <- df[seq_len(min(chunk_rows, max(0L, n - s + 1L))) + s - 1L, , drop = FALSE]
    for (j in seq_along(part)) {
      col <- part[[j]]
      part[[j]] <- if (is.numeric(col)) format_numbers(col) else if (is.logical(col)) ifelse(is.na(col), "", ifelse(col, "true", "false")) else
        ifelse(is.na(col), "", as.character(col))
    }
    utils::write.table(part, con, sep = ",", row.names = FALSE, col.names = s == 1L, quote = TRUE, qmethod = "double",
                       na = "", eol = "\n", fileEncoding = "UTF-8")
  }
  invisible(path)
}

#' Checks one table computed from microdata, streamed as CSV through POST /v1/decisions/csv.
#'
#' `df` is a data frame (only the columns the table uses are sent) or the path of a CSV file
#' (sent as it is). `aggfunc` is one of count, sum, mean, median, min, max, std (NULL: a
#' frequency table); `unit` names the column of the person (or household) each row belongs
#' to. The decision's sha256 is checked against the bytes sent.
#'
#' @examples
#' \dontrun{d <- airlock_check_table(cohort, index = "region", columns = "sex", client = cl)}
airlock_check_table <- function(df, index, columns = NULL, values = NULL, aggfunc = NULL, margins = FALSE,
                                unit = NULL, dataset = NULL, project = NULL, requester = NULL, name = NULL,
                                client = NULL, idempotency_key = NULL, chunk_rows = 50000L) {
  client <- default_client(client)
  if (!length(index)) stop("airlock_check_table needs at least one index column", call. = FALSE)
  name <- if (is.null(name)) paste(c(index, columns), collapse = "_by_") else name
  ctx <- request_context(client, project, requester, dataset)
  if (any(grepl(",", c(index, columns), fixed = TRUE))) {
    # The CSV route takes column lists comma-separated; such names need the JSON API.
    out <- airlock_output_table(name, df, index, columns, values, aggfunc, margins, unit)
    return(airlock_submit(list(out), ctx$project, ctx$requester, ctx$dataset, client, idempotency_key))
  }
  if (is.data.frame(df)) {
    used <- unique(c(index, columns, values, unit))
    missing <- setdiff(used, names(df))
    if (length(missing)) stop("the data frame has no column ", missing[1], call. = FALSE)
    path <- tempfile(fileext = ".csv")
    on.exit(unlink(path), add = TRUE)
    write_microdata(df[, used, drop = FALSE], path, chunk_rows)
  } else {
    path <- df
  }
  query <- c(ctx, list(name = name, index = paste(index, collapse = ",")))
  if (length(columns)) query$columns <- paste(columns, collapse = ",")
  if (!is.null(values)) query$values <- values
  if (!is.null(aggfunc)) query$aggfunc <- aggfunc
  if (isTRUE(margins)) query$margins <- "true"
  if (!is.null(unit)) query$unit <- unit
  req <- do.call(httr2::req_url_query, c(list(request_for(client, "v1/decisions/csv")), query))
  req <- httr2::req_headers(req, `Idempotency-Key` = if (is.null(idempotency_key)) new_key() else idempotency_key,
                            Accept = "application/json")
  req <- httr2::req_body_file(req, path, type = "text/csv; charset=utf-8")
  digest <- sha256_file(path)
  sent <- stats::setNames(digest, name)
  decision_from(perform(client, req, retry = TRUE), client, sent)
}

#' A recorded decision (needs an auditor token).
airlock_get_decision <- function(id, client = NULL) {
  client <- default_client(client)
  resp <- perform(client, httr2::req_headers(request_for(client, paste0("v1/decisions/", utils::URLencode(id, reserved = TRUE))),
                                             Accept = "application/json"), retry = TRUE)
  decision_from(resp, client)
}

#' Recorded decisions, newest first, every page followed (needs an auditor token).
#'
#' Filters: project, requester, outcome, dataset, ruleset_digest, from, to, kind. Returns a
#' list of decisions; `as.data.frame()` on each gives one row.
airlock_list_decisions <- function(..., limit = Inf, page_size = 100, client = NULL) {
  client <- default_client(client)
  query <- Filter(Negate(is.null), list(...))
  query$limit <- page_size
  # Items keep the list's detached signatures (RFC 7515 App. F): each verifies on its own
  # against the decision beside it (airlock_verify), at half the bytes of the full JWS.
  out <- list()
  repeat {
    page <- get_json(client, "v1/decisions", query)
    for (item in page$items) {
      out[[length(out) + 1]] <- new_decision(item, client, jsonlite::toJSON(item, auto_unbox = TRUE, null = "null", digits = NA))
      if (length(out) >= limit) return(out)
    }
    if (is.null(page$next_cursor)) return(out)
    query$cursor <- page$next_cursor
  }
}

#' An output checker's verdict ("release" or "reject") on a decision that needs review.
airlock_review <- function(id, verdict, justification, client = NULL) {
  client <- default_client(client)
  req <- request_for(client, paste0("v1/decisions/", utils::URLencode(id, reserved = TRUE), "/reviews"))
  req <- httr2::req_body_raw(req, charToRaw(airlock_js_json(list(verdict = verdict, justification = justification))),
                             type = "application/json")
  jsonlite::fromJSON(httr2::resp_body_string(perform(client, req)), simplifyVector = FALSE)
}

#' Where the review of a decision stands, with every signed verdict.
airlock_review_status <- function(id, client = NULL) {
  get_json(default_client(client), paste0("v1/decisions/", utils::URLencode(id, reserved = TRUE), "/reviews"))
}

#' The service's public keys (/.well-known/jwks.json), fetched once per client.
airlock_jwks <- function(client = NULL, refresh = FALSE) {
  client <- default_client(client)
  if (refresh || is.null(client$cache$jwks)) client$cache$jwks <- get_json(client, ".well-known/jwks.json")
  client$cache$jwks
}

#' The signed release package (a ZIP) of a released decision, written to `path`.
airlock_package <- function(decision, path, client = NULL) {
  client <- if (!is.null(client)) client else if (inherits(decision, "airlock_decision")) decision$client else default_client(NULL)
  id <- if (inherits(decision, "airlock_decision")) decision$id else decision
  req <- httr2::req_headers(request_for(client, paste0("v1/decisions/", utils::URLencode(id, reserved = TRUE), "/package")),
                            Accept = "application/zip")
  writeBin(httr2::resp_body_raw(perform(client, req, retry = TRUE)), path)
  invisible(path)
}
