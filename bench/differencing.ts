/**
 * `npm run bench:differencing [-- --releases 10000] [-- --units 100000] [-- --runs 50] [-- --json PATH] [-- --store DIR]`:
 * the differencing benchmark on its own (`measure-differencing.ts`); `npm run bench -- --only
 * differencing` runs the same with the other figures. `--store DIR` keeps the filled history in
 * DIR and reuses it on the next run with the same `--releases` and `--units`; `--profile PATH`
 * writes a CPU profile of the timed runs (after the warm-up) to PATH.
 *
 * @example npm run bench:differencing -- --releases 1000 --json differencing.json
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { measureDifferencing } from './measure-differencing.js';

const { values: args } = parseArgs({
  options: { releases: { type: 'string', default: '10000' }, units: { type: 'string', default: '100000' }, runs: { type: 'string', default: '50' }, json: { type: 'string' }, store: { type: 'string' }, profile: { type: 'string' } },
});
const r = await measureDifferencing({ releases: Number(args.releases), units: Number(args.units), runs: Number(args.runs), ...(args.store ? { storeDir: args.store } : {}), ...(args.profile ? { profile: args.profile } : {}), log: (s) => process.stderr.write(`bench: ${s}\n`) });
console.log(JSON.stringify(r, null, 2));
if (args.json) writeFileSync(args.json, `${JSON.stringify(r, null, 2)}\n`);
