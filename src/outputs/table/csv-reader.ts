/**
 * A byte-level, incremental RFC 4180 CSV reader producing `Columnar` microdata. Input arrives
 * in chunks cut anywhere (inside a field, a quoted field, a CRLF or a UTF-8 sequence), so an
 * HTTP upload of millions of rows is parsed as it streams and never held as one string.
 * Only requested columns are materialised: other fields are scanned past, never decoded.
 *
 * Semantics (shared/conformance/README.md): a header row is required; a UTF-8 BOM is
 * stripped; dimension fields are text exactly as written (`01` stays `"01"`), empty = missing;
 * measure fields follow `parseMeasureBytes` (decimal notation, empty/`NA`/`NaN`… = missing).
 * Quoted fields may hold commas, newlines and `""` escapes; lines end in LF, CRLF or CR;
 * blank lines (no bytes at all) are not records, wherever they are.
 *
 * Error messages and details name lines and columns, never cell values: microdata must not
 * reach logs. A field that is read (a requested column, or the header) may be at most
 * `MAX_FIELD_BYTES` long, and a label at most `MAX_LABEL_LENGTH` code points
 * (`FIELD_TOO_LARGE`): a field is never held beyond that, however long it runs on.
 *
 * @example
 * const r = new CsvReader({ categories: ['region'], numbers: ['income'] });
 * for await (const chunk of req) r.push(chunk);
 * const data = r.finish(); // data.nRows, data.columns.get('region')
 */
import { AirlockError } from '../../errors.js';
import { at, outOfRange } from '../../lib/invariant.js';
import { suggestion, suggestionIfOne } from '../../lib/did-you-mean.js';
import { longerThan } from '../../lib/code-points.js';
import { MAX_FIELD_BYTES, MAX_LABEL_LENGTH } from '../../limits.js';
import type { CategoryColumn, Column, Columnar, ColumnRequest, NumberColumn } from './columnar.js';
import { normaliseRequest } from './normalise-request.js';
import { NOT_A_NUMBER, parseMeasureBytes } from './parse-measure.js';

// The four bytes that end an unquoted field are all ≤ COMMA, while letters, digits, '.' and
// '-' are above it: scanning loops test `c <= COMMA` first, one comparison per ordinary byte.
const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;
const QUOTE_BYTES = Uint8Array.of(QUOTE);
const NO_BYTES = new Uint8Array(0);

/** Where the parser is inside the current field. */
const S_START = 0;
const S_UNQUOTED = 1;
const S_QUOTED = 2;
/** A chunk ended on a quote inside a quoted field: an escape or the closing quote. */
const S_QUOTE = 3;

/** What happens to a field at its position in the record. */
const R_SKIP = 0;
const R_CATEGORY = 1;
const R_NUMBER = 2;
const R_HEADER = 3;

const INITIAL_ROWS = 1024;

/** 32-bit FNV-1a, for the category dictionaries. */
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface CsvReaderOptions {
  /** More data rows than this → `BODY_TOO_LARGE`. Default: no limit. */
  maxRows?: number;
  /**
   * Total input size in bytes, when known up front (an upload's Content-Length). Lets the
   * reader size its columns once from the average record length instead of growing them.
   */
  expectedBytes?: number;
}

/**
 * Incremental CSV → `Columnar`. Call `push` with each chunk, then `finish` once. After an
 * error the reader is spent: every later call rethrows it.
 *
 * @example
 * const r = new CsvReader({ categories: ['sex'], numbers: [] }, { maxRows: 1_000_000 });
 * r.push(new TextEncoder().encode('sex\nF\nM\n'));
 * r.finish().nRows; // 2
 */
export class CsvReader {
  /** Normalised; with `otherColumns`, the header's other columns join `categories` once it is read. */
  private request: ColumnRequest;
  private readonly maxRows: number;

