import { describe, expect, it } from 'vitest';
import { expectCode } from '../../helpers/parse-output.js';
import { plainColumns } from '../../helpers/plain-columns.js';
import type { ColumnRequest } from '../../../src/outputs/table/columnar.js';
import { readJsonRows } from '../../../src/outputs/table/json-rows-reader.js';

const REQ: ColumnRequest = { categories: ['region'], numbers: ['value'] };


describe('readJsonRows: values', () => {
  it('reads requested columns into dictionary codes and numbers', () => {
    const c = readJsonRows(
      [
        { region: 'N', value: 1.5, other: { ignored: true } },
        { region: 'S', value: 2 },
        { region: 'N', value: -3 },
      ],
      REQ,
    );
    expect(c.nRows).toBe(3);
    expect(c.columns.get('region')).toEqual({ type: 'category', codes: Int32Array.of(0, 1, 0), dict: ['N', 'S'] });
    expect(c.columns.get('value')).toEqual({ type: 'number', values: Float64Array.of(1.5, 2, -3) });
  });

  it.each([
    ['a string, as is', '01', '01'],
    ['a number, via String()', 1, '1'],
    ['a float, via String()', 2.5, '2.5'],
    ['a boolean, via String()', true, 'true'],
    ['null, as missing', null, null],
    ['absent, as missing', undefined, null],
    ['"", as missing', '', null],
    ['"NA", as a label', 'NA', 'NA'],
  ])('reads a category given as %s', (_, given, expected) => {
    const rows = [{ region: given, value: 1 }, { region: 'x', value: 1 }];
    expect(plainColumns(readJsonRows(rows, REQ)).region).toEqual([expected, 'x']);
  });

  it.each([
    ['a number', 4.25, 4.25],
    ['a negative zero', -0, -0],
    ['a numeric string', '-1.5e2', -150],
    ['a padded numeric string', ' 7 ', 7],
    ['null', null, NaN],
    ['absent', undefined, NaN],
    ['""', '', NaN],
    ['"NA"', 'NA', NaN],
    ['"NaN"', 'NaN', NaN],
    ['"nan"', 'nan', NaN],
    ['"NULL"', 'NULL', NaN],
    ['a NaN number (no JSON has one; a JS caller means missing)', NaN, NaN],
  ])('reads a measure given as %s', (_, given, expected) => {
    const values = plainColumns(readJsonRows([{ region: 'N', value: given }, { region: 'N', value: 0 }], REQ)).value as number[];
    expect(Object.is(values[0], expected)).toBe(true);
  });

  it('reads a column present in only some rows, missing elsewhere', () => {
    expect(plainColumns(readJsonRows([{ region: 'N' }, { value: 3 }], REQ))).toEqual({ nRows: 2, region: ['N', null], value: [NaN, 3] });
  });

  it('accepts rows without a prototype', () => {
    const row = Object.assign(Object.create(null) as Record<string, unknown>, { region: 'N', value: 1 });
    expect(plainColumns(readJsonRows([row], REQ))).toEqual({ nRows: 1, region: ['N'], value: [1] });
  });

  it('reads a column named twice once', () => {
    expect(plainColumns(readJsonRows([{ region: 'N' }], { categories: ['region', 'region'], numbers: [] }))).toEqual({ nRows: 1, region: ['N'] });
  });
});

describe('readJsonRows: errors', () => {
  it('MICRODATA_EMPTY for no rows', () => {
    expectCode(() => readJsonRows([], REQ), 'MICRODATA_EMPTY');
  });

  it.each([
    ['an object', { region: 'N' }],
    ['a string', 'region\nN'],
    ['null', null],
  ])('MICRODATA_INVALID when the data is %s, not an array', (_, data) => {
    expectCode(() => readJsonRows(data, REQ), 'MICRODATA_INVALID');
  });

  it.each([
    ['null', null],
    ['an array', ['N', 1]],
    ['a number', 5],
    ['a string', 'N,1'],
    ['a Date', new Date(0)],
  ])('MICRODATA_INVALID for a row that is %s, with its pointer', (_, row) => {
    const e = expectCode(() => readJsonRows([{ region: 'N', value: 1 }, row], REQ), 'MICRODATA_INVALID');
    expect(e.details).toEqual([{ pointer: '/1', message: 'not an object' }]);
  });

  it.each([
    ['an object', { a: 1 }],
    ['an array', ['N']],
  ])('MICRODATA_INVALID for a category that is %s', (_, v) => {
    const e = expectCode(() => readJsonRows([{ region: v, value: 1 }], REQ), 'MICRODATA_INVALID');
    expect(e.details[0].pointer).toBe('/0/region');
  });

  it.each([
    ['text', 'secret'],
    ['"Infinity"', 'Infinity'],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['"1e999"', '1e999'],
    ['a boolean', true],
    ['an object', { v: 1 }],
    ['an array', [1]],
  ])('NON_NUMERIC_MEASURE for %s, with a pointer and no value', (_, v) => {
    const e = expectCode(() => readJsonRows([{ region: 'N', value: 1 }, { region: 'S', value: v }], REQ), 'NON_NUMERIC_MEASURE');
    expect(e.details).toEqual([{ pointer: '/1/value', column: 'value', message: 'not a finite number' }]);
    expect(e.message).not.toContain('secret');
  });

  it('escapes ~ and / in the pointer (RFC 6901)', () => {
    const e = expectCode(() => readJsonRows([{ 'a/b~c': 'x' }], { categories: [], numbers: ['a/b~c'] }), 'NON_NUMERIC_MEASURE');
    expect(e.details[0].pointer).toBe('/0/a~1b~0c');
  });

  it('UNKNOWN_COLUMN for a column in no row, listing the missing names', () => {
    const e = expectCode(() => readJsonRows([{ region: 'N' }, { region: 'S', other: 1 }], { categories: ['region', 'sex'], numbers: ['value'] }), 'UNKNOWN_COLUMN');
    expect(e.details.map((d) => d.column)).toEqual(['sex', 'value']);
  });

  it('UNKNOWN_COLUMN, not a prototype property, for a column named constructor', () => {
    expectCode(() => readJsonRows([{ region: 'N' }], { categories: ['constructor'], numbers: [] }), 'UNKNOWN_COLUMN');
  });

  it('SPEC_INVALID for a column requested both as dimension and measure', () => {
    expectCode(() => readJsonRows([{ a: 1 }], { categories: ['a'], numbers: ['a'] }), 'SPEC_INVALID');
  });
});
