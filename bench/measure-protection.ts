/**
 * `npm run bench -- --only protection` (issue 12): protection + LP audit of 200 random tables —
 * 2-D 20×10 and 3-D 10×10×5, frequency and sum, 5–15% sensitive cells — timed per table
 * (p50/p99), with the loss (suppressed cells, suppressed share of the total) beside today's
 * greedy method (exact-recovery only) on the same tables; and the two LP solvers (HiGHS, the
 * one airlock uses, and glpk.js) on the same audits.
 *
 * @example const f = await measureProtection({ tables: 200, log: console.error });
 */
import { auditIntervals, auditSystem, maskedAuditInput } from '../src/checks/protection/lp-audit.js';
import { failingCellChecks } from '../src/checks/protection/sensitive-cells.js';
import { seededRandom } from '../test/helpers/seeded-random.js';
import { lpBounds } from '../src/lib/lp-bounds.js';
import type { CellTable } from '../src/outputs/table/cell-table.js';
import { cellCount, isMarginCell } from '../src/outputs/table/cell-table.js';
import { buildTable } from '../src/outputs/table/build-table.js';
import { readJsonRows } from '../src/outputs/table/json-rows-reader.js';
import { columnRequest, normaliseSpec } from '../src/outputs/table/table-spec.js';
import { additiveValues, ProtectionRefused } from '../src/remedies/audited-suppression.js';
import { protectTable } from '../src/remedies/protect-table.js';
import { suppress } from '../src/remedies/secondary-suppression.js';
import { DEFAULT_PARAMETERS } from '../src/rules/parameters.js';
import { glpkBounds } from '../test/helpers/glpk-bounds.js';
import { quantileType7 } from '../src/lib/quantile.js';
import { meetsLevel, protectionLevel } from '../src/checks/protection/protection-levels.js';

const quantile = (xs: number[], q: number): number => quantileType7([...xs].sort((a, b) => a - b), q);

export interface ProtectionShape {
  shape: string;
  tables: number;
  refused: number;
  ms: { p50: number; p99: number };
  /** Mean over offered tables: suppressed cells and suppressed share of the total, LP-audited vs greedy. */
  loss: { lpCells: number; lpShare: number; greedyCells: number; greedyShare: number };
  /** Greedy versions with a sensitive cell below its level (what the LP method fixes). */
  greedyWeak: number;
}

export interface ProtectionFigures {
  shapes: ProtectionShape[];
  /** Same audits (every suppressed sensitive cell of the offered versions, min and max) with each solver. */
  solvers: { audits: number; lps: number; highsMs: number; glpkMs: number; ratio: number };
}

function table(random: () => number, dims: number[], statistic: 'frequency' | 'sum'): CellTable {
  const names = ['a', 'b', 'c'].slice(0, dims.length);
  const rows: Record<string, string | number>[] = [];
  const share = 0.05 + random() * 0.1;
  const visit = (prefix: string[]): void => {
    if (prefix.length === dims.length) {
      const sensitive = random() < share;
      const labels = Object.fromEntries(names.map((n, i) => [n, prefix[i]]));
      const n = sensitive && (statistic === 'frequency' || random() < 0.5) ? Math.floor(random() * 10) : 10 + Math.floor(random() * 30);
      for (let i = 0; i < n; i++) rows.push({ ...labels, v: Math.round(100 + random() * 900) });
      if (sensitive && statistic === 'sum' && n >= 10) rows.push({ ...labels, v: Math.round(50_000 + random() * 50_000) });
      return;
    }
    for (let k = 0; k < dims[prefix.length]; k++) visit([...prefix, `${names[prefix.length]}${k}`]);
  };
  visit([]);
  const spec = normaliseSpec(
    statistic === 'frequency'
      ? { index: names.slice(0, dims.length - 1), columns: names[dims.length - 1], margins: true }
      : { index: names.slice(0, dims.length - 1), columns: names[dims.length - 1], values: 'v', aggfunc: 'sum', margins: true },
    '/spec',
  );
  return buildTable(readJsonRows(rows, columnRequest(spec)), spec, { topK: 2, maxCells: 100_000 });
}

