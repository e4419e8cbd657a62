/**
 * Hostile variable names and labels for property-based tests (issue 13 item 1): the names
 * that collide with `Object.prototype` (`__proto__`, `constructor`, `toString`, …), empty and
 * maximally long ones, and strings drawn from every Unicode general category, so a label
 * that becomes an object key anywhere shows up as a lost or altered label.
 *
 * @example fc.assert(fc.property(hostileName(), (n) => roundTrip(n) === n));
 */
import fc from 'fast-check';
import { MAX_LABEL_LENGTH } from '../../src/limits.js';

/** Every own and inherited property name of `Object.prototype`, plus the accessor names engines special-case. */
export const PROTOTYPE_NAMES: readonly string[] = [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype'])].sort();

/** The Unicode general categories (Cs, lone surrogates, is refused as invalid Unicode and tested elsewhere). */
const CATEGORIES = ['Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'Mn', 'Mc', 'Me', 'Nd', 'Nl', 'No', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po', 'Sm', 'Sc', 'Sk', 'So', 'Zs', 'Zl', 'Zp', 'Cc', 'Cf', 'Co', 'Cn'] as const;

let byCategory: Map<string, number[]> | null = null;

/** Code points of each category, sampled (every 7th, plus the first ones) so the table stays small. */
function codePointsByCategory(): Map<string, number[]> {
  if (byCategory) return byCategory;
  const patterns = CATEGORIES.map((c) => [c, new RegExp(`^\\p{gc=${c}}$`, 'u')] as const);
  const out = new Map<string, number[]>(CATEGORIES.map((c) => [c, []]));
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    for (const [c, re] of patterns) {
      if (!re.test(ch)) continue;
      const list = out.get(c)!;
      if (list.length < 64 || cp % 7 === 0) list.push(cp);
      break;
    }
  }
  byCategory = out;
  return out;
}

/** One character of the given general category. */
export function charOf(category: (typeof CATEGORIES)[number]): fc.Arbitrary<string> {
  const list = codePointsByCategory().get(category)!;
  return fc.integer({ min: 0, max: list.length - 1 }).map((i) => String.fromCodePoint(list[i]!));
}

/** A character from any general category, each category equally likely. */
export function anyCategoryChar(): fc.Arbitrary<string> {
  return fc.constantFrom(...CATEGORIES).chain((c) => charOf(c));
}

/** A string mixing characters of every category (1–`max` code points). */
export function unicodeName(max = 8): fc.Arbitrary<string> {
  return fc.array(anyCategoryChar(), { minLength: 1, maxLength: max }).map((cs) => cs.join(''));
}

/** The longest label airlock accepts, made of characters from every category. */
export function longestName(): fc.Arbitrary<string> {
  return fc.tuple(anyCategoryChar(), fc.string({ minLength: 1, maxLength: 4 })).map(([c, s]) => [...(c + s).repeat(MAX_LABEL_LENGTH)].slice(0, MAX_LABEL_LENGTH).join(''));
}

/**
 * A hostile name: a prototype property name (most often), a string from every Unicode
 * category, the longest accepted label, or (with `empty`) the empty string.
 */
export function hostileName(opts: { empty?: boolean } = {}): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [fc.constantFrom(...PROTOTYPE_NAMES), fc.constantFrom(...PROTOTYPE_NAMES), unicodeName(), longestName()];
  if (opts.empty) options.push(fc.constant(''));
  return fc.oneof(...options);
}

/**
 * `n` distinct hostile names (distinct after trimming and case folding, so no check may merge
 * them). A name that is blank after trimming (a lone space, tab or line separator from the
 * Zs/Zl/Zp/Cc categories) counts as the empty name: drawn only with `empty`, since fields such
 * as a model term must be non-blank and are refused with 422 otherwise.
 */
export function distinctHostileNames(n: number, opts: { empty?: boolean; avoid?: readonly string[] } = {}): fc.Arbitrary<string[]> {
  const fold = (s: string) => s.normalize('NFKC').trim().toLowerCase();
  const avoid = new Set((opts.avoid ?? []).map(fold));
  return fc
    .uniqueArray(hostileName(opts), { minLength: n, maxLength: n, selector: fold })
    .filter((names) => names.every((x) => !avoid.has(fold(x)) && (opts.empty === true || x.trim() !== '')));
}

/** RFC 4180 CSV text with every field quoted (so any name or label, line breaks included, round-trips). */
export function quotedCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const field = (v: string | number) => `"${String(v).replace(/"/g, '""')}"`;
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

/** Own entries of a record sorted by key: compares labels without any prototype lookups. */
export function ownEntries(o: object): [string, unknown][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Splits CSV text into records of fields exactly as written (quotes kept), so a test can
 * compare each with `csvField(expected)` whatever quoting or formula escaping it needed.
 *
 * @example rawCsvFields('"a,b",1\n') // [['"a,b"', '1']]
 */
export function rawCsvFields(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let j = i;
    if (text[i] === '"') {
      j++;
      while (j < text.length && !(text[j] === '"' && text[j + 1] !== '"')) j += text[j] === '"' ? 2 : 1;
      j++;
    } else {
      while (j < text.length && text[j] !== ',' && text[j] !== '\n') j++;
    }
    record.push(text.slice(i, j));
    if (text[j] === ',') i = j + 1;
    else {
      records.push(record);
      record = [];
      i = j + 1;
    }
  }
  return records;
}
