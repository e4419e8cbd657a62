/**
 * The differencing step, run once every output is evaluated and before `decide`: each table
 * output of a request that names a `dataset` (when the rule set enables `differencing` for
 * tables) is compared (a) with the request's other table outputs and (b) with the tables
 * released earlier for the same project and dataset — cell by cell with those of the same
 * dimension variables, and by population total with all of them (`src/checks/differencing.ts`
 * says exactly what is compared). Its findings are appended to the output's findings and its
 * outcome can only get worse. Earlier releases come from the audit store through
 * `historyIndexFor`; a store failure is `STORE_UNAVAILABLE` (503), never a release. Without a
 * history source (a dry run: `airlock check`, rule tests) only the request's own tables are
 * compared.
 *
 * @example
 * const evaluated = await differenceOutputs(outputs, { project: 'p1', dataset: 'cohort', rules }, store);
 */
import type { Finding, OutputDecision } from '../domain.js';
import { outcomeOfStatuses, worstOutcome } from '../domain.js';
import { AirlockError } from '../errors.js';
import type { ComparisonPlan, DifferenceSource, FailedComparison, Layout, PreparedTable, PublishedTable } from '../checks/differencing.js';
import { compareTables, differencingFindings, isDisclosiveDifference, planComparison, prepareTable, totalsCompared } from '../checks/differencing.js';
import type { EffectiveRules } from '../rules/load-ruleset.js';
import type { ExceptionRequest } from '../review/apply-exception.js';
import { applyException } from '../review/apply-exception.js';
import { withSpan } from '../telemetry/with-span.js';
import type { EvaluatedOutput } from './evaluate-output.js';
import type { DifferencingHistory, HistoryTable, HistoryTotal } from './history-index.js';
import { historyIndexFor } from './history-index.js';

/** A table output of the request, prepared (null when too large to compare every margin). */
interface Candidate {
  index: number;
  name: string;
  published: PublishedTable;
  table: PreparedTable | null;
}

function isPublishedTable(x: unknown): x is PublishedTable {
  return typeof x === 'object' && x !== null && Array.isArray((x as PublishedTable).dims) && Array.isArray((x as PublishedTable).cells);
}

/** Whether the step applies to this request at all. */
export function differencingApplies(dataset: string | null, rules: EffectiveRules): dataset is string {
  return dataset !== null && (rules.checks.table ?? []).includes('differencing');
}

async function fromStore<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof AirlockError) throw e;
    const err = new AirlockError('STORE_UNAVAILABLE', 'the audit store could not read the release history; no decision was made');
    err.cause = e;
    throw err;
  }
}

/** Failed comparisons of one table, merged per source (cells and total of one source form one finding). */
class Failures {
  private readonly bySource = new Map<string, FailedComparison>();
  /** Sources compared (whether they failed or not). */
  compared = 0;

  add(source: DifferenceSource, part: Partial<Pick<FailedComparison, 'cells' | 'total'>>): void {
    const key = JSON.stringify([source.decision_id ?? null, source.output]);
    let f = this.bySource.get(key);
    if (!f) {
      f = { source, cells: [] };
      this.bySource.set(key, f);
    }
    if (part.cells) f.cells.push(...part.cells);
    if (part.total) f.total = part.total;
  }

  list(): FailedComparison[] {
    return [...this.bySource.values()];
  }
}

function tooLarge(what: string): Finding {
  return {
    check: 'differencing',
    status: 'review',
    message: `${what} has too many combinations of categories and margins to compare automatically with the other tables of its dataset; an output checker must compare them.`,
    remedy: 'Use fewer dimension variables or fewer categories, or ask an output checker to compare the tables.',
  };
}

/** Compares one prepared table with another, recording a failure or just the comparison. */
function compareWith(
  mine: PreparedTable,
  other: PreparedTable,
  source: DifferenceSource,
  threshold: number,
  failures: Failures,
  plan: ComparisonPlan | null,
): void {
  const cells = compareTables(mine, other, threshold, plan);
  if (cells?.length) failures.add(source, { cells });
  if (!(cells !== null && totalsCompared(mine, other)) && isDisclosiveDifference(mine.total - other.total, threshold)) {
    failures.add(source, { total: { count: mine.total, other: other.total } });
  }
  failures.compared++;
}

