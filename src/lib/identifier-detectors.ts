/**
 * Value detectors for direct identifiers (sdc-rules.md, "Direct identifiers"): each tells
 * whether one text value looks like an NHS number, a CHI number, a full UK postcode, an
 * e-mail address, a UK telephone number or a full date (a birth date, where the column is
 * named like one). They are pure functions of a string, with no knowledge of outputs or
 * rules, so every output kind (file columns, record columns, table labels, plot categories,
 * statistic names, model terms) can share them.
 *
 * A detector is meant to be applied to a whole column: one value that happens to pass a check
 * digit is not a listing, half a column of them is (`columnVerdict`).
 *
 * @example
 * isNhsNumber('943 476 5919') // true
 * detectValue('SW1A 1AA', ALL_DETECTORS) // 'postcode'
 */

// The vocabulary lives in domain.ts (a decision's file evidence names a detector); re-exported
// here beside the detectors themselves.
import { IDENTIFIER_DETECTORS, type IdentifierDetector } from '../domain.js';
export { IDENTIFIER_DETECTORS, type IdentifierDetector };
export const IDENTIFIER_DETECTOR_VALUES = Object.keys(IDENTIFIER_DETECTORS) as IdentifierDetector[];

/** What each detector's matches are, for messages ("NHS numbers"). */
export const DETECTOR_NOUNS: Readonly<Record<IdentifierDetector, string>> = {
  nhs_number: 'NHS numbers',
  chi_number: 'CHI numbers',
  postcode: 'full UK postcodes',
  email: 'e-mail addresses',
  phone: 'UK telephone numbers',
  birth_date: 'full dates (birth dates)',
};

/** Separators people write inside identifiers: spaces (any kind), hyphens, dots. */
const GROUPING = /[\s\u00a0\u2007\u202f.\-–]/g;

/** Weights 10…2 of the modulus-11 scheme shared by NHS, H&C and CHI numbers. */
function mod11CheckDigit(digits: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (digits.charCodeAt(i) - 48) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  return check === 10 ? null : check;
}

/** The ten digits of an identifier written with optional grouping, or null. */
function tenDigits(value: string): string | null {
  const t = value.trim();
  if (t.length < 10 || t.length > 16) return null;
  const compact = t.replace(GROUPING, '');
  return /^\d{10}$/.test(compact) ? compact : null;
}

/**
 * NHS numbers (England, Wales, Isle of Man) and Northern Ireland H&C numbers: ten digits
 * (grouped 3-3-4 or not) in an issued range — 300 000 0000–399 999 9999 (England's 3xx and
 * Northern Ireland's 320–399), 400 000 0000–499 999 9999 and 600 000 0000–799 999 9999 —
 * whose last digit is the modulus-11 check digit. The test range 999 xxx xxxx and Scotland's
 * CHI range are not NHS numbers (CHI numbers have their own detector).
 *
 * @example isNhsNumber('943 476 5919') // false: 9xx is not an issued range
 * @example isNhsNumber('450 557 7104') // true
 */
export function isNhsNumber(value: string): boolean {
  const d = tenDigits(value);
  if (d === null) return false;
  const lead = d.charCodeAt(0) - 48;
  if (lead !== 3 && lead !== 4 && lead !== 6 && lead !== 7) return false;
  return mod11CheckDigit(d) === d.charCodeAt(9) - 48;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether day/month exist (29 February allowed: a two-digit year does not say the century). */
function validDayMonth(day: number, month: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= (DAYS_IN_MONTH[month - 1] ?? 0);
}

/**
 * Scotland's Community Health Index number: ten digits whose first six are a valid date of
 * birth (DDMMYY), then three digits (the ninth odd for men, even for women), then the
 * modulus-11 check digit.
 *
 * @example isChiNumber('0101011234') // false: wrong check digit
 */
export function isChiNumber(value: string): boolean {
  const d = tenDigits(value);
  if (d === null) return false;
  const day = Number(d.slice(0, 2));
  const month = Number(d.slice(2, 4));
  if (!validDayMonth(day, month)) return false;
  return mod11CheckDigit(d) === d.charCodeAt(9) - 48;
}

/**
 * A full UK postcode, outward and inward code, with or without the space, in any case: the
 * letters each position may hold follow Royal Mail's rules (`GIR 0AA` included). A district
 * alone (`SW1A`) or a sector (`SW1A 1`) is not a full postcode.
 *
 * @example isFullPostcode('sw1a1aa') // true
 */
export function isFullPostcode(value: string): boolean {
  const t = value.trim().toUpperCase().replace(/\s+/g, ' ');
  if (t.length < 5 || t.length > 8) return false;
  return POSTCODE.test(t);
}
const POSTCODE = /^(?:GIR ?0AA|(?:[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRV-Y])) ?\d[ABD-HJLNP-UW-Z]{2})$/;

