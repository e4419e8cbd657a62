/**
 * What `require_unit` adds to an output's `min_count` (sdc-rules.md "Units"): governance
 * requires counts of distinct units (people, households, firms), not rows. An output computed
 * from microdata without a unit column fails — one person with several rows could pass as
 * several contributors; a pre-aggregated output, whose counts airlock cannot see into, gets
 * `review`. Generic over kinds: callers say where the output came from and its unit column.
 *
 * @example unitRequirement('microdata', null, { ...p, require_unit: true })?.status // 'fail'
 */
import type { Finding } from '../domain.js';
import type { Parameters } from '../rules/parameters.js';

/**
 * The finding, or null when governance does not require a unit or the output has one.
 *
 * @example unitRequirement('declared', null, DEFAULT_PARAMETERS) // null (require_unit is false)
 */
export function unitRequirement(source: 'microdata' | 'declared', unit: string | null, p: Parameters): Finding | null {
  if (!p.require_unit) return null;
  if (source === 'microdata') {
    if (unit !== null) return null;
    return {
      check: 'min_count',
      status: 'fail',
      message: 'Governance requires a unit column: without one every row counts as a contributor, so one person with several rows could pass as several.',
      remedy: 'Name the column identifying the person (or household, firm…) each row belongs to in `spec.unit`; counts then become distinct units.',
    };
  }
  return {
    check: 'min_count',
    status: 'review',
    message: 'Governance requires counts of distinct units, and airlock cannot verify what declared counts count: an output checker must confirm.',
    remedy: 'Submit the microdata with `spec.unit` naming the unit column instead, so airlock counts distinct units itself.',
  };
}

/**
 * A check's findings with the unit requirement's added: a pass next to a review or failure
 * of the same check would only confuse the reader, so it is dropped then.
 *
 * @example withUnitRequirement(plotMinCountFindings, 'declared', null, p)
 */
export function withUnitRequirement(found: Finding[], source: 'microdata' | 'declared', unit: string | null, p: Parameters): Finding[] {
  const extra = unitRequirement(source, unit, p);
  return extra ? [...found.filter((f) => f.status !== 'pass'), extra] : found;
}
