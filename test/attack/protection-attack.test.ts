/**
 * The independent attack on protected tables (issue 12, "Done when"): random tables, seeded;
 * every version airlock offers (protectTable with the LP audit) and every submitted suppressed
 * table `suppression_audit` passes is attacked with this file's own linear programme — written
 * here from the published numbers alone, over the interior cells only (margins become
 * equations), solved by GLPK (glpk.js) where airlock uses HiGHS — and, on the smallest tables,
 * by enumerating every integer table consistent with what is published. No suppressed
 * sensitive cell may be narrower than its protection level, computed here from the
 * contributions themselves.
 */
import { describe, expect, it } from 'vitest';
import { failingCellChecks } from '../../src/checks/protection/sensitive-cells.js';
import { suppressionAudit } from '../../src/checks/suppression-audit.js';
import { seededRandom } from '../helpers/seeded-random.js';
import type { CellTable } from '../../src/outputs/table/cell-table.js';
import type { CellInput } from '../../src/outputs/table/table-from-cells.js';
import { tableFromCells } from '../../src/outputs/table/table-from-cells.js';
import { ProtectionRefused } from '../../src/remedies/audited-suppression.js';
import { protectTable } from '../../src/remedies/protect-table.js';
import { glpkBounds, type GlpkRow } from '../helpers/glpk-bounds.js';
import { params, tinyTable } from '../helpers/tiny-table.js';

const P = params();

/** What is published of an R×C table with margins: interior (value or null), row/col/grand totals (value or null). */
interface Published {
  R: number;
  C: number;
  cell: (number | null)[][];
  row: (number | null)[];
  col: (number | null)[];
  grand: number | null;
}

/** Reads the published version off a CellTable (cells r0…, c0…, margins `All` last) and a suppression list. */
function published(t: CellTable, suppressed: Set<number>, value: (c: number) => number): Published {
  const R = t.rows.keys.length - 1;
  const C = t.cols.keys.length - 1;
  const nC = C + 1;
  const v = (r: number, c: number) => (suppressed.has(r * nC + c) ? null : value(r * nC + c));
  return {
    R,
    C,
    cell: Array.from({ length: R }, (_, r) => Array.from({ length: C }, (_, c) => v(r, c))),
    row: Array.from({ length: R }, (_, r) => v(r, C)),
    col: Array.from({ length: C }, (_, c) => v(R, c)),
    grand: v(R, C),
  };
}

/** The attacker's LP over the interior cells: min and max of each suppressed interior cell (and margins as sums). */
async function attack(p: Published, integer: boolean): Promise<Map<string, [number, number]>> {
  const id = (r: number, c: number) => r * p.C + c;
  const n = p.R * p.C;
  const lo = new Array(n).fill(0);
  const hi = new Array(n).fill(Infinity);
  for (let r = 0; r < p.R; r++) for (let c = 0; c < p.C; c++) if (p.cell[r][c] !== null) lo[id(r, c)] = hi[id(r, c)] = p.cell[r][c] as number;
  const rows: GlpkRow[] = [];
  const all = Array.from({ length: n }, (_, i) => i);
  p.row.forEach((m, r) => m !== null && rows.push({ cols: all.filter((i) => Math.floor(i / p.C) === r), coef: new Array(p.C).fill(1), lo: m, hi: m }));
  p.col.forEach((m, c) => m !== null && rows.push({ cols: all.filter((i) => i % p.C === c), coef: new Array(p.R).fill(1), lo: m, hi: m }));
  if (p.grand !== null) rows.push({ cols: all, coef: new Array(n).fill(1), lo: p.grand, hi: p.grand });
  const targets = all.filter((i) => lo[i] !== hi[i]);
  const b = await glpkBounds(n, lo, hi, rows, targets);
  const out = new Map<string, [number, number]>();
  const round = (l: number, h: number): [number, number] => (integer ? [Math.ceil(l - 1e-6), Math.floor(h + 1e-6)] : [l, h]);
  targets.forEach((i, k) => out.set(`${Math.floor(i / p.C)}|${i % p.C}`, round(b.lo[k], b.hi[k])));
  // Suppressed margins: the sum of their line's cells, by LP over the same constraints.
  for (let r = 0; r < p.R; r++) {
    if (p.row[r] !== null) continue;
    const cols = all.filter((i) => Math.floor(i / p.C) === r);
    const sum = await lineBounds(n, lo, hi, rows, cols);
    out.set(`${r}|All`, round(sum[0], sum[1]));
  }
  for (let c = 0; c < p.C; c++) {
    if (p.col[c] !== null) continue;
    const sum = await lineBounds(n, lo, hi, rows, all.filter((i) => i % p.C === c));
    out.set(`All|${c}`, round(sum[0], sum[1]));
  }
  if (p.grand === null) {
    const sum = await lineBounds(n, lo, hi, rows, all);
    out.set('All|All', round(sum[0], sum[1]));
  }
  return out;
}

