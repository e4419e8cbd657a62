/**
 * A server under test, in its own process (see spawn-child.ts). `airlock` starts the real
 * service through `startServer`, exactly as `airlock serve` does (temporary data directory,
 * so the durable SQLite audit store when the server opens one; the project's rules). `bare
 * BYTES` is the baseline for small requests: a bare express route that answers every POST with
 * a fixed JSON body of BYTES bytes. Both listen on loopback only.
 *
 * Messages: sends `ready {url, token?, tokens}` (tokens: checker, checker2, auditor); answers
 * `usage {gc?}` with `{maxRssKb, rssKb, heapUsedKb, externalKb, arrayBuffersKb, threads,
 * loopBlocks}` (loopBlocks: this process's event-loop blocks of 50 ms or more) and
 * `snapshot {path}` with the path of a heap snapshot written there (a full GC first when the
 * child runs with `--expose-gc`).
 *
 * @example node --import tsx bench/server-child.ts airlock
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import express from 'express';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server/start-server.js';
import type { ChildMessage } from './spawn-child.js';
import { REPO_DIR, serveParent } from './spawn-child.js';
import { workerHeaps } from './worker-heaps.js';
import { watchLoopBlocks } from './loop-blocks.js';

/** A JSON document of exactly `bytes` bytes (at least 16). */
function jsonOfSize(bytes: number): string {
  const shell = '{"padding":""}';
  return `{"padding":"${'x'.repeat(Math.max(0, bytes - shell.length))}"}`;
}

async function startBare(bytes: number): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const body = jsonOfSize(bytes);
  app.post('/v1/decisions', (_req, res) => {
    res.status(201).type('application/json').send(body);
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Threads of this process (main, libuv and V8 helpers, worker threads): a worker pool that grows or churns shows here. */
function threads(): number {
  const line = /^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return line ? Number(line[1]) : NaN;
}

/** This process's event-loop blocks of 50 ms or more since it started (sent with `usage`). */
const loopBlocks = watchLoopBlocks(50);

/** `global.gc` when the child runs with `--expose-gc` (the soak's diagnostics), else null. */
const gc = (globalThis as { gc?: () => void }).gc ?? null;
/** The worker threads' heaps, read only in diagnostics (the inspector session is attached to every worker). */
const workers = gc ? workerHeaps() : null;

/**
 * The process's memory: RSS (native and worker heaps included) against this thread's JS heap,
 * so growth can be told apart as the main heap's or not. `afterGc`: a full collection first
 * (only with `--expose-gc`), so the heap is what is live, not the saw-tooth's phase.
 */
async function usage(afterGc: boolean): Promise<ChildMessage> {
  if (afterGc && gc) gc();
  const heaps = workers ? await workers.read(afterGc) : [];
  const m = process.memoryUsage();
  const kb = (b: number) => Math.round(b / 1024);
  return { type: 'usage', maxRssKb: process.resourceUsage().maxRSS, rssKb: kb(m.rss), heapUsedKb: kb(m.heapUsed), externalKb: kb(m.external), arrayBuffersKb: kb(m.arrayBuffers), threads: threads(), workerHeaps: heaps, workersStarted: workers?.started() ?? 0, gc: afterGc && gc !== null, loopBlocks: loopBlocks.read() };
}

/** A heap snapshot of the main thread at `path`, after a full collection when gc is exposed. */
function snapshot(path: string): ChildMessage {
  gc?.();
  return { type: 'snapshot', path: writeHeapSnapshot(path) };
}

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  let url: string;
  let token: string | undefined;
  let tokens: Record<string, string | undefined> = {};
  let close: () => Promise<void>;
  if (mode === 'bare') {
    const s = await startBare(Number(arg));
    url = s.url;
    close = s.close;
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), 'airlock-bench-data-'));
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      AIRLOCK_DATA_DIR: dataDir,
      AIRLOCK_RULES_DIR: join(REPO_DIR, 'rules'),
      LOG_LEVEL: 'silent',
      // The limiter stays in the path (its cost counts) but must not refuse the load itself.
      AIRLOCK_RATE_LIMIT: String(1e9),
      // `airlock '{"AIRLOCK_REQUEST_TIMEOUT_MS":"10000"}'`: a case's own settings.
      ...(arg ? (JSON.parse(arg) as Record<string, string>) : {}),
    });
    const s = await startServer(config);
    url = s.url;
    token = s.devToken?.('submitter');
    // Other roles, for mixed traffic (soak): two distinct checkers, an auditor.
    tokens = { checker: s.devToken?.('checker'), checker2: s.devToken?.('all'), auditor: s.devToken?.('auditor') };
    close = async () => {
      await s.close();
      rmSync(dataDir, { recursive: true, force: true });
    };
  }
  serveParent({ usage: (m) => usage(m.gc === true), snapshot: (m) => snapshot(String(m.path)) }, close);
  process.send?.({ type: 'ready', url, token, tokens });
}

main().catch((e: unknown) => {
  process.stderr.write(`server-child: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
