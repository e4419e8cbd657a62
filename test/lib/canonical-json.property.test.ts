/**
 * canonicalJson against RFC 8785's rules, stated independently on generated JSON values:
 * sorted keys by UTF-16 code units, ECMAScript number form, JSON.stringify string escapes, no
 * whitespace; key order and re-parsing never change the text; lone surrogates are refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AirlockError } from '../../src/errors.js';
import { canonicalJson } from '../../src/lib/canonical-json.js';
import { runs } from '../helpers/property-runs.js';

/** RFC 8785 section 3.2, written from the RFC for JavaScript values: the reference. */
function rfc8785(v: unknown): string {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Object.is(v, -0) ? '0' : String(v); // 3.2.2.3: ES Number.toString
  if (typeof v === 'string') return JSON.stringify(v); // 3.2.2.2: ES JSON.stringify escapes
  if (Array.isArray(v)) return `[${v.map(rfc8785).join(',')}]`;
  const o = v as Record<string, unknown>;
  // 3.2.3: members sorted by their names as arrays of UTF-16 code units.
  const keys = Object.keys(o).sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return a.charCodeAt(i) - b.charCodeAt(i);
    return a.length - b.length;
  });
  return `{${keys.map((k) => `${JSON.stringify(k)}:${rfc8785(o[k])}`).join(',')}}`;
}

const json = fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' });

function reversedKeys(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(reversedKeys);
  return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversedKeys(x)]));
}

describe('canonicalJson follows RFC 8785', () => {
  it('equals the RFC reference on generated values (unicode keys, -0, exponents)', () => {
    fc.assert(
      fc.property(json, (v) => {
        expect(canonicalJson(v)).toBe(rfc8785(v));
      }),
      runs(500),
    );
  });

  it('numbers: the ECMAScript shortest round-trip form for any double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = canonicalJson([x]);
        expect(text).toBe(`[${Object.is(x, -0) ? '0' : String(x)}]`);
        expect(JSON.parse(text)[0]).toBe(Object.is(x, -0) ? 0 : x);
      }),
      runs(500),
    );
  });

  it('key order and a parse round trip never change the text; no whitespace outside strings', () => {
    fc.assert(
      fc.property(json, (v) => {
        const text = canonicalJson(v);
        expect(canonicalJson(reversedKeys(v))).toBe(text);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(text.replace(/"(?:[^"\\]|\\.)*"/g, '')).not.toMatch(/\s/);
      }),
      runs(300),
    );
  });

  it('RFC 8785 appendix B number samples', () => {
    const samples: [number, string][] = [
      [0, '0'], [-0, '0'], [1e21, '1e+21'], [1e-7, '1e-7'], [333333333.3333333, '333333333.3333333'],
      [4.5, '4.5'], [0.002, '0.002'], [1e30, '1e+30'], [Number.MAX_SAFE_INTEGER, '9007199254740991'],
      [5e-324, '5e-324'], [1.7976931348623157e308, '1.7976931348623157e+308'], [-1e-7, '-1e-7'],
    ];
    for (const [x, text] of samples) expect(canonicalJson(x)).toBe(text);
  });

  it('a lone surrogate anywhere (value or key) is refused with its JSON pointer, never written', () => {
    fc.assert(
      fc.property(json, fc.constantFrom('\ud800', '\udfff', 'a\udc00b'), fc.boolean(), (v, lone, asKey) => {
        const wrapped = asKey ? { ok: v, [lone]: 1 } : { ok: v, bad: [lone] };
        let thrown: unknown;
        try {
          canonicalJson(wrapped);
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(AirlockError);
        expect((thrown as AirlockError).details[0]?.pointer).toBe(asKey ? `/${lone}` : '/bad/0');
      }),
      runs(100),
    );
  });
});
