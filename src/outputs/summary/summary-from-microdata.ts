/**
 * Summary statistics computed from microdata: each statistic's `name` is a numeric column
 * (listed in `spec.values` when given), optional `spec.unit`. For each statistic airlock
 * computes its n — the units with a value (without a unit column, the rows with one) — and
 * its value: mean; sd (sample, n − 1; a declared population sd, n, agrees too); median and
 * percentiles (type 7; a declared one agrees when some common definition gives it); min and
 * max. A declared value must agree at its printed precision, a declared n must be the units
 * or the values behind the statistic; absent ones are filled in. With a unit column each
 * statistic is a group: its population is every unit of the microdata, its contributors the
 * units with a value of its measure.
 *
 * @example
 * summaryFromMicrodata(spec, microdata, [{ name: 'age', statistic: 'mean', … }], ctx)
 */
import type { ErrorCode } from '../../errors.js';
import { at, got, invariant, outOfRange } from '../../lib/invariant.js';
import { agreesWithPrinted } from '../../lib/printed-precision.js';
import { quantileBracket, quantileType7 } from '../../lib/quantile.js';
import type { GroupSets, UnitMembership } from '../../lib/unit-membership.js';
import { declaredQuantile, declaredValue } from '../declared-evidence.js';
import type { ParseContext } from '../output-kind.js';
import type { Fields } from '../read-fields.js';
import { invalid } from '../read-fields.js';
import type { MicrodataInput } from '../table/table-kind.js';
import { numbers, readUnitRows } from '../unit-rows.js';
import { sortedValues } from '../../lib/quantile.js';
import type { SummaryStatistic, SummaryStatisticKind } from './summary-output.js';

const CODE: ErrorCode = 'SUMMARY_INVALID';

/** A statistic as declared: value and n may be left for airlock to fill in. */
export interface DeclaredStatistic {
  name: string;
  statistic: SummaryStatisticKind;
  p: number | null;
  n: number | undefined;
  value: number | undefined;
  pointer: string;
}

/** What one measure column gives. */
interface Measure {
  sorted: Float64Array;
  mean: number;
  /** Σ (x − mean)² */
  squares: number;
}

function measure(xs: Float64Array): Measure {
  const sorted = sortedValues(xs);
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / sorted.length;
  let squares = 0;
  for (const v of sorted) squares += (v - mean) ** 2;
  return { sorted, mean, squares };
}

function checkValue(s: DeclaredStatistic, m: Measure): number {
  const what = `${s.statistic === 'percentile' ? `percentile ${s.p}` : s.statistic} of ${s.name}`;
  const pointer = `${s.pointer}/value`;
  const quantile = (q: number): number => {
    const computed = quantileType7(m.sorted, q);
    if (s.value !== undefined) declaredQuantile(CODE, pointer, what, s.value, quantileBracket(m.sorted, q), computed);
    return s.value ?? computed;
  };
  const exact = (computed: number): number => {
    if (s.value !== undefined) declaredValue(CODE, pointer, what, s.value, computed);
    return s.value ?? computed;
  };
  const k = m.sorted.length;
  switch (s.statistic) {
    case 'mean':
      return exact(m.mean);
    case 'sd': {
      if (k < 2) return invalid(CODE, pointer, `${what}: a standard deviation needs at least 2 values (the microdata has ${k})`);
      const sample = Math.sqrt(m.squares / (k - 1));
      if (s.value !== undefined && agreesWithPrinted(s.value, Math.sqrt(m.squares / k))) return s.value;
      return exact(sample);
    }
    case 'median':
      return quantile(0.5);
    case 'percentile':
      invariant(s.p !== null, 'a percentile is parsed with its p');
      return quantile(s.p / 100);
    // A measure has at least one value (`summaryFromMicrodata` refuses a column without).
    case 'min':
      return exact(at(m.sorted, 0));
    case 'max':
      return exact(at(m.sorted, k - 1));
  }
}

