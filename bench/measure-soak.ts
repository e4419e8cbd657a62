/**
 * `soak` (issue 13 item 7): a long run of mixed traffic against one airlock process (real
 * SQLite audit file, worker pool, every default check), to show that memory does not grow and
 * latency does not drift. The traffic, per request, by seeded draw:
 * - `small` (70%): the 20-cell pre-aggregated sum table of `small_rps`;
 * - `large_csv` (5%): a 100,000-row CSV upload on `POST /v1/decisions/csv` (income by region ×
 *   band), one dataset, so each is differenced against the earlier ones;
 * - `review` (10%): a file output (always `review`), then the two checkers' release verdicts;
 * - `audit_read` (15%): a page of `GET /v1/decisions` and one recorded decision by id.
 *
 * First a closed loop (8 connections, `capacityMs`) measures the mix's capacity in requests
 * per second; then an open loop at half of it runs for `durationMs` (latency from the scheduled
 * start: queueing counts). The server's RSS is sampled every `sampleMs`; after the warm-up
 * (the first fifth of the run, at least one minute when the run is longer than five) the RSS
 * must not grow by more than 10%, and no answer may be a 5xx.
 *
 * @example const r = await measureSoak({ durationMs: 300_000, log }); r.rssGrowthPct;
 */
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import type { ServerRef } from './post-table.js';
import { BENCH_PROJECT } from './post-table.js';
import { smallRequest } from './measure-small-rps.js';
import { spawnChild } from './spawn-child.js';
import { seededRandom } from '../test/helpers/seeded-random.js';
import { median } from './stats.js';

type Route = 'small' | 'large_csv' | 'review' | 'audit_read';

const MIX: readonly [Route, number][] = [
  ['small', 0.7],
  ['large_csv', 0.05],
  ['review', 0.1],
  ['audit_read', 0.15],
];

