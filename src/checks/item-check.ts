/**
 * The non-table counterpart of `tableCellCheck`: most checks on models, plots, summaries,
 * records and files flag individual items (a bin, a step, a statistic, a class, a CSV cell).
 * This factory turns a rule that lists flagged items into a `Check`, which passes when none
 * is flagged and caps the items it lists so one finding stays readable.
 *
 * @example
 * export const summaryMinCount = itemCheck<SummaryOutput>({
 *   id: 'min_count', kind: 'summary', status: 'fail',
 *   flag: (s, p) => s.statistics.flatMap(...),
 *   message: (n) => `${n} statistics …`, remedy: () => '…', passMessage: () => '…',
 * });
 */
import type { CheckId, Finding, ItemFinding, OutputKind } from '../domain.js';
import type { Parameters } from '../rules/parameters.js';
import type { Check } from './check.js';
import { passed } from './check.js';

/** Most items one finding lists; the message still counts all of them. */
export const MAX_FINDING_ITEMS = 100;

type FlagStatus = 'fail' | 'review';

/**
 * Flagged items when there may be very many (every cell of a large CSV): at most
 * `MAX_FINDING_ITEMS` kept, with the total counted.
 */
export interface CappedItems {
  items: ItemFinding[];
  total: number;
}

export interface ItemRule<P> {
  id: CheckId;
  kind: OutputKind;
  /** `fail` or `review`, or a function when it depends on the output (e.g. known vs unknown format). */
  status: FlagStatus | ((parsed: P, p: Parameters) => FlagStatus);
  /** The flagged items (none: passed), or null when the check does not apply to this output. */
  flag(parsed: P, p: Parameters): ItemFinding[] | CappedItems | null;
  /** What is wrong, given how many items are flagged. */
  message(flagged: number, parsed: P, p: Parameters): string;
  remedy(flagged: number, parsed: P, p: Parameters): string;
  passMessage(parsed: P, p: Parameters): string;
}

/**
 * Builds a check from an item rule.
 *
 * @example itemCheck(rule).run(parsed, DEFAULT_PARAMETERS, ctx)
 */
export function itemCheck<P>(rule: ItemRule<P>): Check<P> & { rule: ItemRule<P> } {
  return {
    id: rule.id,
    kind: rule.kind,
    rule,
    run(parsed: P, p: Parameters): Finding[] {
      const flagged = rule.flag(parsed, p);
      if (flagged === null) return [];
      const { items, total } = Array.isArray(flagged) ? { items: flagged, total: flagged.length } : flagged;
      if (total === 0) return [passed(rule.id, rule.passMessage(parsed, p))];
      const status = typeof rule.status === 'function' ? rule.status(parsed, p) : rule.status;
      let message = rule.message(total, parsed, p);
      if (total > MAX_FINDING_ITEMS) message += ` (the first ${MAX_FINDING_ITEMS} of ${total} are listed)`;
      return [{ check: rule.id, status, message, remedy: rule.remedy(total, parsed, p), items: items.slice(0, MAX_FINDING_ITEMS) }];
    },
  };
}

/**
 * Flags each item whose reason is not null: the common loop of per-item rules.
 *
 * @example flagEach(bins, (b) => belowThreshold(b.count, 10), (b, i) => `bins[${i}]`, (b) => b.count)
 */
export function flagEach<T>(
  items: readonly T[],
  reason: (item: T, i: number) => string | null,
  ref: (item: T, i: number) => string,
  value: (item: T, i: number) => number | null,
): ItemFinding[] {
  const out: ItemFinding[] = [];
  items.forEach((item, i) => {
    const r = reason(item, i);
    if (r !== null) out.push({ ref: ref(item, i), value: value(item, i), reason: r });
  });
  return out;
}
