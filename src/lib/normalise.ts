/**
 * The one normalisation of labels, variable names and values that airlock compares
 * (sdc-rules.md principle 3): Unicode NFKC, full case folding, whitespace trimmed and
 * collapsed. `"HIV"`, `"hiv"` and `" HIV "` are one value; `"North"` and `"north "` one
 * category; `"Region"` and `"region"` one variable. Every module that compares labels or
 * values imports this function: a second, slightly different normalisation would open a
 * route around a check (differencing by re-casing a label, l-diversity by re-spacing a value).
 *
 * Where normalising would make a check weaker (k-anonymity counts classes as published),
 * the check uses the published form instead; that choice is the check's, not this module's.
 *
 * @example
 * normalise('  North\u00a0 West ') // 'north west'
 * normalise('STRASSE') === normalise('straße') // true
 */

/** Any run of Unicode white space (incl. no-break and ideographic spaces) and controls that render as space. */
const SPACE_RUN = /[\s\u0085\u180e\u200b\u2028\u2029\ufeff]+/gu;

/** Printable ASCII without leading, trailing or repeated spaces: normalised by lower-casing alone. */
const PLAIN_ASCII = /^[!-~]+(?: [!-~]+)*$/;

/** Memo for repeated labels (a column's dictionary repeats them); bounded so it cannot grow without limit. */
const memo = new Map<string, string>();
const MEMO_LIMIT = 65_536;

/**
 * Normalises one label or value. Full case folding is approximated as upper-then-lower case
 * of the NFKC form (so `ß` folds to `ss`, `ﬁ` to `fi`), then NFKC again because case mapping
 * can produce sequences that compose differently.
 *
 * @example normalise('Ｎｏｒｔｈ') // 'north'
 */
export function normalise(s: string): string {
  // Printable ASCII words with single spaces (identifiers, codes, most labels): NFKC leaves
  // them as they are and case folding is lower-casing. `npm run bench:kinds` showed the full
  // path cost about 3 µs per value on unit columns of 100k distinct ids; this one ~30× less.
  if (PLAIN_ASCII.test(s)) return s.toLowerCase();
  const hit = memo.get(s);
  if (hit !== undefined) return hit;
  const out = s.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC').replace(SPACE_RUN, ' ').trim();
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(s, out);
  return out;
}

/**
 * Whether two labels are the same after normalisation.
 *
 * @example sameLabel('North', 'north ') // true
 */
export function sameLabel(a: string, b: string): boolean {
  return a === b || normalise(a) === normalise(b);
}
