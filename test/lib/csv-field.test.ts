import { describe, expect, it } from 'vitest';
import { csvField, csvRow, isFormulaText } from '../../src/lib/csv-field.js';

describe('csvField', () => {
  it.each([
    ['=1+2', `"'=1+2"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['+', `"'+"`],
    ['-', `"'-"`],
    ['-cmd|calc', `"'-cmd|calc"`],
    ['\tx', `"'\tx"`],
    ['\rx', `"'\rx"`],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['＝SUM(A1)', `"'＝SUM(A1)"`],
    ['  =1+2', `"'  =1+2"`],
    ['-12', '-12'],
    ['-1.5e3', '-1.5e3'],
    ['north', 'north'],
    ['a=b', 'a=b'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['', ''],
  ])('writes the label %j as %s', (label, field) => {
    expect(csvField(label)).toBe(field);
  });

  it('writes numbers as numbers (a negative number is not a formula) and missing values blank', () => {
    expect(csvRow([-12, 0.5, 1e21, null, undefined, Number.NaN])).toBe('-12,0.5,1e+21,,,');
  });

  it('flags what it escapes, and only that', () => {
    for (const t of ['=1', '@a', '+1', '-x', '\t1', '\r1', ' ＋1', '\u3000=1']) expect([t, isFormulaText(t)]).toEqual([t, true]);
    for (const t of ['1', '-1', 'x=1', 'All', ' x ']) expect([t, isFormulaText(t)]).toEqual([t, false]);
  });
});
