/**
 * `check_kernel`: the check stage alone, from parsed columns to an output decision (table
 * build, every default table check, the presented table), against the practical limit: a
 * single-pass loop over the same typed arrays computing count, sum and the top-2 absolute
 * contributions per cell. With `units`, the spec names a unit column (`person`): counts of
 * distinct units and dominance on units' totals, against the same row loop (informative: the
 * unit walk is more work than the baseline does). Same process, same data, `runs` interleaved runs of each after a
 * warm-up; the figure is the median of the paired ratios.
 *
 * @example const r = measureCheckKernel(1_000_000, 7); r.ratio; // ≤ 2 is the target
 */
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../src/limits.js';
import type { CategoryColumn, Columnar, NumberColumn } from '../src/outputs/table/columnar.js';
import { evaluateOutput } from '../src/pipeline/evaluate-output.js';
import { loadRuleset } from '../src/rules/load-ruleset.js';
import { generateColumnar } from './generate-microdata.js';
import { BENCH_PROJECT, LARGE_SPEC } from './post-table.js';
import { REPO_DIR } from './spawn-child.js';
import { median } from './stats.js';

export interface CheckKernel {
  rows: number;
  /** Distinct units of the `person` unit column (`spec.unit`), or null for the plain table. */
  units: number | null;
  /** Median seconds of each side. */
  stageS: number;
  baselineS: number;
  /**
   * Median over the runs of stage ÷ baseline, each stage run paired with the baseline run
   * right after it: a burst of load from elsewhere hits both halves of a pair alike.
   */
  ratio: number;
  stageRowsPerS: number;
  baselineRowsPerS: number;
  /** Fastest run of each side, for judging how noisy the machine was. */
  stageMinS: number;
  baselineMinS: number;
}

/**
 * The baseline: count, sum and top-2 |x| per cell of `region × band` in one pass. Returns a
 * checksum so the work cannot be optimised away.
 *
 * @example typedArrayBaseline(generateColumnar({ rows: 10, seed: 1 }));
 */
export function typedArrayBaseline(data: Columnar): number {
  const r = (data.columns.get('region') as CategoryColumn).codes;
  const b = (data.columns.get('band') as CategoryColumn).codes;
  const x = (data.columns.get('income') as NumberColumn).values;
  const nB = (data.columns.get('band') as CategoryColumn).dict.length;
  const nCells = (data.columns.get('region') as CategoryColumn).dict.length * nB;
  const count = new Float64Array(nCells);
  const sum = new Float64Array(nCells);
  const top1 = new Float64Array(nCells);
  const top2 = new Float64Array(nCells);
  for (let i = 0; i < data.nRows; i++) {
    const cell = r[i] * nB + b[i];
    const v = x[i];
    count[cell]++;
    sum[cell] += v;
    const a = v < 0 ? -v : v;
    if (a > top2[cell]) {
      if (a > top1[cell]) {
        top2[cell] = top1[cell];
        top1[cell] = a;
      } else top2[cell] = a;
    }
  }
  let check = 0;
  for (let c = 0; c < nCells; c++) check += count[c] + sum[c] + top1[c] + top2[c];
  return check;
}

function seconds(run: () => unknown): number {
  const t = performance.now();
  run();
  return (performance.now() - t) / 1000;
}

/**
 * Measures both sides on `rows` generated rows (seeded), `runs` times each.
 *
 * @example measureCheckKernel(10_000_000, 3).stageRowsPerS;
 */
export function measureCheckKernel(rows: number, runs: number, opts: { units?: number } = {}): CheckKernel {
  const data = generateColumnar({ rows, seed: 11, ...(opts.units !== undefined ? { units: opts.units } : {}) });
  const rules = loadRuleset(join(REPO_DIR, 'rules')).resolve(BENCH_PROJECT);
  const limits = { ...DEFAULT_LIMITS, maxRows: Math.max(rows, DEFAULT_LIMITS.maxRows) };
  const spec = { ...LARGE_SPEC, index: [...LARGE_SPEC.index], columns: [...LARGE_SPEC.columns], ...(opts.units !== undefined ? { unit: 'person' } : {}) };
  const raw = { name: 'kernel', kind: 'table' as const, microdata: data, spec };
  const ctx = { project: BENCH_PROJECT, dataset: null, digest: '0'.repeat(64) };
  const stage = () => evaluateOutput(raw, '/outputs/0', rules, limits, ctx);
  stage();
  typedArrayBaseline(data);
  const stageRuns: number[] = [];
  const baseRuns: number[] = [];
  // Interleaved, so a burst of load from elsewhere on the machine hits both sides alike.
  for (let i = 0; i < runs; i++) {
    stageRuns.push(seconds(stage));
    baseRuns.push(seconds(() => typedArrayBaseline(data)));
  }
  const stageS = median(stageRuns);
  const baselineS = median(baseRuns);
  return {
    rows,
    units: opts.units ?? null,
    stageS,
    baselineS,
    ratio: median(stageRuns.map((t, i) => t / baseRuns[i])),
    stageRowsPerS: rows / stageS,
    baselineRowsPerS: rows / baselineS,
    stageMinS: Math.min(...stageRuns),
    baselineMinS: Math.min(...baseRuns),
  };
}
