/**
 * Profiles delimited text (CSV, TSV, `;`- or `|`-separated) as it streams past, so an output
 * checker can judge a file without downloading it: per column its type, rows, missing
 * values, minimum, minimum non-zero and maximum, how many integer cells lie between 1 and
 * `threshold − 1` (small counts), whether its values look rounded (multiples of 10 or 5, or
 * OpenSAFELY's midpoint-6), how many distinct values it has, how many cells a spreadsheet
 * would run as formulas, and how many values each identifier detector matches. No cell's
 * text is kept beyond what counting distinct values needs, and nothing of it is reported.
 *
 * The delimiter is detected from the head: the candidate that splits every line of the head
 * into the same number (≥ 2) of fields; with none, the text is one column (a list).
 *
 * The reader is hand-written: csv-parse's synchronous API needs the whole text in memory,
 * and its streaming API is asynchronous; here text arrives in chunks from decompression and
 * is never held whole. Memory is bounded: a field may not exceed `MAX_FIELD_CHARS`, at most
 * `MAX_COLUMNS` columns are profiled, and distinct values are tracked up to
 * `MAX_TRACKED_VALUES` per file.
 *
 * @example
 * const p = new DelimitedProfiler(',', { threshold: 10, detectors: ['nhs_number'] });
 * p.push('a,b\n1,2\n'); p.finish().columns[0].max // 1
 */
import type { ColumnEvidence, ColumnType, Rounding } from '../../domain.js';
import type { DetectorTally, IdentifierDetector } from '../../lib/identifier-detectors.js';
import { addToTally, columnVerdict, detectorBits, emptyTally, showableName } from '../../lib/identifier-detectors.js';
import { isFormulaText } from '../../lib/formula-text.js';
import { MISSING_NUMBER_TOKENS } from '../table/columnar.js';

/** Delimiters tried, in order of preference when several fit. */
export const DELIMITERS = [',', '\t', ';', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export const MAX_FIELD_CHARS = 1 << 20;
export const MAX_COLUMNS = 10_000;
export const MAX_TRACKED_VALUES = 200_000;
/** Positions of formula cells kept per file (all are counted). */
export const MAX_FORMULA_REFS = 100;
const MEMO_PER_COLUMN = 20_000;
const HEAD_RECORDS = 200;

export interface ProfileOptions {
  /** Small counts are integers in [1, threshold − 1]. */
  threshold: number;
  detectors: readonly IdentifierDetector[];
}

/**
 * One column's profile: the evidence fields a checker sees (names that are themselves
 * identifier values are `null`), plus what checks use and never report.
 */
export interface ColumnProfile extends Omit<ColumnEvidence, 'identifier_name' | 'identifier_values'> {
  /** The header's name, for matching against identifier names (never reported). */
  header: string | null;
  tally: DetectorTally;
}

/** The profile of a whole delimited text. */
export interface DelimitedProfile {
  /** null: one column (no delimiter found). */
  delimiter: Delimiter | null;
  rows: number;
  /** Records with a different number of fields than the header. */
  ragged_rows: number;
  columns: ColumnProfile[];
  /** Cells (header included) a spreadsheet would run as formulas, and where the first are. */
  formula: { total: number; refs: string[] };
  /** Why the text could not be read as delimited text to the end (unclosed quote, a huge field…). */
  unreadable: string | null;
  /** Columns past `MAX_COLUMNS`, seen but not profiled. */
  unprofiled_columns: number;
}

const LF = 10;
const CR = 13;
const QUOTE = 34;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

/** Fields per record of the head split by `d` (quotes respected; blank lines are not records). */
function fieldCounts(text: string, d: string, max: number): number[] {
  const counts: number[] = [];
  let fields = 1;
  let quoted = false;
  let atFieldStart = true;
  let content = false;
  for (let i = 0; i < text.length && counts.length < max; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else quoted = false;
      }
      continue;
    }
    if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (content) counts.push(fields);
      fields = 1;
      atFieldStart = true;
      content = false;
      continue;
    }
    content = true;
    if (c === '"' && atFieldStart) {
      quoted = true;
      atFieldStart = false;
    } else if (c === d) {
      fields++;
      atFieldStart = true;
    } else atFieldStart = false;
  }
  return counts;
}

/**
 * The delimiter that splits the head's complete lines into one consistent number (≥ 2) of
 * fields, preferring more fields, then `,`, tab, `;`, `|`; null when none does (a list or
 * prose: one column). `complete` says whether the head is the whole text (its last line
 * counts even without a newline; otherwise a cut last line is ignored).
 *
 * @example detectDelimiter('a;b;c\n1,5;2;3\n', true) // ';'
 */
export function detectDelimiter(head: string, complete: boolean): Delimiter | null {
  const text = complete && !/[\r\n]$/.test(head) ? `${head}\n` : head;
  let best: { d: Delimiter; fields: number } | null = null;
  for (const d of DELIMITERS) {
    const counts = fieldCounts(text, d, HEAD_RECORDS);
    const first = counts[0] ?? 0;
    if (first < 2 || !counts.every((n) => n === first)) continue;
    if (!best || first > best.fields) best = { d, fields: first };
  }
  return best?.d ?? null;
}

