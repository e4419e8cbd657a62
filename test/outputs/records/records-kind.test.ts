import { describe, expect, it } from 'vitest';
import { recordsKind } from '../../../src/outputs/records/records-kind.js';
import { DEFAULT_PARAMETERS } from '../../../src/rules/parameters.js';
import { MALFORMED_MICRODATA } from '../../helpers/malformed-microdata.js';
import { expectCode, parseAs, parseCtx } from '../../helpers/parse-output.js';

const csv = 'age_band,sex,diagnosis\n30-39,F,A\n30-39,F,B\n40-49,M,A\n';

describe('records kind: parsing', () => {
  it('reads CSV microdata: every column but the sensitive attributes is a quasi-identifier', () => {
    const r = parseAs(recordsKind, { microdata: { format: 'csv', data: csv } });
    expect(r.nRows).toBe(3);
    expect(r.columns).toEqual(['age_band', 'sex', 'diagnosis']);
    expect(r.quasiIdentifiers).toEqual(['age_band', 'sex']);
    expect(r.sensitive.map((s) => [s.name, s.source])).toEqual([['diagnosis', 'governance']]);
    expect(r.classes.count).toBe(2);
    expect([...r.classes.sizes]).toEqual([2, 1]);
  });

  it('reads JSON rows the same way, with every key any row has', () => {
    const rows = [{ age: 30, sex: 'F' }, { age: 30, sex: 'F' }, { age: 41, sex: null, region: 'N' }];
    const r = parseAs(recordsKind, { microdata: { format: 'json', data: rows } });
    expect(r.quasiIdentifiers).toEqual(['age', 'sex', 'region']);
    expect([...r.classes.sizes]).toEqual([2, 1]);
    expect(r.sensitive).toEqual([]);
  });

  it('ignores the quasi_identifiers a submitter leaves out: columns they did not name are still quasi-identifiers', () => {
    const data = 'age_band,sex,nhs_number,dob,postcode,diagnosis\n40-49,F,9434765919,1980-02-01,AB1 2CD,E11\n';
    const r = parseAs(recordsKind, { microdata: { format: 'csv', data }, quasi_identifiers: ['age_band', 'sex'] });
    expect(r.quasiIdentifiers).toEqual(['age_band', 'sex', 'nhs_number', 'dob', 'postcode']);
  });

  it('matches governance sensitive attributes by name key (case, spaces and punctuation ignored)', () => {
    const data = 'Age,ICD-10,Cause of Death,HIV status,Diagnosis \n1,2,3,4,5\n';
    const r = parseAs(recordsKind, { microdata: { format: 'csv', data } });
    expect(r.quasiIdentifiers).toEqual(['Age']);
    expect(r.sensitive.map((s) => s.name)).toEqual(['ICD-10', 'Cause of Death', 'HIV status', 'Diagnosis ']);
  });

  it('a column declared sensitive that governance does not list stays a quasi-identifier', () => {
    const data = 'age_band,sex,salary_band\n30-39,F,high\n';
    const r = parseAs(recordsKind, { microdata: { format: 'csv', data }, sensitive: 'salary_band' });
    expect(r.quasiIdentifiers).toEqual(['age_band', 'sex', 'salary_band']);
    expect(r.sensitive.map((s) => [s.name, s.source])).toEqual([['salary_band', 'declared']]);
  });

  it('a quasi-identifier may add a governance-listed column; it is then checked against the other quasi-identifiers', () => {
    const data = 'age_band,sex,diagnosis\n30-39,F,A\n30-39,F,B\n';
    const r = parseAs(recordsKind, { microdata: { format: 'csv', data }, quasi_identifiers: ['diagnosis'] });
    expect(r.quasiIdentifiers).toEqual(['age_band', 'sex', 'diagnosis']);
    expect(r.classes.count).toBe(2);
    expect(r.sensitive[0]!.classes.count).toBe(1);
  });

  it('accepts a list of declared sensitive columns, and names matching after normalisation', () => {
    const data = 'age_band,Salary,debt\n30-39,a,b\n';
    const r = parseAs(recordsKind, { microdata: { format: 'csv', data }, sensitive: ['salary', 'debt'] });
    expect(r.sensitive.map((s) => s.name)).toEqual(['Salary', 'debt']);
  });

  it('normalises sensitive values (HIV and "hiv " are one value), not quasi-identifiers', () => {
    const data = 'region,diagnosis\nNorth,HIV\nnorth ,hiv \n';
    const r = parseAs(recordsKind, { microdata: { format: 'csv', data } });
    expect(r.classes.count).toBe(2);
    expect(r.sensitive[0]!.values.dict).toEqual(['hiv']);
    expect([...r.sensitive[0]!.values.codes]).toEqual([0, 0]);
  });

  it('a sensitive-named column whose values mostly single out records stays a quasi-identifier', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 2 ? 'F' : 'M'},${9000000000 + i * 37}`);
    const r = parseAs(recordsKind, { microdata: { format: 'csv', data: `sex,diagnosis\n${rows.join('\n')}\n` } });
    expect(r.quasiIdentifiers).toEqual(['sex', 'diagnosis']);
    expect(r.identifyingSensitive).toEqual(['diagnosis']);
    expect(r.sensitive.map((s) => s.name)).toEqual(['diagnosis']);
  });

  it.each([
    ['repeating codes', Array.from({ length: 40 }, (_, i) => `D${i % 6}`), false],
    ['9 singletons (fewer than k)', [...Array.from({ length: 9 }, (_, i) => `S${i}`), ...Array.from({ length: 6 }, () => 'D')], false],
    ['10 singletons of 20 values (not more than half)', [...Array.from({ length: 10 }, (_, i) => `S${i}`), ...Array.from({ length: 10 }, (_, i) => `D${i % 2}`)], false],
    ['11 singletons of 21 values', [...Array.from({ length: 11 }, (_, i) => `S${i}`), ...Array.from({ length: 10 }, (_, i) => `D${i % 2}`)], true],
  ])('identifying or not: %s', (_what, values, identifying) => {
    const r = parseAs(recordsKind, { microdata: { format: 'csv', data: `diagnosis\n${values.join('\n')}\n` } });
    expect(r.identifyingSensitive.length > 0).toBe(identifying);
  });

  it('uses the sensitive attributes of the rules in force', () => {
    const r = parseAs(recordsKind, { microdata: { format: 'csv', data: csv } }, { ...parseCtx, params: { ...DEFAULT_PARAMETERS, sensitive_attributes: ['sex'] } });
    expect(r.quasiIdentifiers).toEqual(['age_band', 'diagnosis']);
    expect(r.sensitive.map((s) => s.name)).toEqual(['sex']);
  });

  it.each([
    ['a repeated quasi-identifier', { microdata: { format: 'csv', data: csv }, quasi_identifiers: ['sex', 'sex'] }, '/outputs/0/quasi_identifiers'],
    ['a non-string quasi-identifier', { microdata: { format: 'csv', data: csv }, quasi_identifiers: [3] }, '/outputs/0/quasi_identifiers/0'],
    ['an empty sensitive name', { microdata: { format: 'csv', data: csv }, sensitive: '' }, '/outputs/0/sensitive'],
    ['a sensitive number', { microdata: { format: 'csv', data: csv }, sensitive: 3 }, '/outputs/0/sensitive'],
    ['no microdata', { quasi_identifiers: ['sex'] }, '/outputs/0/microdata'],
    ['unknown format', { microdata: { format: 'xml', data: csv }, quasi_identifiers: ['sex'] }, '/outputs/0/microdata/format'],
    ['no data', { microdata: { format: 'csv' }, quasi_identifiers: ['sex'] }, '/outputs/0/microdata/data'],
  ])('%s → RECORDS_INVALID', (_what, fields, pointer) => {
    const e = expectCode(() => parseAs(recordsKind, fields), 'RECORDS_INVALID');
    expect(e.details[0]!.pointer).toBe(pointer);
  });

  it.each([
    ['an unknown quasi-identifier', { microdata: { format: 'csv', data: csv }, quasi_identifiers: ['postcode'] }, 'UNKNOWN_COLUMN'],
    ['an unknown sensitive column', { microdata: { format: 'csv', data: csv }, sensitive: 'hiv_status' }, 'UNKNOWN_COLUMN'],
    ['a ragged CSV', { microdata: { format: 'csv', data: 'a,b\n1\n' } }, 'CSV_RAGGED'],
    ['JSON rows that are not objects', { microdata: { format: 'json', data: [1, 2] } }, 'MICRODATA_INVALID'],
  ] as const)('%s → %s', (_what, fields, code) => {
    expectCode(() => parseAs(recordsKind, fields), code);
  });

  it.each(MALFORMED_MICRODATA)('microdata that is %s is RECORDS_INVALID at the field', (_what, microdata, at) => {
    const e = expectCode(() => parseAs(recordsKind, { microdata }), 'RECORDS_INVALID');
    expect(e.details[0]?.pointer).toBe(`/outputs/0${at}`);
  });

  it('reads a column named __proto__ as data', () => {
    const rows = Array.from({ length: 3 }, () => JSON.parse('{"__proto__": "x", "sex": "F"}') as Record<string, unknown>);
    const r = parseAs(recordsKind, { microdata: { format: 'json', data: rows } });
    expect(r.quasiIdentifiers).toEqual(['__proto__', 'sex']);
    expect([...r.classes.sizes]).toEqual([3]);
  });
});
