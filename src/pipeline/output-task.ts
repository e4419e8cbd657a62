/**
 * One output's whole evaluation (parse → table build → checks → protection and the presented
 * table) as a task of the worker pool (`src/pipeline/protection-runner.ts`), so a large output
 * never runs its CPU-heavy stages on the event loop: `/healthz` and small decisions keep being
 * answered meanwhile, and the request's deadline cancels the task by stopping its thread.
 * Small outputs stay on the event loop (`worthAWorker`): for them the copy to and from a thread
 * costs more than the work, and they must not queue behind a large one.
 *
 * Only plain data crosses the thread boundary (structured clones): the output as submitted (its
 * long arrays packed in chunks, `OutputTaskOnWire`), the
 * rules' parameters and check lists, the limits, the cells the request's earlier outputs have
 * counted. Errors do not keep their class across threads, so the worker says an
 * `AirlockError` (bad input, an exceeded budget, a failed check) as data and this side throws
 * it again with the same code, message and details.
 *
 * The evaluated output comes back with its long arrays (cells, rows) packed in chunks
 * (`src/lib/pack-long-arrays.ts`), moved rather than copied: this side unpacks them with the
 * event loop let in between, where one structured clone of a 40,000-cell table's answer would
 * hold it for half a second (issue 13).
 *
 * @example
 * if (worthAWorker(raw)) evaluated = await evaluatedFrom(await pool.evaluate(outputTask(raw, pointer, rules, limits, ctx, budget), signal), budget, pointer);
 */
import type { ErrorCode, ErrorDetail } from '../errors.js';
import { AirlockError } from '../errors.js';
import { labelsWithoutPrototype } from '../lib/null-record.js';
import type { PackedGraph } from '../lib/pack-long-arrays.js';
import { packLongArrays, unpackLongArrays, unpackLongArraysNow } from '../lib/pack-long-arrays.js';
import type { Limits } from '../limits.js';
import type { RawOutput } from '../outputs/output-kind.js';
import type { Columnar } from '../outputs/table/columnar.js';
import { protectTable } from '../remedies/protect-table.js';
import type { EvaluatedOutput, OutputContext, OutputRules } from './evaluate-output.js';
import { evaluateWithinBudget } from './evaluate-output.js';
import { WorkBudget } from './work-budget.js';
import { recordTableRows } from '../telemetry/metrics.js';
import { outputRows } from '../telemetry/output-rows.js';

/** Cells of a pre-aggregated table from which evaluation goes to a worker. */
const WORKER_CELLS = 5_000;
/** Characters of CSV microdata text (or rows of JSON microdata, ×100) from which evaluation goes to a worker. */
const WORKER_MICRODATA_CHARS = 1024 ** 2;

/** An output's evaluation as a worker receives it. */
export interface OutputTask {
  raw: RawOutput;
  pointer: string;
  rules: OutputRules;
  limits: Limits;
  ctx: OutputContext;
  /** Table cells the request's earlier outputs counted towards its work budget. */
  cellsBefore: number;
  /**
   * Test hook (the bounded-work test): while `hold[0]` is 1 the worker waits before it starts,
   * so the request is certainly still running when its deadline passes.
   */
  hold?: Int32Array;
}

/**
 * An `OutputTask` as it crosses to the worker: the output's long arrays (a table's cells, rows
 * of JSON microdata) packed in chunks and moved, since one structured clone of the largest
 * output holds the request's thread for tens of milliseconds (issue 13).
 */
export type OutputTaskOnWire = Omit<OutputTask, 'raw'> & { packed: PackedGraph<RawOutput> };

/**
 * The task packed for the worker, with the event loop let in between its chunks.
 *
 * @example const wire = await outputTaskOnWire(task); pool.run(wire, { transferList: transferList(wire.packed) });
 */
export async function outputTaskOnWire(task: OutputTask): Promise<OutputTaskOnWire> {
  const { raw, ...rest } = task;
  return { ...rest, packed: await packLongArrays(raw) };
}

