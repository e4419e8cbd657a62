/**
 * `rounding` on frequency and count tables, when the rule set enables it: a released count
 * that `rounding_scheme` cannot publish fails — under `nearest` one that is not a multiple of
 * `round_base`, under `midpoint6` one that is neither 0 nor 6k − 3 (the protected version
 * offers rounded counts).
 *
 * @example rounding.run(table, { ...DEFAULT_PARAMETERS, round_base: 5 }, ctx)
 */
import { isCountStatistic } from '../domain.js';
import { isRoundedCount } from '../lib/round-count.js';
import type { Parameters } from '../rules/parameters.js';
import { cellsWord, tableCellCheck } from './table-cell-check.js';
import { outOfRange } from '../lib/invariant.js';

/** What the scheme publishes, in words. */
function rounded(p: Parameters): string {
  return p.rounding_scheme === 'midpoint6' ? 'rounded by midpoint-6 (0, or 3, 9, 15, …)' : `a multiple of ${p.round_base}`;
}

export const rounding = tableCellCheck({
  id: 'rounding',
  status: 'fail',
  applies: (t) => isCountStatistic(t.statistic),
  flag: (t, cell, p) => {
    const v = t.value[cell] ?? outOfRange();
    return Number.isNaN(v) || isRoundedCount(v, p.rounding_scheme, p.round_base) ? null : `${v} is not ${rounded(p)}`;
  },
  message: (n, p) => `${cellsWord(n)} ${n === 1 ? 'is' : 'are'} not ${rounded(p)}.`,
  remedy: (p) =>
    p.rounding_scheme === 'midpoint6'
      ? 'Round every count by midpoint-6: 0 stays 0, a count c ≥ 1 becomes 6·⌈c/6⌉ − 3 (the protected version does this).'
      : `Round every count to the nearest multiple of ${p.round_base} (the protected version does this).`,
  passMessage: (p) => `Every count is ${rounded(p)}.`,
});
