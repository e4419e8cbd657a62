# Builders of the outputs POST /v1/decisions takes, one function per kind. Tables and plots go
# as the microdata behind them plus what to compute, so airlock checks what it computes
# itself; models as their size and coefficients.

with_exception <- function(out, exception) {
  if (!is.null(exception)) out$exception <- list(justification = exception)
  out
}

csv_text <- function(df) {
  path <- tempfile(fileext = ".csv")
  on.exit(unlink(path))
  write_microdata(df, path)
  text <- rawToChar(readBin(path, "raw", file.info(path)$size))
  Encoding(text) <- "UTF-8"
  text
}

#' A table airlock computes from a data frame (only the columns the table uses are sent).
#'
#' @examples
#' airlock_output_table("by_region", data.frame(region = c("north", "south")), index = "region")$spec
airlock_output_table <- function(name, df, index, columns = NULL, values = NULL, aggfunc = NULL, margins = FALSE,
                                 unit = NULL, exception = NULL) {
  used <- unique(c(index, columns, values, unit))
  missing <- setdiff(used, names(df))
  if (length(missing)) stop("the data frame has no column ", missing[1], call. = FALSE)
  spec <- list(index = I(index))
  if (length(columns)) spec$columns <- I(columns)
  if (!is.null(values)) spec$values <- values
  if (!is.null(aggfunc)) spec$aggfunc <- aggfunc
  if (isTRUE(margins)) spec$margins <- TRUE
  if (!is.null(unit)) spec$unit <- unit
  with_exception(list(name = name, kind = "table", microdata = list(format = "csv", data = csv_text(df[, used, drop = FALSE])),
                      spec = spec), exception)
}

#' A pre-aggregated table: a list of cells `list(labels = list(...), count = , sum = , top = )`.
airlock_output_cells <- function(name, cells, statistic = NULL, exception = NULL) {
  out <- list(name = name, kind = "table")
  if (!is.null(statistic)) out$statistic <- statistic
  out$cells <- unname(cells)
  with_exception(out, exception)
}

label_number <- function(x) {
  if (is.na(x)) return(if (is.nan(x)) "NaN" else "NA")
  if (is.infinite(x)) return(if (x > 0) "Inf" else "-Inf")
  x
}

#' A fitted model from lm() or glm() (or its fields: family, n_obs, n_params, ...).
#'
#' Sends the family, n_obs, n_params (every coefficient, aliased ones included), the
#' coefficients with standard errors (NA ones as "NA", which airlock sends to review), each
#' term's n (the smaller group of a 0/1 dummy) and converged = FALSE when glm() says so.
airlock_output_model <- function(name, fit = NULL, family = NULL, exception = NULL, ...) {
  out <- list(name = name, kind = "model")
  if (!is.null(fit)) {
    if (is.null(family)) {
      family <- if (inherits(fit, "glm")) {
        fam <- stats::family(fit)
        if (fam$family %in% c("binomial", "quasibinomial") && fam$link == "logit") "logit" else
          if (fam$family %in% c("binomial", "quasibinomial") && fam$link == "probit") "probit" else
            if (fam$family %in% c("poisson", "quasipoisson")) "poisson" else "glm"
      } else if (inherits(fit, "coxph")) "cox" else if (inherits(fit, "lm")) "ols" else class(fit)[1]
    }
    est <- stats::coef(fit)
    tab <- tryCatch(summary(fit)$coefficients, error = function(e) NULL)
    mm <- tryCatch(stats::model.matrix(fit), error = function(e) NULL)
    n_obs <- as.integer(stats::nobs(fit))
    out$family <- family
    out$n_obs <- n_obs
    out$n_params <- length(est)
    out$coefficients <- lapply(seq_along(est), function(i) {
      term <- names(est)[i]
      c <- list(term = term, estimate = label_number(unname(est[i])))
      se <- if (!is.null(tab) && term %in% rownames(tab)) tab[term, 2] else NA_real_
      c$std_error <- label_number(unname(se))
      if (!is.null(mm) && term %in% colnames(mm)) {
        x <- mm[, term]
        ones <- sum(x == 1, na.rm = TRUE)
        is_dummy <- all(x[!is.na(x)] %in% c(0, 1)) && ones < length(x)
        c$n <- as.integer(if (is_dummy) min(ones, length(x) - ones) else n_obs)
      }
      c
    })
    if (isFALSE(fit$converged)) out$converged <- FALSE
  } else if (!is.null(family)) {
    out$family <- family
  }
  extra <- list(...)
  for (k in names(extra)) out[[k]] <- extra[[k]]
  if (is.null(out$family)) stop("a model needs a family (or a fitted lm/glm)", call. = FALSE)
  with_exception(out, exception)
}