  private state = S_START;
  private fieldIdx = 0;
  private role = R_HEADER;
  private slot = 0;
  /** Physical line the parser is on (1-based; newlines inside quotes count). */
  private line = 1;
  /** Line the current record starts on: what errors report. */
  private recordLine = 1;
  /** The last record ended with CR: an LF right after it belongs to the same line end. */
  private skipLF = false;
  /** The current field's bytes so far, when it spans chunks or has `""` escapes. */
  private pend = new Uint8Array(256);
  private pendLen = 0;
  private usePend = false;
  /** First bytes held until we know whether they start with a BOM; null once decided. */
  private lead: Uint8Array | null = NO_BYTES;

  private header: string[] | null = null;
  private headerFields: string[] = [];
  private nFields = 0;
  private roles = new Uint8Array(0);
  private slots = new Int32Array(0);
  private catCodes: Int32Array[] = [];
  private catDicts: ByteDict[] = [];
  private numValues: Float64Array[] = [];
  private nRows = 0;
  private capacity = 0;
  private readonly expectedBytes: number;
  /** Input bytes of the chunks before the current one (after any BOM). */
  private consumed = 0;

  private failure: AirlockError | null = null;
  private done = false;

  constructor(request: ColumnRequest, opts: CsvReaderOptions = {}) {
    this.request = normaliseRequest(request);
    this.maxRows = opts.maxRows ?? Infinity;
    this.expectedBytes = opts.expectedBytes ?? 0;
  }

  /** The header's column names, once the header row has been read (null before). */
  get columnNames(): readonly string[] | null {
    return this.header;
  }

  /** Feeds the next chunk of the CSV bytes; chunks may be cut at any byte. */
  push(chunk: Uint8Array): void {
    this.guard(() => {
      let buf: Uint8Array | null = chunk;
      if (this.lead) buf = this.takeLead(chunk, false);
      if (buf) {
        this.parse(buf);
        this.consumed += buf.length;
      }
    });
  }

  /** Ends the input (a last line without a newline is a record) and returns the columns. */
  finish(): Columnar {
    return this.guard(() => {
      if (this.lead) this.parse(this.takeLead(NO_BYTES, true) ?? NO_BYTES);
      this.done = true;
      switch (this.state) {
        case S_QUOTED:
          throw unparseable(this.recordLine, 'a quoted field is not closed');
        case S_QUOTE:
        case S_UNQUOTED:
          this.takeField(NO_BYTES, 0, 0);
          this.endRecord();
          break;
        default:
          // A record whose last field is empty and unterminated (`a,b\n1,`).
          if (this.fieldIdx > 0) {
            this.takeField(NO_BYTES, 0, 0);
            this.endRecord();
          }
      }
      if (!this.header) throw new AirlockError('MICRODATA_EMPTY', 'the CSV has no header row');
      return this.result();
    });
  }

  private guard<T>(run: () => T): T {
    if (this.failure) throw this.failure;
    if (this.done) throw new AirlockError('INTERNAL', 'CsvReader used after finish()');
    try {
      return run();
    } catch (e) {
      this.failure = e instanceof AirlockError ? e : new AirlockError('INTERNAL');
      throw e;
    }
  }

  /** Holds back the first bytes until 3 are seen (or the input ends), then strips a BOM. */
  private takeLead(chunk: Uint8Array, final: boolean): Uint8Array | null {
    const lead = this.lead ?? NO_BYTES;
    const all = lead.length ? concat(lead, chunk) : chunk;
    if (all.length < 3 && !final) {
      this.lead = all === chunk ? chunk.slice() : all;
      return null;
    }
    this.lead = null;
    return all.length >= 3 && all[0] === 0xef && all[1] === 0xbb && all[2] === 0xbf ? all.subarray(3) : all;
  }

