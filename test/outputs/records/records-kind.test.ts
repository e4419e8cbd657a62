import { describe, expect, it } from 'vitest';
import { recordsKind } from '../../../src/outputs/records/records-kind.js';
import { expectCode, parseAs } from '../../helpers/parse-output.js';

const csv = 'age_band,sex,diagnosis\n30-39,F,A\n30-39,F,B\n40-49,M,A\n';

describe('records kind: parsing', () => {
  it('reads CSV microdata and forms equivalence classes', () => {
    const r = parseAs(recordsKind, { microdata: { format: 'csv', data: csv }, quasi_identifiers: ['age_band', 'sex'], sensitive: 'diagnosis' });
    expect(r.nRows).toBe(3);
    expect(r.quasiIdentifiers).toEqual(['age_band', 'sex']);
    expect(r.sensitive).toBe('diagnosis');
    expect(r.classes.count).toBe(2);
    expect([...r.classes.sizes]).toEqual([2, 1]);
  });

  it('reads JSON rows the same way', () => {
    const rows = [{ age: 30, sex: 'F' }, { age: 30, sex: 'F' }, { age: 41, sex: null }];
    const r = parseAs(recordsKind, { microdata: { format: 'json', data: rows }, quasi_identifiers: ['age', 'sex'] });
    expect([...r.classes.sizes]).toEqual([2, 1]);
    expect(r.sensitiveColumn).toBeNull();
  });

  it.each([
    ['no quasi-identifiers', { microdata: { format: 'csv', data: csv }, quasi_identifiers: [] }, '/outputs/0/quasi_identifiers'],
    ['quasi_identifiers missing', { microdata: { format: 'csv', data: csv } }, '/outputs/0/quasi_identifiers'],
    ['a repeated quasi-identifier', { microdata: { format: 'csv', data: csv }, quasi_identifiers: ['sex', 'sex'] }, '/outputs/0/quasi_identifiers'],
    ['a non-string quasi-identifier', { microdata: { format: 'csv', data: csv }, quasi_identifiers: [3] }, '/outputs/0/quasi_identifiers/0'],
    ['sensitive is a quasi-identifier', { microdata: { format: 'csv', data: csv }, quasi_identifiers: ['sex'], sensitive: 'sex' }, '/outputs/0/sensitive'],
    ['no microdata', { quasi_identifiers: ['sex'] }, '/outputs/0/microdata'],
    ['unknown format', { microdata: { format: 'xml', data: csv }, quasi_identifiers: ['sex'] }, '/outputs/0/microdata/format'],
    ['no data', { microdata: { format: 'csv' }, quasi_identifiers: ['sex'] }, '/outputs/0/microdata/data'],
  ])('%s → RECORDS_INVALID', (_what, fields, pointer) => {
    const e = expectCode(() => parseAs(recordsKind, fields), 'RECORDS_INVALID');
    expect(e.details[0].pointer).toBe(pointer);
  });

  it.each([
    ['an unknown column', { microdata: { format: 'csv', data: csv }, quasi_identifiers: ['postcode'] }, 'UNKNOWN_COLUMN'],
    ['a ragged CSV', { microdata: { format: 'csv', data: 'a,b\n1\n' }, quasi_identifiers: ['a'] }, 'CSV_RAGGED'],
    ['JSON rows that are not objects', { microdata: { format: 'json', data: [1, 2] }, quasi_identifiers: ['a'] }, 'MICRODATA_INVALID'],
  ] as const)('%s → the reader’s %s', (_what, fields, code) => {
    expectCode(() => parseAs(recordsKind, fields), code);
  });
});
