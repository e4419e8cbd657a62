// The protection worker's entry when airlock runs from TypeScript sources (tsx, vitest): on
// Node 20 a worker ignores `--import tsx` in its execArgv (module hooks are per thread there), so
// the worker loads its TypeScript module through tsx's own in-thread importer instead.
import { tsImport } from 'tsx/esm/api';

const mod = await tsImport('./protect-table-worker.ts', import.meta.url);
export default mod.default;
