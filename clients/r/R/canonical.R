# RFC 8785 canonical JSON (JCS) and JavaScript's JSON.stringify, written from R values.
#
# airlock signs the canonical JSON of a decision, so verifying one offline means re-creating
# those exact bytes. jsonlite cannot: it sorts nothing, spells numbers its own way and has no
# ECMAScript number form. Values are what jsonlite::fromJSON(simplifyVector = FALSE) gives:
# named lists are objects (an empty one keeps an empty names attribute), unnamed lists
# arrays, length-one atomic vectors scalars, NULL and NA null. Building requests, a longer
# atomic vector is an array, and I(x) keeps even a length-one vector an array.

# The shortest decimal digits that read back as x (what ECMAScript and Python's repr give),
# laid out as ECMAScript's Number.prototype.toString does (RFC 8785 3.2.2.3).
es_number <- function(x) {
  if (!is.finite(x)) stop(structure(class = c("airlock_canonical_error", "error", "condition"),
    list(message = paste0("the number ", x, " cannot be canonicalised (RFC 8785)"), call = NULL)))
  if (x == 0) return("0")
  sign <- if (x < 0) "-" else ""
  a <- abs(x)
  s <- NULL
  for (d in 1:17) {
    s <- sprintf("%.*e", d - 1L, a)
    if (as.numeric(s) == a) break
  }
  parts <- strsplit(s, "e", fixed = TRUE)[[1]]
  digits <- gsub(".", "", parts[1], fixed = TRUE)
  digits <- sub("0+$", "", digits)
  if (digits == "") digits <- "0"
  k <- nchar(digits)
  n <- as.integer(parts[2]) + 1L # the value is 0.digits x 10^n
  body <- if (k <= n && n <= 21) {
    paste0(digits, strrep("0", n - k))
  } else if (0 < n && n <= 21) {
    paste0(substr(digits, 1, n), ".", substr(digits, n + 1, k))
  } else if (-6 < n && n <= 0) {
    paste0("0.", strrep("0", -n), digits)
  } else {
    e <- n - 1L
    mantissa <- if (k == 1) digits else paste0(substr(digits, 1, 1), ".", substr(digits, 2, k))
    paste0(mantissa, "e", if (e >= 0) "+" else "-", abs(e))
  }
  paste0(sign, body)
}

canonical_error <- function(pointer, what) {
  stop(structure(class = c("airlock_canonical_error", "error", "condition"),
    list(message = paste0(if (nzchar(pointer)) pointer else "/", ": ", what, " cannot be canonicalised (RFC 8785)"),
         pointer = pointer, call = NULL)))
}

json_string <- function(s, pointer) {
  s <- enc2utf8(s)
  if (!validUTF8(s)) canonical_error(pointer, "a string that is not valid UTF-8")
  cps <- utf8ToInt(s)
  if (length(cps) == 0) return("\"\"")
  if (any(cps >= 0xD800 & cps <= 0xDFFF)) canonical_error(pointer, "a string with a lone UTF-16 surrogate")
  if (!any(cps < 0x20 | cps == 0x22 | cps == 0x5C)) return(paste0("\"", s, "\""))
  out <- character(length(cps))
  for (i in seq_along(cps)) {
    c <- cps[i]
    out[i] <- if (c == 0x22) "\\\"" else if (c == 0x5C) "\\\\" else if (c == 0x08) "\\b" else if (c == 0x0C) "\\f" else
      if (c == 0x0A) "\\n" else if (c == 0x0D) "\\r" else if (c == 0x09) "\\t" else if (c < 0x20) sprintf("\\u%04x", c) else intToUtf8(c)
  }
  paste0("\"", paste(out, collapse = ""), "\"")
}