  private parse(buf: Uint8Array): void {
    const n = buf.length;
    let i = 0;
    // A field carried over from the previous chunk continues at byte 0 of this one.
    let segStart = 0;
    while (i < n) {
      let state = this.state;
      if (state === S_START && this.fieldIdx === 0 && this.header && !this.skipLF) {
        i = this.fastRecords(buf, i);
        if (i >= n) return;
      }
      if (state === S_START) {
        const c = buf[i];
        if (this.skipLF) {
          this.skipLF = false;
          if (c === LF) {
            i++;
            continue;
          }
        }
        if (this.fieldIdx === 0) {
          if (c === LF || c === CR) {
            this.line++;
            this.skipLF = c === CR;
            i++;
            continue;
          }
          this.startRecord();
        }
        if (c === QUOTE) {
          state = S_QUOTED;
          i++;
        } else {
          state = S_UNQUOTED;
        }
        segStart = i;
        this.state = state;
      }

      if (state === S_UNQUOTED) {
        let j = i;
        let c = 0;
        while (j < n) {
          c = buf[j] ?? outOfRange();
          if (c <= COMMA && (c === COMMA || c === LF || c === CR || c === QUOTE)) break;
          j++;
        }
        if (j === n) {
          this.hold(buf, segStart, n);
          return;
        }
        if (c === QUOTE) throw unparseable(this.recordLine, 'a quote inside an unquoted field');
        this.takeField(buf, segStart, j);
        this.delimit(c);
        i = j + 1;
      } else if (state === S_QUOTED) {
        let j = i;
        while (j < n) {
          const c = buf[j];
          if (c === QUOTE) break;
          if (c === LF) this.line++;
          j++;
        }
        if (j === n) {
          this.hold(buf, segStart, n);
          return;
        }
        if (j + 1 === n) {
          this.hold(buf, segStart, j);
          this.state = S_QUOTE;
          return;
        }
        const c = buf[j + 1] ?? outOfRange();
        if (c === QUOTE) {
          // `""`: keep one quote, carry on inside the field.
          this.hold(buf, segStart, j + 1);
          i = segStart = j + 2;
          continue;
        }
        this.takeField(buf, segStart, j);
        this.delimit(c);
        i = j + 2;
      } else {
        // S_QUOTE: the previous chunk ended on a quote inside a quoted field.
        const c = buf[i] ?? outOfRange();
        if (c === QUOTE) {
          this.hold(QUOTE_BYTES, 0, 1);
          this.state = S_QUOTED;
          i = segStart = i + 1;
        } else {
          this.takeField(NO_BYTES, 0, 0);
          this.delimit(c);
          i++;
        }
      }
    }
  }

  /**
   * The common case, record after record without the state machine: plain or simply quoted
   * fields wholly inside this chunk. Anything else (the chunk's end, an escape, a quoted
   * newline, a blank line, a wrong field count, a bad value) stops it at the start of that
   * record, and the state machine parses the record (and reports its error). Fields stored
   * before stopping are stored again, to the same row. Returns where it stopped.
   */
  private fastRecords(buf: Uint8Array, i: number): number {
    const n = buf.length;
    const roles = this.roles;
    const slots = this.slots;
    const dicts = this.catDicts;
    const last = this.nFields - 1;
    let codes = this.catCodes;
    let values = this.numValues;
    let nRows = this.nRows;
    let line = this.line;
    records: while (i < n) {
      const first = buf[i];
      if (first === LF || first === CR || nRows >= this.maxRows) break;
      if (nRows === this.capacity) {
        this.nRows = nRows;
        this.grow(this.consumed + i);
        codes = this.catCodes;
        values = this.numValues;
      }
      const recordStart = i;
      let c = 0;
      for (let f = 0; ; f++) {
        const role = roles[f];
        let start = i;
        let end: number;
        let h = FNV_OFFSET;
        if (start < n && buf[start] === QUOTE) {
          start++;
          let j = start;
          while (j < n) {
            c = buf[j] ?? outOfRange();
            if (c === QUOTE || c === LF) break;
            j++;
          }
          if (j + 1 >= n || c !== QUOTE) {
            i = recordStart;
            break records;
          }
          end = j;
          c = buf[j + 1] ?? outOfRange();
          i = j + 2;
          if (role === R_CATEGORY) for (let k = start; k < end; k++) h = Math.imul(h ^ (buf[k] ?? outOfRange()), FNV_PRIME);
        } else {
          let j = start;
          if (role === R_CATEGORY) {
            while (j < n) {
              c = buf[j] ?? outOfRange();
              if (c <= COMMA && (c === COMMA || c === LF || c === CR || c === QUOTE)) break;
              h = Math.imul(h ^ c, FNV_PRIME);
              j++;
            }
          } else {
            while (j < n) {
              c = buf[j] ?? outOfRange();
              if (c <= COMMA && (c === COMMA || c === LF || c === CR || c === QUOTE)) break;
              j++;
            }
          }
          if (j === n || c === QUOTE) {
            i = recordStart;
            break records;
          }
          end = j;
          i = j + 1;
        }
        if ((f < last ? c !== COMMA : c !== LF && c !== CR) || (role !== R_SKIP && end - start > MAX_FIELD_BYTES)) {
          i = recordStart;
          break records;
        }
        if (role === R_CATEGORY) {
          const slot = slots[f] ?? outOfRange();
          const code = end > start ? (dicts[slot] ?? outOfRange()).find(buf, start, end, h) : -1;
          if (code < -1) {
            i = recordStart;
            break records;
          }
          (codes[slot] ?? outOfRange())[nRows] = code;
        } else if (role === R_NUMBER) {
          const v = parseMeasureBytes(buf, start, end);
          if (v === NOT_A_NUMBER) {
            i = recordStart;
            break records;
          }
          (values[slots[f] ?? outOfRange()] ?? outOfRange())[nRows] = v;
        }
        if (f === last) break;
      }
      nRows++;
      line++;
      if (c === CR) {
        if (i === n) this.skipLF = true;
        else if (buf[i] === LF) i++;
      }
    }
    this.nRows = nRows;
    this.line = line;
    return i;
  }