/** The history one table is compared with: same-dimension tables, and every total. */
function compareWithHistory(mine: PreparedTable, earlier: readonly HistoryTable[], totals: readonly HistoryTotal[], threshold: number, failures: Failures): number {
  const plans = new Map<Layout, ComparisonPlan | null>();
  /** Tables whose totals the cell comparison covers and that differ disclosively (the totals loop skips them). */
  const covered = new Set<string>();
  let unprepared = 0;
  for (const h of earlier) {
    if (h.table === null) {
      unprepared++;
      continue;
    }
    let plan = plans.get(h.table.layout);
    if (plan === undefined) {
      plan = planComparison(mine.layout, h.table.layout);
      plans.set(h.table.layout, plan);
    }
    const cells = compareTables(mine, h.table, threshold, plan);
    if (cells === null) continue;
    if (cells.length) failures.add({ output: h.output, decision_id: h.decision_id }, { cells });
    // Totals are compared for every earlier table below; a same-layout table's grand total is one of its cells.
    if (!isDisclosiveDifference(mine.total - h.table.total, threshold)) continue;
    if (totalsCompared(mine, h.table)) covered.add(JSON.stringify([h.seq, h.output]));
    else if (!h.hasTotal) failures.add({ output: h.output, decision_id: h.decision_id }, { total: { count: mine.total, other: h.table.total } });
  }
  for (const t of totals) {
    if (!isDisclosiveDifference(mine.total - t.total, threshold)) continue;
    if (covered.has(JSON.stringify([t.seq, t.output]))) continue;
    failures.add({ output: t.output, decision_id: t.decision_id }, { total: { count: mine.total, other: t.total } });
  }
  // Every earlier table of the dataset was compared by its total at least; same-dimension tables without a stored total by their cells.
  failures.compared += totals.length;
  for (const h of earlier) if (h.table && !h.hasTotal) failures.compared++;
  return unprepared;
}

/** The output's decision with differencing findings added: outcome only ever gets worse; an exception request covers them too. */
function withFindings(decision: OutputDecision, found: Finding[], exception: ExceptionRequest | undefined): OutputDecision {
  if (found.length === 0) return decision;
  const added = exception ? applyException({ ...decision, findings: found }, exception).findings : found;
  return { ...decision, findings: [...decision.findings, ...added], outcome: worstOutcome([decision.outcome, outcomeOfStatuses(added.map((f) => f.status))]) };
}

/**
 * Adds differencing findings to the request's table outputs (see the module comment).
 * Returns the outputs with updated decisions (new objects; the input is not changed).
 *
 * @example (await differenceOutputs(outputs, { project: 'p1', dataset: 'cohort', rules }, store))[0].decision.outcome // 'reject'
 */
export async function differenceOutputs(
  evaluated: readonly EvaluatedOutput[],
  ctx: { project: string; dataset: string | null; rules: EffectiveRules },
  history?: DifferencingHistory,
): Promise<EvaluatedOutput[]> {
  const dataset = ctx.dataset;
  if (!differencingApplies(dataset, ctx.rules)) return [...evaluated];
  const candidates: Candidate[] = [];
  evaluated.forEach((e, index) => {
    if (e.decision.kind !== 'table' || !isPublishedTable(e.releasable)) return;
    let table: PreparedTable | null = null;
    try {
      table = prepareTable(e.releasable);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
    }
    candidates.push({ index, name: e.decision.name, published: e.releasable, table });
  });
  if (candidates.length === 0) return [...evaluated];
  return withSpan('airlock.check.differencing', { 'airlock.check.id': 'differencing', 'airlock.output.kind': 'table' }, async (span) => {
    const threshold = ctx.rules.params.threshold;
    let earlierTables = new Map<string, readonly HistoryTable[]>();
    let earlierTotals: readonly HistoryTotal[] = [];
    if (history) {
      const index = historyIndexFor(history);
      const byDims = new Map<string, readonly string[]>();
      for (const c of candidates) if (c.table) byDims.set(c.table.layout.dimsKey, c.table.layout.dims);
      const [totals, ...tables] = await fromStore(() =>
        Promise.all([index.totals({ project: ctx.project, dataset }), ...[...byDims.values()].map((dims) => index.tables({ project: ctx.project, dataset, dims }))]),
      );
      earlierTotals = totals as readonly HistoryTotal[];
      earlierTables = new Map([...byDims.keys()].map((k, i) => [k, tables[i] as readonly HistoryTable[]]));
    }
    const out = [...evaluated];
    let failing = 0;
    for (const c of candidates) {
      const found: Finding[] = [];
      try {
        if (c.table === null) {
          found.push(tooLarge('This table'));
        } else {
          const failures = new Failures();
          let unprepared = 0;
          for (const o of candidates) {
            if (o === c || o.table === null) continue;
            compareWith(c.table, o.table, { output: o.name }, threshold, failures, planComparison(c.table.layout, o.table.layout));
          }
          unprepared += compareWithHistory(c.table, earlierTables.get(c.table.layout.dimsKey) ?? [], earlierTotals, threshold, failures);
          unprepared += candidates.filter((o) => o !== c && o.table === null).length;
          found.push(...differencingFindings(c.published, failures.compared, failures.list(), { dataset, threshold }));
          if (unprepared > 0) found.push(tooLarge(unprepared === 1 ? 'Another table of this dataset' : `${unprepared} other tables of this dataset`));
        }
      } catch (e) {
        if (e instanceof AirlockError) throw e;
        if (e instanceof RangeError) found.push(tooLarge('This table, compared with another one,'));
        else throw new AirlockError('CHECK_FAILED', `check differencing could not evaluate output "${c.name}"; no decision was made`);
      }
      if (found.some((f) => f.status === 'fail')) failing++;
      const e = out[c.index]!;
      out[c.index] = { ...e, decision: withFindings(e.decision, found, e.decision.exception) };
    }
    span.setAttributes({ 'airlock.differencing.tables': candidates.length, 'airlock.differencing.earlier_totals': earlierTotals.length, 'airlock.differencing.failing': failing });
    return out;
  });
}