/** Min and max of a sum of cells: one extra variable s = Σ cells. */
async function lineBounds(n: number, lo: number[], hi: number[], rows: GlpkRow[], cols: number[]): Promise<[number, number]> {
  const b = await glpkBounds(n + 1, [...lo, -Infinity], [...hi, Infinity], [...rows, { cols: [...cols, n], coef: [...cols.map(() => 1), -1], lo: 0, hi: 0 }], [n]);
  return [b.lo[0], b.hi[0]];
}

/**
 * Every integer interior table consistent with what is published: each suppressed cell's range.
 * Each suppressed cell runs to its published row or column total (or `cap`); null when that
 * search would exceed `budget` tables.
 */
function enumerate(p: Published, cap: number, budget = 200_000): Map<string, [number, number]> | null {
  const free: [number, number][] = [];
  for (let r = 0; r < p.R; r++) for (let c = 0; c < p.C; c++) if (p.cell[r][c] === null) free.push([r, c]);
  const top = free.map(([r, c]) => Math.min(p.row[r] ?? cap, p.col[c] ?? cap, cap));
  if (top.reduce((a, b) => a * (b + 1), 1) > budget) return null;
  const x = p.cell.map((row) => row.map((v) => v ?? 0));
  const out = new Map<string, [number, number]>();
  const ok = (): boolean =>
    p.row.every((m, r) => m === null || x[r].reduce((a, b) => a + b, 0) === m) &&
    p.col.every((m, c) => m === null || x.reduce((a, row) => a + row[c], 0) === m) &&
    (p.grand === null || x.flat().reduce((a, b) => a + b, 0) === p.grand);
  const visit = (k: number): void => {
    if (k === free.length) {
      if (!ok()) return;
      for (const [r, c] of free) {
        const key = `${r}|${c}`;
        const cur = out.get(key);
        out.set(key, cur ? [Math.min(cur[0], x[r][c]), Math.max(cur[1], x[r][c])] : [x[r][c], x[r][c]]);
      }
      return;
    }
    const [r, c] = free[k];
    for (let v = 0; v <= top[k]; v++) {
      x[r][c] = v;
      visit(k + 1);
    }
    x[r][c] = 0;
  };
  visit(0);
  return out;
}

function countTable(counts: number[][]): CellTable {
  const cells: CellInput[] = [];
  const C = counts[0].length;
  const colTot = new Array(C).fill(0);
  counts.forEach((row, r) => {
    row.forEach((v, c) => {
      cells.push({ labels: { r: `r${r}`, c: `c${c}` }, count: v });
      colTot[c] += v;
    });
    cells.push({ labels: { r: `r${r}`, c: 'All' }, count: row.reduce((a, b) => a + b, 0) });
  });
  colTot.forEach((v, c) => cells.push({ labels: { r: 'All', c: `c${c}` }, count: v }));
  cells.push({ labels: { r: 'All', c: 'All' }, count: colTot.reduce((a, b) => a + b, 0) });
  return tableFromCells({ statistic: 'frequency', cells }, 2, '/outputs/0');
}

