/**
 * Measure text → number, shared by the CSV and JSON-row readers so both accept exactly the
 * same spellings. The grammar is plain decimal notation: optional sign, digits with an
 * optional decimal point, optional exponent (`-1.5`, `+.5`, `3.`, `2e-3`), surrounded by
 * optional spaces/tabs. Hex, `Infinity`, `1_000` and the like are not measures.
 *
 * The result is a finite number, `NaN` for a missing value (empty or a
 * `MISSING_NUMBER_TOKENS` spelling), or `Infinity` as the "not a number" sentinel: an
 * infinite value is never a valid measure, so it cannot collide with a real result and the
 * hot loop needs no second return channel.
 *
 * @example
 * parseMeasure('1.25');   // 1.25
 * parseMeasure('NA');     // NaN (missing)
 * parseMeasure('abc');    // Infinity (not a number: the caller reports it)
 */
import { outOfRange } from '../../lib/invariant.js';
import { MISSING_NUMBER_TOKENS } from './columnar.js';

/** Returned by the parsers for text that is neither a number nor a missing token. */
export const NOT_A_NUMBER = Infinity;

const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const SPACE = 32;
const TAB = 9;
const LOWER_E = 101;
const UPPER_E = 69;

/**
 * Up to 15 significant digits fit a double's 53-bit mantissa exactly, and 10^k is exact for
 * k ≤ 22, so `mantissa / 10^k` is one correctly rounded IEEE division: the same double
 * `Number(text)` gives (Clinger's fast path). Anything longer goes to `Number()`.
 */
const FAST_DIGITS = 15;
const POW10 = Array.from({ length: FAST_DIGITS + 1 }, (_, k) => 10 ** k);

const encoder = new TextEncoder();
const MISSING_TOKEN_BYTES: Uint8Array[] = [...MISSING_NUMBER_TOKENS].filter((t) => t !== '').map((t) => encoder.encode(t));

/**
 * Parses the measure text in `buf[start, end)` (UTF-8 bytes). See the module doc for the
 * three kinds of result.
 *
 * @example
 * parseMeasureBytes(new TextEncoder().encode('x,12.5,y'), 2, 6); // 12.5
 */
export function parseMeasureBytes(buf: Uint8Array, start: number, end: number): number {
  while (start < end && (buf[start] === SPACE || buf[start] === TAB)) start++;
  while (end > start && (buf[end - 1] === SPACE || buf[end - 1] === TAB)) end--;
  if (start === end) return NaN;

  let i = start;
  let neg = false;
  const first = buf[i];
  if (first === MINUS) {
    neg = true;
    i++;
  } else if (first === PLUS) {
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let frac = 0;
  // `?? outOfRange()` on every read: the caller's `end` is within `buf`, and the optimised
  // code knows an in-bounds byte read is a number, so the check compiles away.
  while (i < end) {
    const d = (buf[i] ?? outOfRange()) - 48;
    if (d < 0 || d > 9) break;
    mantissa = mantissa * 10 + d;
    digits++;
    i++;
  }
  if (i < end && buf[i] === DOT) {
    i++;
    while (i < end) {
      const d = (buf[i] ?? outOfRange()) - 48;
      if (d < 0 || d > 9) break;
      mantissa = mantissa * 10 + d;
      digits++;
      frac++;
      i++;
    }
  }
  if (digits === 0) return missingOrInvalid(buf, start, end);
  if (i === end) {
    if (digits <= FAST_DIGITS) {
      const v = frac === 0 ? mantissa : mantissa / (POW10[frac] ?? outOfRange());
      return neg ? -v : v;
    }
    return viaNumber(buf, start, end);
  }
  const e = buf[i];
  if (e !== LOWER_E && e !== UPPER_E) return NOT_A_NUMBER;
  i++;
  if (i < end && (buf[i] === PLUS || buf[i] === MINUS)) i++;
  const expStart = i;
  while (i < end) {
    const c = buf[i] ?? outOfRange();
    if (c < 48 || c > 57) break;
    i++;
  }
  if (i === expStart || i !== end) return NOT_A_NUMBER;
  return viaNumber(buf, start, end);
}

let scratch = new Uint8Array(64);

/**
 * Parses one measure given as text (e.g. a JSON string value), with exactly the grammar of
 * `parseMeasureBytes`.
 *
 * @example
 * parseMeasure(' -3e2 '); // -300
 */
export function parseMeasure(text: string): number {
  // UTF-8 needs at most 3 bytes per UTF-16 code unit.
  if (scratch.length < text.length * 3) scratch = new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, scratch);
  return parseMeasureBytes(scratch, 0, written);
}

/** The text passed the decimal grammar, so it is ASCII and `Number()` accepts it. */
function viaNumber(buf: Uint8Array, start: number, end: number): number {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i] ?? outOfRange());
  const v = Number(s);
  return Number.isFinite(v) ? v : NOT_A_NUMBER;
}

function missingOrInvalid(buf: Uint8Array, start: number, end: number): number {
  const len = end - start;
  for (const token of MISSING_TOKEN_BYTES) {
    if (token.length !== len) continue;
    let k = 0;
    while (k < len && token[k] === buf[start + k]) k++;
    if (k === len) return NaN;
  }
  return NOT_A_NUMBER;
}
