import { describe, expect, it } from 'vitest';
import { generalisationGain, kAnonymity } from '../../src/checks/k-anonymity.js';
import { MAX_FINDING_ITEMS } from '../../src/checks/item-check.js';
import { recordsKind } from '../../src/outputs/records/records-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params, repeat } from '../helpers/tiny-table.js';

type Row = Record<string, string>;
const records = (rows: Row[], quasi_identifiers: string[]) => parseAs(recordsKind, { microdata: { format: 'json', data: rows }, quasi_identifiers });

describe('k_anonymity', () => {
  it.each([
    [10, 10, 'pass'],
    [9, 10, 'fail'],
    [5, 5, 'pass'],
    [4, 5, 'fail'],
  ])('a class of %i with k %i: %s', (size, k, status) => {
    const rows = [...repeat(size, { age: '30-39', sex: 'F' }), ...repeat(20, { age: '40-49', sex: 'M' })];
    const [f] = kAnonymity.run(records(rows, ['age', 'sex']), params({ k }), ctx);
    expect(f).toMatchObject({ check: 'k_anonymity', status });
  });

  it('lists the small classes by number, size and first row, never their values', () => {
    const rows = [...repeat(12, { age: '30-39', sex: 'F', postcode: 'AB1' }), { age: '90+', sex: 'M', postcode: 'ZZ9' }, ...repeat(3, { age: '80-89', sex: 'F', postcode: 'AB1' })];
    const [f] = kAnonymity.run(records(rows, ['age', 'sex', 'postcode']), params(), ctx);
    expect(f.status).toBe('fail');
    expect(f.items).toEqual([
      { ref: 'class#2 (first at row 13)', value: 1, reason: '1 record has its own combination of (age, sex, postcode); k = 10' },
      { ref: 'class#3 (first at row 14)', value: 3, reason: '3 records share one combination of (age, sex, postcode); k = 10' },
    ]);
    expect(f.message).toBe('2 combinations of (age, sex, postcode) occur fewer than 10 times (4 records in them, of 16).');
    for (const value of ['90+', 'ZZ9', '80-89']) expect(JSON.stringify(f)).not.toContain(value);
  });

  it('names the quasi-identifier whose generalisation helps most', () => {
    // Postcode splits everyone into small groups; age and sex alone are safe.
    const rows = [...repeat(6, { age: 'a', sex: 'F', postcode: 'P1' }), ...repeat(6, { age: 'a', sex: 'F', postcode: 'P2' }), ...repeat(6, { age: 'a', sex: 'M', postcode: 'P1' }), ...repeat(6, { age: 'a', sex: 'M', postcode: 'P3' })];
    const r = records(rows, ['age', 'sex', 'postcode']);
    expect(generalisationGain(r, 10)[0]).toEqual({ column: 'postcode', rowsAtRisk: 0 });
    const [f] = kAnonymity.run(r, params(), ctx);
    expect(f.remedy).toBe(
      'Generalise postcode first (coarser categories, e.g. wider bands or fewer digits): without it, 0 records would remain in classes smaller than 10 instead of 24; or suppress the 24 records in classes smaller than 10.',
    );
  });

  it('lists the smallest classes first, at most MAX_FINDING_ITEMS, and counts them all', () => {
    const rows = [...Array.from({ length: 60 }, (_, i) => repeat(2, { id: `p${i}` })).flat(), ...Array.from({ length: 90 }, (_, i) => ({ id: `s${i}` }))];
    const [f] = kAnonymity.run(records(rows, ['id']), params(), ctx);
    expect(f.items).toHaveLength(MAX_FINDING_ITEMS);
    expect(f.items?.slice(0, 90).every((i) => i.value === 1)).toBe(true);
    expect(f.items?.slice(90).every((i) => i.value === 2)).toBe(true);
    expect(f.items?.[0].ref).toBe('class#61 (first at row 121)');
    expect(f.message).toContain('150 combinations');
    expect(f.message).toContain(`the first ${MAX_FINDING_ITEMS} of 150 are listed`);
  });

  it('with one quasi-identifier, says to generalise it', () => {
    const [f] = kAnonymity.run(records([{ sex: 'F' }], ['sex']), params(), ctx);
    expect(f.remedy).toMatch(/^Generalise sex \(coarser categories/);
  });
});
