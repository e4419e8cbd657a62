import { describe, expect, it } from 'vitest';
import { distinctPerClass, equivalenceClasses, rowsInSmallClasses } from '../../../src/outputs/records/equivalence-classes.js';
import type { CategoryColumn } from '../../../src/outputs/table/columnar.js';

const col = (codes: number[], card = Math.max(0, ...codes) + 1): CategoryColumn => ({ type: 'category', codes: Int32Array.from(codes), dict: Array.from({ length: card }, (_, i) => `v${i}`) });

describe('equivalenceClasses', () => {
  it('numbers combinations in order of first appearance, with sizes and first rows', () => {
    const ec = equivalenceClasses([col([0, 1, 0, 1, 0]), col([0, 0, 0, 1, 1])], 5);
    expect(ec.count).toBe(4);
    expect([...ec.classOf]).toEqual([0, 1, 0, 2, 3]);
    expect([...ec.sizes]).toEqual([2, 1, 1, 1]);
    expect([...ec.firstRow]).toEqual([0, 1, 3, 4]);
  });

  it('treats a missing value as a value of its own', () => {
    const ec = equivalenceClasses([col([0, -1, -1, 0], 1)], 4);
    expect([...ec.classOf]).toEqual([0, 1, 1, 0]);
  });

  it('puts every row in one class when there are no columns, and none when there are no rows', () => {
    expect(equivalenceClasses([], 3).count).toBe(1);
    expect(equivalenceClasses([col([])], 0).count).toBe(0);
  });

  it('gives the same classes on the sparse (Map) path as on the dense one', () => {
    const n = 3000;
    const a = col(Array.from({ length: n }, (_, i) => i));
    const b = col(Array.from({ length: n }, (_, i) => (i * 7) % n));
    const ec = equivalenceClasses([a, b], n); // 3000 classes × 3001 categories > the dense limit
    expect(ec.count).toBe(n);
    expect([...ec.classOf.subarray(0, 5)]).toEqual([0, 1, 2, 3, 4]);
  });

  it('matches a naive grouping on the sorting path, numbering classes by first appearance', () => {
    const n = 10_000;
    const a = col(Array.from({ length: n }, (_, i) => i % 2500));
    const b = col(Array.from({ length: n }, (_, i) => ((i * 7) % 2000) - (i % 11 === 0 ? 2000 : 0)).map((c) => (c < 0 ? -1 : c)), 2000);
    const ec = equivalenceClasses([a, b], n); // 2500 classes × 2001 > the dense limit
    const naive = new Map<string, number>();
    const expected = Array.from({ length: n }, (_, i) => {
      const key = `${a.codes[i]}|${b.codes[i]}`;
      if (!naive.has(key)) naive.set(key, naive.size);
      return naive.get(key);
    });
    expect(ec.count).toBe(naive.size);
    expect([...ec.classOf]).toEqual(expected);
  });

  it('counts distinct values per class and rows in small classes', () => {
    const ec = equivalenceClasses([col([0, 0, 0, 1, 1])], 5);
    expect([...distinctPerClass(ec, col([0, 1, 0, 2, 2]))]).toEqual([2, 1]);
    expect(rowsInSmallClasses(ec, 3)).toBe(2);
    expect(rowsInSmallClasses(ec, 2)).toBe(0);
  });
});