#' Summary statistics: a data frame (or list) of name, statistic, n, value and p (percentiles).
airlock_output_summary <- function(name, statistics, exception = NULL) {
  stats_list <- if (is.data.frame(statistics)) {
    lapply(seq_len(nrow(statistics)), function(i) Filter(function(v) !(length(v) == 1 && is.na(v)), as.list(statistics[i, , drop = FALSE])))
  } else statistics
  with_exception(list(name = name, kind = "summary", statistics = unname(stats_list)), exception)
}

#' A histogram of numeric values: [from, to) bins as hist(right = FALSE) makes them, sent with
#' the values behind them.
airlock_output_histogram <- function(name, x, breaks = "Sturges", column = "value", exception = NULL) {
  x <- x[is.finite(x)]
  if (!length(x)) stop("histogram ", name, ": no non-missing values", call. = FALSE)
  h <- graphics::hist(x, breaks = breaks, right = FALSE, include.lowest = TRUE, plot = FALSE)
  edges <- h$breaks
  bins <- lapply(seq_along(h$counts), function(i) list(from = edges[i], to = edges[i + 1], count = as.integer(h$counts[i])))
  df <- data.frame(x)
  names(df) <- column
  with_exception(list(
    name = name, kind = "plot", type = "histogram",
    # The outer edges disclose the extremes when a value sits on them.
    edges_from_data = min(x) <= edges[1] || max(x) >= edges[length(edges)],
    bins = bins,
    microdata = list(format = "csv", data = csv_text(df)),
    spec = list(values = column, edges = I(edges))
  ), exception)
}

#' A bar (or pie) chart of a categorical vector: one bar per observed category.
airlock_output_bar <- function(name, x, type = "bar", column = "category", exception = NULL) {
  x <- as.character(x)
  counts <- table(x[!is.na(x)], useNA = "no")
  df <- data.frame(x, stringsAsFactors = FALSE)
  names(df) <- column
  with_exception(list(
    name = name, kind = "plot", type = type,
    categories = lapply(names(counts), function(k) list(label = k, count = as.integer(counts[[k]]))),
    microdata = list(format = "csv", data = csv_text(df)),
    spec = list(index = column)
  ), exception)
}

#' A Kaplan-Meier curve: one step per distinct time (at risk just before it, events,
#' censorings), sent with the subjects (time, event).
airlock_output_kaplan_meier <- function(name, time, event, exception = NULL) {
  keep <- !is.na(time) & !is.na(event)
  time <- as.numeric(time[keep])
  event <- as.integer(as.logical(event[keep]))
  if (!length(time)) stop("survival curve ", name, ": no subjects", call. = FALSE)
  o <- order(time)
  time <- time[o]
  event <- event[o]
  times <- unique(time)
  ev <- as.integer(tapply(event, factor(time, levels = times), sum))
  n <- as.integer(tapply(event, factor(time, levels = times), length))
  at_risk <- length(time) - c(0L, cumsum(n)[-length(n)])
  steps <- lapply(seq_along(times), function(i) list(time = times[i], at_risk = at_risk[i], events = ev[i], censored = n[i] - ev[i]))
  with_exception(list(
    name = name, kind = "plot", type = "kaplan_meier", steps = steps,
    microdata = list(format = "csv", data = csv_text(data.frame(time = time, event = event))),
    spec = list(time = "time", event = "event")
  ), exception)
}

#' A record-level extract, checked for k-anonymity and l-diversity.
airlock_output_records <- function(name, df, quasi_identifiers = NULL, sensitive = NULL, exception = NULL) {
  out <- list(name = name, kind = "records", microdata = list(format = "csv", data = csv_text(df)))
  if (!is.null(quasi_identifiers)) out$quasi_identifiers <- I(quasi_identifiers)
  if (length(sensitive) == 1) out$sensitive <- sensitive else if (length(sensitive)) out$sensitive <- I(sensitive)
  with_exception(out, exception)
}

#' Any other file (its path, or raw bytes with a filename): blocked types, formula cells.
airlock_output_file <- function(name, path = NULL, content = NULL, filename = NULL, exception = NULL) {
  if (is.null(content)) {
    content <- readBin(path, "raw", file.info(path)$size)
    if (is.null(filename)) filename <- basename(path)
  }
  if (is.null(filename)) stop("a file given as bytes needs its filename", call. = FALSE)
  with_exception(list(name = name, kind = "file", filename = filename, content_base64 = jsonlite::base64_enc(content)), exception)
}
