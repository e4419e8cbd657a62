/**
 * `small_rps`: many small decisions (a 20-cell pre-aggregated sum table, every default check,
 * signed and recorded by the server as configured by `startServer`) under keep-alive load from
 * a separate process, against a bare express route answering a JSON body of the same size
 * from the same harness. First a closed loop finds each server's maximum throughput; then an
 * open loop at half that rate measures the latency a client sees.
 *
 * @example const r = await measureSmallRps({ durationMs: 5000, connections: 16 }); r.ratio;
 */
import type { LoadResult, LoadSpec } from './load-generator.js';
import type { ServerRef } from './post-table.js';
import { BENCH_PROJECT } from './post-table.js';
import type { BenchChild } from './spawn-child.js';
import { spawnChild } from './spawn-child.js';

export interface ServerLoad {
  max: LoadResult;
  halfRate: LoadResult;
}

export interface SmallRps {
  cells: number;
  requestBytes: number;
  responseBytes: number;
  signed: boolean;
  audited: boolean;
  connections: number;
  airlock: ServerLoad;
  bare: ServerLoad;
  /** airlock's maximum throughput / the bare route's. */
  ratio: number;
}

/**
 * The small request: 5 regions × 4 bands of pre-aggregated sums, all safe.
 *
 * @example JSON.parse(smallRequest()).outputs[0].cells.length; // 20
 */
export function smallRequest(): string {
  const cells = [];
  for (let r = 0; r < 5; r++) {
    for (let b = 0; b < 4; b++) {
      const i = r * 4 + b;
      cells.push({ labels: { region: `region_${r + 1}`, band: `band_${b}` }, count: 40 + 3 * i, sum: 10_000 + 500 * i, top: [800 + 10 * i, 700 + 10 * i] });
    }
  }
  return JSON.stringify({ project: BENCH_PROJECT, requester: 'bench', outputs: [{ name: 'small', kind: 'table', statistic: 'sum', cells }] });
}

async function loadServer(lg: BenchChild, base: Omit<LoadSpec, 'url'>, url: string): Promise<ServerLoad> {
  lg.send({ type: 'run', spec: { ...base, url } });
  const max = (await lg.next<{ result: LoadResult }>('result')).result;
  lg.send({ type: 'run', spec: { ...base, url, rate: max.rps / 2 } });
  const halfRate = (await lg.next<{ result: LoadResult }>('result')).result;
  return { max, halfRate };
}

/**
 * Loads airlock, then the bare route, each with a closed loop and then an open loop at half
 * the closed loop's rate, `durationMs` per phase after a warm-up.
 *
 * @example (await measureSmallRps({ durationMs: 10_000, connections: 16 })).airlock.halfRate.p99Ms;
 */
export async function measureSmallRps(opts: { durationMs: number; connections: number }): Promise<SmallRps> {
  const body = smallRequest();
  const lg = spawnChild('bench/load-generator.ts');
  const airlock = spawnChild('bench/server-child.ts', ['airlock']);
  let bare: BenchChild | null = null;
  try {
    await lg.next('ready');
    const ref = await airlock.next<ServerRef>('ready');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (ref.token) headers.authorization = `Bearer ${ref.token}`;
    const probe = await fetch(`${ref.url}/v1/decisions`, { method: 'POST', headers, body });
    const text = await probe.text();
    if (probe.status !== 201) throw new Error(`small_rps: HTTP ${probe.status} ${text.slice(0, 300)}`);
    const answer = JSON.parse(text) as { signature?: string; audit?: unknown };
    const base = { path: '/v1/decisions', headers, body, connections: opts.connections, durationMs: opts.durationMs, warmupMs: Math.min(2000, opts.durationMs / 3) };
    const airlockLoad = await loadServer(lg, base, ref.url);
    await airlock.stop();
    const responseBytes = Buffer.byteLength(text);
    bare = spawnChild('bench/server-child.ts', ['bare', String(responseBytes)]);
    const bareRef = await bare.next<ServerRef>('ready');
    const bareLoad = await loadServer(lg, base, bareRef.url);
    return {
      cells: 20,
      requestBytes: Buffer.byteLength(body),
      responseBytes,
      signed: Boolean(answer.signature),
      audited: Boolean(answer.audit),
      connections: opts.connections,
      airlock: airlockLoad,
      bare: bareLoad,
      ratio: airlockLoad.max.rps / bareLoad.max.rps,
    };
  } finally {
    await Promise.all([lg.stop(), airlock.stop(), bare?.stop()]);
  }
}
