/**
 * The findings of differencing (sdc-rules.md "Differencing"; issue 11 item 6): each failing
 * comparison names both outputs (this one and the other, with the earlier decision id when it
 * comes from the history), the groups involved and the size of the difference — never which
 * unit. The first `MAX_DETAILED_COMPARISONS` sources are described with their groups, the rest
 * summarised in one finding naming them in `related`.
 *
 * @example
 * differencingFindings({ output: 't', table: true }, 3, [failure], { population: 'cohort', threshold: 10 })
 */
import type { CellFinding, Finding, ItemFinding } from '../../domain.js';
import { MARGIN_LABEL } from '../../outputs/table/cell-table.js';
import { passed } from '../check.js';

/** What the other side of a comparison is: another output of the request, or an earlier one. */
export interface DifferenceSource {
  output: string;
  /** The earlier decision that released it (or awaits review); absent for an output of the same request. */
  decision_id?: string;
  /** The earlier output awaits review (compared with all the same). */
  pending?: boolean;
}

/**
 * A source's identity as a map key: its decision id (generated, never containing a NUL) and
 * output name. Built for every earlier output on every request, so a concatenation, not JSON.
 *
 * @example sourceKey({ output: 't1', decision_id: 'd-1' }) // 'd-1\u0000t1'
 */
export function sourceKey(source: DifferenceSource): string {
  return `${source.decision_id ?? ''}\u0000${source.output}`;
}

/** One disclosive difference, in the words of the mode that found it. */
export interface Difference {
  /** `group`: group sizes; `count`: contributors of one measure; `sum`: equal contributors, different sums; `units`: unit sets (unit mode). */
  layer: 'group' | 'count' | 'sum' | 'units';
  /** The group of this output (labels over the variables compared; `All` summed out), or a plot/summary item. */
  labels: Record<string, string>;
  ref?: string;
  /** This output's figure and the other's. */
  mine: number;
  other: number;
  /** The size of the difference (units, contributors, or the gap between two sums). */
  difference: number;
  collapsed?: boolean;
  measure?: string;
  /** Unit mode: how the other side is formed (`its group "…"`, `the union of its 3 groups inside this one`, …). */
  otherSide?: string;
}

/** All the disclosive differences with one source. */
export interface FailedComparison {
  source: DifferenceSource;
  differences: Difference[];
}

/** Most failed comparisons described one by one in an output's findings; the rest are summarised. */
export const MAX_DETAILED_COMPARISONS = 20;
/** Most further sources the summary finding names. */
export const MAX_SUMMARISED_SOURCES = 100;
/** Most groups one finding lists. */
export const MAX_GROUPS_LISTED = 50;

function describe(s: DifferenceSource): string {
  if (s.decision_id === undefined) return `output "${s.output}" in this request`;
  return `output "${s.output}" ${s.pending ? 'awaiting review in' : 'released in'} decision ${s.decision_id}`;
}

function related(s: DifferenceSource): { output: string; decision_id?: string } {
  return s.decision_id === undefined ? { output: s.output } : { output: s.output, decision_id: s.decision_id };
}

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 || Object.values(labels).every((v) => v === MARGIN_LABEL) ? 'the total' : parts.join(', ');
}

function reason(d: Difference, source: DifferenceSource, threshold: number): string {
  const where = describe(source);
  const size = Math.abs(d.difference);
  const over = d.collapsed ? '; both summed over the categories the two share' : '';
  switch (d.layer) {
    case 'group':
      if (d.otherSide) return `${d.mine} in this group, ${d.other} in ${d.otherSide} (0 < ${size} < threshold ${threshold})${over}`;
      return `${d.mine} in this group, ${d.other} in the same group of ${where} (0 < ${size} < threshold ${threshold})${over}`;
    case 'count':
      return `${d.mine} contributors of ${d.measure ?? 'the measure'}, ${d.other} in ${where} (0 < ${size} < threshold ${threshold}): the sums over both give the others' total${over}`;
    case 'sum':
      return `the same contributors of ${d.measure ?? 'the measure'} as in ${where}, but sums that differ by ${Math.abs(d.difference).toPrecision(6)} beyond their printed precision: a contributor's value changed${over}`;
    case 'units': {
      const other = d.otherSide ?? 'a group';
      return `${d.mine} units in this group, ${d.other} in ${other}${/output "/.test(other) ? '' : ` of ${where}`}: they differ by ${size} units (0 < ${size} < threshold ${threshold})`;
    }
  }
}