/**
 * An e-mail address: a local part, `@`, and a domain with at least one dot and a top-level
 * label of two or more letters; no spaces.
 *
 * @example isEmail('a.b@nhs.net') // true
 */
export function isEmail(value: string): boolean {
  const t = value.trim();
  if (t.length < 6 || t.length > 254) return false;
  return EMAIL.test(t);
}
const EMAIL = /^(?:mailto:)?[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$/i;

/**
 * A UK telephone number as people write it: `0`, or `+44` / `0044` (optionally `(0)`), then
 * the national number, with spaces, hyphens, dots or brackets anywhere. The national number
 * starts with a digit the UK numbering plan uses (1, 2, 3, 5, 7, 8, 9) and has 10 digits, or
 * 9 for some 01 area codes and 0800 freephone numbers. Zero-padded record numbers
 * (`0000012345`) are not numbers anyone can dial.
 *
 * @example isUkPhone('+44 (0)20 7946 0018') // true
 */
export function isUkPhone(value: string): boolean {
  const t = value.trim();
  if (t.length < 10 || t.length > 24 || !/^[+\d(]/.test(t)) return false;
  if (/[^\d\s+().\-\u00a0]/.test(t)) return false;
  let compact = t.replace(/[\s().\-\u00a0]/g, '');
  if (compact.startsWith('+44')) compact = compact.slice(3);
  else if (compact.startsWith('0044')) compact = compact.slice(4);
  else if (compact.startsWith('0')) compact = compact.slice(1);
  else return false;
  if (compact.startsWith('0')) compact = compact.slice(1); // +44 (0)20 …
  // National significant numbers: 10 digits, except some 01 area codes and 0800 freephone (9).
  if (!/^\d{9,10}$/.test(compact)) return false;
  const lead = compact.charAt(0);
  if (lead === '1' || compact.startsWith('800')) return true;
  return compact.length === 10 && '235789'.includes(lead);
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
};

function validDate(year: number, month: number, day: number): boolean {
  if (year < 1850 || year > 2150 || !validDayMonth(day, month)) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return !(month === 2 && day === 29 && !leap);
}

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const NUMERIC_DATE = /^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const NAMED_MONTH = /^(\d{1,2})[\s\-/]?([A-Za-z]{3,9})[\s\-/,]*(\d{4})$/;
const MONTH_FIRST = /^([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/;

/**
 * A full calendar date (day, month and year, 1850–2150) in the usual spellings: ISO
 * `1984-03-07` (with an optional time), `07/03/1984`, `07-03-1984`, `07.03.1984` (day or month
 * first), `19840307`, `7 Mar 1984`, `07MAR1984` (SAS), `March 7, 1984`. A year or a month and
 * year alone is not a full date.
 *
 * @example isFullDate('07MAR1984') // true
 * @example isFullDate('1984-03') // false
 */
export function isFullDate(value: string): boolean {
  const t = value.trim();
  if (t.length < 8 || t.length > 35) return false;
  let m = ISO_DATE.exec(t);
  if (m) return validDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = NUMERIC_DATE.exec(t);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    const y = Number(m[4]);
    return validDate(y, b, a) || validDate(y, a, b);
  }
  m = COMPACT_DATE.exec(t);
  if (m) return validDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = NAMED_MONTH.exec(t);
  if (m) {
    const month = MONTHS[(m[2] ?? '').toLowerCase()];
    return month !== undefined && validDate(Number(m[3]), month, Number(m[1]));
  }
  m = MONTH_FIRST.exec(t);
  if (m) {
    const month = MONTHS[(m[1] ?? '').toLowerCase()];
    return month !== undefined && validDate(Number(m[3]), month, Number(m[2]));
  }
  return false;
}

/** Words that make a column name read as a birth date. */
const BIRTH_WORDS = new Set(['dob', 'birth', 'birthdate', 'birthday', 'born', 'dateofbirth', 'bday', 'geburtsdatum']);

/**
 * Whether a column or variable name reads as a birth date (`dob`, `date_of_birth`,
 * `BirthDate`, `patient_dob`, `born_on`).
 *
 * @example looksLikeBirthDateName('DateOfBirth') // true
 */
export function looksLikeBirthDateName(name: string): boolean {
  const words = nameWords(name);
  if (words.some((w) => BIRTH_WORDS.has(w))) return true;
  const compact = words.join('');
  return compact.includes('dateofbirth') || compact.includes('birthdate');
}

/**
 * A name split into lower-case words at separators, digits-to-letters and case changes:
 * `patientNHSNumber` → `patient nhs number`, `date_of_birth` → `date of birth`.
 *
 * @example nameWords('NHSNumber') // ['nhs', 'number']
 */
export function nameWords(name: string): string[] {
  return name
    .normalize('NFKC')
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toUpperCase()
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

const ANY_DIGIT_OR_AT = /[\d@]/;

const TESTS: Readonly<Record<Exclude<IdentifierDetector, 'birth_date'>, (v: string) => boolean>> = {
  nhs_number: isNhsNumber,
  chi_number: isChiNumber,
  postcode: isFullPostcode,
  email: isEmail,
  phone: isUkPhone,
};

/**
 * The detectors (of those enabled) a single value matches, as a bit set over
 * `IDENTIFIER_DETECTOR_VALUES` (bit i = detector i). `birth_date` matches any full date: the
 * caller decides whether the column is named like a birth date.
 *
 * @example detectorBits('SW1A 1AA', ['postcode']) // 0b100
 */
export function detectorBits(value: string, enabled: readonly IdentifierDetector[]): number {
  const t = value.trim();
  // Every detector needs a digit (numbers, postcodes, dates) or an @ (e-mail): most text is out at once.
  if (t.length < 5 || t.length > 254 || !ANY_DIGIT_OR_AT.test(t)) return 0;
  let bits = 0;
  for (const d of enabled) {
    const test = d === 'birth_date' ? isFullDate : TESTS[d];
    if (test(t)) bits |= 1 << IDENTIFIER_DETECTOR_VALUES.indexOf(d);
  }
  return bits;
}

/**
 * The first detector a value matches, or null.
 *
 * @example detectValue('a@b.org', IDENTIFIER_DETECTOR_VALUES) // 'email'
 */
export function detectValue(value: string, enabled: readonly IdentifierDetector[]): IdentifierDetector | null {
  const bits = detectorBits(value, enabled);
  return bits === 0 ? null : (IDENTIFIER_DETECTOR_VALUES[31 - Math.clz32(bits & -bits)] ?? null);
}

/**
 * Whether a name (a column header, a member's file name) may be shown in a finding: not when
 * it is itself an identifier value (a transposed listing has NHS numbers for column names).
 * Dates are shown: wide tables have dates for column names.
 *
 * @example showableName('region') // true
 * @example showableName('jane@nhs.net') // false
 */
export function showableName(name: string): boolean {
  return detectorBits(name, SHOWN_CHECKS) === 0;
}
const SHOWN_CHECKS: readonly IdentifierDetector[] = ['nhs_number', 'chi_number', 'postcode', 'email', 'phone'];

/** Per-detector match counts over a column's non-empty values. */
export interface DetectorTally {
  /** Non-empty values seen. */
  nonEmpty: number;
  /** Matches per detector, indexed like `IDENTIFIER_DETECTOR_VALUES`. */
  matches: number[];
}

/**
 * A fresh tally.
 *
 * @example const t = emptyTally(); addToTally(t, detectorBits(v, enabled), 1);
 */
export function emptyTally(): DetectorTally {
  return { nonEmpty: 0, matches: IDENTIFIER_DETECTOR_VALUES.map(() => 0) };
}

/** Counts `times` occurrences of a non-empty value with the given detector bits. */
export function addToTally(tally: DetectorTally, bits: number, times: number): void {
  tally.nonEmpty += times;
  for (let i = 0; bits !== 0; i++, bits >>>= 1) if (bits & 1) tally.matches[i] = (tally.matches[i] ?? 0) + times;
}

/** A column that at least half matches one detector. */
export interface DetectorHit {
  detector: IdentifierDetector;
  matches: number;
  nonEmpty: number;
}

/**
 * The detector a column is a listing of — at least half of its non-empty values match it —
 * or null. Only `enabled` detectors count (a tally may have been made with more);
 * `birth_date` counts only when the column is named like a birth date. Of several detectors
 * over the half, the one with most matches is named.
 *
 * @example columnVerdict('dob', tally) // { detector: 'birth_date', matches: 40, nonEmpty: 40 }
 */
export function columnVerdict(name: string | null, tally: DetectorTally, enabled: readonly IdentifierDetector[] = IDENTIFIER_DETECTOR_VALUES): DetectorHit | null {
  if (tally.nonEmpty === 0) return null;
  let best: DetectorHit | null = null;
  IDENTIFIER_DETECTOR_VALUES.forEach((detector, i) => {
    if (!enabled.includes(detector)) return;
    const matches = tally.matches[i] ?? 0;
    if (matches * 2 < tally.nonEmpty) return;
    if (detector === 'birth_date' && (name === null || !looksLikeBirthDateName(name))) return;
    if (!best || matches > best.matches) best = { detector, matches, nonEmpty: tally.nonEmpty };
  });
  return best;
}

/**
 * Tallies a set of values (a dimension's labels, a list of names) and gives its verdict.
 *
 * @example valuesVerdict('region', ['north', 'south'], IDENTIFIER_DETECTOR_VALUES) // null
 */
export function valuesVerdict(name: string | null, values: Iterable<string>, enabled: readonly IdentifierDetector[]): DetectorHit | null {
  const tally = emptyTally();
  for (const v of values) if (v.trim() !== '') addToTally(tally, detectorBits(v, enabled), 1);
  return columnVerdict(name, tally);
}