class ColumnStats {
  rows = 0;
  missing = 0;
  numeric = 0;
  integers = 0;
  dates = 0;
  min = Infinity;
  max = -Infinity;
  minNonZero = Infinity;
  small = 0;
  nonZeroInts = 0;
  mult10 = 0;
  mult5 = 0;
  mid6 = 0;
  formula = 0;
  readonly distinct = new Set<string>();
  distinctExact = true;
  readonly memo = new Map<string, number>();
  readonly tally = emptyTally();
  constructor(
    readonly index: number,
    readonly header: string | null,
  ) {}
}

const DATE_LIKE = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+Z?)?$|^\d{1,2}[/.-]\d{1,2}[/.-]\d{4}$/;

/**
 * Streams delimited text into column profiles.
 *
 * @example const p = new DelimitedProfiler('\t', opts); p.push(text); p.finish();
 */
export class DelimitedProfiler {
  private readonly d: string;
  private readonly opts: ProfileOptions;
  private header: string[] | null = null;
  private columns: ColumnStats[] = [];
  private record: string[] = [];
  private field = '';
  private quoted = false;
  /** Inside a quoted field, the last character was a quote (an escape or the closing quote). */
  private quoteSeen = false;
  private fieldStarted = false;
  private skipLF = false;
  private rows = 0;
  private ragged = 0;
  private tracked = 0;
  private unprofiled = 0;
  private formulaTotal = 0;
  private readonly formulaRefs: string[] = [];
  private unreadable: string | null = null;
  private readonly smallMax: number;

  constructor(delimiter: Delimiter | null, opts: ProfileOptions) {
    this.d = delimiter ?? '\u0000';
    this.delimiter = delimiter;
    this.opts = opts;
    this.smallMax = opts.threshold - 1;
  }

  readonly delimiter: Delimiter | null;

  /** Feeds decoded text; chunks may end anywhere. */
  push(text: string): void {
    if (this.unreadable !== null) return;
    const d = this.d.charCodeAt(0);
    const quotes = this.delimiter !== null;
    let i = 0;
    const n = text.length;
    if (this.skipLF) {
      this.skipLF = false;
      if (text.charCodeAt(0) === LF) i = 1;
    }
    while (i < n) {
      if (this.quoted) {
        if (!this.quoteSeen) {
          // Inside a quoted field: everything up to the next quote is its text.
          const j = text.indexOf('"', i);
          if (j < 0) {
            this.append(text, i, n);
            return;
          }
          this.append(text, i, j);
          this.quoteSeen = true;
          i = j + 1;
          continue;
        }
        // After a quote: `""` is an escaped quote; anything else closes the field.
        this.quoteSeen = false;
        if (text.charCodeAt(i) === QUOTE) {
          this.append(text, i, i + 1);
          i++;
          continue;
        }
        this.quoted = false;
        // The character after the closing quote is read as unquoted text below.
      }
      if (quotes && !this.fieldStarted && text.charCodeAt(i) === QUOTE) {
        this.quoted = true;
        this.fieldStarted = true;
        i++;
        continue;
      }
      let j = i;
      let c = 0;
      while (j < n) {
        c = text.charCodeAt(j);
        if (c === d || c === LF || c === CR) break;
        j++;
      }
      const appended = this.append(text, i, j);
      this.fieldStarted = true;
      if (j === n || !appended) return;
      this.endField();
      if (c !== d) {
        this.endRecord();
        if (c === CR) {
          if (j + 1 < n) {
            if (text.charCodeAt(j + 1) === LF) j++;
          } else this.skipLF = true;
        }
      }
      i = j + 1;
    }
  }

  /** Adds text to the field; false once the field is too long (the profile is then unreadable). */
  private append(text: string, from: number, to: number): boolean {
    if (to <= from) return true;
    if (this.field.length + (to - from) > MAX_FIELD_CHARS) {
      this.unreadable = `a field longer than ${MAX_FIELD_CHARS} characters (at row ${this.rows + 1})`;
      return false;
    }
    this.field += text.slice(from, to);
    return true;
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
    this.fieldStarted = false;
    this.quoted = false;
    this.quoteSeen = false;
  }

  private endRecord(): void {
    const rec = this.record;
    this.record = [];
    // A blank line (one empty unquoted field) is not a record.
    if (rec.length === 1 && rec[0] === '') return;
    if (this.header === null) {
      this.header = rec;
      rec.forEach((name, j) => {
        if (isFormulaText(name)) this.noteFormula(`header, column ${j + 1}`);
        if (j < MAX_COLUMNS) this.columns.push(new ColumnStats(j, name));
      });
      this.unprofiled = Math.max(0, rec.length - MAX_COLUMNS);
      return;
    }
    this.rows++;
    if (rec.length !== this.header.length) this.ragged++;
    const width = Math.max(rec.length, this.columns.length);
    for (let j = 0; j < width; j++) {
      if (j >= MAX_COLUMNS) {
        this.unprofiled = Math.max(this.unprofiled, rec.length - MAX_COLUMNS);
        break;
      }
      let col = this.columns[j];
      if (!col) {
        col = new ColumnStats(j, null);
        // A column that appears only in ragged rows: earlier rows are missing in it.
        col.rows = this.rows - 1;
        col.missing = this.rows - 1;
        this.columns[j] = col;
      }
      const value = rec[j];
      this.cell(col, value);
    }
  }

