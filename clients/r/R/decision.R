# Decisions: the signed document as a list, its findings, tables and protected versions as
# data frames.

new_decision <- function(raw, client = NULL, json = NULL, sent = NULL, replayed = FALSE) {
  if (!is.list(raw) || !is.list(raw$decision)) stop("not a decision response: expected an object with a 'decision'", call. = FALSE)
  d <- raw$decision
  outs <- d$outputs
  names(outs) <- vapply(outs, function(o) as.character(o$name), "")
  structure(list(
    id = d$id, outcome = d$outcome, project = d$project, requester = d$requester, dataset = d$dataset,
    outputs = outs, raw = raw, json = if (is.null(json)) airlock_js_json(raw) else json,
    client = client, sent = sent, replayed = replayed
  ), class = "airlock_decision")
}

decision_from <- function(resp, client, sent = NULL) {
  text <- httr2::resp_body_string(resp, encoding = "UTF-8")
  d <- new_decision(jsonlite::fromJSON(text, simplifyVector = FALSE), client, text, sent, httr2::resp_status(resp) == 200)
  check_digests(d)
  d
}

# A decision about other bytes than were sent must never be acted on.
check_digests <- function(d) {
  if (is.null(d$sent)) return(invisible(d))
  for (o in d$outputs) {
    s <- d$sent[as.character(o$name)]
    if (!is.na(s) && !identical(o$sha256, unname(s))) {
      stop("output ", o$name, ": the decision names sha256 ", o$sha256, ", but the client sent ", s, call. = FALSE)
    }
  }
  invisible(d)
}

#' @export
print.airlock_decision <- function(x, ...) {
  cat(sprintf("<airlock decision %s: %s> project %s, requester %s\n", x$id, x$outcome, x$project, x$requester))
  for (o in x$outputs) {
    cat(sprintf("  %s (%s): %s\n", o$name, o$kind, o$outcome))
    for (f in o$findings) {
      if (!identical(f$status, "pass")) cat(sprintf("    %s %s: %s\n", f$check, f$status, f$message))
    }
  }
  invisible(x)
}

#' One row per output: name, kind, outcome, sha256.
#' @export
as.data.frame.airlock_decision <- function(x, ...) {
  data.frame(
    decision = rep(x$id, length(x$outputs)),
    output = vapply(x$outputs, function(o) o$name, ""),
    kind = vapply(x$outputs, function(o) o$kind, ""),
    outcome = vapply(x$outputs, function(o) o$outcome, ""),
    sha256 = vapply(x$outputs, function(o) if (is.null(o$sha256)) NA_character_ else o$sha256, ""),
    stringsAsFactors = FALSE, row.names = NULL
  )
}

or_na <- function(x, na = NA) if (is.null(x)) na else x

#' Every finding of every output: output, check, status, message, remedy, how many cells or
#' items it names, and the status an exception overrode.
#'
#' @examples
#' \dontrun{f <- airlock_findings(d); f[f$status != "pass", ]}
airlock_findings <- function(decision) {
  rows <- list()
  for (o in decision$outputs) {
    for (f in o$findings) {
      rows[[length(rows) + 1]] <- data.frame(
        output = o$name, check = f$check, status = f$status, message = or_na(f$message, NA_character_),
        remedy = or_na(f$remedy, NA_character_), cells = length(f$cells), items = length(f$items),
        original_status = or_na(f$original_status, NA_character_), stringsAsFactors = FALSE)
    }
  }
  if (!length(rows)) {
    return(data.frame(output = character(), check = character(), status = character(), message = character(),
                      remedy = character(), cells = integer(), items = integer(), original_status = character()))
  }
  do.call(rbind, rows)
}

# Rows of cells ({labels, value, ...}) as a data frame with one column per label variable.
cells_frame <- function(cells, label_names = NULL, fields = c("value", "count"), extra = list()) {
  if (is.null(label_names)) label_names <- unique(unlist(lapply(cells, function(c) names(c$labels))))
  cols <- list()
  for (k in names(extra)) cols[[k]] <- rep(extra[[k]], length(cells))
  for (k in label_names) cols[[k]] <- vapply(cells, function(c) as.character(or_na(c$labels[[k]], NA_character_)), "")
  for (f in fields) {
    cols[[f]] <- if (f %in% c("reason")) vapply(cells, function(c) as.character(or_na(c[[f]], NA_character_)), "") else
      if (f == "suppressed") vapply(cells, function(c) isTRUE(c[[f]]), TRUE) else
        vapply(cells, function(c) as.numeric(or_na(c[[f]], NA_real_)), 0)
  }
  as.data.frame(cols, stringsAsFactors = FALSE, check.names = FALSE)
}

#' Every cell a finding names, one row each: its labels, value, count and why.
airlock_failing_cells <- function(decision) {
  parts <- list()
  for (o in decision$outputs) {
    for (f in o$findings) {
      if (length(f$cells)) {
        parts[[length(parts) + 1]] <- cells_frame(f$cells, fields = c("value", "count", "reason"),
                                                  extra = list(output = o$name, check = f$check, status = f$status))
      }
    }
  }
  if (!length(parts)) return(data.frame(output = character(), check = character(), status = character(), value = numeric(), count = numeric(), reason = character()))
  all_cols <- unique(unlist(lapply(parts, names)))
  parts <- lapply(parts, function(p) { for (k in setdiff(all_cols, names(p))) p[[k]] <- NA; p[all_cols] })
  do.call(rbind, parts)
}

