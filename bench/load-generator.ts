/**
 * The load generator, run as its own process (see spawn-child.ts) so it never shares a core's
 * event loop with the server it measures. Keep-alive HTTP/1.1 over loopback with a fixed pool
 * of connections, in one of two modes:
 * - closed loop (no `rate`): every connection sends its next request as soon as the previous
 *   answer is in; the completed requests per second is the maximum throughput;
 * - open loop (`rate`): requests are started on a fixed schedule, whatever the server does;
 *   latency is measured from the scheduled start, so queueing behind a slow answer counts
 *   (no coordinated omission).
 *
 * Message: `run` with a `LoadSpec`; answers `result` with a `LoadResult`.
 *
 * @example
 * const lg = spawnChild('bench/load-generator.ts');
 * lg.send({ type: 'run', spec });
 * const r = await lg.next<{ result: LoadResult }>('result');
 */
import { Agent, request } from 'node:http';
import { serveParent } from './spawn-child.js';

export interface LoadSpec {
  url: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  durationMs: number;
  /** Requests per second (open loop); absent = closed loop. */
  rate?: number;
  /** Unmeasured load first, for the JIT and connection set-up. */
  warmupMs?: number;
}

export interface LoadResult {
  requests: number;
  /** Answers with another status than `expectStatus`, and transport errors. */
  errors: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Mean bytes of a response body. */
  responseBytes: number;
}

const EXPECT_STATUS = 201;

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Runs one load phase; measures only when `measure` is set. */
async function phase(spec: LoadSpec, durationMs: number, agent: Agent, measure: boolean): Promise<LoadResult> {
  const target = new URL(spec.url);
  const body = Buffer.from(spec.body);
  const headers = { ...spec.headers, 'content-length': String(body.length) };
  const latencies: number[] = [];
  let errors = 0;
  let bytes = 0;
  const started = performance.now();
  const end = started + durationMs;

  const send = (scheduled: number) =>
    new Promise<void>((resolve) => {
      const req = request({ agent, host: target.hostname, port: target.port, path: spec.path, method: 'POST', headers }, (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => {
          if (measure) {
            latencies.push(performance.now() - scheduled);
            bytes += n;
            if (res.statusCode !== EXPECT_STATUS) errors++;
          }
          resolve();
        });
      });
      req.on('error', () => {
        if (measure) errors++;
        resolve();
      });
      req.end(body);
    });

  if (spec.rate === undefined) {
    const worker = async () => {
      while (performance.now() < end) await send(performance.now());
    };
    await Promise.all(Array.from({ length: spec.connections }, worker));
  } else {
    const interval = 1000 / spec.rate;
    const inflight: Promise<void>[] = [];
    let k = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        for (let due = started + k * interval; due <= now && due < end; due = started + ++k * interval) inflight.push(send(due));
        if (now >= end) resolve();
        else setTimeout(tick, Math.max(0, Math.min(1, started + k * interval - now)));
      };
      tick();
    });
    await Promise.all(inflight);
  }
  const seconds = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    errors,
    seconds,
    rps: latencies.length / seconds,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : NaN,
    responseBytes: latencies.length ? bytes / latencies.length : 0,
  };
}

/**
 * Runs a warm-up (unmeasured) then the measured phase.
 *
 * @example const r = await runLoad({ url, path: '/v1/decisions', headers: {}, body: '{}', connections: 8, durationMs: 2000 });
 */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections, maxFreeSockets: spec.connections });
  try {
    if (spec.warmupMs) await phase(spec, spec.warmupMs, agent, false);
    return await phase(spec, spec.durationMs, agent, true);
  } finally {
    agent.destroy();
  }
}

if (process.send) {
  serveParent({ run: async (m) => ({ type: 'result', result: await runLoad(m.spec as LoadSpec) }) });
  process.send({ type: 'ready' });
}