/** A worker's answer: the evaluated output (its long arrays packed) and the table cells it counted, or the client error it ended with. */
export type OutputAnswer = { evaluated: PackedGraph<EvaluatedOutput>; cells: number } | { error: { code: ErrorCode; message: string; details: ErrorDetail[] } };

/**
 * Whether an output is large enough to be evaluated in a worker: a table of many
 * pre-aggregated cells or much microdata (text, JSON rows, or columns parsed from a CSV upload).
 *
 * @example worthAWorker(hardTable(199)) // true
 */
export function worthAWorker(raw: RawOutput): boolean {
  if (raw.kind !== 'table') return false;
  const { cells, microdata } = raw as { cells?: unknown; microdata?: { data?: unknown } | Columnar };
  if (Array.isArray(cells)) return cells.length >= WORKER_CELLS;
  if (!microdata || typeof microdata !== 'object') return false;
  if ('nRows' in microdata) return microdata.nRows * 10 >= WORKER_MICRODATA_CHARS;
  const data = microdata.data;
  if (typeof data === 'string') return data.length >= WORKER_MICRODATA_CHARS;
  return Array.isArray(data) && data.length * 100 >= WORKER_MICRODATA_CHARS;
}

/**
 * The task for one output of a request whose budget has counted `budget.counted` cells so far.
 *
 * @example outputTask(raw, '/outputs/1', rules, limits, { project: 'p', dataset: null }, budget)
 */
export function outputTask(raw: RawOutput, pointer: string, rules: OutputRules, limits: Limits, ctx: OutputContext, budget: WorkBudget): OutputTask {
  // Only the parameters and check lists: the resolved rules also hold functions (populations).
  return { raw, pointer, rules: { params: rules.params, checks: rules.checks }, limits, ctx, cellsBefore: budget.counted };
}

/**
 * The worker's side: evaluates the output against a budget that starts from the request's
 * earlier outputs, protection on this (worker) thread.
 *
 * @example await evaluateOutputTask(task) // { evaluated: { root, holes, arrays }, cells: 40000 }
 */
export async function evaluateOutputTask(task: OutputTask | OutputTaskOnWire): Promise<OutputAnswer> {
  if (task.hold) while (Atomics.load(task.hold, 0) === 1) Atomics.wait(task.hold, 0, 1);
  // The worker has nothing else to answer meanwhile: its packed output is unpacked at once.
  const raw = 'packed' in task ? unpackLongArraysNow(task.packed) : task.raw;
  const budget = new WorkBudget(task.limits);
  // Within the budget already: the request's thread counted these before sending the task.
  budget.addCells(task.cellsBefore, task.pointer);
  try {
    const evaluated = await evaluateWithinBudget(raw, task.pointer, task.rules, task.limits, task.ctx, budget, async (t, failing, options) => protectTable(t, failing, options));
    return { evaluated: await packLongArrays(evaluated), cells: budget.counted - task.cellsBefore };
  } catch (e) {
    if (e instanceof AirlockError) return { error: { code: e.code, message: e.message, details: e.details } };
    throw e;
  }
}

/**
 * The request's side: the evaluated output (unpacked in slices), its cells counted towards
 * `budget` (already checked against it by the worker), or the worker's client error thrown again.
 *
 * @example const evaluated = await evaluatedFrom(answer, budget, '/outputs/0');
 */
export async function evaluatedFrom(answer: OutputAnswer, budget: WorkBudget, pointer: string): Promise<EvaluatedOutput> {
  if ('error' in answer) throw new AirlockError(answer.error.code, answer.error.message, answer.error.details);
  budget.addCells(answer.cells, pointer);
  // Labels were null-prototype records in the worker; the clone made them ordinary objects.
  // The long arrays are fixed chunk by chunk as they arrive, the rest before they are put back.
  labelsWithoutPrototype(answer.evaluated.root);
  const evaluated = await unpackLongArrays(answer.evaluated, labelsWithoutPrototype);
  // The worker has no metrics exporter: the table's rows are counted here, as the event loop's path does.
  const rows = outputRows(evaluated);
  if (rows !== null) recordTableRows(rows, evaluated.kind);
  return evaluated;
}
