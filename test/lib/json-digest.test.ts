import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jsonSha256 } from '../../src/lib/json-digest.js';

const plain = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');
const long = (unit: string, length = 70_000) => unit.repeat(Math.ceil(length / unit.length));

describe('jsonSha256', () => {
  it.each([
    ['a small object', { name: 't', kind: 'table', spec: { index: ['r'] } }],
    ['a long CSV string', { microdata: { format: 'csv', data: long('r,c\n"a ""b""",x\r\n') } }],
    ['escapes and control characters', { data: long('\t\u0001\\"\n/é') }],
    ['astral characters across slice boundaries', { data: long('x😀') }],
    ['a pair right at the first slice boundary', { data: `${'x'.repeat((1 << 14) - 1)}😀${long('y')}` }],
    ['lone surrogates', { data: `${long('z')}\ud800q\udc00` }],
    ['long strings in arrays and several places', [long('a'), 1, { b: long('b'), c: null }, long('c')]],
    ['a long string alone', long('s')],
    ['values JSON drops or nulls', { n: Number.NaN, u: undefined, list: [undefined, 2] }],
  ])('equals SHA-256 of JSON.stringify for %s', (_name, value) => {
    expect(jsonSha256(value)).toBe(plain(value));
  });
});