  private cell(col: ColumnStats, raw: string | undefined): void {
    col.rows++;
    if (raw === undefined) {
      col.missing++;
      return;
    }
    if (isFormulaText(raw)) {
      col.formula++;
      const name = col.header !== null && showableName(col.header) ? ` ("${col.header}")` : '';
      this.noteFormula(`row ${this.rows}, column ${col.index + 1}${name}`);
    }
    const v = raw.trim();
    if (MISSING_NUMBER_TOKENS.has(v)) {
      col.missing++;
      return;
    }
    if (col.distinctExact && !col.distinct.has(v)) {
      if (this.tracked < MAX_TRACKED_VALUES) {
        col.distinct.add(v);
        this.tracked++;
      } else col.distinctExact = false;
    }
    let bits = col.memo.get(v);
    if (bits === undefined) {
      bits = detectorBits(v, this.opts.detectors);
      if (col.memo.size < MEMO_PER_COLUMN) col.memo.set(v, bits);
    }
    addToTally(col.tally, bits, 1);
    let x = Number.NaN;
    if (NUMBER.test(v)) x = Number(v);
    else if (this.delimiter !== ',' && DECIMAL_COMMA.test(v)) x = Number(v.replace(',', '.'));
    if (!Number.isFinite(x)) {
      if (DATE_LIKE.test(v)) col.dates++;
      return;
    }
    col.numeric++;
    if (x < col.min) col.min = x;
    if (x > col.max) col.max = x;
    if (x !== 0 && Math.abs(x) < Math.abs(col.minNonZero)) col.minNonZero = x;
    if (Number.isInteger(x)) {
      col.integers++;
      if (x >= 1 && x <= this.smallMax) col.small++;
      if (x !== 0) {
        col.nonZeroInts++;
        const a = Math.abs(x);
        if (a % 10 === 0) col.mult10++;
        if (a % 5 === 0) col.mult5++;
        if (a % 6 === 3) col.mid6++;
      }
    }
  }

  private noteFormula(ref: string): void {
    if (this.formulaTotal++ < MAX_FORMULA_REFS) this.formulaRefs.push(ref);
  }

  /** Ends the text (a last line without a newline is a record) and returns the profile. */
  finish(): DelimitedProfile {
    if (this.unreadable === null) {
      if (this.quoted && !this.quoteSeen) this.unreadable = `a quoted field is not closed (row ${this.rows + 1})`;
      else if (this.fieldStarted || this.record.length > 0 || this.field !== '') {
        this.endField();
        this.endRecord();
      }
    }
    return {
      delimiter: this.delimiter,
      rows: this.rows,
      ragged_rows: this.ragged,
      columns: this.columns.map((c) => columnProfile(c)),
      formula: { total: this.formulaTotal, refs: this.formulaRefs },
      unreadable: this.unreadable,
      unprofiled_columns: this.unprofiled,
    };
  }
}

function columnType(c: ColumnStats): ColumnType {
  const present = c.rows - c.missing;
  if (present === 0) return 'empty';
  if (c.numeric === present) return c.integers === present ? 'integer' : 'decimal';
  if (c.dates === present) return 'date';
  return c.numeric > 0 ? 'mixed' : 'text';
}

function rounding(c: ColumnStats): Rounding | null {
  if (c.nonZeroInts === 0) return null;
  if (c.mult10 === c.nonZeroInts) return 'multiples_of_10';
  if (c.mult5 === c.nonZeroInts) return 'multiples_of_5';
  if (c.mid6 === c.nonZeroInts) return 'midpoint6';
  return 'none';
}

function columnProfile(c: ColumnStats): ColumnProfile {
  const numbers = c.numeric > 0;
  return {
    column: c.index + 1,
    name: c.header !== null && showableName(c.header) ? c.header : null,
    header: c.header,
    type: columnType(c),
    rows: c.rows,
    missing: c.missing,
    numeric: c.numeric,
    min: numbers ? c.min : null,
    min_nonzero: Number.isFinite(c.minNonZero) ? c.minNonZero : null,
    max: numbers ? c.max : null,
    small_counts: c.small,
    rounding: rounding(c),
    distinct: c.distinct.size,
    distinct_exact: c.distinctExact,
    formula_cells: c.formula,
    tally: c.tally,
  };
}

/**
 * Whether a column is a listing of some identifier (at least half its values match one
 * detector), using its header for the birth-date rule.
 *
 * @example columnIdentifier(profile.columns[0])?.detector // 'nhs_number'
 */
export function columnIdentifier(c: ColumnProfile, enabled?: readonly IdentifierDetector[]): ReturnType<typeof columnVerdict> {
  return columnVerdict(c.header, c.tally, enabled);
}
