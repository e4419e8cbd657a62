/**
 * The protection worker's entry point (loaded by piscina in a worker thread, never imported by
 * the service): protects one table. Only the fields `protectTable` reads cross the thread
 * boundary (`ProtectionTask`), as structured clones.
 *
 * @example await pool.run({ table, failing: [3], opts: {} }) // { protected: … }, or why there is none
 * // and await pool.run(outputTask(…), { name: 'evaluate' }) // { evaluated, cells }
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { AirlockError } from '../errors.js';
import { transferList } from '../lib/pack-long-arrays.js';
import { LpInfeasible, LpUnsolved } from '../lib/lp-bounds.js';
import { ProtectionRefused } from '../remedies/audited-suppression.js';
import { protectTable } from '../remedies/protect-table.js';
import type { ProtectionAnswer, ProtectionTask } from './protection-runner.js';
import { primaryFromWire } from './protection-runner.js';
import type { OutputAnswer, OutputTask, OutputTaskOnWire } from './output-task.js';
import { evaluateOutputTask } from './output-task.js';

/**
 * The evaluation of a large output (`src/pipeline/output-task.ts`), piscina's task `evaluate`:
 * the chunks of its packed long arrays are moved to the request's thread, not copied.
 */
export async function evaluate(task: OutputTask | OutputTaskOnWire): Promise<OutputAnswer | ReturnType<typeof move>> {
  const answer = await evaluateOutputTask(task);
  if ('error' in answer) return answer;
  return move({ [transferableSymbol]: transferList(answer.evaluated), [valueSymbol]: answer });
}

export default function protect(task: ProtectionTask): ProtectionAnswer {
  try {
    return { protected: protectTable(task.table, primaryFromWire(task.failing), task.opts) };
  } catch (e) {
    // Answers, not failures: no complement avoids the structural zeros, or no version meets the
    // LP audit. Errors do not keep their class across threads, so they are said as data.
    if (e instanceof AirlockError && e.code === 'INTERNAL') return { none: e.message };
    if (e instanceof ProtectionRefused) return { refused: e.message, by: 'protection' };
    if (e instanceof LpUnsolved) return { refused: e.message, by: 'lp_unsolved' };
    if (e instanceof LpInfeasible) return { refused: e.message, by: 'lp_infeasible' };
    throw e;
  }
}
