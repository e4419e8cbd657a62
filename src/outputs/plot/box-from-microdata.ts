/**
 * A box plot checked against its microdata: `spec.values` (the measure), optional
 * `spec.unit`. airlock computes n (distinct units with a value, or rows without a unit
 * column) and the quartiles (type 7, R's and numpy's default); declared ones must agree (a
 * declared n may also be the number of values; a declared quartile must lie where some
 * common quantile definition puts it). The whiskers stay the researcher's (airlock does not
 * guess the rule that drew them), but must lie within the data; the data's minimum and
 * maximum, and how many contributors lie beyond each whisker, are kept to judge whether the
 * whiskers sit at, or among, the most extreme values.
 *
 * @example
 * boxFromMicrodata(spec, microdata, { n: undefined, q1: undefined, median: undefined, q3: undefined, whiskerLow: 31, whiskerHigh: 88 }, f, ctx) // { n: 412, q1: 44, median: 57, q3: 69, dataRange, units }
 */
import { at, outOfRange } from '../../lib/invariant.js';
import { printedInterval } from '../../lib/printed-precision.js';
import { quantileBracket, quantileType7, sortedValues } from '../../lib/quantile.js';
import type { UnitMembership } from '../../lib/unit-membership.js';
import { declaredQuantile } from '../declared-evidence.js';
import type { ParseContext } from '../output-kind.js';
import type { Fields } from '../read-fields.js';
import { invalid } from '../read-fields.js';
import type { MicrodataInput } from '../table/table-kind.js';
import type { RowUnits } from '../unit-rows.js';
import { groupCounts, numbers, readUnitRows } from '../unit-rows.js';

/** What the submitter declared of the box (quartiles and n optional with microdata). */
export interface DeclaredBox {
  n: number | undefined;
  q1: number | undefined;
  median: number | undefined;
  q3: number | undefined;
  whiskerLow: number;
  whiskerHigh: number;
}

export interface ComputedBox {
  n: number;
  q1: number;
  median: number;
  q3: number;
  dataRange: { min: number; max: number; belowLow: number; aboveHigh: number };
  units: UnitMembership | null;
}

/** Contributors (distinct units, or rows) whose value satisfies `beyond`. */
function contributorsBeyond(raw: Float64Array, unit: RowUnits | null, beyond: (v: number) => boolean): number {
  let n = 0;
  if (!unit) {
    for (const v of raw) if (beyond(v)) n++;
    return n;
  }
  const seen = new Uint8Array(unit.values.length);
  for (let r = 0; r < raw.length; r++) {
    if (!beyond(raw[r] ?? outOfRange())) continue;
    const u = unit.of[r] ?? outOfRange();
    if (!seen[u]) (seen[u] = 1), n++;
  }
  return n;
}

/** Computes and checks the box; `PLOT_INVALID` for declared numbers the microdata contradicts. */
export function boxFromMicrodata(spec: Fields, microdata: MicrodataInput, declared: DeclaredBox, f: Fields, ctx: ParseContext): ComputedBox {
  const values = spec.string('values');
  const unit = spec.optString('unit') ?? null;
  const rows = readUnitRows(microdata, { categories: [], numbers: [values] }, unit, ctx, 'PLOT_INVALID', spec.at('unit'));
  const raw = numbers(rows, values);
  const xs = sortedValues(raw);
  if (xs.length === 0) invalid('PLOT_INVALID', spec.at('values'), `the column "${values}" has no values`);
  const { counts, units } = groupCounts(rows, 1, (r, add) => !Number.isNaN(raw[r] ?? outOfRange()) && add(0), ctx.limits.maxRows, 'PLOT_INVALID', spec.pointer);
  const n = at(counts, 0);
  if (declared.n !== undefined && declared.n !== n && declared.n !== xs.length) {
    invalid('PLOT_INVALID', f.at('n'), `n: declared ${declared.n}, the microdata gives ${unit ? `${n} units (${xs.length} values)` : xs.length}`);
  }
  const quartile = (key: 'q1' | 'median' | 'q3', p: number): number => {
    const computed = quantileType7(xs, p);
    const d = declared[key];
    if (d !== undefined) declaredQuantile('PLOT_INVALID', f.at(key), key, d, quantileBracket(xs, p), computed);
    return d ?? computed;
  };
  const min = at(xs, 0);
  const max = at(xs, xs.length - 1);
  // A whisker beyond the data cannot have been drawn from it.
  const low = printedInterval(declared.whiskerLow);
  const high = printedInterval(declared.whiskerHigh);
  if (low[1] < min) invalid('PLOT_INVALID', f.at('whisker_low'), 'lies below every value of the microdata');
  if (high[0] > max) invalid('PLOT_INVALID', f.at('whisker_high'), 'lies above every value of the microdata');
  const belowLow = contributorsBeyond(raw, rows.unit, (v) => v < low[0]);
  const aboveHigh = contributorsBeyond(raw, rows.unit, (v) => v > high[1]);
  return { n, q1: quartile('q1', 0.25), median: quartile('median', 0.5), q3: quartile('q3', 0.75), dataRange: { min, max, belowLow, aboveHigh }, units };
}