  private startRecord(): void {
    this.recordLine = this.line;
    if (this.header) {
      if (this.nRows >= this.maxRows) {
        throw new AirlockError('BODY_TOO_LARGE', `the CSV has more than ${this.maxRows} data rows`, [
          { line: this.line, message: `more than ${this.maxRows} data rows` },
        ]);
      }
      if (this.nRows === this.capacity) this.grow(this.consumed);
    }
    this.setRole();
  }

  private setRole(): void {
    if (this.header) {
      this.role = this.roles[this.fieldIdx] ?? outOfRange();
      this.slot = this.slots[this.fieldIdx] ?? outOfRange();
    } else {
      this.role = R_HEADER;
    }
  }

  /** After a field: `c` is the byte that ended it. */
  private delimit(c: number): void {
    if (c === COMMA) {
      const next = this.fieldIdx + 1;
      if (this.header && next >= this.nFields) throw ragged(this.recordLine, `more than ${this.nFields}`, this.nFields);
      this.fieldIdx = next;
      this.setRole();
    } else if (c === LF || c === CR) {
      this.endRecord();
      this.line++;
      this.skipLF = c === CR;
    } else {
      throw unparseable(this.recordLine, 'text after the closing quote of a field');
    }
    this.state = S_START;
  }

  private endRecord(): void {
    if (this.header) {
      const fields = this.fieldIdx + 1;
      if (fields !== this.nFields) throw ragged(this.recordLine, String(fields), this.nFields);
      this.nRows++;
    } else {
      this.setHeader();
    }
    this.fieldIdx = 0;
    this.state = S_START;
  }

  /** The current field continues past this chunk or has an escape: keep its bytes so far. */
  private hold(buf: Uint8Array, start: number, end: number): void {
    this.usePend = true;
    if (this.role === R_SKIP) return;
    const len = end - start;
    if (this.pendLen + len > MAX_FIELD_BYTES) throw this.fieldTooLarge();
    if (this.pendLen + len > this.pend.length) {
      const bigger = new Uint8Array(Math.max(this.pend.length * 2, this.pendLen + len));
      bigger.set(this.pend.subarray(0, this.pendLen));
      this.pend = bigger;
    }
    this.pend.set(buf.subarray(start, end), this.pendLen);
    this.pendLen += len;
  }

