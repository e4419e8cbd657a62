/**
 * What a check is: a pure function from a parsed output and the rule set's parameters to
 * findings. Checks know nothing of HTTP, storage or keys; the registry (`index.ts`) maps check
 * ids to modules and the rule set says which ids apply to which output kind.
 *
 * @example
 * export const minCount: Check<CellTable> = { id: 'min_count', kind: 'table', run(t, p) { … } };
 */
import type { CheckId, Finding, OutputKind } from '../domain.js';
import type { Parameters } from '../rules/parameters.js';

/** What a check may know beyond its output: never the request body or the caller's token. */
export interface CheckContext {
  /** Name of the output being checked. */
  output: string;
  project: string;
  dataset: string | null;
}

export interface Check<I> {
  id: CheckId;
  /** The output kind whose parsed form this check reads. */
  kind: OutputKind;
  /**
   * Findings for this output; an empty array means the check does not apply to this
   * particular output (e.g. `nk_dominance` on a frequency table), a `pass` finding means it
   * applied and passed.
   */
  run(input: I, params: Parameters, ctx: CheckContext): Finding[];
}

/**
 * A `pass` finding, the same shape for every check.
 *
 * @example passed('min_count', 'Every cell has at least 10 contributors.')
 */
export function passed(check: CheckId, message: string): Finding {
  return { check, status: 'pass', message, remedy: '' };
}
