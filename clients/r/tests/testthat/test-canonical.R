# RFC 8785 canonical JSON: the RFC's own vectors, refusals, and agreement with the server's writer.

rfc_numbers <- c(
  "0000000000000000" = "0", "8000000000000000" = "0", "0000000000000001" = "5e-324", "8000000000000001" = "-5e-324",
  "7fefffffffffffff" = "1.7976931348623157e+308", "ffefffffffffffff" = "-1.7976931348623157e+308",
  "4340000000000000" = "9007199254740992", "c340000000000000" = "-9007199254740992",
  "4430000000000000" = "295147905179352830000", "44b52d02c7e14af5" = "9.999999999999997e+22",
  "44b52d02c7e14af6" = "1e+23", "44b52d02c7e14af7" = "1.0000000000000001e+23",
  "444b1ae4d6e2ef4e" = "999999999999999700000", "444b1ae4d6e2ef4f" = "999999999999999900000",
  "444b1ae4d6e2ef50" = "1e+21", "3eb0c6f7a0b5ed8c" = "9.999999999999997e-7", "3eb0c6f7a0b5ed8d" = "0.000001",
  "41b3de4355555553" = "333333333.3333332", "41b3de4355555554" = "333333333.33333325",
  "41b3de4355555555" = "333333333.3333333", "41b3de4355555556" = "333333333.3333334",
  "41b3de4355555557" = "333333333.33333343", "becbf647612f3696" = "-0.0000033333333333333333",
  "43143ff3c1cb0959" = "1424953923781206.2"
)

double_from_hex <- function(h) {
  readBin(rev(as.raw(strtoi(substring(h, seq(1, 15, 2), seq(2, 16, 2)), 16L))), "double", size = 8, endian = "little")
}

test_that("numbers are written as RFC 8785 (ECMAScript) writes them", {
  for (h in names(rfc_numbers)) {
    expect_identical(airlock_canonical_json(double_from_hex(h)), rfc_numbers[[h]], label = h)
  }
  expect_identical(airlock_canonical_json(list(1L, 2.0, 1e-7, 123e18)), "[1,2,1e-7,123000000000000000000]")
})

test_that("keys sort by UTF-16 code units and strings escape as JSON.stringify does", {
  x <- list("\u20ac" = "Euro Sign", "\r" = "CR", "\ufb33" = "Dalet", "1" = "One", "\U0001F600" = "Emoji", "\u0080" = "Control", "\u00f6" = "o")
  expect_identical(names(jsonlite::fromJSON(airlock_canonical_json(x), simplifyVector = FALSE)),
                   c("\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001F600", "\ufb33"))
  expect_identical(airlock_canonical_json(list(a = "\u2028\u007f\u001f\"\\/\b\f\n\r\t")), "{\"a\":\"\u2028\u007f\\u001f\\\"\\\\/\\b\\f\\n\\r\\t\"}")
  parsed <- jsonlite::fromJSON('{"o":{},"a":[],"n":null,"t":true,"x":[{}]}', simplifyVector = FALSE)
  expect_identical(airlock_canonical_json(parsed), '{"a":[],"n":null,"o":{},"t":true,"x":[{}]}')
})

test_that("what JSON cannot carry is refused with its pointer", {
  expect_error(airlock_canonical_json(list(a = list(1, NaN))), class = "airlock_canonical_error")
  e <- tryCatch(airlock_canonical_json(list(a = list(b = Inf))), error = identity)
  expect_identical(e$pointer, "/a/b")
  expect_error(airlock_canonical_json(list(f = function() 1)), class = "airlock_canonical_error")
})

server_check <- '
let seed = 8785;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (a) => a[Math.floor(rnd() * a.length)];
const dv = new DataView(new ArrayBuffer(8));
function double() { for (;;) { for (let i = 0; i < 8; i++) dv.setUint8(i, Math.floor(rnd() * 256)); const x = dv.getFloat64(0); if (Number.isFinite(x)) return x; } }
function str() {
  const pools = [[0x20, 0x7e], [0x01, 0x1f], [0x7f, 0xff], [0x2000, 0x2030], [0xe000, 0xfffd], [0x10000, 0x10ffff], [0x4e00, 0x4e50]];
  let s = ""; const n = Math.floor(rnd() * 7);
  for (let i = 0; i < n; i++) { const [lo, hi] = pick(pools); s += String.fromCodePoint(lo + Math.floor(rnd() * (hi - lo + 1))); }
  return s;
}
function value(d) {
  const r = rnd();
  if (d > 3 || r < 0.45) return pick([double, () => Math.round((rnd() - 0.5) * 2 ** 60), () => pick([0.1, 1e21, 1e-7, 5e-324, 2 ** 53 + 2, 1, -1.5]), str, () => pick([true, false, null])])();
  if (r < 0.7) return Array.from({ length: Math.floor(rnd() * 5) }, () => value(d + 1));
  const o = {}; const n = Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) { const k = rnd() < 0.7 ? str() || "k" : String(Math.floor(rnd() * 300)); o[k] = value(d + 1); }
  return o;
}
const { canonicalJson } = await import("./src/lib/canonical-json.ts");
const values = Array.from({ length: 1500 }, () => value(0));
process.stdout.write(JSON.stringify(values.map((v) => [JSON.stringify(v), canonicalJson(v)])));
'

test_that("the client and the server canonicalise random values identically", {
  r <- processx::run("node", c("--import", "tsx", "--input-type=module", "-e", server_check), wd = repo_root, timeout = 120)
  cases <- jsonlite::fromJSON(r$stdout, simplifyVector = FALSE)
  expect_length(cases, 1500)
  for (case in cases) {
    v <- jsonlite::fromJSON(case[[1]], simplifyVector = FALSE)
    expect_identical(airlock_canonical_json(v), enc2utf8(case[[2]]))
    expect_identical(airlock_js_json(v), enc2utf8(case[[1]]))
  }
})