  /** The field is complete: its content is `buf[start, end)`, after any held bytes. */
  private takeField(buf: Uint8Array, start: number, end: number): void {
    const role = this.role;
    if (this.usePend) {
      this.usePend = false;
      if (role === R_SKIP) return;
      if (end > start) this.hold(buf, start, end);
      buf = this.pend;
      start = 0;
      end = this.pendLen;
      this.pendLen = 0;
    }
    if (role !== R_SKIP && end - start > MAX_FIELD_BYTES) throw this.fieldTooLarge();
    if (role === R_CATEGORY) {
      let code = -1;
      if (end > start) {
        code = at(this.catDicts, this.slot).code(buf, start, end);
        if (code === TOO_LONG) throw this.fieldTooLarge();
        if (code < 0) throw unparseable(this.recordLine, 'a field is not valid UTF-8');
      }
      at(this.catCodes, this.slot)[this.nRows] = code;
    } else if (role === R_NUMBER) {
      const v = parseMeasureBytes(buf, start, end);
      if (v === NOT_A_NUMBER) {
        const column = at(this.request.numbers, this.slot);
        const where = `line ${this.recordLine}, column ${JSON.stringify(column)}`;
        throw new AirlockError('NON_NUMERIC_MEASURE', `${where}: not a number`, [
          { line: this.recordLine, column, message: 'not a finite number' },
        ]);
      }
      at(this.numValues, this.slot)[this.nRows] = v;
    } else if (role === R_HEADER) {
      const name = decodeUtf8(buf, start, end);
      if (name === null) throw unparseable(this.recordLine, 'the header is not valid UTF-8');
      if (longerThan(name, MAX_LABEL_LENGTH)) throw this.fieldTooLarge();
      this.headerFields.push(name);
    }
  }

  /** The field being read is too long: where it is, never what it holds. */
  private fieldTooLarge(): AirlockError {
    const column = this.role === R_HEADER ? null : this.role === R_NUMBER ? this.request.numbers[this.slot] : this.request.categories[this.slot];
    const where = `line ${this.recordLine}${column === null || column === undefined ? ' (the header)' : `, column ${JSON.stringify(column)}`}`;
    const what = `longer than ${MAX_LABEL_LENGTH} characters (${MAX_FIELD_BYTES} bytes)`;
    return new AirlockError('FIELD_TOO_LARGE', `${where}: a field is ${what}`, [{ line: this.recordLine, ...(column ? { column } : {}), message: `field ${what}` }]);
  }

  private setHeader(): void {
    const names = this.headerFields;
    const seen = new Set<string>();
    const dups = new Set<string>();
    for (const name of names) (seen.has(name) ? dups : seen).add(name);
    if (dups.size) {
      throw new AirlockError('CSV_UNPARSEABLE', `the header names ${[...dups].map((d) => JSON.stringify(d)).join(', ')} more than once`, [
        ...[...dups].map((column) => ({ line: this.recordLine, column, message: 'duplicate column name in the header' })),
      ]);
    }
    if (this.request.otherColumns === 'category') {
      const named = new Set([...this.request.categories, ...this.request.numbers]);
      this.request = { ...this.request, categories: [...this.request.categories, ...names.filter((n) => !named.has(n))] };
    }
    const { categories, numbers } = this.request;
    const missing = [...categories, ...numbers].filter((c) => !seen.has(c));
    if (missing.length) {
      throw new AirlockError(
        'UNKNOWN_COLUMN',
        `column(s) ${missing.map((m) => JSON.stringify(m)).join(', ')} not in the CSV header (which has ${names.length} columns)${suggestionIfOne(missing, names)}`,
        missing.map((column) => ({ column, message: `not in the CSV header (${names.length} columns)${suggestion(column, names)}` })),
      );
    }
    this.nFields = names.length;
    this.roles = new Uint8Array(names.length);
    this.slots = new Int32Array(names.length);
    categories.forEach((c, k) => {
      const at = names.indexOf(c);
      this.roles[at] = R_CATEGORY;
      this.slots[at] = k;
    });
    numbers.forEach((c, k) => {
      const at = names.indexOf(c);
      this.roles[at] = R_NUMBER;
      this.slots[at] = k;
    });
    this.catDicts = categories.map(() => new ByteDict());
    this.header = names;
  }

