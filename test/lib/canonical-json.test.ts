import { describe, expect, it } from 'vitest';
import { AirlockError } from '../../src/errors.js';
import { canonicalJson, canonicalJsonBytes } from '../../src/lib/canonical-json.js';
import { canonicalJsonChunks, canonicalJsonSliced } from '../../src/lib/canonical-json-sliced.js';

// Built from code points so no editor normalises the characters the vectors depend on.
const cp = (...points: number[]) => String.fromCodePoint(...points);

describe('canonicalJson: RFC 8785 examples', () => {
  it('§3.2.2: serialises primitives, strings and numbers', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('§3.2.3: sorts keys by UTF-16 code units', () => {
    const input = Object.fromEntries([
      [cp(0x20ac), 'Euro Sign'],
      ['\r', 'Carriage Return'],
      [cp(0xfb33), 'Hebrew Letter Dalet With Dagesh'],
      ['1', 'One'],
      [cp(0x1f600), 'Emoji: Grinning Face'],
      [cp(0x80), 'Control'],
      [cp(0xf6), 'Latin Small Letter O With Diaeresis'],
    ]);
    expect(canonicalJson(input)).toBe(
      `{"\\r":"Carriage Return","1":"One","${cp(0x80)}":"Control","${cp(0xf6)}":"Latin Small Letter O With Diaeresis",` +
        `"${cp(0x20ac)}":"Euro Sign","${cp(0x1f600)}":"Emoji: Grinning Face","${cp(0xfb33)}":"Hebrew Letter Dalet With Dagesh"}`,
    );
  });

  it('§3.2.4: the UTF-8 bytes of the §3.2.2 example', () => {
    const input = { numbers: [1e30, 4.5, 6, 2e-3, 1e-27], escaping: `${cp(0x20ac)}$\u000f\nA'B"\\\\"/`, other: [null, true, false] };
    const rfcHex = `
      7b 22 65 73 63 61 70 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30 30 66 5c 6e 41 27 42 5c 22 5c 5c
      5c 5c 5c 22 2f 22 2c 22 6e 75 6d 62 65 72 73 22 3a 5b 31 65 2b 33 30 2c 34 2e 35 2c 36 2c 30 2e
      30 30 32 2c 31 65 2d 32 37 5d 2c 22 6f 74 68 65 72 22 3a 5b 6e 75 6c 6c 2c 74 72 75 65 2c 66 61
      6c 73 65 5d 7d`;
    expect(Buffer.from(canonicalJsonBytes(input)).toString('hex')).toBe(rfcHex.replace(/\s+/g, ''));
  });

  // Appendix B: IEEE 754 bit patterns and their canonical text.
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('Appendix B: 0x%s → %s', (bits, expected) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, BigInt(`0x${bits}`));
    expect(canonicalJson(view.getFloat64(0))).toBe(expected);
  });

  it.each([
    ['7fffffffffffffff', 'NaN'],
    ['7ff0000000000000', 'Infinity'],
  ])('Appendix B: 0x%s (%s) is an error', (bits) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, BigInt(`0x${bits}`));
    expect(() => canonicalJson(view.getFloat64(0))).toThrow(AirlockError);
  });
});

describe('canonicalJson: what JSON cannot carry is refused', () => {
  it.each<[string, unknown, string]>([
    ['NaN in an object', { a: { b: Number.NaN } }, '/a/b'],
    ['-Infinity in an array', [1, Number.NEGATIVE_INFINITY], '/1'],
    ['undefined in an array', [1, undefined], '/1'],
    ['a bigint', { n: 10n }, '/n'],
    ['a function', { f: () => 1 }, '/f'],
    ['a lone high surrogate', { s: 'a\ud800' }, '/s'],
    ['a lone low surrogate in a key', { ['\udc00']: 1 }, '/\udc00'],
    ['a key with / and ~', { 'a/b~': Number.NaN }, '/a~1b~0'],
  ])('%s', (_, value, pointer) => {
    try {
      canonicalJson(value);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AirlockError);
      expect((e as AirlockError).code).toBe('INVALID_REQUEST');
      expect((e as AirlockError).details[0]?.pointer).toBe(pointer);
    }
  });

  it('refuses a cycle', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalJson(a)).toThrow(/circular/);
  });

  it('omits undefined object members, keeps a surrogate pair, and follows toJSON', () => {
    expect(canonicalJson({ b: undefined, a: cp(0x1f600), d: new Date(0) })).toBe(`{"a":"${cp(0x1f600)}","d":"1970-01-01T00:00:00.000Z"}`);
  });

  it('gives the same text for values the fast writer hands to the careful one (deep nesting, toJSON)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 300; i++) deep = { a: [deep] };
    expect(canonicalJson(deep)).toBe(`${'{"a":['.repeat(300)}1${']}'.repeat(300)}`);
    expect(canonicalJson({ z: { toJSON: () => ({ b: 1, a: -0 }) }, y: [1e21, 'x'] })).toBe('{"y":[1e+21,"x"],"z":{"a":0,"b":1}}');
  });

  it('gives equal text for equal values in any key order', () => {
    expect(canonicalJson({ b: [{ y: 1, x: 2 }], a: -0 })).toBe(canonicalJson({ a: 0, b: [{ x: 2, y: 1 }] }));
  });
});

describe('canonicalJsonSliced', () => {
  it('writes the same bytes as canonicalJsonBytes for values with and without long arrays', async () => {
    const cell = (i: number) => ({ z: i / 3, labels: { b: `é${i}`, a: 'x' }, n: null, t: i % 2 === 0 });
    const values: unknown[] = [
      { decision: { outputs: [{ table: { cells: Array.from({ length: 3000 }, (_, i) => cell(i)) }, u: undefined }], id: 'x' } },
      Array.from({ length: 600 }, (_, i) => [i, cell(i)]),
      { small: [1, 'two', { three: 3 }] },
      'text',
      -0,
      null,
    ];
    for (const v of values) {
      expect(Buffer.from(await canonicalJsonSliced(v)).equals(Buffer.from(canonicalJsonBytes(v)))).toBe(true);
      expect(Buffer.concat(await canonicalJsonChunks(v)).equals(Buffer.from(canonicalJsonBytes(v)))).toBe(true);
    }
  });

  it('writes bytes made already of a value inside (by identity) as they are, anywhere in the value', async () => {
    const decision = { outputs: [{ cells: Array.from({ length: 700 }, (_, i) => ({ n: i, l: { b: 'x' } })) }], id: 'd' };
    const small = { z: 1, a: [2] };
    for (const v of [{ signature: 's', decision, audit: { seq: 1 } }, { decision }, decision, [small, decision, small]]) {
      const premade = new Map<object, Uint8Array>([[decision, canonicalJsonBytes(decision)], [small, canonicalJsonBytes(small)]]);
      expect(Buffer.concat(await canonicalJsonChunks(v, premade)).toString('utf8')).toBe(canonicalJson(v));
    }
    // What is given is written as given: the caller vouches for it (a marker shows it is not made again).
    const marker = new Map<object, Uint8Array>([[decision, Buffer.from('"given"')]]);
    expect(Buffer.concat(await canonicalJsonChunks({ decision, x: 1 }, marker)).toString('utf8')).toBe('{"decision":"given","x":1}');
  });

  it('refuses what canonicalJson refuses, with the same pointer', async () => {
    const bad = { cells: Array.from({ length: 400 }, (_, i) => ({ n: i === 321 ? Number.NaN : i })) };
    await expect(canonicalJsonSliced(bad)).rejects.toMatchObject({ code: 'INVALID_REQUEST', details: [{ pointer: '/cells/321/n' }] });
  });
});
