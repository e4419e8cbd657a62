/**
 * The protection worker's entry point (loaded by piscina in a worker thread, never imported by
 * the service): protects one table. Only the fields `protectTable` reads cross the thread
 * boundary (`ProtectionTask`), as structured clones.
 *
 * @example await pool.run({ table, failing: [3], opts: {} }) // a ProtectedTable, or null when none exists
 */
import { AirlockError } from '../errors.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import type { ProtectedTable } from './protect-table.js';
import { protectTable } from './protect-table.js';
import type { ProtectionTask } from './protection-runner.js';

export default function protect(task: ProtectionTask): ProtectedTable | null {
  try {
    return protectTable(task.table as CellTable, new Set(task.failing), task.opts);
  } catch (e) {
    // No complement avoids the structural zeros: an answer (no protected version), not a
    // failure. Errors do not keep their class across threads, so it is said with null.
    if (e instanceof AirlockError && e.code === 'INTERNAL') return null;
    throw e;
  }
}
