import { describe, expect, it } from 'vitest';
import { InvariantError, at, got, invariant } from '../../src/lib/invariant.js';
import { toProblem } from '../../src/errors.js';

describe('invariant helpers', () => {
  it('at returns elements in range, including an undefined element, and throws outside it', () => {
    expect(at([10, 20], 1)).toBe(20);
    expect(at(new Float64Array([1.5]), 0)).toBe(1.5);
    expect(at([undefined, 1], 0)).toBeUndefined();
    expect(() => at([10, 20], 2)).toThrow(InvariantError);
    expect(() => at([10, 20], -1)).toThrow(/outside 0\.\.1/);
    expect(() => at([10, 20], 0.5)).toThrow(InvariantError);
  });

  it('got returns present keys, including an undefined value, and throws on a missing one', () => {
    const m = new Map<string, number | undefined>([['a', 1], ['u', undefined]]);
    expect(got(m, 'a')).toBe(1);
    expect(got(m, 'u')).toBeUndefined();
    expect(() => got(m, 'b')).toThrow(/no entry for b/);
  });

  it('invariant throws on a false condition only', () => {
    expect(() => invariant(true, 'fine')).not.toThrow();
    expect(() => invariant(0, 'zero is falsy')).toThrow('internal invariant broken: zero is falsy');
  });

  it('a broken invariant is an internal error for the client, its message withheld', () => {
    const p = toProblem(new InvariantError('secret detail'));
    expect(p.code).toBe('INTERNAL');
    expect(p.status).toBe(500);
    expect(p.detail).not.toContain('secret detail');
  });
});
