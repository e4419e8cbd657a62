/**
 * The protection worker's entry point (loaded by piscina in a worker thread, never imported by
 * the service): protects one table. Only the fields `protectTable` reads cross the thread
 * boundary (`ProtectionTask`), as structured clones.
 *
 * @example await pool.run({ table, failing: [3], opts: {} }) // a ProtectedTable
 */
import type { CellTable } from '../outputs/table/cell-table.js';
import type { ProtectedTable } from './protect-table.js';
import { protectTable } from './protect-table.js';
import type { ProtectionTask } from './protection-runner.js';

export default function protect(task: ProtectionTask): ProtectedTable {
  return protectTable(task.table as CellTable, new Set(task.failing), task.opts);
}
