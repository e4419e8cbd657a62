/**
 * `bounded_work` (issue 13 item 3, the benchmark variant of test/server/work-budget.test.ts):
 * while the worst requests the default budget allows run one after another (a failing 40,000-
 * cell table, the largest airlock protects, built so every row needs complements; or, with
 * `passing`, the same size released, so it enters the history every request is differenced
 * against), an open
 * loop of `/healthz` and small decisions measures what other callers see: p50/p99/max latency
 * from each request's scheduled start. Also the server's peak RSS (the memory budget is
 * 1.5 GB) and how each worst request ended (with `deadlineMs`, at its deadline: 503).
 *
 * @example const r = await measureBoundedWork({ worst: 3, rate: 10, log }); r.healthz.p99Ms;
 */
import { Agent, request } from 'node:http';
import { hardTable } from '../test/helpers/hard-table.js';
import type { ServerRef } from './post-table.js';
import { BENCH_PROJECT } from './post-table.js';
import { smallRequest } from './measure-small-rps.js';
import { spawnChild } from './spawn-child.js';
import type { LoopBlock } from './loop-blocks.js';
import { watchLoopBlocks } from './loop-blocks.js';

/** The dataset every request of the case names (one population, the default namespace). */
const BENCH_DATASET = 'bench-cohort';

export interface Latency {
  requests: number;
  non2xx: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface BoundedWork {
  cells: number;
  /** `failing`: a table every row of which needs protecting (the most work); `passing`: one released as it is (recorded into the history its population's requests are differenced against). */
  worstKind: 'failing' | 'passing';
  /** Each worst request: its status and seconds. */
  worst: { status: number; seconds: number }[];
  deadlineMs: number | null;
  rate: number;
  healthz: Latency;
  small: Latency;
  peakRssMb: number;
  /**
   * Where the time went, for reading an outlier: every sample slower than `slowMs` (route, when
   * it was due as ms from the start, its latency), and the event-loop blocks of 50 ms or more in
   * the server and in this load generator (ms from the start). A slow sample beside a block of
   * the load generator's own is the generator's delay, not the server's.
   */
  slow: { route: 'healthz' | 'small'; atMs: number; ms: number }[];
  serverBlocks: LoopBlock[];
  clientBlocks: LoopBlock[];
  /** Each worst request's start and end, ms from the start. */
  worstSpans: { fromMs: number; toMs: number }[];
  /** The start, as epoch milliseconds (to lay the server's own logs beside these figures). */
  startedAtMs: number;
}

function latency(xs: number[], non2xx: number): Latency {
  const s = Float64Array.from(xs).sort();
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN);
  return { requests: s.length, non2xx, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: s.length ? s[s.length - 1]! : NaN };
}

/**
 * Runs `worst` worst-case requests in sequence with the open loop (`rate` per second of each
 * of /healthz and small decisions) running throughout.
 *
 * @example await measureBoundedWork({ worst: 3, rate: 10, deadlineMs: null, log })
 */
export async function measureBoundedWork(opts: { worst: number; rate: number; deadlineMs: number | null; slowMs: number; passing?: boolean; log(s: string): void }): Promise<BoundedWork> {
  const env = opts.deadlineMs ? { AIRLOCK_REQUEST_TIMEOUT_MS: String(opts.deadlineMs) } : {};
  const server = spawnChild('bench/server-child.ts', ['airlock', JSON.stringify(env)]);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  try {
    const ref = await server.next<ServerRef>('ready');
    const url = new URL(ref.url);
    const auth: Record<string, string> = ref.token ? { authorization: `Bearer ${ref.token}` } : {};
    const send = (method: string, path: string, body?: string) =>
      new Promise<number>((resolve) => {
        const data = body === undefined ? undefined : Buffer.from(body);
        const req = request({ agent, host: url.hostname, port: url.port, path, method, headers: { ...auth, 'content-type': 'application/json', ...(data ? { 'content-length': String(data.length) } : {}) } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', () => resolve(0));
        req.end(data);
      });
    // With a dataset, as a TRE sends them: every request is differenced against the release
    // history of one population, so the requests that change the history take its lock.
    const small = JSON.stringify({ ...(JSON.parse(smallRequest()) as object), dataset: BENCH_DATASET });
    const big = JSON.stringify({ project: BENCH_PROJECT, requester: 'bench', dataset: BENCH_DATASET, outputs: [hardTable(199, !opts.passing)] });
    // Warm-up: the paths, and the worker pool with a small protection.
    for (let i = 0; i < 5; i++) await send('POST', '/v1/decisions', small);
    await send('POST', '/v1/decisions', JSON.stringify({ project: BENCH_PROJECT, requester: 'bench', outputs: [hardTable(8)] }));

    const lat = { healthz: [] as number[], small: [] as number[] };
    const slow: BoundedWork['slow'] = [];
    const clientBlocks = watchLoopBlocks(50);
    const bad = { healthz: 0, small: 0 };
    let running = true;
    const inflight: Promise<void>[] = [];
    const started = performance.now();
    const interval = 1000 / opts.rate;
    let k = 0;
    const loop = new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        for (let due = started + k * interval; due <= now && running; due = started + ++k * interval) {
          const at = due;
          const took = (route: 'healthz' | 'small') => {
            const ms = performance.now() - at;
            lat[route].push(ms);
            if (ms >= opts.slowMs) slow.push({ route, atMs: Math.round(at - started), ms: Math.round(ms) });
          };
          inflight.push(send('GET', '/healthz').then((s) => void (took('healthz'), s === 200 || bad.healthz++)));
          inflight.push(send('POST', '/v1/decisions', small).then((s) => void (took('small'), s === 201 || bad.small++)));
        }
        if (!running) resolve();
        else setTimeout(tick, Math.max(0, Math.min(5, started + k * interval - now)));
      };
      tick();
    });
    const worst: { status: number; seconds: number }[] = [];
    const worstSpans: BoundedWork['worstSpans'] = [];
    for (let i = 0; i < opts.worst; i++) {
      const t0 = performance.now();
      const status = await send('POST', '/v1/decisions', big);
      worst.push({ status, seconds: (performance.now() - t0) / 1000 });
      worstSpans.push({ fromMs: Math.round(t0 - started), toMs: Math.round(performance.now() - started) });
      opts.log(`bounded_work: worst request ${i + 1}: ${status} in ${worst.at(-1)!.seconds.toFixed(1)} s`);
    }
    running = false;
    await loop;
    await Promise.all(inflight);
    server.send({ type: 'usage' });
    const usage = await server.next<{ maxRssKb: number; loopBlocks: LoopBlock[] }>('usage');
    // Both processes' blocks on this run's clock (epoch ms → ms from the start).
    const origin = performance.timeOrigin + started;
    const since = (bs: LoopBlock[]) => bs.filter((b) => b.at >= origin).map((b) => ({ at: Math.round(b.at - origin), ms: b.ms }));
    return {
      cells: 200 * 200,
      worstKind: opts.passing ? 'passing' : 'failing',
      worst,
      deadlineMs: opts.deadlineMs,
      rate: opts.rate,
      healthz: latency(lat.healthz, bad.healthz),
      small: latency(lat.small, bad.small),
      peakRssMb: Math.round(usage.maxRssKb / 1024),
      slow,
      serverBlocks: since(usage.loopBlocks),
      clientBlocks: since(clientBlocks.stop()),
      worstSpans,
      startedAtMs: Math.round(origin),
    };
  } finally {
    agent.destroy();
    await server.stop();
  }
}
