import { describe, expect, it } from 'vitest';
import type { CategoryColumn } from '../../../src/outputs/table/columnar.js';
import { readCsv } from '../../../src/outputs/table/csv-reader.js';

// readCsv feeds a string to the reader in 64Ki-unit slices: labels that straddle a slice
// boundary, astral characters included, must read exactly as from the string's bytes. The
// padding that puts a label on the boundary is in a column that is not read (a label may
// not be that long: FIELD_TOO_LARGE).
const SLICE = 1 << 16;

describe('readCsv with a string longer than one slice', () => {
  it.each([
    ['ASCII', 'abc'],
    ['a two-byte character', 'é'],
    ['an astral character (surrogate pair)', '😀'],
    ['a quoted label with an escaped quote', '"q""😀"'],
  ])('reads %s across every slice boundary position', (_name, label) => {
    const header = 'p,k\n';
    for (const shift of [0, 1, 2]) {
      // The first label starts at unit SLICE - shift - 1, as with a one-column CSV.
      const pad = 'p'.repeat(SLICE - header.length - shift - 5);
      const csv = `${header}${pad},x\n,${label}\n,${label}\n`;
      const data = readCsv(csv, { categories: ['k'], numbers: [] });
      const col = data.columns.get('k') as CategoryColumn;
      const fromBytes = readCsv(new TextEncoder().encode(csv), { categories: ['k'], numbers: [] }).columns.get('k') as CategoryColumn;
      expect(data.nRows).toBe(3);
      expect(col.dict).toEqual(fromBytes.dict);
      expect([...col.codes]).toEqual([...fromBytes.codes]);
    }
  });
});