/** The version airlock offers, or null when it refuses (any other error fails the test). */
function offer(t: CellTable, failing: ReturnType<typeof failingCellChecks>) {
  try {
    return protectTable(t, failing, { params: P });
  } catch (e) {
    if (!(e instanceof ProtectionRefused)) throw e;
    return null;
  }
}

const keyOf = (t: CellTable, cell: number): string => {
  const nC = t.cols.keys.length;
  const r = Math.floor(cell / nC);
  const c = cell % nC;
  return `${r === t.rows.margin ? 'All' : r}|${c === t.cols.margin ? 'All' : c}`;
};

describe('independent attack on protected and released tables (GLPK + enumeration, seeded)', () => {
  it('frequency tables: every offered version keeps each sensitive count within a range of at least the threshold', async () => {
    const random = seededRandom(2026);
    let offered = 0;
    let refused = 0;
    let checkedCells = 0;
    let enumerated = 0;
    for (let k = 0; k < 150; k++) {
      const R = 2 + Math.floor(random() * 3);
      const C = 2 + Math.floor(random() * 3);
      // Half the tables with small counts, so enumeration can check them too.
      const spread = k % 2 ? 40 : 6;
      const counts = Array.from({ length: R }, () => Array.from({ length: C }, () => (random() < 0.3 ? Math.floor(random() * 10) : 10 + Math.floor(random() * spread))));
      const t = countTable(counts);
      const failing = failingCellChecks(t, P);
      if (failing.size === 0) continue;
      const version = offer(t, failing);
      if (!version) {
        refused++;
        continue;
      }
      offered++;
      const pub = published(t, new Set(version.suppressed), (c) => t.count[c]);
      const lp = await attack(pub, true);
      const small = enumerate(pub, pub.grand ?? Math.max(...pub.row.map((m) => m ?? 0), ...pub.col.map((m) => m ?? 0), 0));
      if (small) enumerated++;
      for (const cell of failing.keys()) {
        const key = keyOf(t, cell);
        const [lo, hi] = lp.get(key) ?? [t.count[cell], t.count[cell]];
        expect(hi - lo, `table ${k} ${JSON.stringify(counts)} cell ${key}: [${lo}, ${hi}]`).toBeGreaterThanOrEqual(P.threshold);
        if (small && !key.includes('All')) {
          const [elo, ehi] = small.get(key) as [number, number];
          expect(ehi - elo, `enumeration, table ${k} cell ${key}`).toBeGreaterThanOrEqual(P.threshold);
        }
        checkedCells++;
      }
    }
    expect(offered).toBeGreaterThan(100);
    expect(enumerated).toBeGreaterThan(10);
    expect(checkedCells).toBeGreaterThan(200);
    expect(refused).toBeLessThan(offered);
  });

  it('sum tables: every offered version meets p%, (n,k) and the magnitude rule on the attacker\'s interval', async () => {
    const random = seededRandom(77);
    let offered = 0;
    let checked = 0;
    for (let k = 0; k < 60; k++) {
      const R = 2 + Math.floor(random() * 2);
      const C = 2 + Math.floor(random() * 3);
      const contributions = new Map<string, number[]>();
      const rows: { r: string; c: string; v: number }[] = [];
      for (let r = 0; r < R; r++) {
        for (let c = 0; c < C; c++) {
          const n = random() < 0.2 ? 1 + Math.floor(random() * 9) : 10 + Math.floor(random() * 10);
          const xs = Array.from({ length: n }, () => Math.round(100 + random() * 900));
          if (random() < 0.2) xs[0] = Math.round(20_000 + random() * 80_000); // a dominant contributor
          contributions.set(`${r}|${c}`, xs);
          for (const v of xs) rows.push({ r: `r${r}`, c: `c${c}`, v });
        }
      }
      const t = tinyTable(rows, { index: 'r', columns: 'c', values: 'v', aggfunc: 'sum', margins: true });
      const failing = failingCellChecks(t, P);
      if (failing.size === 0) continue;
      const version = offer(t, failing);
      if (!version) continue;
      offered++;
      const lp = await attack(published(t, new Set(version.suppressed), (c) => t.value[c]), false);
      for (const [cell, checks] of failing) {
        const key = keyOf(t, cell);
        const xs = key.includes('All') ? null : [...(contributions.get(key) as number[])].sort((a, b) => b - a);
        if (!xs) continue; // margins: sums of many cells, checked by their own cells here
        const x = xs.reduce((a, b) => a + b, 0);
        const [lo, hi] = lp.get(key) as [number, number];
        const tol = 1e-6 * Math.max(1, x);
        if (checks.has('p_percent')) {
          const L = Math.max(0, P.p * xs[0] - (x - xs[0] - (xs[1] ?? 0)));
          expect(hi, `p% up, table ${k} ${key}`).toBeGreaterThanOrEqual(x + L - tol);
          expect(lo, `p% down, table ${k} ${key}`).toBeLessThanOrEqual(x - L + tol);
        }
        if (checks.has('nk_dominance')) {
          const s = xs.slice(0, P.nk_n).reduce((a, b) => a + b, 0);
          expect(hi).toBeGreaterThanOrEqual(s / P.nk_k - tol);
          expect(lo).toBeLessThanOrEqual(2 * x - s / P.nk_k + tol);
        }
        if (checks.has('min_count') || checks.has('all_same')) {
          expect(hi, `magnitude up, table ${k} ${key}`).toBeGreaterThanOrEqual(x * (1 + P.p) - tol);
          expect(lo).toBeLessThanOrEqual(x * (1 - P.p) + tol);
        }
        checked++;
      }
    }
    expect(offered).toBeGreaterThan(20);
    expect(checked).toBeGreaterThan(30);
  });

  it('submitted suppressed frequency tables: whatever suppression_audit passes, the attack cannot narrow below the threshold', async () => {
    const random = seededRandom(99);
    let released = 0;
    let rejected = 0;
    for (let k = 0; k < 120; k++) {
      const R = 2 + Math.floor(random() * 2);
      const C = 2 + Math.floor(random() * 2);
      const counts = Array.from({ length: R }, () => Array.from({ length: C }, () => Math.floor(random() * 30)));
      const t = countTable(counts);
      // A random suppression pattern over interior cells and margins, as a submitter might send it.
      const n = t.count.length;
      const hidden = new Set<number>();
      for (let c = 0; c < n; c++) if (random() < 0.35) hidden.add(c);
      if (hidden.size === 0) continue;
      const cells: CellInput[] = [];
      for (let c = 0; c < n; c++) {
        const nC = t.cols.keys.length;
        const labels = { r: t.rows.keys[Math.floor(c / nC)][0], c: t.cols.keys[c % nC][0] };
        cells.push(hidden.has(c) ? { labels, suppressed: true } : { labels, count: t.count[c] });
      }
      const submitted = tableFromCells({ statistic: 'frequency', cells }, 2, '/outputs/0');
      const findings = suppressionAudit.run(submitted, P, { output: 't', project: 'p', dataset: null });
      if (findings.some((f) => f.status !== 'pass')) {
        rejected++;
        continue;
      }
      released++;
      const lp = await attack(published(t, hidden, (c) => t.count[c]), true);
      for (const c of hidden) {
        const [lo, hi] = lp.get(keyOf(t, c)) as [number, number];
        expect(hi - lo, `released table ${k} ${JSON.stringify(counts)} cell ${keyOf(t, c)}`).toBeGreaterThanOrEqual(P.threshold);
      }
    }
    // Both outcomes occur (else the test proves nothing).
    expect(released).toBeGreaterThan(5);
    expect(rejected).toBeGreaterThan(5);
  });
});