  /**
   * Enlarges every materialised column; `at` is how many input bytes are read. With
   * `expectedBytes`, the new capacity is the expected row count from the average record
   * length so far (plus a margin), so an upload is usually sized once; otherwise it doubles.
   * Fresh memory is costly (every page is faulted in on first write), so fewer, right-sized
   * allocations matter more than the copies themselves.
   */
  private grow(at: number): void {
    let cap = Math.max(INITIAL_ROWS, this.capacity * 2);
    if (this.nRows > 0 && at > 0 && this.expectedBytes > at) {
      const expected = Math.ceil(this.nRows * (this.expectedBytes / at) * 1.05) + INITIAL_ROWS;
      if (expected > this.capacity) cap = Math.max(expected, Math.ceil(this.capacity * 1.25));
    }
    cap = Math.min(cap, this.maxRows);
    this.catCodes = this.catCodes.length
      ? this.catCodes.map((old) => {
          const a = new Int32Array(cap);
          a.set(old);
          return a;
        })
      : this.request.categories.map(() => new Int32Array(cap));
    this.numValues = this.numValues.length
      ? this.numValues.map((old) => {
          const a = new Float64Array(cap);
          a.set(old);
          return a;
        })
      : this.request.numbers.map(() => new Float64Array(cap));
    this.capacity = cap;
  }

  private result(): Columnar {
    const n = this.nRows;
    const columns = new Map<string, Column>();
    this.request.categories.forEach((name, k) => {
      const codes = this.catCodes[k]?.subarray(0, n) ?? new Int32Array(0);
      const col: CategoryColumn = { type: 'category', codes, dict: at(this.catDicts, k).labels };
      columns.set(name, col);
    });
    this.request.numbers.forEach((name, k) => {
      const values = this.numValues[k]?.subarray(0, n) ?? new Float64Array(0);
      const col: NumberColumn = { type: 'number', values };
      columns.set(name, col);
    });
    // Views, not copies: copying would fault in fresh pages for every row again, and the
    // unused tail of a buffer was never written, so it costs address space, not memory.
    this.catCodes = [];
    this.numValues = [];
    return { nRows: n, columns };
  }
}

/**
 * Reads a whole CSV held in memory (a string or its UTF-8 bytes).
 *
 * @example
 * const data = readCsv('region,income\nN,10\nS,NA\n', { categories: ['region'], numbers: ['income'] });
 * data.nRows; // 2
 */
export function readCsv(input: string | Uint8Array, request: ColumnRequest, opts?: CsvReaderOptions): Columnar {
  // A string's byte length is at least its length; near enough to size the columns.
  const reader = new CsvReader(request, { ...opts, expectedBytes: input.length });
  if (typeof input === 'string') pushString(reader, input);
  else reader.push(input);
  return reader.finish();
}

/** UTF-16 units encoded per chunk of `pushString`. */
const STRING_SLICE = 1 << 16;

/**
 * Feeds a string as UTF-8 in slices through one small buffer, instead of encoding it whole:
 * a 1M-row CSV would otherwise need a second, freshly allocated copy of itself. A slice never
 * ends inside a surrogate pair, so the bytes are exactly those of encoding the whole string.
 */
function pushString(reader: CsvReader, input: string): void {
  const encoder = new TextEncoder();
  const buf = new Uint8Array(STRING_SLICE * 3 + 3);
  for (let start = 0; start < input.length; ) {
    let end = Math.min(start + STRING_SLICE, input.length);
    const last = input.charCodeAt(end - 1);
    if (end < input.length && last >= 0xd800 && last <= 0xdbff) end++;
    const { written } = encoder.encodeInto(input.slice(start, end), buf);
    reader.push(buf.subarray(0, written));
    start = end;
  }
}

