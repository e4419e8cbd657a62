import { describe, expect, it } from 'vitest';
import type { CategoryColumn, NumberColumn } from '../../../src/outputs/table/columnar.js';
import { CsvReader, readCsv } from '../../../src/outputs/table/csv-reader.js';
import { readJsonRows } from '../../../src/outputs/table/json-rows-reader.js';

const labels = (c: unknown) => {
  const col = c as CategoryColumn;
  return [...col.codes].map((k) => (k < 0 ? null : col.dict[k]));
};

describe('reading every column (otherColumns: category)', () => {
  it('CSV: the named columns first, then every other header column in order, as text', () => {
    const d = readCsv('a,b,c,d\n1,x,2.5,\n3,y,4,z\n', { categories: ['c'], numbers: ['a'], otherColumns: 'category' });
    expect([...d.columns.keys()]).toEqual(['c', 'b', 'd', 'a']);
    expect(labels(d.columns.get('b'))).toEqual(['x', 'y']);
    expect(labels(d.columns.get('d'))).toEqual([null, 'z']);
    expect([...(d.columns.get('a') as NumberColumn).values]).toEqual([1, 3]);
  });

  it('CSV: works when the header and rows arrive in chunks cut anywhere', () => {
    const text = 'id,sex,age_band\n1,F,40-49\n2,M,50-59\n';
    const bytes = new TextEncoder().encode(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const r = new CsvReader({ categories: [], numbers: [], otherColumns: 'category' });
      r.push(bytes.subarray(0, cut));
      r.push(bytes.subarray(cut));
      const d = r.finish();
      expect([...d.columns.keys()]).toEqual(['id', 'sex', 'age_band']);
      expect(labels(d.columns.get('age_band'))).toEqual(['40-49', '50-59']);
    }
  });

  it('CSV: still refuses a named column the header lacks', () => {
    expect(() => readCsv('a,b\n1,2\n', { categories: ['z'], numbers: [], otherColumns: 'category' })).toThrow(/not in the CSV header/);
  });

  it('JSON rows: every key any row has, in order of first appearance', () => {
    const d = readJsonRows([{ a: 1 }, { b: 'x', a: 2 }, { c: true }], { categories: [], numbers: [], otherColumns: 'category' });
    expect([...d.columns.keys()]).toEqual(['a', 'b', 'c']);
    expect(labels(d.columns.get('b'))).toEqual([null, 'x', null]);
    expect(labels(d.columns.get('c'))).toEqual([null, null, 'true']);
  });

  it('without otherColumns, only the named columns are read', () => {
    expect([...readCsv('a,b\n1,2\n', { categories: ['a'], numbers: [] }).columns.keys()]).toEqual(['a']);
  });
});
