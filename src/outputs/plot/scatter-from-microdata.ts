/**
 * A scatter plot computed from microdata: `spec.x`, `spec.y` (numeric columns), optional
 * `spec.unit`. Each distinct (x, y) pair is a point whose `n` is the rows (or distinct units)
 * there — so a point is one record unless several share it exactly, and `min_count` sees
 * that. Declared points select which pairs are plotted (a declared point the data does not
 * have is bad input) and their `n`, when declared, must equal the computed one.
 *
 * @example
 * scatterFromMicrodata(spec, microdata, null, ctx) // { points: [{ x: 1, y: 2, n: 14 }, …], units }
 */
import { at, outOfRange } from '../../lib/invariant.js';
import type { UnitMembership } from '../../lib/unit-membership.js';
import { declaredCount } from '../declared-evidence.js';
import type { ParseContext } from '../output-kind.js';
import type { Fields } from '../read-fields.js';
import { invalid } from '../read-fields.js';
import type { MicrodataInput } from '../table/table-kind.js';
import { groupCounts, numbers, readUnitRows } from '../unit-rows.js';
import type { ScatterPoint } from './plot-output.js';

export interface DeclaredPoints {
  /** `n` null when the point does not declare it. */
  points: { x: number; y: number; n: number | null }[];
  pointer: string;
}

/** Computes the points; `PLOT_INVALID` for a declared point the data lacks or an n that disagrees. */
export function scatterFromMicrodata(spec: Fields, microdata: MicrodataInput, declared: DeclaredPoints | null, ctx: ParseContext): { points: ScatterPoint[]; units: UnitMembership | null } {
  const xName = spec.string('x');
  const yName = spec.string('y');
  const unit = spec.optString('unit') ?? null;
  const rows = readUnitRows(microdata, { categories: [], numbers: [xName, yName] }, unit, ctx, 'PLOT_INVALID', spec.at('unit'));
  const xs = numbers(rows, xName);
  const ys = numbers(rows, yName);
  // Pairs as keys of a Map: `${x} ${y}` is exact, since String(x) round-trips a double.
  const key = (x: number, y: number): string => `${x} ${y}`;
  const position = new Map<string, number>();
  const plotted: { x: number; y: number }[] = [];
  if (declared) {
    declared.points.forEach((p, i) => {
      const k = key(p.x, p.y);
      if (position.has(k)) invalid('PLOT_INVALID', `${declared.pointer}/${i}`, `the point (${p.x}, ${p.y}) is declared twice`);
      position.set(k, i);
      plotted.push({ x: p.x, y: p.y });
    });
  } else {
    for (let r = 0; r < rows.nRows; r++) {
      const x = xs[r] ?? outOfRange();
      const y = ys[r] ?? outOfRange();
      if (Number.isNaN(x) || Number.isNaN(y)) continue;
      const k = key(x, y);
      if (position.has(k)) continue;
      if (plotted.length >= ctx.limits.maxCells) invalid('PLOT_INVALID', spec.pointer, `more than ${ctx.limits.maxCells} distinct points; bin the scatter plot`);
      position.set(k, plotted.length);
      plotted.push({ x, y });
    }
  }
  const { counts, units } = groupCounts(
    rows,
    plotted.length,
    (r, add) => {
      const p = position.get(key(xs[r] ?? outOfRange(), ys[r] ?? outOfRange()));
      if (p !== undefined) add(p);
    },
    ctx.limits.maxRows,
    'PLOT_INVALID',
    spec.pointer,
  );
  if (declared) {
    declared.points.forEach((p, i) => {
      const n = at(counts, i);
      if (n === 0) invalid('PLOT_INVALID', `${declared.pointer}/${i}`, `no row of the microdata has (${xName}, ${yName}) = (${p.x}, ${p.y})`);
      if (p.n !== null) declaredCount('PLOT_INVALID', `${declared.pointer}/${i}/n`, `points[${i}] n`, p.n, n);
    });
  }
  return { points: plotted.map((p, i) => ({ ...p, n: at(counts, i) })), units };
}
