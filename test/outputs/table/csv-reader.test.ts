import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../helpers/seeded-random.js';
import type { ErrorCode } from '../../../src/errors.js';
import { expectCode } from '../../helpers/parse-output.js';
import { plainColumns } from '../../helpers/plain-columns.js';
import type { ColumnRequest } from '../../../src/outputs/table/columnar.js';
import { CsvReader, readCsv } from '../../../src/outputs/table/csv-reader.js';

const REQ: ColumnRequest = { categories: ['region', 'sex'], numbers: ['value'] };
const enc = new TextEncoder();

function read(csv: string | Uint8Array, req: ColumnRequest = REQ, opts?: { maxRows?: number }) {
  return plainColumns(readCsv(csv, req, opts));
}

/** Feeds `bytes` cut at the given offsets. */
function readChunked(bytes: Uint8Array, cuts: number[], req: ColumnRequest = REQ) {
  const r = new CsvReader(req);
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    r.push(bytes.subarray(from, at));
    from = at;
  }
  return plainColumns(r.finish());
}


describe('readCsv: values', () => {
  it('reads requested columns only, categories as dictionary codes', () => {
    const c = readCsv('region,unused,sex,value\nN,x,F,1.5\nS,y,M,2\nN,z,F,-3\n', REQ);
    expect(c.nRows).toBe(3);
    expect([...c.columns.keys()]).toEqual(['region', 'sex', 'value']);
    const region = c.columns.get('region');
    expect(region).toEqual({ type: 'category', codes: Int32Array.of(0, 1, 0), dict: ['N', 'S'] });
    expect(c.columns.get('value')).toEqual({ type: 'number', values: Float64Array.of(1.5, 2, -3) });
  });

  it('keeps dimension text exactly: "01" stays "01", no trimming, NA is a label', () => {
    expect(read('region,sex,value\n01,  F ,1\n1,NA,2\n', REQ)).toEqual({ nRows: 2, region: ['01', '1'], sex: ['  F ', 'NA'], value: [1, 2] });
  });

  it('treats an empty dimension field (quoted or not) as missing', () => {
    expect(read('region,sex,value\n,F,1\n"",M,2\nN,,3\n')).toEqual({
      nRows: 3,
      region: [null, null, 'N'],
      sex: ['F', 'M', null],
      value: [1, 2, 3],
    });
  });

  it.each(['', 'NA', 'NaN', 'nan', 'N/A', 'null', 'NULL', '" "', '""'])('reads measure %j as missing', (token) => {
    expect(read(`region,sex,value\nN,F,${token}\nN,F,4\n`).value).toEqual([NaN, 4]);
  });

  it.each([
    ['1.5', 1.5],
    ['-2', -2],
    ['+3', 3],
    ['1e3', 1000],
    ['-2.5E-2', -0.025],
    ['.5', 0.5],
    ['"7.25"', 7.25],
    [' 8 ', 8],
    ['12345678901234567890', 12345678901234567000],
  ])('reads measure %j as %d', (text, expected) => {
    expect(read(`region,sex,value\nN,F,${text}\n`).value).toEqual([expected]);
  });

  it('gives the same doubles as Number() through the CSV path', () => {
    const texts = ['0.1', '0.7', '1.005', '123456.789', '-0.000123', '9007199254740993', '4.35', '1e-7', '2.2250738585072014e-308', '0.30000000000000004'];
    const csv = 'region,sex,value\n' + texts.map((t) => `N,F,${t}\n`).join('');
    const values = read(csv).value as number[];
    texts.forEach((t, i) => expect(Object.is(values[i], Number(t))).toBe(true));
  });

  it.each([
    ['LF', 'region,sex,value\nN,F,1\nS,M,2\n'],
    ['CRLF', 'region,sex,value\r\nN,F,1\r\nS,M,2\r\n'],
    ['CR', 'region,sex,value\rN,F,1\rS,M,2\r'],
    ['no final newline', 'region,sex,value\nN,F,1\nS,M,2'],
    ['blank trailing lines', 'region,sex,value\nN,F,1\nS,M,2\n\n\r\n\n'],
    ['blank lines between records', 'region,sex,value\n\nN,F,1\r\n\r\nS,M,2\n'],
    ['a UTF-8 BOM', '\uFEFFregion,sex,value\nN,F,1\nS,M,2\n'],
    ['quoted fields', '"region","sex","value"\n"N","F","1"\n"S","M",2\n'],
  ])('reads %s', (_, csv) => {
    expect(read(csv)).toEqual({ nRows: 2, region: ['N', 'S'], sex: ['F', 'M'], value: [1, 2] });
  });

  it('reads quoted commas, "" escapes, quoted newlines and multi-byte UTF-8', () => {
    const csv = 'region,sex,value\n"a,b","say ""hi""",1\r\n"line1\nline2",é日本🙂,2\n';
    expect(read(csv)).toEqual({ nRows: 2, region: ['a,b', 'line1\nline2'], sex: ['say "hi"', 'é日本🙂'], value: [1, 2] });
  });

  it('strips a BOM given as bytes, even one byte at a time', () => {
    const bytes = enc.encode('\uFEFFregion,sex,value\nN,F,1\n');
    expect(bytes[0]).toBe(0xef);
    expect(readChunked(bytes, [1, 2, 3])).toEqual({ nRows: 1, region: ['N'], sex: ['F'], value: [1] });
  });

  it('keeps a BOM-like character that is not at the start', () => {
    expect(read('region,sex,value\n\uFEFFN,F,1\n').region).toEqual(['\uFEFFN']);
  });

  it('does not decode or validate skipped columns', () => {
    const bytes = new Uint8Array([...enc.encode('region,sex,value,junk\nN,F,1,'), 0xff, 0xfe, ...enc.encode('\n')]);
    expect(read(bytes)).toEqual({ nRows: 1, region: ['N'], sex: ['F'], value: [1] });
  });

  it('reads a header with no data rows as zero rows', () => {
    expect(read('region,sex,value\n')).toEqual({ nRows: 0, region: [], sex: [], value: [] });
  });

  it('reads a column named twice in the request once', () => {
    expect(read('region,sex,value\nN,F,1\n', { categories: ['region', 'region'], numbers: [] })).toEqual({ nRows: 1, region: ['N'] });
  });

  it('accepts exactly maxRows rows', () => {
    expect(read('region,sex,value\nN,F,1\nS,M,2\n', REQ, { maxRows: 2 }).nRows).toBe(2);
  });

  it('reads many rows and many categories (growth and rehashing)', () => {
    const n = 5000;
    let csv = 'region,sex,value\n';
    for (let i = 0; i < n; i++) csv += `r${i % 1500},${i % 2 ? 'F' : 'M'},${i / 4}\n`;
    const c = readCsv(csv, REQ);
    const region = c.columns.get('region');
    expect(c.nRows).toBe(n);
    if (region?.type !== 'category') throw new Error('category expected');
    expect(region.dict.length).toBe(1500);
    expect(region.dict[region.codes[4321]]).toBe('r1321');
    expect(plainColumns(c).value).toEqual(Array.from({ length: n }, (_, i) => i / 4));
    // Streamed without a size hint, the columns grow by doubling instead: same result.
    expect(readChunked(enc.encode(csv), [1000, 30_000, 30_001])).toEqual(plainColumns(c));
  });
});

