/**
 * A histogram computed from microdata: `spec.values` (the measure), bin edges from
 * `spec.edges` or from the declared bins, optional `spec.unit`. Bins are `[from, to)` with
 * the last one closed (`[from, to]`, as numpy and matplotlib draw it); values outside the
 * outer edges fall in no bin. Declared counts must equal the computed ones. Where the values
 * lie relative to the outer edges is kept (`EdgeCheck`): it is what confirms, or not, a
 * declared `edges_from_data: false`.
 *
 * @example
 * histogramFromMicrodata(spec, microdata, null, ctx) // { bins: [{ from: 0, to: 10, count: 14 }, …], edgeCheck, units }
 */
import { at, outOfRange } from '../../lib/invariant.js';
import { lastAtMost } from '../../lib/sorted-search.js';
import type { UnitMembership } from '../../lib/unit-membership.js';
import { declaredCount } from '../declared-evidence.js';
import type { ParseContext } from '../output-kind.js';
import type { Fields } from '../read-fields.js';
import { increasingNumbers, invalid } from '../read-fields.js';
import type { MicrodataInput } from '../table/table-kind.js';
import { groupCounts, numbers, readUnitRows } from '../unit-rows.js';
import type { EdgeCheck, HistogramBin } from './plot-output.js';
import { binLabel } from './plot-output.js';

/** Declared bins with the pointer of their array. */
export interface DeclaredBins {
  bins: HistogramBin[];
  pointer: string;
}

function specEdges(spec: Fields, maxBins: number): number[] | null {
  const raw = spec.optArray('edges');
  if (raw === undefined) return null;
  if (raw.length < 2) invalid('BINS_INVALID', spec.at('edges'), 'needs at least two edges (one bin)');
  if (raw.length - 1 > maxBins) invalid('BINS_INVALID', spec.at('edges'), `has ${raw.length - 1} bins, more than the configured limit of ${maxBins}`);
  return increasingNumbers(raw, spec.at('edges'), 'edges', 'BINS_INVALID');
}

/**
 * Index of the bin holding `v`, or −1 outside the outer edges `low` and `high` (the highest
 * edge is in the last bin). The outer edges are the caller's, read once: this runs per row.
 */
function binOf(edges: readonly number[], low: number, high: number, v: number): number {
  if (!(v >= low) || v > high) return -1;
  return v === high ? edges.length - 2 : lastAtMost(edges, v);
}

/**
 * Computes the bins; throws `BINS_INVALID` for bad edges or edges that disagree with the
 * declared bins, `PLOT_INVALID` for a declared count that disagrees.
 */
export function histogramFromMicrodata(
  spec: Fields,
  microdata: MicrodataInput,
  declared: DeclaredBins | null,
  ctx: ParseContext,
): { bins: HistogramBin[]; edgeCheck: EdgeCheck; units: UnitMembership | null } {
  const values = spec.string('values');
  const unit = spec.optString('unit') ?? null;
  let edges = specEdges(spec, ctx.limits.maxCells);
  if (declared) {
    // Declared bins are never an empty list (`boundedObjects`).
    const fromBins = [at(declared.bins, 0).from, ...declared.bins.map((b) => b.to)];
    if (edges && (edges.length !== fromBins.length || edges.some((e, i) => e !== fromBins[i]))) {
      invalid('BINS_INVALID', spec.at('edges'), `the edges [${edges.join(', ')}] are not those of the declared bins [${fromBins.join(', ')}]`);
    }
    edges = fromBins;
  }
  if (!edges) return invalid('PLOT_INVALID', spec.at('edges'), 'a histogram computed from microdata needs its bin edges (spec.edges, or bins)');
  const rows = readUnitRows(microdata, { categories: [], numbers: [values] }, unit, ctx, 'PLOT_INVALID', spec.at('unit'));
  const xs = numbers(rows, values);
  const nBins = edges.length - 1;
  const edgeCheck: EdgeCheck = { below: 0, onLow: 0, onHigh: 0, above: 0 };
  const low = at(edges, 0);
  const high = at(edges, nBins);
  for (const v of xs) {
    if (v < low) edgeCheck.below++;
    else if (v === low) edgeCheck.onLow++;
    if (v > high) edgeCheck.above++;
    else if (v === high) edgeCheck.onHigh++;
  }
  const { counts, units } = groupCounts(
    rows,
    nBins,
    (r, add) => {
      const b = binOf(edges, low, high, xs[r] ?? outOfRange());
      if (b >= 0) add(b);
    },
    ctx.limits.maxRows,
    'PLOT_INVALID',
    spec.pointer,
  );
  const bins = counts.map((count, i) => ({ from: at(edges, i), to: at(edges, i + 1), count }));
  if (declared) {
    declared.bins.forEach((b, i) => declaredCount('PLOT_INVALID', `${declared.pointer}/${i}/count`, `bins[${i}] ${binLabel(b)} count`, b.count, at(bins, i).count));
  }
  return { bins, edgeCheck, units };
}