export interface RouteFigures {
  requests: number;
  /** Answers with a 5xx status. */
  status5xx: number;
  /** Other answers than the route expects (4xx) and transport errors. */
  errors: number;
  /** The unexpected answers by status (transport errors as status 0), so "1 other" can be told apart. */
  statuses: Record<number, number>;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface Soak {
  durationS: number;
  /** Closed-loop throughput of the mix (HTTP requests per second). */
  capacityRps: number;
  /** The open loop's rate: half the capacity. */
  rateRps: number;
  warmupS: number;
  routes: Record<Route, RouteFigures>;
  /**
   * RSS of the server over time, with the main thread's JS heap (used), its external memory
   * and the process's thread count at each sample: RSS growing while the heap stays flat is
   * native or worker memory.
   */
  rss: RssSample[];
  /** The RSS curve as numbers: per tenth of the run, the median RSS of its samples (MiB). */
  rssCurve: { fromS: number; toS: number; mb: number }[];
  /** Median RSS of the last tenth of the samples after the warm-up over that of the first tenth, − 1, in %. */
  rssGrowthPct: number;
  /** Peak RSS of the server process over the whole run (MiB). */
  peakRssMb: number;
  status5xx: number;
}

export interface RssSample {
  tS: number;
  mb: number;
  heapMb: number;
  externalMb: number;
  threads: number;
  /** Diagnostics only: each worker thread's JS heap (used, MiB) and the workers started so far. */
  workerHeapsMb?: number[];
  workersStarted?: number;
}

interface Usage {
  maxRssKb: number;
  rssKb: number;
  heapUsedKb: number;
  externalKb: number;
  threads: number;
  workerHeaps: { url: string; usedMb: number }[];
  workersStarted: number;
}

/**
 * Diagnostics of a soak (not for the figures: a forced GC per sample and the snapshots' pauses
 * change what is measured): the server runs with `--expose-gc`, every sample follows a full
 * collection in the main thread and in each worker and reads each worker's heap, and with
 * `snapshotDir` heap snapshots of the main thread are written there at the end of the warm-up
 * and at the end of the run, to be compared.
 */
export interface SoakDiagnostics {
  snapshotDir?: string;
}

interface Answer {
  status: number;
  body: string;
}

function csvOf(rows: number): string {
  const rnd = seededRandom(11);
  const lines = ['region,band,income'];
  for (let i = 0; i < rows; i++) lines.push(`r${Math.floor(rnd() * 8)},b${Math.floor(rnd() * 5)},${Math.round(10_000 + rnd() * 40_000)}`);
  return `${lines.join('\n')}\n`;
}

function fileRequest(i: number): string {
  const content = Buffer.from(`site,count\nnorth,${120 + (i % 50)}\nsouth,${95 + (i % 30)}\n`).toString('base64');
  return JSON.stringify({ project: BENCH_PROJECT, requester: 'bench', outputs: [{ name: 'notes.csv', kind: 'file', filename: 'notes.csv', content_base64: content }] });
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
}

/**
 * Runs the soak.
 *
 * @example await measureSoak({ durationMs: 30 * 60_000, log: console.error })
 */
export async function measureSoak(opts: { durationMs: number; capacityMs?: number; sampleMs?: number; diagnostics?: SoakDiagnostics; log(s: string): void }): Promise<Soak> {
  const diag = opts.diagnostics;
  const server = spawnChild('bench/server-child.ts', ['airlock'], diag ? ['--expose-gc'] : []);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  try {
    const ref = await server.next<ServerRef & { tokens: Record<string, string | undefined> }>('ready');
    const url = new URL(ref.url);
    const bearer = (t: string | undefined): Record<string, string> => (t ? { authorization: `Bearer ${t}` } : {});
    const submitter = bearer(ref.token);
    const checkers = [bearer(ref.tokens.checker), bearer(ref.tokens.checker2)];
    const auditor = bearer(ref.tokens.auditor);
    const small = smallRequest();
    const largeCsv = csvOf(100_000);
    const largePath = `/v1/decisions/csv?${new URLSearchParams({ project: BENCH_PROJECT, requester: 'bench', dataset: 'soak-large', name: 'large', index: 'region', columns: 'band', values: 'income', aggfunc: 'sum' })}`;
    const recent: string[] = [];

    const send = (method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> =>
      new Promise((resolve) => {
        const data = body === undefined ? undefined : Buffer.from(body);
        const req = request({ agent, host: url.hostname, port: url.port, path, method, headers: { ...headers, ...(data ? { 'content-length': String(data.length) } : {}) } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('error', () => resolve({ status: 0, body: '' }));
        req.end(data);
      });
    const json = { 'content-type': 'application/json' };
    const idOf = (a: Answer): string | null => {
      try {
        return (JSON.parse(a.body) as { decision?: { id?: string } }).decision?.id ?? null;
      } catch {
        return null;
      }
    };
    const remember = (a: Answer) => {
      const id = idOf(a);
      if (id) {
        recent.push(id);
        if (recent.length > 100) recent.shift();
      }
    };

    /** One operation of a route: its HTTP answers (a review is three requests). */
    let fileNo = 0;
    const ops: Record<Route, () => Promise<Answer[]>> = {
      small: async () => {
        const a = await send('POST', '/v1/decisions', { ...json, ...submitter }, small);
        remember(a);
        return [a];
      },
      large_csv: async () => [await send('POST', largePath, { 'content-type': 'text/csv', ...submitter }, largeCsv)],
      review: async () => {
        const a = await send('POST', '/v1/decisions', { ...json, ...submitter }, fileRequest(fileNo++));
        const id = idOf(a);
        if (!id) return [a];
        const out = [a];
        for (const c of checkers) out.push(await send('POST', `/v1/decisions/${id}/reviews`, { ...json, ...c }, JSON.stringify({ verdict: 'release', justification: 'Counts only, no disclosure risk (soak).' })));
        return out;
      },
      audit_read: async () => {
        const page = await send('GET', '/v1/decisions?limit=20', auditor);
        const id = recent[recent.length - 1];
        return id ? [page, await send('GET', `/v1/decisions/${id}`, auditor)] : [page];
      },
    };
    const expected = (route: Route) => (route === 'audit_read' ? 200 : 201);

    const rnd = seededRandom(5);
    const draw = (): Route => {
      let x = rnd();
      for (const [route, w] of MIX) if ((x -= w) < 0) return route;
      return 'small';
    };

    // Warm-up (JIT, the worker pool, the caches), unmeasured: every route a few times.
    for (let i = 0; i < 3; i++) for (const [route] of MIX) await ops[route]();
    // Capacity: a closed loop of 8 connections over the mix.
    opts.log('soak: measuring capacity');
    const capacityMs = opts.capacityMs ?? 20_000;
    let done = 0;
    const capEnd = performance.now() + capacityMs;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (performance.now() < capEnd) done += (await ops[draw()]()).length;
      }),
    );
    const capacityRps = done / (capacityMs / 1000);
    const rateRps = capacityRps / 2;
    // Operations per second: a review is three requests, an audit read two.
    const meanRequests = MIX.reduce((t, [r, w]) => t + w * (r === 'review' ? 3 : r === 'audit_read' ? 2 : 1), 0);
    const opsPerS = rateRps / meanRequests;
    opts.log(`soak: capacity ${capacityRps.toFixed(1)} req/s; running at ${rateRps.toFixed(1)} req/s for ${(opts.durationMs / 60_000).toFixed(1)} min`);

    const latencies: Record<Route, number[]> = { small: [], large_csv: [], review: [], audit_read: [] };
    const figures = Object.fromEntries(MIX.map(([r]) => [r, { requests: 0, status5xx: 0, errors: 0, statuses: {} }])) as Record<Route, Pick<RouteFigures, 'requests' | 'status5xx' | 'errors' | 'statuses'>>;
    const rss: RssSample[] = [];
    const started = performance.now();
    const end = started + opts.durationMs;
    const sampleMs = opts.sampleMs ?? 10_000;
    const mb = (kb: number) => Math.round(kb / 1024);
    const sample = async () => {
      server.send({ type: 'usage', gc: diag !== undefined });
      const u = await server.next<Usage>('usage');
      const s: RssSample = { tS: Math.round((performance.now() - started) / 1000), mb: mb(u.rssKb), heapMb: mb(u.heapUsedKb), externalMb: mb(u.externalKb), threads: u.threads };
      if (diag) {
        s.workerHeapsMb = u.workerHeaps.map((w) => w.usedMb);
        s.workersStarted = u.workersStarted;
        opts.log(`soak: ${s.tS} s rss ${s.mb} heap ${s.heapMb} external ${s.externalMb} MiB, ${s.threads} threads; workers ${u.workerHeaps.map((w) => `${w.url || '(inline script)'} ${w.usedMb}`).join(', ')} MiB (${s.workersStarted} started)`);
      }
      rss.push(s);
      return u;
    };
    const snapshot = async (name: string) => {
      if (!diag?.snapshotDir) return;
      server.send({ type: 'snapshot', path: join(diag.snapshotDir, `${name}.heapsnapshot`) });
      opts.log(`soak: heap snapshot ${(await server.next<{ path: string }>('snapshot')).path}`);
    };
    await sample();
    const warmupMs = opts.durationMs > 300_000 ? Math.max(60_000, opts.durationMs / 5) : opts.durationMs / 5;
    const warmedUp = diag?.snapshotDir ? setTimeout(() => void snapshot('after-warmup').catch(() => undefined), warmupMs) : undefined;
    const sampler = setInterval(() => void sample().catch(() => undefined), sampleMs);
    const inflight: Promise<void>[] = [];
    const run = (route: Route, scheduled: number) =>
      ops[route]().then((answers) => {
        const f = figures[route];
        answers.forEach((a) => {
          f.requests++;
          latencies[route].push(performance.now() - scheduled);
          if (a.status >= 500) f.status5xx++;
          else if (a.status !== expected(route)) f.errors++;
          if (a.status !== expected(route)) f.statuses[a.status] = (f.statuses[a.status] ?? 0) + 1;
        });
      });
    let k = 0;
    const interval = 1000 / opsPerS;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        for (let due = started + k * interval; due <= now && due < end; due = started + ++k * interval) inflight.push(run(draw(), due));
        if (now >= end) resolve();
        else setTimeout(tick, Math.max(0, Math.min(5, started + k * interval - now)));
      };
      tick();
    });
    await Promise.all(inflight);
    clearInterval(sampler);
    clearTimeout(warmedUp);
    const last = await sample();
    await snapshot('end');

    const warmupS = Math.round(warmupMs / 1000);
    const after = rss.filter((s) => s.tS >= warmupS);
    // Medians of the first and the last tenth of the samples after the warm-up (at least three
    // each): RSS saw-tooths with every garbage collection, so a few samples at either end
    // measured the phase of the saw-tooth (one 30-min run read 20% "growth" from 263 → 260 MiB).
    const window = Math.max(3, Math.floor(after.length / 10));
    const rssGrowthPct = after.length >= 2 * window ? (medianMb(after.slice(-window)) / medianMb(after.slice(0, window)) - 1) * 100 : NaN;
    const routes = Object.fromEntries(
      MIX.map(([r]) => {
        const sorted = Float64Array.from(latencies[r]).sort();
        return [r, { ...figures[r], p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99), maxMs: sorted.length ? sorted[sorted.length - 1]! : NaN }];
      }),
    ) as Record<Route, RouteFigures>;
    return {
      durationS: Math.round(opts.durationMs / 1000),
      capacityRps,
      rateRps,
      warmupS,
      routes,
      rss,
      rssCurve: curve(rss, opts.durationMs / 1000),
      rssGrowthPct,
      peakRssMb: Math.round(last.maxRssKb / 1024),
      status5xx: Object.values(routes).reduce((t, r) => t + r.status5xx, 0),
    };
  } finally {
    agent.destroy();
    await server.stop();
  }
}

function medianMb(xs: readonly { mb: number }[]): number {
  return median(xs.map((x) => x.mb));
}

/** The run in ten slices, each the median RSS of its samples (slices without samples left out). */
function curve(rss: readonly { tS: number; mb: number }[], durationS: number): { fromS: number; toS: number; mb: number }[] {
  const out: { fromS: number; toS: number; mb: number }[] = [];
  for (let i = 0; i < 10; i++) {
    const fromS = Math.round((i * durationS) / 10);
    const toS = Math.round(((i + 1) * durationS) / 10);
    const slice = rss.filter((s) => s.tS >= fromS && (s.tS < toS || i === 9));
    if (slice.length) out.push({ fromS, toS, mb: Math.round(medianMb(slice)) });
  }
  return out;
}