/**
 * The remedy of every failing differencing finding.
 *
 * @example differencingRemedy(10, true) // 'Align the two outputs' populations … withdraw this one …'
 */
export function differencingRemedy(threshold: number, earlier: boolean): string {
  return (
    `Align the two outputs' populations or category sets so that every group and total is either the same in both or differs by at least ${threshold} units, ` +
    (earlier ? 'or withdraw this output (the other one is already released or awaiting review).' : 'or withdraw one of them.')
  );
}

function failedFinding(f: FailedComparison, threshold: number, asCells: boolean): Finding {
  const shown = f.differences.slice(0, MAX_GROUPS_LISTED);
  const cells: CellFinding[] = [];
  const items: ItemFinding[] = [];
  for (const d of shown) {
    const why = reason(d, f.source, threshold);
    if (asCells && d.ref === undefined) cells.push({ labels: d.labels, value: null, count: d.mine, reason: why });
    else items.push({ ref: d.ref ?? labelText(d.labels), value: d.mine, reason: why });
  }
  const more = f.differences.length - shown.length;
  const message =
    `${f.differences.length === 1 ? 'A group' : `${f.differences.length} groups`} of this output and of ${describe(f.source)} differ by between 1 and ${threshold - 1} ` +
    `units or contributors${more > 0 ? ` (the first ${shown.length} are listed)` : ''}. Subtracting one from the other would reveal a group of fewer than ${threshold}.`;
  const out: Finding = { check: 'differencing', status: 'fail', message, remedy: differencingRemedy(threshold, f.source.decision_id !== undefined), related: [related(f.source)] };
  if (cells.length) out.cells = cells;
  if (items.length) out.items = items;
  return out;
}

/**
 * The differencing findings of one output: a `fail` per failed comparison (the first
 * `MAX_DETAILED_COMPARISONS` in detail, the rest in one summary finding), or one `pass` when
 * `compared` comparisons were made and none failed, or none when nothing was compared.
 *
 * @example differencingFindings(true, 3, [], { population: 'cohort', threshold: 10 }) // [{ status: 'pass', … }]
 */
export function differencingFindings(asCells: boolean, compared: number, failed: readonly FailedComparison[], ctx: { population: string; threshold: number; units?: boolean }): Finding[] {
  const t = ctx.threshold;
  if (failed.length === 0) {
    if (compared === 0) return [];
    return [
      passed(
        'differencing',
        `Compared with ${compared} other ${compared === 1 ? 'output' : 'outputs'} of population "${ctx.population}"${ctx.units ? ' by labels and by unit sets' : ' by labels'}: no group, total or contributor set differs by between 1 and ${t - 1}.`,
      ),
    ];
  }
  const out = failed.slice(0, MAX_DETAILED_COMPARISONS).map((f) => failedFinding(f, t, asCells));
  const rest = failed.slice(MAX_DETAILED_COMPARISONS);
  if (rest.length > 0) {
    const named = rest.slice(0, MAX_SUMMARISED_SOURCES);
    out.push({
      check: 'differencing',
      status: 'fail',
      message: `This output also differs by between 1 and ${t - 1} in some group from ${rest.length} more ${rest.length === 1 ? 'output' : 'outputs'}${rest.length > named.length ? ` (the first ${named.length} are listed in related).` : ' (listed in related).'}`,
      remedy: differencingRemedy(t, rest.some((f) => f.source.decision_id !== undefined)),
      related: named.map((f) => related(f.source)),
    });
  }
  return out;
}

/**
 * A `review` finding: differencing could not be checked (no dataset, an undeclared or
 * ambiguous dataset, units that do not match the history, a table too large to compare).
 *
 * @example differencingReview('no dataset: differencing could not be checked', 'Name the dataset …')
 */
export function differencingReview(message: string, remedy: string): Finding {
  return { check: 'differencing', status: 'review', message, remedy };
}
