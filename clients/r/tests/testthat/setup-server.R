# A real `airlock serve` for the tests: started once, from the repository's TypeScript sources
# (node + tsx), on a free port, with a temporary SQLite data directory, a development signing
# key, the repository's rules and a tokens file of the tokens below (only their SHA-256).

repo_root <- normalizePath(Sys.getenv("AIRLOCK_REPO", file.path(testthat::test_path(), "..", "..", "..", "..")))

roles <- list(
  alice = c("submitter", "auditor"),
  `auditor-only` = "auditor",
  `checker-1` = "checker",
  `checker-2` = "checker"
)

start_airlock <- function() {
  tmp <- tempfile("airlock-r-")
  dir.create(file.path(tmp, "data"), recursive = TRUE)
  tokens <- vapply(names(roles), function(n) paste0("test_", paste(as.character(openssl::rand_bytes(18)), collapse = "")), "")
  entries <- lapply(names(roles), function(n) list(name = n, sha256 = as.character(openssl::sha256(tokens[[n]])), roles = I(roles[[n]])))
  writeLines(airlock_js_json(entries), file.path(tmp, "tokens.json"))
  env <- Sys.getenv()
  env <- env[!grepl("^(AIRLOCK_|OTEL_)", names(env)) & !(names(env) %in% c("DATABASE_URL", "NODE_ENV"))]
  env <- c(env,
    PORT = "0", HOST = "127.0.0.1", LOG_LEVEL = "info",
    AIRLOCK_DATA_DIR = file.path(tmp, "data"), AIRLOCK_RULES_DIR = file.path(repo_root, "rules"),
    AIRLOCK_RULES_WATCH = "false", AIRLOCK_TOKENS_FILE = file.path(tmp, "tokens.json"), AIRLOCK_RATE_LIMIT = "0",
    OTEL_SDK_DISABLED = "true", OTEL_TRACES_EXPORTER = "none", OTEL_METRICS_EXPORTER = "none", OTEL_LOGS_EXPORTER = "none")
  p <- processx::process$new("node", c("--import", "tsx", file.path(repo_root, "src/cli/main.ts"), "serve"),
                             wd = repo_root, env = env, stdout = "|", stderr = "2>&1")
  log <- character()
  port <- NA_integer_
  deadline <- Sys.time() + 120
  # Wait for the "airlock listening" line, reading as output arrives (no sleeping).
  while (is.na(port) && Sys.time() < deadline && p$is_alive()) {
    p$poll_io(1000)
    lines <- p$read_output_lines()
    log <- c(log, lines)
    m <- regmatches(lines, regexec('"port":([0-9]+)[^\n]*"msg":"airlock listening"', lines))
    hit <- Filter(length, m)
    if (length(hit)) port <- as.integer(hit[[1]][2])
  }
  if (is.na(port)) {
    p$kill()
    stop("airlock serve did not start:\n", paste(tail(c(log, p$read_all_output_lines()), 50), collapse = "\n"))
  }
  list(url = paste0("http://127.0.0.1:", port), tokens = as.list(tokens), process = p, dir = tmp)
}

airlock_server <- start_airlock()
withr::defer({
  airlock_server$process$kill()
  unlink(airlock_server$dir, recursive = TRUE)
}, teardown_env())

# The server's log is drained whenever a test asks for a client, so its pipe never fills.
# A request without a dataset goes to review (differencing cannot be checked), so each client
# names a fresh dataset as well as a fresh project.
test_client <- function(token = "alice", project = paste0("r-", paste(as.character(openssl::rand_bytes(4)), collapse = "")),
                        dataset = project, ...) {
  airlock_server$process$read_output_lines()
  airlock_client(airlock_server$url, airlock_server$tokens[[token]], project = project, requester = "alice", dataset = dataset, ...)
}

# The `airlock` command of the same sources (e.g. `verify`).
airlock_cli <- function(...) {
  processx::run("node", c("--import", "tsx", file.path(repo_root, "src/cli/main.ts"), ...), wd = repo_root,
                error_on_status = FALSE, timeout = 120)
}