/**
 * Computes and checks the statistics; throws `SUMMARY_INVALID` for a declared value or n
 * the microdata contradicts, a statistic of a column that is not in `spec.values`, or a
 * column without values.
 */
export function summaryFromMicrodata(
  spec: Fields,
  microdata: MicrodataInput,
  declared: DeclaredStatistic[],
  ctx: ParseContext,
): { statistics: SummaryStatistic[]; units: UnitMembership | null } {
  const unit = spec.optString('unit') ?? null;
  const listed = spec.optNames('values') ?? null;
  const names = [...new Set(declared.map((s) => s.name))];
  for (const s of declared) {
    if (listed && !listed.includes(s.name)) invalid(CODE, `${s.pointer}/name`, `"${s.name}" is not among spec.values (${listed.join(', ')})`);
  }
  const rows = readUnitRows(microdata, { categories: [], numbers: names }, unit, ctx, CODE, spec.at('unit'));
  // Per measure: its values, and n = the units (or, without a unit column, the rows) with one.
  const measures = new Map<string, Measure & { n: number }>();
  const contributorsOf = new Map<string, { seen: Uint8Array; count: number }>();
  for (const name of names) {
    const xs = numbers(rows, name);
    const m = measure(xs);
    if (m.sorted.length === 0) invalid(CODE, spec.pointer, `the column "${name}" has no values`);
    let n = m.sorted.length;
    if (rows.unit) {
      const { of } = rows.unit;
      const seen = new Uint8Array(rows.unit.values.length);
      n = 0;
      for (let r = 0; r < rows.nRows; r++) {
        if (Number.isNaN(xs[r] ?? outOfRange())) continue;
        const u = of[r] ?? outOfRange();
        if (!seen[u]) (seen[u] = 1), n++;
      }
      contributorsOf.set(name, { seen, count: n });
    }
    measures.set(name, { ...m, n });
  }
  const statistics = declared.map((s): SummaryStatistic => {
    const m = got(measures, s.name);
    if (s.n !== undefined && s.n !== m.n && s.n !== m.sorted.length) {
      invalid(CODE, `${s.pointer}/n`, `n: declared ${s.n}, the microdata gives ${unit ? `${m.n} units (${m.sorted.length} values)` : m.sorted.length}`);
    }
    return { name: s.name, statistic: s.statistic, p: s.p, n: m.n, value: checkValue(s, m) };
  });
  return { statistics, units: rows.unit ? statisticUnits(rows.unit.values, rows.unit.column, declared, contributorsOf, ctx.limits.maxRows, spec.pointer) : null };
}

/** One group per statistic: the population is every unit; the contributors, those with a value of its measure. */
function statisticUnits(
  values: string[],
  column: string,
  declared: DeclaredStatistic[],
  contributorsOf: Map<string, { seen: Uint8Array; count: number }>,
  maxPairs: number,
  pointer: string,
): UnitMembership {
  const nUnits = values.length;
  const nGroups = declared.length;
  if (nGroups * nUnits > maxPairs) invalid(CODE, pointer, `${nGroups} statistics over ${nUnits} units exceed ${maxPairs} unit memberships; send fewer statistics per output`);
  const population: GroupSets = { offsets: new Uint32Array(nGroups + 1), ids: new Uint32Array(nGroups * nUnits) };
  const contributors: GroupSets = { offsets: new Uint32Array(nGroups + 1), ids: new Uint32Array(declared.reduce((a, s) => a + got(contributorsOf, s.name).count, 0)) };
  let w = 0;
  declared.forEach((s, g) => {
    for (let u = 0; u < nUnits; u++) population.ids[g * nUnits + u] = u;
    population.offsets[g + 1] = (g + 1) * nUnits;
    const { seen } = got(contributorsOf, s.name);
    for (let u = 0; u < nUnits; u++) if (seen[u]) contributors.ids[w++] = u;
    contributors.offsets[g + 1] = w;
  });
  return { column, values, ...population, contributors };
}
