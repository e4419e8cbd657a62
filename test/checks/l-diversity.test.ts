import { describe, expect, it } from 'vitest';
import { lDiversity } from '../../src/checks/l-diversity.js';
import { recordsKind } from '../../src/outputs/records/records-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params, repeat } from '../helpers/tiny-table.js';

type Row = Record<string, string | null>;
const records = (rows: Row[], sensitive?: string) =>
  parseAs(recordsKind, { microdata: { format: 'json', data: rows }, quasi_identifiers: ['age'], ...(sensitive ? { sensitive } : {}) });
const classWith = (age: string, ...dx: string[]) => dx.map((d) => ({ age, dx: d }));

describe('l_diversity', () => {
  it.each([
    ['two values, l 2', classWith('a', 'x', 'y'), 2, 'pass'],
    ['one value, l 2', classWith('a', 'x', 'x'), 2, 'fail'],
    ['three values, l 3', classWith('a', 'x', 'y', 'z'), 3, 'pass'],
    ['two values, l 3', classWith('a', 'x', 'y', 'y'), 3, 'fail'],
  ])('%s: %s', (_what, rows, l, status) => {
    const [f] = lDiversity.run(records(rows, 'dx'), params({ l }), ctx);
    expect(f).toMatchObject({ check: 'l_diversity', status });
  });

  it('names the homogeneous class without its value (class disclosure)', () => {
    const rows = [...classWith('30-39', 'flu', 'cold'), ...repeat(12, { age: '40-49', dx: 'HIV' })];
    const [f] = lDiversity.run(records(rows, 'dx'), params(), ctx);
    expect(f.items).toEqual([{ ref: 'dx: class#2 (first at row 3)', value: 1, reason: '12 records with 1 distinct value of dx < l 2' }]);
    expect(JSON.stringify(f)).not.toContain('HIV');
    expect(f.remedy).toContain('at least 2 distinct values of dx');
  });

  it('does not count a missing sensitive value as a value: the published ones all say x', () => {
    const [f] = lDiversity.run(records([{ age: 'a', dx: 'x' }, { age: 'a', dx: null }], 'dx'), params(), ctx);
    expect(f.status).toBe('fail');
  });

  it('a class with no published value discloses nothing', () => {
    const [f] = lDiversity.run(records([...classWith('a', 'x', 'y'), { age: 'b', dx: null }, { age: 'b', dx: '' }], 'dx'), params(), ctx);
    expect(f.status).toBe('pass');
  });

  it('compares values after normalisation: "HIV" and "hiv " are one value', () => {
    const rows = [{ age: 'a', dx: 'HIV' }, { age: 'a', dx: 'hiv ' }, { age: 'a', dx: 'Ｈｉｖ' }];
    const [f] = lDiversity.run(records(rows, 'dx'), params(), ctx);
    expect(f).toMatchObject({ status: 'fail', items: [{ value: 1 }] });
  });

  it('without any sensitive column: review, attribute disclosure not checked', () => {
    const [f] = lDiversity.run(records(classWith('a', 'x', 'y')), params(), ctx);
    expect(f).toMatchObject({ check: 'l_diversity', status: 'review', items: [{ ref: 'columns', reason: 'no sensitive attribute: attribute disclosure not checked' }] });
    expect(f!.message).toMatch(/^No sensitive attribute: attribute disclosure not checked/);
  });

  it('checks every sensitive column, governance-listed and declared', () => {
    const rows = [
      { age: 'a', diagnosis: 'x', dx: 'p' },
      { age: 'a', diagnosis: 'y', dx: 'p' },
    ];
    const [f] = lDiversity.run(records(rows, 'dx'), params(), ctx);
    expect(f).toMatchObject({ status: 'fail', items: [{ ref: 'dx: class#1 (first at row 1)', value: 1 }] });
  });
});
