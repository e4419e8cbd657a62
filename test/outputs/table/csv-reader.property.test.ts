/**
 * The CSV reader against csv-parse (a well-kept RFC 4180 parser) on generated CSV: quoted
 * fields with commas, quotes and embedded newlines, CRLF and LF line ends, a BOM, empty and
 * long fields, blank lines — and the same result wherever the input is cut into chunks.
 */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvReader, readCsv } from '../../../src/outputs/table/csv-reader.js';
import { MAX_LABEL_LENGTH } from '../../../src/limits.js';
import { plainColumns, type PlainColumns } from '../../helpers/plain-columns.js';
import { runs } from '../../helpers/property-runs.js';

const CHARS = ['a', 'b', 'Z', '0', '7', ' ', '-', '.', 'é', 'ß', '€', '😀', ',', '"', '\n', '\r\n', '\r', "'", ';', '\t'];
const shortField = fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 8 });
const longField = fc.string({ unit: fc.constantFrom('x', 'y', ',', '"', '\n', 'é'), minLength: 200, maxLength: MAX_LABEL_LENGTH });
const header = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/), { minLength: 2, maxLength: 4 });

interface Doc {
  names: string[];
  rows: string[][];
  quoteAll: boolean[][];
  eol: '\n' | '\r\n';
  bom: boolean;
  trailingEol: boolean;
  blankAfter: boolean[];
}

const doc = (field: fc.Arbitrary<string>, maxRows: number): fc.Arbitrary<Doc> =>
  header.chain((names) =>
    fc.record({
      names: fc.constant(names),
      rows: fc.array(fc.array(field, { minLength: names.length, maxLength: names.length }), { maxLength: maxRows }),
      quoteAll: fc.array(fc.array(fc.boolean(), { minLength: names.length, maxLength: names.length }), { minLength: maxRows + 1, maxLength: maxRows + 1 }),
      eol: fc.constantFrom('\n' as const, '\r\n' as const),
      bom: fc.boolean(),
      trailingEol: fc.boolean(),
      blankAfter: fc.array(fc.boolean(), { minLength: maxRows + 1, maxLength: maxRows + 1 }),
    }),
  );

const quote = (f: string) => `"${f.replaceAll('"', '""')}"`;

/** RFC 4180 text: fields with a delimiter, quote or line break are quoted, others sometimes. */
function serialise(d: Doc): string {
  const lines = [d.names, ...d.rows].map((r, i) => r.map((f, j) => (/[",\r\n]/.test(f) || d.quoteAll[i]![j] ? quote(f) : f)).join(','));
  let text = d.bom ? '\ufeff' : '';
  lines.forEach((l, i) => {
    text += l;
    if (i < lines.length - 1 || d.trailingEol) text += d.eol;
    // A blank line (no bytes) is not a record; one is only possible after a line end.
    if (d.blankAfter[i] && (i < lines.length - 1 || d.trailingEol)) text += d.eol;
  });
  return text;
}

/** What csv-parse reads, in the reader's terms: labels as written, empty = missing. */
function reference(text: string): PlainColumns {
  const records = parse(text, { bom: true, skip_empty_lines: true, relax_quotes: false }) as string[][];
  const [names, ...rows] = records;
  const out: PlainColumns = { nRows: rows.length };
  names!.forEach((n, j) => (out[n] = rows.map((r) => (r[j] === '' ? null : r[j]))));
  return out;
}

const read = (bytes: Uint8Array, names: string[]) => plainColumns(readCsv(bytes, { categories: names, numbers: [] }));

function readInPieces(bytes: Uint8Array, names: string[], cuts: number[]): PlainColumns {
  const r = new CsvReader({ categories: names, numbers: [] });
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    r.push(bytes.subarray(from, at));
    from = at;
  }
  return plainColumns(r.finish());
}

describe('CsvReader agrees with csv-parse', () => {
  it('on generated CSV with quotes, embedded newlines, CRLF, BOM, empty and long fields', () => {
    fc.assert(
      fc.property(doc(fc.oneof({ arbitrary: shortField, weight: 8 }, { arbitrary: fc.constant(''), weight: 2 }, { arbitrary: longField, weight: 1 }), 12), (d) => {
        const text = serialise(d);
        expect(read(new TextEncoder().encode(text), d.names)).toEqual(reference(text));
      }),
      runs(300),
    );
  });

  it('whatever byte the input is cut at (every boundary, and three-way cuts)', () => {
    fc.assert(
      fc.property(doc(shortField, 4), fc.array(fc.nat(), { minLength: 2, maxLength: 2 }), (d, extra) => {
        const bytes = new TextEncoder().encode(serialise(d));
        const whole = read(bytes, d.names);
        for (let k = 0; k <= bytes.length; k++) expect(readInPieces(bytes, d.names, [k])).toEqual(whole);
        const cuts = extra.map((x) => x % (bytes.length + 1)).sort((a, b) => a - b);
        expect(readInPieces(bytes, d.names, cuts)).toEqual(whole);
      }),
      runs(150),
    );
  });

  it('a one-byte-at-a-time upload reads like the whole', () => {
    fc.assert(
      fc.property(doc(shortField, 6), (d) => {
        const bytes = new TextEncoder().encode(serialise(d));
        const every = Array.from({ length: bytes.length }, (_, i) => i + 1).slice(0, -1);
        expect(readInPieces(bytes, d.names, every)).toEqual(reference(serialise(d)));
      }),
      runs(100),
    );
  });
});
