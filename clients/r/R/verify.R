# Offline verification of a signed decision with nothing but the JWKS: the compact JWS must be
# an Ed25519 signature by a published key over the RFC 8785 canonical JSON of the decision
# held. Failures name the field at fault as `airlock verify` does.
#
# The decision list (GET /v1/decisions) sends signatures detached (RFC 7515 Appendix F:
# `header..signature`): the payload would only repeat the decision beside it. Such a signature
# is checked over the canonical JSON of the decision held, so a changed decision makes the
# signature itself fail (`/signature`).

verification_error <- function(field, reason, kid = NULL) {
  stop(structure(class = c("airlock_verification_error", "error", "condition"),
    list(message = paste0(if (nzchar(field)) field else "/", ": ", reason), call = NULL,
         field = field, reason = reason, kid = kid)))
}

b64url_decode <- function(s) {
  if (!grepl("^[A-Za-z0-9_-]*$", s) || nchar(s) %% 4 == 1) stop("not base64url")
  s <- chartr("-_", "+/", s)
  s <- paste0(s, strrep("=", (4 - nchar(s) %% 4) %% 4))
  if (!nzchar(s)) return(raw(0))
  jsonlite::base64_dec(s)
}

b64url_encode <- function(r) gsub("=+$", "", chartr("+/", "-_", gsub("\n", "", jsonlite::base64_enc(r))))

# TRUE for a compact JWS with a detached payload: `header..signature`, both ends non-empty.
is_detached <- function(sig) {
  parts <- strsplit(sig, ".", fixed = TRUE)[[1]]
  length(parts) == 3 && nzchar(parts[1]) && !nzchar(parts[2]) && nzchar(parts[3])
}

show_value <- function(v, absent = FALSE) {
  if (absent) return("absent")
  s <- tryCatch(airlock_js_json(v), error = function(e) paste(format(v), collapse = " "))
  if (nchar(s) > 80) paste0(substr(s, 1, 77), "...") else s
}

is_object <- function(x) is.list(x) && !is.null(names(x))

# The first JSON pointer (depth first, keys in canonical order) where two values differ.
first_difference <- function(expected, actual, pointer = "", exp_absent = FALSE, act_absent = FALSE) {
  if (!exp_absent && !act_absent && is.list(expected) && is.list(actual) && is_object(expected) == is_object(actual)) {
    if (is_object(expected)) {
      keys <- union(names(expected), names(actual))
      keys <- keys[order(vapply(keys, utf16_sort_key, ""), method = "radix")]
      for (k in keys) {
        d <- first_difference(expected[[k]], actual[[k]], paste0(pointer, "/", escape_pointer(k)),
                              !(k %in% names(expected)), !(k %in% names(actual)))
        if (!is.null(d)) return(d)
      }
      return(NULL)
    }
    for (i in seq_len(max(length(expected), length(actual)))) {
      d <- first_difference(if (i <= length(expected)) expected[[i]], if (i <= length(actual)) actual[[i]],
                            paste0(pointer, "/", i - 1L), i > length(expected), i > length(actual))
      if (!is.null(d)) return(d)
    }
    return(NULL)
  }
  if (exp_absent && act_absent) return(NULL)
  same <- !exp_absent && !act_absent &&
    identical(tryCatch(airlock_canonical_json(expected), error = function(e) NA),
              tryCatch(airlock_canonical_json(actual), error = function(e) NA)) &&
    !is.na(tryCatch(airlock_canonical_json(expected), error = function(e) NA))
  if (same) NULL else list(pointer = pointer, expected = show_value(expected, exp_absent), actual = show_value(actual, act_absent))
}

read_jwks <- function(jwks) {
  if (is.character(jwks) && length(jwks) == 1) {
    jwks <- if (grepl("^\\s*\\{", jwks)) jsonlite::fromJSON(jwks, simplifyVector = FALSE) else
      if (grepl("^https?://", jwks)) jsonlite::fromJSON(httr2::resp_body_string(httr2::req_perform(httr2::request(jwks))), simplifyVector = FALSE) else
        jsonlite::fromJSON(paste(readLines(jwks, warn = FALSE, encoding = "UTF-8"), collapse = "\n"), simplifyVector = FALSE)
  }
  if (!is.list(jwks) || !is.list(jwks$keys)) stop("a JWKS is an object with a 'keys' array", call. = FALSE)
  jwks
}

