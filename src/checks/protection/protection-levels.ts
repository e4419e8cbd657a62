/**
 * How wide the attacker's interval of a sensitive cell must be (sdc-rules.md "Remedies and
 * protection"), with x the cell's value (its sum for magnitude tables; a mean cell's sum is
 * mean × count) and x1 ≥ x2 ≥ … its largest contributions:
 * - a frequency or count cell that failed `min_count` or `zeros`: hi − lo ≥ threshold;
 * - a cell of a `binary_measure` failure: the count at each value must have a range of
 *   threshold, i.e. the sum's range ≥ threshold × (high − low);
 * - `p_percent`: hi ≥ x + L and lo ≤ x − L, L = max(0, p·x1 − (x − x1 − x2));
 * - `nk_dominance`: hi ≥ S/k and lo ≤ 2x − S/k, S = x1 + … + xn;
 * - a magnitude cell that failed `min_count` or `all_same`: hi ≥ x(1 + p), lo ≤ x(1 − p).
 * A cell that failed several checks must meet every level (the strictest bound of each kind).
 * Any other failing check on an additive cell is held to the width rule (counts) or the
 * magnitude rule (sums): fail closed rather than leave it unprotected.
 *
 * @example
 * const level = protectionLevel(t, 4, new Set(['min_count']), params);
 * meetsLevel({ cell: 4, lo: 0, hi: 12 }, level); // true with threshold 10
 */
import type { CheckId } from '../../domain.js';
import { isCountStatistic } from '../../domain.js';
import type { CellTable } from '../../outputs/table/cell-table.js';
import { topContribution } from '../../outputs/table/cell-table.js';
import type { Parameters } from '../../rules/parameters.js';
import type { CellInterval } from './lp-audit.js';
import { outOfRange } from '../../lib/invariant.js';

/** What a cell's interval must satisfy; absent parts do not apply. */
export interface ProtectionLevel {
  /** hi − lo must be at least this. */
  width?: number;
  /** hi must be at least this. */
  hiAtLeast?: number;
  /** lo must be at most this. */
  loAtMost?: number;
  /** The rules the level comes from, for findings. */
  rules: string[];
}

/** Statistics whose cells add up (mean tables are audited as sums). */
export const ADDITIVE_STATISTICS: ReadonlySet<string> = new Set(['frequency', 'count', 'sum', 'mean']);

/**
 * A cell's value as the audit sees it: the count, or the sum (mean × count for a mean table).
 *
 * @example additiveValue(meanTable, 3) // 12.5 × 8 = 100
 */
export function additiveValue(t: CellTable, cell: number, value: number = t.value[cell] ?? outOfRange()): number {
  if (t.statistic === 'frequency') return t.count[cell] ?? outOfRange();
  if (t.statistic === 'mean') return t.count[cell] === 0 ? 0 : value * (t.count[cell] ?? outOfRange());
  return Number.isNaN(value) && t.count[cell] === 0 ? 0 : value;
}

function merge(level: ProtectionLevel, part: Omit<ProtectionLevel, 'rules'>, rule: string): void {
  if (part.width !== undefined) level.width = Math.max(level.width ?? -Infinity, part.width);
  if (part.hiAtLeast !== undefined) level.hiAtLeast = Math.max(level.hiAtLeast ?? -Infinity, part.hiAtLeast);
  if (part.loAtMost !== undefined) level.loAtMost = Math.min(level.loAtMost ?? Infinity, part.loAtMost);
  if (!level.rules.includes(rule)) level.rules.push(rule);
}

/**
 * The protection level of a sensitive cell, from the checks it failed; null for a statistic that
 * does not add up (median, min, max, std: primary suppression only). `x` is the cell's additive
 * value (a suppressed cell's comes from trusted evidence).
 *
 * @example protectionLevel(t, 0, new Set(['p_percent']), params) // { hiAtLeast: …, loAtMost: …, rules: ['p_percent'] }
 */
export function protectionLevel(t: CellTable, cell: number, failed: ReadonlySet<CheckId>, p: Parameters, x: number = additiveValue(t, cell)): ProtectionLevel | null {
  if (!ADDITIVE_STATISTICS.has(t.statistic)) return null;
  const level: ProtectionLevel = { rules: [] };
  const counts = isCountStatistic(t.statistic);
  const magnitudeRule = { hiAtLeast: x * (1 + p.p), loAtMost: x * (1 - p.p) };
  for (const check of failed) {
    if (counts) {
      merge(level, { width: p.threshold }, check === 'zeros' ? 'zeros' : 'min_count');
      continue;
    }
    if (check === 'p_percent') {
      const x1 = topContribution(t, cell, 0);
      const x2 = topContribution(t, cell, 1);
      const L = Math.max(0, p.p * x1 - (x - x1 - x2));
      merge(level, { hiAtLeast: x + L, loAtMost: x - L }, 'p_percent');
    } else if (check === 'nk_dominance') {
      let s = 0;
      for (let i = 0; i < p.nk_n; i++) s += topContribution(t, cell, i);
      merge(level, { hiAtLeast: s / p.nk_k, loAtMost: 2 * x - s / p.nk_k }, 'nk_dominance');
    } else if (check === 'binary_measure' && t.measureValues.values === 'two') {
      merge(level, { width: p.threshold * (t.measureValues.high - t.measureValues.low) }, 'binary_measure');
    } else {
      merge(level, magnitudeRule, check === 'min_count' || check === 'all_same' ? check : 'magnitude');
    }
  }
  return level.rules.length ? level : null;
}

/**
 * Whether an interval meets a level.
 *
 * @example meetsLevel({ cell: 0, lo: 0, hi: 9 }, { width: 10, rules: ['min_count'] }) // false
 */
export function meetsLevel(iv: CellInterval, level: ProtectionLevel): boolean {
  if (level.width !== undefined && !(iv.hi - iv.lo >= level.width)) return false;
  if (level.hiAtLeast !== undefined && !(iv.hi >= level.hiAtLeast)) return false;
  if (level.loAtMost !== undefined && !(iv.lo <= level.loAtMost)) return false;
  return true;
}

const fmt = (x: number): string => (Number.isFinite(x) ? String(Math.round(x * 1000) / 1000) : x > 0 ? '∞' : '−∞');

/**
 * The interval and what it needed, in words, for findings.
 *
 * @example describeInterval({ cell: 0, lo: 3, hi: 4 }, { width: 10, rules: ['min_count'] })
 * // 'an attacker can narrow it to [3, 4] (a range of 1; min_count needs a range of at least 10)'
 */
export function describeInterval(iv: CellInterval, level: ProtectionLevel, opts: { hideNeeds?: boolean } = {}): string {
  // The bounds a magnitude level asks for are computed from the cell's own evidence; where that
  // evidence must stay unpublished (a suppressed cell), say which rule failed, not its numbers.
  if (opts.hideNeeds) return `an attacker solving linear programmes can narrow it to [${fmt(iv.lo)}, ${fmt(iv.hi)}], too little for ${level.rules.join(' and ')}`;
  const needs: string[] = [];
  if (level.width !== undefined) needs.push(`a range of at least ${fmt(level.width)}`);
  if (level.hiAtLeast !== undefined) needs.push(`an upper bound of at least ${fmt(level.hiAtLeast)}`);
  if (level.loAtMost !== undefined) needs.push(`a lower bound of at most ${fmt(level.loAtMost)}`);
  return `an attacker solving linear programmes can narrow it to [${fmt(iv.lo)}, ${fmt(iv.hi)}] (a range of ${fmt(iv.hi - iv.lo)}; ${level.rules.join(' and ')} needs ${needs.join(' and ')})`;
}
