/**
 * `large_e2e`: wall time of one decision on a large microdata file over HTTP (the server in
 * its own process, the client here), through both transports, median of `runs` after
 * `warmups` unmeasured runs each (the JIT and the allocator settle over the first two). The
 * runs alternate between transports so drift on a busy machine hits both alike.
 *
 * @example const r = await measureLargeE2e(file, { runs: 5, warmups: 2 }); r.csv.medianS;
 */
import type { MicrodataFile } from './generate-microdata.js';
import type { PostResult, ServerRef, Transport } from './post-table.js';
import { jsonBody, postTable } from './post-table.js';
import { spawnChild } from './spawn-child.js';
import { median } from './stats.js';

export interface TransportTiming {
  medianS: number;
  minS: number;
  runsS: number[];
  outcome?: string;
  signed: boolean;
  audited: boolean;
}

export type LargeE2e = Record<Transport, TransportTiming>;

function timing(results: PostResult[]): TransportTiming {
  const runsS = results.map((r) => r.seconds);
  const last = results[results.length - 1];
  return { medianS: median(runsS), minS: Math.min(...runsS), runsS, outcome: last.outcome, signed: last.signed, audited: last.audited };
}

/**
 * Starts a server child, then times `runs` decisions per transport after `warmups`.
 *
 * @example (await measureLargeE2e(file, { runs: 7, warmups: 3 })).json.medianS;
 */
export async function measureLargeE2e(file: MicrodataFile, opts: { runs: number; warmups: number }): Promise<LargeE2e> {
  const server = spawnChild('bench/server-child.ts', ['airlock']);
  try {
    const ref = await server.next<ServerRef>('ready');
    const json = jsonBody(file);
    const results: Record<Transport, PostResult[]> = { csv: [], json: [] };
    for (let i = 0; i < opts.warmups; i++) {
      await postTable(ref, file, 'csv');
      await postTable(ref, file, 'json', json);
    }
    for (let i = 0; i < opts.runs; i++) {
      results.csv.push(await postTable(ref, file, 'csv'));
      results.json.push(await postTable(ref, file, 'json', json));
    }
    return { csv: timing(results.csv), json: timing(results.json) };
  } finally {
    await server.stop();
  }
}