function loss(t: CellTable, mask: Uint8Array, additive: Float64Array): { cells: number; share: number } {
  let cells = 0;
  let sum = 0;
  let total = 0;
  for (let c = 0; c < cellCount(t); c++) {
    if (isMarginCell(t, c)) continue;
    total += additive[c];
    if (mask[c]) {
      cells++;
      sum += additive[c];
    }
  }
  return { cells, share: total > 0 ? sum / total : 0 };
}

export async function measureProtection(opts: { tables: number; log: (s: string) => void }): Promise<ProtectionFigures> {
  const p = DEFAULT_PARAMETERS;
  const random = seededRandom(12);
  const shapes: ProtectionShape[] = [];
  const solverCases: { t: CellTable; mask: Uint8Array; targets: number[] }[] = [];
  for (const dims of [
    [20, 10],
    [10, 10, 5],
  ]) {
    for (const statistic of ['frequency', 'sum'] as const) {
      const ms: number[] = [];
      let refused = 0;
      let greedyWeak = 0;
      const acc = { lpCells: 0, lpShare: 0, greedyCells: 0, greedyShare: 0 };
      const n = Math.round(opts.tables / 4);
      for (let k = 0; k < n; k++) {
        const t = table(random, dims, statistic);
        const failing = failingCellChecks(t, p);
        const additive = additiveValues(t);
        const primary = new Uint8Array(cellCount(t));
        for (const c of failing.keys()) primary[c] = 1;
        const grid = { nRows: t.rows.keys.length, nCols: t.cols.keys.length, rowMargin: t.rows.margin, colMargin: t.cols.margin, value: t.value };
        const greedy = suppress(grid, primary);
        const start = performance.now();
        let version;
        try {
          version = protectTable(t, failing, { params: p });
        } catch (e) {
          if (!(e instanceof ProtectionRefused)) throw e;
        }
        ms.push(performance.now() - start);
        if (!version) {
          refused++;
          continue;
        }
        const mask = new Uint8Array(cellCount(t));
        for (const c of version.suppressed) mask[c] = 1;
        const lp = loss(t, mask, additive);
        const g = loss(t, greedy, additive);
        acc.lpCells += lp.cells;
        acc.lpShare += lp.share;
        acc.greedyCells += g.cells;
        acc.greedyShare += g.share;
        // How many greedy versions leave a sensitive cell below its level (LP audit of the greedy mask).
        const targets = [...failing.keys()];
        const greedyAudit = auditIntervals(maskedAuditInput(t, additive, greedy, [], statistic === 'frequency'), targets);
        if (greedyAudit.some((iv) => !meetsLevel(iv, protectionLevel(t, iv.cell, failing.get(iv.cell) as Set<never>, p) ?? { rules: [] }))) greedyWeak++;
        if (solverCases.length < 8 && dims.length === 2) solverCases.push({ t, mask, targets });
      }
      const offered = n - refused;
      const mean = (x: number) => (offered ? x / offered : NaN);
      shapes.push({
        shape: `${dims.join('x')} ${statistic}`,
        tables: n,
        refused,
        ms: { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99) },
        loss: { lpCells: mean(acc.lpCells), lpShare: mean(acc.lpShare), greedyCells: mean(acc.greedyCells), greedyShare: mean(acc.greedyShare) },
        greedyWeak,
      });
      opts.log(`protection ${dims.join('x')} ${statistic}: p99 ${quantile(ms, 0.99).toFixed(0)} ms`);
    }
  }
  // Solvers on the same audits: exact min and max of every sensitive cell, no early stop.
  let highsMs = 0;
  let glpkMs = 0;
  let lps = 0;
  for (const c of solverCases) {
    const sys = auditSystem(maskedAuditInput(c.t, additiveValues(c.t), c.mask, [], c.t.statistic === 'frequency'));
    let s = performance.now();
    lpBounds(sys, c.targets);
    highsMs += performance.now() - s;
    s = performance.now();
    await glpkBounds(sys.nCols, sys.colLo, sys.colHi, sys.rows, c.targets);
    glpkMs += performance.now() - s;
    lps += 2 * c.targets.length;
  }
  return { shapes, solvers: { audits: solverCases.length, lps, highsMs, glpkMs, ratio: glpkMs / highsMs } };
}