#' Verifies a decision offline against a JWKS (a list, JSON text, a file path or a URL; by
#' default the service's, through the client the decision came from).
#'
#' Returns (invisibly) `list(kid, decision_id, outcome)`; a decision that does not verify is
#' an error of class `airlock_verification_error` whose `$field` names what is at fault
#' (`/signature`, `/decision/outputs/0/outcome`, `/audit/seq`, ...).
#'
#' @examples
#' \dontrun{airlock_verify(airlock_read_decision("decision.json"), "jwks.json")}
airlock_verify <- function(decision, jwks = NULL) {
  raw <- if (inherits(decision, "airlock_decision")) decision$raw else decision
  if (is.null(jwks)) {
    if (!inherits(decision, "airlock_decision") || is.null(decision$client)) stop("airlock_verify needs the JWKS", call. = FALSE)
    jwks <- airlock_jwks(decision$client)
  }
  jwks <- read_jwks(jwks)
  if (!is_object(raw)) verification_error("", "the response is not a JSON object")
  if (!is_object(raw$decision)) verification_error("/decision", "decision is missing or not an object")
  sig <- raw$signature
  if (!is.character(sig) || length(sig) != 1 || lengths(regmatches(sig, gregexpr(".", sig, fixed = TRUE))) != 2) {
    verification_error("/signature", "signature is missing or not a compact JWS")
  }
  parts <- strsplit(sig, ".", fixed = TRUE)[[1]]
  if (length(parts) == 2) parts <- c(parts, "")
  if (is_detached(sig)) {
    payload <- tryCatch(airlock_canonical_json(raw$decision),
                        error = function(e) verification_error("/decision", "the decision cannot be canonicalised (RFC 8785)"))
    parts[2] <- b64url_encode(charToRaw(enc2utf8(payload)))
  }
  header <- tryCatch({
    h <- jsonlite::fromJSON(rawToChar(b64url_decode(parts[1])), simplifyVector = FALSE)
    if (!is_object(h)) stop("not an object")
    h
  }, error = function(e) verification_error("/signature", "the JWS header cannot be decoded"))
  kid <- if (is.character(header$kid)) header$kid else NULL
  if (!identical(header$alg, "EdDSA")) verification_error("/signature", paste0("JWS alg is ", show_value(header$alg, is.null(header$alg)), ", expected \"EdDSA\""), kid)
  if (!identical(header$typ, "airlock-decision+jws")) verification_error("/signature", paste0("JWS typ is ", show_value(header$typ, is.null(header$typ)), ", expected \"airlock-decision+jws\""), kid)
  if (!is.null(header$crit)) verification_error("/signature", "JWS header has critical extensions this verifier does not know", kid)
  if (is.null(kid)) verification_error("/signature", "JWS header has no kid")
  keys <- Filter(function(k) identical(k$kid, kid) && identical(k$kty, "OKP") && identical(k$crv, "Ed25519") &&
                   (is.null(k$alg) || identical(k$alg, "EdDSA")), jwks$keys)
  if (!length(keys)) verification_error("/signature", paste("no usable key with kid", kid, "in the JWKS"), kid)
  signing_input <- charToRaw(paste0(parts[1], ".", parts[2]))
  signature <- tryCatch(b64url_decode(parts[3]), error = function(e) raw(0))
  good <- length(signature) == 64 && any(vapply(keys, function(k) {
    pub <- tryCatch(b64url_decode(k$x), error = function(e) raw(0))
    length(pub) == 32 && isTRUE(tryCatch(openssl::ed25519_verify(signing_input, signature, openssl::read_ed25519_pubkey(pub)), error = function(e) FALSE))
  }, TRUE))
  if (!good) verification_error("/signature", paste("the signature does not verify with key", kid), kid)
  signed_text <- tryCatch({
    t <- rawToChar(b64url_decode(parts[2]))
    Encoding(t) <- "UTF-8"
    if (!validUTF8(t)) stop("not UTF-8")
    t
  }, error = function(e) verification_error("/signature", "the signed payload is not UTF-8 JSON", kid))
  signed <- tryCatch(jsonlite::fromJSON(signed_text, simplifyVector = FALSE),
                     error = function(e) verification_error("/signature", "the signed payload is not UTF-8 JSON", kid))
  canonical <- tryCatch(identical(airlock_canonical_json(signed), signed_text), error = function(e) FALSE)
  if (!canonical) verification_error("/signature", "the signed payload is not canonical JSON (RFC 8785)", kid)
  same <- tryCatch(identical(airlock_canonical_json(raw$decision), signed_text), error = function(e) FALSE)
  if (!same) {
    d <- first_difference(signed, raw$decision)
    p <- if (is.null(d)) "" else d$pointer
    verification_error(paste0("/decision", p), paste0("decision differs from the signed payload at ", if (nzchar(p)) p else "/",
                                                     ": signed ", d$expected, ", found ", d$actual), kid)
  }
  if ("audit" %in% names(raw)) {
    a <- raw$audit
    if (!is_object(a)) verification_error("/audit", "audit is not an object", kid)
    if (!is.numeric(a$seq) || length(a$seq) != 1 || a$seq < 1 || a$seq != floor(a$seq)) verification_error("/audit/seq", "audit.seq is not a positive integer", kid)
    for (f in c("hash", "prev")) {
      if (!is.character(a[[f]]) || !grepl("^[0-9a-f]{64}$", a[[f]])) verification_error(paste0("/audit/", f), paste0("audit.", f, " is not 64 lower-case hex digits"), kid)
    }
  }
  invisible(list(kid = kid, decision_id = raw$decision$id, outcome = raw$decision$outcome))
}