describe('readCsv: errors', () => {
  it.each([
    ['empty input', ''],
    ['only blank lines', '\n\r\n\n'],
    ['only a BOM', '\uFEFF'],
  ])('MICRODATA_EMPTY for %s', (_, csv) => {
    expectCode(() => readCsv(csv, REQ), 'MICRODATA_EMPTY');
  });

  it('UNKNOWN_COLUMN names the missing columns and the header size, not its values', () => {
    const e = expectCode(() => readCsv('region,secret_a,secret_b\nN,1,2\n', REQ), 'UNKNOWN_COLUMN');
    expect(e.details).toEqual([
      { column: 'sex', message: 'not in the CSV header (3 columns)' },
      { column: 'value', message: 'not in the CSV header (3 columns)' },
    ]);
    expect(e.message).not.toContain('secret');
  });

  it.each([
    ['too few fields', 'region,sex,value\nN,F,1\nS,M\n', 3],
    ['too many fields', 'region,sex,value\nN,F,1\nS,M,2,9\n', 3],
    ['after a quoted newline', 'region,sex,value\n"a\nb",F,1\nS,M\n', 4],
    ['a blank-looking but non-empty line', 'region,sex,value\nN,F,1\n \n', 3],
    ['after CRLF lines', 'region,sex,value\r\nN,F,1\r\n\r\nS\r\n', 4],
  ])('CSV_RAGGED for %s, with the line number', (_, csv, line) => {
    const e = expectCode(() => readCsv(csv, REQ), 'CSV_RAGGED');
    expect(e.details[0].line).toBe(line);
  });

  it.each([
    ['an unterminated quote', 'region,sex,value\nN,F,1\n"S,M,2\n', 3],
    ['a quote inside an unquoted field', 'region,sex,value\nN,F,1\nS,M"x,2\n', 3],
    ['text after a closing quote', 'region,sex,value\n"N"x,F,1\n', 2],
    ['duplicate header names', 'region,sex,value,sex\nN,F,1,M\n', 1],
    ['invalid UTF-8 in a dimension', new Uint8Array([...enc.encode('region,sex,value\nN,'), 0xc3, 0x28, ...enc.encode(',1\n')]), 2],
    ['invalid UTF-8 in the header', new Uint8Array([...enc.encode('region,sex,value,'), 0xff, ...enc.encode('\nN,F,1,2\n')]), 1],
  ])('CSV_UNPARSEABLE for %s', (_, csv, line) => {
    const e = expectCode(() => readCsv(csv, REQ), 'CSV_UNPARSEABLE');
    expect(e.details[0].line).toBe(line);
  });

  it.each(['abc', 'Infinity', '-Infinity', 'inf', '1e999', '0x1F', '1 000', '"1,5"', '€12', 'TRUE'])(
    'NON_NUMERIC_MEASURE for %j, naming line and column but never the value',
    (text) => {
      const e = expectCode(() => readCsv(`region,sex,value\nN,F,1\nS,M,2\nN,M,${text}\n`, REQ), 'NON_NUMERIC_MEASURE');
      expect(e.message).toBe('line 4, column "value": not a number');
      expect(e.details).toEqual([{ line: 4, column: 'value', message: 'not a finite number' }]);
    },
  );

  it('BODY_TOO_LARGE past maxRows', () => {
    const e = expectCode(() => readCsv('region,sex,value\nN,F,1\nS,M,2\nS,M,3\n', REQ, { maxRows: 2 }), 'BODY_TOO_LARGE');
    expect(e.details[0].line).toBe(4);
  });

  it('SPEC_INVALID for a column requested both as dimension and measure', () => {
    expectCode(() => readCsv('a\n1\n', { categories: ['a'], numbers: ['a'] }), 'SPEC_INVALID');
  });

  it('keeps failing after an error, and refuses use after finish', () => {
    const r = new CsvReader(REQ);
    expectCode(() => r.push(enc.encode('region,sex\n')), 'UNKNOWN_COLUMN');
    expectCode(() => r.push(enc.encode('N,F\n')), 'UNKNOWN_COLUMN');
    expectCode(() => r.finish(), 'UNKNOWN_COLUMN');
    const done = new CsvReader(REQ);
    done.push(enc.encode('region,sex,value\n'));
    done.finish();
    expect(() => done.finish()).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});

describe('readCsv: chunk boundaries', () => {
  // Every construct that state crosses a chunk boundary in: BOM, quotes, "" escapes at
  // chunk ends, quoted CRLF, CR/CRLF/LF endings, blank lines, multi-byte UTF-8, empty fields,
  // skipped quoted fields, a last line without a newline.
  const SAMPLE = enc.encode(
    '\uFEFFregion,skip,sex,value\r\n' +
      '"N ""x""",plain,F,1.5\r\n' +
      'é日本,"a ""b"" c\r\nd",🙂,-2e3\n' +
      '\n' +
      '"",,"M",NA\r' +
      '01,"",F,""\r\n' +
      '"a,b","""",,+.25\n' +
      'S,x,M,7',
  );
  const EXPECTED = {
    nRows: 6,
    region: ['N "x"', 'é日本', null, '01', 'a,b', 'S'],
    sex: ['F', '🙂', 'M', 'F', null, 'M'],
    value: [1.5, -2000, NaN, NaN, 0.25, 7],
  };

  it('reads the sample whole', () => {
    expect(readChunked(SAMPLE, [])).toEqual(EXPECTED);
  });

  it('gives the same result cut at every byte offset', () => {
    for (let at = 0; at <= SAMPLE.length; at++) expect(readChunked(SAMPLE, [at])).toEqual(EXPECTED);
  });

  it('gives the same result one byte at a time', () => {
    expect(readChunked(SAMPLE, Array.from({ length: SAMPLE.length }, (_, i) => i))).toEqual(EXPECTED);
  });

  it('gives the same result cut at random offsets', () => {
    const rnd = seededRandom(12345);
    for (let trial = 0; trial < 300; trial++) {
      const cuts = Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => Math.floor(rnd() * SAMPLE.length)).sort((a, b) => a - b);
      expect(readChunked(SAMPLE, cuts)).toEqual(EXPECTED);
    }
  });

  it.each<[ErrorCode, string, number]>([
    ['CSV_UNPARSEABLE', 'region,sex,value\nN,F,1\n"S""x",M,2\n"N"y,F,3\n', 4],
    ['CSV_UNPARSEABLE', 'region,sex,value\nN,F,1\nS,"M\n', 3],
    ['CSV_RAGGED', 'region,sex,value\r\n"a\r\nb",F,1\r\nS,M\r\n', 4],
    ['NON_NUMERIC_MEASURE', 'region,sex,value\nN,F,1\nS,M,"x"\n', 3],
  ])('reports %s at the same line wherever the input is cut', (code, csv, line) => {
    const bytes = enc.encode(csv);
    for (let at = 0; at <= bytes.length; at++) {
      expect(expectCode(() => readChunked(bytes, [at]), code).details[0].line).toBe(line);
    }
  });
});
