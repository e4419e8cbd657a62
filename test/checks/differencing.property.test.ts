/**
 * The cube comparison (`compareTables`) against a brute-force reference written from its
 * specification (src/checks/differencing.ts, sdc-rules.md "Differencing") on small random
 * tables drawn from one population: collapse both to the common categories, sum every subset of
 * variables out, and flag each position whose counts differ by 0 < |d| < threshold. Checks
 * the stride arithmetic of the cube, its margins and the collapsed plans.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CellDifference } from '../../src/checks/differencing.js';
import { compareTables, prepareTable } from '../../src/checks/differencing.js';
import type { PublishedCell, PublishedTable } from '../../src/outputs/table/published-table.js';
import { populationTotal } from '../../src/outputs/table/published-table.js';
import { MARGIN_LABEL } from '../../src/outputs/table/cell-table.js';
import { runs } from '../helpers/property-runs.js';

const VARS = ['age', 'region', 'sex'];
const CATS = ['p', 'q', 'r', 's'];

/** A table over some of VARS: interior cells of some category combinations, small counts. */
const table = (dims: string[]): fc.Arbitrary<PublishedTable> =>
  fc
    .tuple(...dims.map(() => fc.subarray(CATS, { minLength: 1 })))
    .chain((cats) => {
      const combos = cats.reduce<string[][]>((acc, c) => acc.flatMap((a) => c.map((x) => [...a, x])), [[]]);
      return fc.array(fc.option(fc.nat(25), { nil: undefined }), { minLength: combos.length, maxLength: combos.length }).map((counts) => ({
        dims,
        cells: combos.flatMap((labels, i) => (counts[i] === undefined ? [] : [{ labels: Object.fromEntries(dims.map((d, j) => [d, labels[j]!])), count: counts[i] }])),
      }));
    })
    .filter((t) => t.cells.length > 0);

const pair = fc
  .subarray(VARS, { minLength: 1, maxLength: 3 })
  .chain((dims) => fc.tuple(table(dims), table(dims), fc.integer({ min: 1, max: 15 })));

const catsOf = (t: PublishedTable, d: string) => new Set(t.cells.map((c) => c.labels[d]!));

/** The reference: every position over the common categories, each margin summed over them. */
function bruteForce(a: PublishedTable, b: PublishedTable, threshold: number): CellDifference[] | null {
  const dims = [...a.dims].sort();
  const common = dims.map((d) => [...catsOf(a, d)].filter((c) => catsOf(b, d).has(c)).sort());
  if (common.some((c) => c.length === 0)) return null;
  const partial = dims.map((d, v) => common[v]!.length !== catsOf(a, d).size || common[v]!.length !== catsOf(b, d).size);
  const positions = common.reduce<(string | null)[][]>((acc, c) => acc.flatMap((p) => [...c, null].map((x) => [...p, x])), [[]]);
  const count = (t: PublishedTable, at: (string | null)[]) =>
    t.cells.filter((cell: PublishedCell) => dims.every((d, v) => (at[v] === null ? common[v]!.includes(cell.labels[d]!) : cell.labels[d] === at[v]))).reduce((s, c) => s + c.count, 0);
  const out: CellDifference[] = [];
  for (const at of positions) {
    const ca = count(a, at);
    const cb = count(b, at);
    const d = ca - cb;
    if (d !== 0 && Math.abs(d) < threshold) {
      out.push({
        labels: Object.fromEntries(dims.map((x, v) => [x, at[v] ?? MARGIN_LABEL])),
        count: ca,
        other: cb,
        difference: d,
        collapsed: dims.some((_, v) => at[v] === null && partial[v]),
      });
    }
  }
  return out;
}

const key = (d: CellDifference) => JSON.stringify(Object.entries(d.labels).sort());
const sorted = (ds: CellDifference[] | null) => (ds === null ? null : [...ds].sort((x, y) => (key(x) < key(y) ? -1 : 1)));

describe('compareTables against a brute-force reference', () => {
  it('flags exactly the positions brute force flags, with the same counts and collapsed marks', () => {
    fc.assert(
      fc.property(pair, ([a, b, threshold]) => {
        expect(sorted(compareTables(prepareTable(a), prepareTable(b), threshold))).toEqual(sorted(bruteForce(a, b, threshold)));
      }),
      runs(400),
    );
  });

  it('publishing the margins (as sums) changes nothing, and the total is the interior sum', () => {
    fc.assert(
      fc.property(pair, ([a, b, threshold]) => {
        const withGrandTotal = { dims: a.dims, cells: [...a.cells, { labels: Object.fromEntries(a.dims.map((d) => [d, MARGIN_LABEL])), count: populationTotal(a) }] };
        expect(populationTotal(a)).toBe(a.cells.reduce((s, c) => s + c.count, 0));
        expect(populationTotal(withGrandTotal)).toBe(populationTotal(a));
        expect(sorted(compareTables(prepareTable(withGrandTotal), prepareTable(b), threshold))).toEqual(sorted(bruteForce(a, b, threshold)));
      }),
      runs(200),
    );
  });

  it('is antisymmetric: b against a flags the same positions with negated differences', () => {
    fc.assert(
      fc.property(pair, ([a, b, threshold]) => {
        const ab = compareTables(prepareTable(a), prepareTable(b), threshold);
        const ba = compareTables(prepareTable(b), prepareTable(a), threshold);
        expect(sorted(ba)?.map((d) => [key(d), -d.difference])).toEqual(sorted(ab)?.map((d) => [key(d), d.difference]));
      }),
      runs(200),
    );
  });
});
