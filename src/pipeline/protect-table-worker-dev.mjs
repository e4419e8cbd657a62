// Under TypeScript sources (tsx, vitest) the protection worker starts here: it registers tsx's
// loader in this worker thread (a worker does not share its parent's loader hooks, and an
// `--import` in the worker's execArgv did not take effect for its module graph), then loads the
// TypeScript worker. The built service (dist/) loads protect-table-worker.js directly.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./protect-table-worker.ts');
export default worker.default;
export const evaluate = worker.evaluate;