# Sort keys by UTF-16 code units: each key as fixed-width hex of its code units sorts, in the
# C locale, exactly as the code units do.
utf16_sort_key <- function(k) {
  cps <- utf8ToInt(enc2utf8(k))
  units <- unlist(lapply(cps, function(c) if (c > 0xFFFF) c(0xD800 + ((c - 0x10000) %/% 0x400), 0xDC00 + ((c - 0x10000) %% 0x400)) else c))
  paste(sprintf("%04x", as.integer(units)), collapse = "")
}

is_array_index <- function(k) grepl("^(0|[1-9][0-9]*)$", k) & suppressWarnings(as.numeric(k)) < 2^32 - 1

key_order <- function(keys, sort) {
  if (length(keys) == 0) return(integer(0))
  if (sort) return(order(vapply(keys, utf16_sort_key, ""), method = "radix"))
  # A JavaScript object lists integer-like keys first, ascending, then the others as inserted.
  idx <- is_array_index(keys)
  c(which(idx)[order(as.numeric(keys[idx]))], which(!idx))
}

escape_pointer <- function(k) gsub("/", "~1", gsub("~", "~0", k, fixed = TRUE), fixed = TRUE)

json_scalar <- function(v, pointer) {
  if (is.numeric(v) && is.nan(v)) canonical_error(pointer, "the number NaN")
  if (is.na(v)) return("null")
  if (is.logical(v)) return(if (v) "true" else "false")
  if (is.character(v)) return(json_string(v, pointer))
  if (is.factor(v)) return(json_string(as.character(v), pointer))
  if (is.integer(v)) return(as.character(v))
  if (is.numeric(v)) {
    if (!is.finite(v)) canonical_error(pointer, paste("the number", v))
    return(es_number(v))
  }
  canonical_error(pointer, paste("a value of class", class(v)[1]))
}

write_json <- function(x, pointer, sort, depth = 0L) {
  if (depth > 1000L) canonical_error(pointer, "a value nested more than 1000 deep")
  if (is.null(x)) return("null")
  if (is.list(x)) {
    nms <- names(x)
    if (!is.null(nms)) {
      if (anyNA(nms)) canonical_error(pointer, "a missing key")
      if (anyDuplicated(nms)) canonical_error(pointer, "duplicate keys")
      parts <- vapply(key_order(nms, sort), function(i) {
        child <- paste0(pointer, "/", escape_pointer(nms[i]))
        paste0(json_string(nms[i], child), ":", write_json(x[[i]], child, sort, depth + 1L))
      }, "")
      return(paste0("{", paste(parts, collapse = ","), "}"))
    }
    parts <- vapply(seq_along(x), function(i) write_json(x[[i]], paste0(pointer, "/", i - 1L), sort, depth + 1L), "")
    return(paste0("[", paste(parts, collapse = ","), "]"))
  }
  if (is.atomic(x)) {
    if (length(x) == 1 && !inherits(x, "AsIs")) return(json_scalar(x, pointer))
    x <- unclass(x)
    if (!is.null(names(x)) && length(x) > 0) return(write_json(as.list(x), pointer, sort, depth))
    parts <- vapply(seq_along(x), function(i) json_scalar(x[i], paste0(pointer, "/", i - 1L)), "")
    return(paste0("[", paste(parts, collapse = ","), "]"))
  }
  canonical_error(pointer, paste("a value of class", class(x)[1]))
}

#' The RFC 8785 canonical JSON text of an R value (as jsonlite parses JSON), UTF-8.
#'
#' @examples
#' airlock_canonical_json(list(b = list(1.5, "x"), a = NULL, c = 1e21, d = -0))
#' # {"a":null,"b":[1.5,"x"],"c":1e+21,"d":0}
airlock_canonical_json <- function(x) enc2utf8(write_json(x, "", sort = TRUE))

#' The text JavaScript's JSON.stringify gives for an R value: keys in their own order.
#'
#' airlock names each output of a JSON request by the SHA-256 of this text.
#'
#' @examples
#' airlock_js_json(list(b = 1, a = I("x")))   # {"b":1,"a":["x"]}
airlock_js_json <- function(x) enc2utf8(write_json(x, "", sort = FALSE))