pick_output <- function(decision, output) {
  if (!is.null(output)) {
    o <- decision$outputs[[output]]
    if (is.null(o)) stop("no output named ", output, " in decision ", decision$id, call. = FALSE)
    return(o)
  }
  tables <- Filter(function(o) identical(o$kind, "table"), decision$outputs)
  if (length(tables) != 1) stop("decision ", decision$id, " has ", length(tables), " table outputs: name one with output =", call. = FALSE)
  tables[[1]]
}

# Long cells → one row per combination of the index variables, one column per combination of
# the column variables (in airlock's order), like a printed crosstab.
widen <- function(long, index, columns, value = "value") {
  if (!length(columns)) return(long[, c(index, value), drop = FALSE])
  row_key <- do.call(paste, c(long[index], sep = "\r"))
  col_key <- do.call(paste, c(long[columns], sep = "_"))
  rows <- unique(row_key)
  cols <- unique(col_key)
  m <- matrix(NA_real_, length(rows), length(cols))
  m[cbind(match(row_key, rows), match(col_key, cols))] <- long[[value]]
  first <- long[match(rows, row_key), index, drop = FALSE]
  out <- cbind(first, as.data.frame(m, stringsAsFactors = FALSE))
  names(out) <- c(index, cols)
  rownames(out) <- NULL
  out
}

#' The table airlock computed and checked: long (labels, value, count) or `wide` like a crosstab.
#'
#' `output` names the output; NULL means the decision's only table.
airlock_result_table <- function(decision, output = NULL, wide = FALSE) {
  o <- pick_output(decision, output)
  t <- o$table
  if (is.null(t)) return(NULL)
  index <- unlist(t$index)
  columns <- unlist(t$columns)
  long <- cells_frame(t$cells, c(index, columns))
  if (wide) widen(long, index, columns) else long
}

#' The protected version of a failing table (suppressed cells NA), or NULL when none is offered.
#'
#' `attr(, "csv")` holds the version as a researcher would publish it; `attr(, "refused")`
#' why a failing table has none.
airlock_protected <- function(decision, output = NULL, wide = FALSE) {
  o <- pick_output(decision, output)
  p <- o$protected
  if (!is.list(p) || is.null(p$rows)) {
    if (!is.null(o$protection_refused)) message("no protected version: ", refusal_reason(o))
    return(NULL)
  }
  index <- unlist(o$table$index)
  columns <- unlist(o$table$columns)
  long <- cells_frame(p$rows, c(index, columns), fields = c("value", "suppressed", "reason"))
  out <- if (wide) widen(long, index, columns) else long
  attr(out, "csv") <- p$csv
  out
}

# Why an output has no protected version: the server sends the reason as text (an object with
# `reason` is read too).
refusal_reason <- function(o) {
  r <- o$protection_refused
  if (is.list(r)) r$reason else as.character(r)
}

#' The resubmit form of an output's protected version (with airlock's protection token), or
#' NULL. airlock sends the forms beside the signed decision (the answer's `resubmit`, by output
#' name), never in it: they hold the suppressed cells' evidence, which is never published.
airlock_resubmit_form <- function(decision, output = NULL) {
  o <- pick_output(decision, output)
  forms <- decision$raw$resubmit
  if (identical(o$outcome, "release") || !is.list(forms)) NULL else forms[[as.character(o$name)]]
}

#' Submits the protected version of every output that offers one (with airlock's protection
#' token), for the same project, requester and dataset; returns the new decision.
airlock_resubmit_protected <- function(decision, client = NULL, idempotency_key = NULL) {
  client <- if (!is.null(client)) client else decision$client
  forms <- Filter(Negate(is.null), lapply(names(decision$outputs), function(n) airlock_resubmit_form(decision, n)))
  if (!length(forms)) {
    refused <- unlist(lapply(decision$outputs, function(o) if (!is.null(o$protection_refused)) paste0(o$name, ": ", refusal_reason(o))))
    stop("decision ", decision$id, " offers no protected version to resubmit",
         if (length(refused)) paste0(" (", paste(refused, collapse = "; "), ")"), call. = FALSE)
  }
  airlock_submit(unname(forms), project = decision$project, requester = decision$requester,
                 dataset = decision$dataset, client = client, idempotency_key = idempotency_key)
}

#' Writes the response exactly as received, for `airlock verify FILE --jwks …` or later reading.
airlock_save_decision <- function(decision, path) {
  writeBin(charToRaw(enc2utf8(decision$json)), path)
  invisible(path)
}

#' Reads a decision saved with airlock_save_decision (or any saved response).
airlock_read_decision <- function(path, client = NULL) {
  text <- rawToChar(readBin(path, "raw", file.info(path)$size))
  Encoding(text) <- "UTF-8"
  new_decision(jsonlite::fromJSON(text, simplifyVector = FALSE), client, text)
}