/**
 * A category dictionary keyed by the field's raw bytes: looking a value up hashes and
 * compares bytes in place, and only a value seen for the first time is decoded to a string.
 * UTF-8 decoding is strict, so distinct byte strings are distinct labels.
 */
class ByteDict {
  readonly labels: string[] = [];
  private arena = new Uint8Array(1024);
  private arenaLen = 0;
  private starts = new Int32Array(16);
  private hashes = new Int32Array(16);
  private table = new Int32Array(64).fill(-1);
  private mask = 63;

  /** Code of the value `buf[start, end)`, adding it if new; −2 if it is not valid UTF-8, TOO_LONG (−3) above MAX_LABEL_LENGTH code points. */
  code(buf: Uint8Array, start: number, end: number): number {
    let h = FNV_OFFSET;
    for (let i = start; i < end; i++) h = Math.imul(h ^ (buf[i] ?? outOfRange()), FNV_PRIME);
    return this.find(buf, start, end, h);
  }

  /** As `code`, with `h` the FNV-1a hash of the bytes, computed while scanning them. */
  find(buf: Uint8Array, start: number, end: number, h: number): number {
    const len = end - start;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const id = this.table[slot] ?? outOfRange();
      if (id < 0) break;
      if (this.hashes[id] === h) {
        const s = this.starts[id] ?? outOfRange();
        if ((this.starts[id + 1] ?? outOfRange()) - s === len) {
          const arena = this.arena;
          let k = 0;
          while (k < len && arena[s + k] === buf[start + k]) k++;
          if (k === len) return id;
        }
      }
      slot = (slot + 1) & mask;
    }
    const label = decodeUtf8(buf, start, end);
    if (label === null) return -2;
    if (longerThan(label, MAX_LABEL_LENGTH)) return TOO_LONG;
    return this.add(buf, start, end, h, slot, label);
  }

  private add(buf: Uint8Array, start: number, end: number, h: number, slot: number, label: string): number {
    const id = this.labels.length;
    const len = end - start;
    if (this.arenaLen + len > this.arena.length) {
      this.arena = copyInto(new Uint8Array(Math.max(this.arena.length * 2, this.arenaLen + len)), this.arena);
    }
    this.arena.set(buf.subarray(start, end), this.arenaLen);
    if (id + 2 > this.starts.length) {
      this.starts = copyInto(new Int32Array(this.starts.length * 2), this.starts);
      this.hashes = copyInto(new Int32Array(this.hashes.length * 2), this.hashes);
    }
    // starts[id + 1] is the end of value `id`: the start of the next one.
    this.starts[id] = this.arenaLen;
    this.arenaLen += len;
    this.starts[id + 1] = this.arenaLen;
    this.hashes[id] = h;
    this.labels.push(label);
    this.table[slot] = id;
    if (this.labels.length * 2 > this.mask) this.rehash();
    return id;
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2;
    const table = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let id = 0; id < this.labels.length; id++) {
      let slot = (this.hashes[id] ?? outOfRange()) & mask;
      while ((table[slot] ?? outOfRange()) >= 0) slot = (slot + 1) & mask;
      table[slot] = id;
    }
    this.table = table;
    this.mask = mask;
  }
}

/** What `ByteDict.find` returns for a label longer than MAX_LABEL_LENGTH code points. */
const TOO_LONG = -3;

function decodeUtf8(buf: Uint8Array, start: number, end: number): string | null {
  try {
    return utf8.decode(buf.subarray(start, end));
  } catch {
    return null;
  }
}

function copyInto<T extends Int32Array | Float64Array | Uint8Array>(to: T, from: T): T {
  to.set(from);
  return to;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function unparseable(line: number, what: string): AirlockError {
  return new AirlockError('CSV_UNPARSEABLE', `line ${line}: ${what}`, [{ line, message: what }]);
}

function ragged(line: number, fields: string, expected: number): AirlockError {
  const what = `${fields} fields, the header has ${expected}`;
  return new AirlockError('CSV_RAGGED', `line ${line} has ${what}`, [{ line, message: `the record has ${what}` }]);
}
