import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../helpers/seeded-random.js';
import { NOT_A_NUMBER, parseMeasure, parseMeasureBytes } from '../../../src/outputs/table/parse-measure.js';

function digits(rnd: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(Math.floor(rnd() * 10));
  return s;
}

/** Random text in the decimal grammar: sign, integer part, fraction, exponent, all optional. */
function randomDecimal(rnd: () => number): string {
  const sign = ['', '', '-', '+'][Math.floor(rnd() * 4)];
  const intLen = Math.floor(rnd() * 20);
  const fracLen = Math.floor(rnd() * 20);
  let body = digits(rnd, intLen);
  if (fracLen > 0 || rnd() < 0.1) body += '.' + digits(rnd, fracLen);
  if (!/\d/.test(body)) body = digits(rnd, 1 + Math.floor(rnd() * 5));
  if (rnd() < 0.25) body += (rnd() < 0.5 ? 'e' : 'E') + ['', '-', '+'][Math.floor(rnd() * 3)] + digits(rnd, 1 + Math.floor(rnd() * 3));
  return sign + body;
}

describe('parseMeasure', () => {
  it.each([
    ['0', 0],
    ['-0', -0],
    ['-0.0', -0],
    ['007', 7],
    ['1.25', 1.25],
    ['+.5', 0.5],
    ['3.', 3],
    ['-1.5e3', -1500],
    ['2E-3', 0.002],
    ['0.1', 0.1],
    ['123456789012345', 123456789012345],
    ['9007199254740993', 9007199254740992],
    ['0.30000000000000004', 0.30000000000000004],
    ['1e-400', 0],
    [' 12.5\t', 12.5],
  ])('%j → %d, exactly as Number()', (text, expected) => {
    expect(Object.is(parseMeasure(text), expected)).toBe(true);
  });

  it.each(['', ' ', 'NA', 'NaN', 'nan', 'N/A', 'null', 'NULL', ' NA '])('%j is missing (NaN)', (text) => {
    expect(parseMeasure(text)).toBeNaN();
  });

  it.each(['abc', 'Infinity', '-Infinity', 'inf', '1e999', '-1e999', '0x10', '0b1', '1_000', '1 000', '--1', '+-1', '.', '-', 'e5', '1e', '1e+', '1.2.3', '١', 'na', '1,5'])(
    '%j is not a number',
    (text) => {
      expect(parseMeasure(text)).toBe(NOT_A_NUMBER);
    },
  );

  it('gives the same double as Number() on 200 000 random decimals', () => {
    const rnd = seededRandom(20240601);
    for (let i = 0; i < 200_000; i++) {
      const text = randomDecimal(rnd);
      const expected = Number(text);
      const got = parseMeasure(text);
      if (!Object.is(got, Number.isFinite(expected) ? expected : NOT_A_NUMBER)) expect({ text, got }).toEqual({ text, got: expected });
    }
  });

  it('gives the same double as Number() on random doubles printed by JS', () => {
    const rnd = seededRandom(7);
    for (let i = 0; i < 100_000; i++) {
      const x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20);
      for (const text of [String(x), x.toFixed(2), x.toPrecision(1 + Math.floor(rnd() * 17)), x.toExponential(5)]) {
        if (!Object.is(parseMeasure(text), Number(text))) expect(parseMeasure(text)).toBe(Number(text));
      }
    }
  });

  it('reads a slice of a byte buffer', () => {
    const bytes = new TextEncoder().encode('x,-12.75,y');
    expect(parseMeasureBytes(bytes, 2, 8)).toBe(-12.75);
  });
});
