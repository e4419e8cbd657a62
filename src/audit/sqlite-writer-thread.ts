/**
 * The process's audit writer thread, seen from the event loop: one worker thread
 * (`sqlite-writer.ts`) shared by every SQLite store of the process, started on the first append
 * and holding one writing connection per store. A request resolves with the writer's answer;
 * the thread keeps the process alive only while an answer is awaited.
 *
 * If the thread dies (it should not: it answers failures instead of throwing), every awaited
 * answer rejects, and the next request starts a new thread on which each connection is
 * reopened before use.
 *
 * Under tsx or vitest the entry is TypeScript, which a worker cannot load by itself, so the
 * thread first registers tsx's loader (a development dependency, present wherever `.ts` runs);
 * the built service starts the compiled `.js` directly.
 *
 * @example
 * const writer = openWriterConnection('./data/audit.sqlite', 5000);
 * const { outcomes } = await writer.append([input]);
 * await writer.close();
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BatchResult, WireAppend } from './sqlite-appender.js';
import type { WriterReply, WriterRequest } from './sqlite-writer.js';
import type { LogSignerConfig } from './transparency-log.js';
import { invariant } from '../lib/invariant.js';
import { packLongArrays, transferList } from '../lib/pack-long-arrays.js';

/** Loads the entry module, after tsx's loader when the entry is TypeScript (eval'd as CommonJS). */
const BOOT = `const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  await import(workerData.entry);
})().catch((e) => { setImmediate(() => { throw e; }); });`;

/** A request before the client numbers it (distributes over the union). */
type Unnumbered<R> = R extends { id: number } ? Omit<R, 'id'> : never;

class WriterThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve(r: BatchResult | undefined): void; reject(e: Error): void }>();
  private nextId = 1;
  private stopped: Error | null = null;

  constructor() {
    const here = import.meta.url;
    const ts = here.endsWith('.ts');
    const entry = new URL(ts ? './sqlite-writer.ts' : './sqlite-writer.js', here).href;
    const tsx = ts ? new URL('dist/esm/api/index.mjs', pathToFileURL(createRequire(here).resolve('tsx/package.json'))).href : null;
    this.worker = new Worker(BOOT, { eval: true, workerData: { entry, tsx }, name: 'airlock-audit-writer' });
    this.worker.unref();
    this.worker.on('message', (reply: WriterReply) => {
      const w = this.waiting.get(reply.id);
      if (!w) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) this.worker.unref();
      if (reply.ok) w.resolve(reply.result);
      else w.reject(Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {}));
    });
    this.worker.on('error', (e) => this.stop(e));
    this.worker.on('exit', (code) => this.stop(new Error(`the audit writer thread exited (${code})`)));
  }

  get alive(): boolean {
    return this.stopped === null;
  }

  request(req: Unnumbered<WriterRequest>, transfer: ArrayBuffer[] = []): Promise<BatchResult | undefined> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      if (this.waiting.size === 1) this.worker.ref();
      try {
        this.worker.postMessage({ ...req, id } as WriterRequest, transfer);
      } catch (e) {
        // Not sent (a DataCloneError: something in it is not data): nothing will answer it.
        this.waiting.delete(id);
        if (this.waiting.size === 0) this.worker.unref();
        reject(e as Error);
      }
    });
  }

  private stop(e: Error): void {
    if (this.stopped) return;
    this.stopped = e;
    if (current === this) current = null;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
    this.worker.unref();
  }
}

let current: WriterThread | null = null;
let nextConn = 1;

function thread(): WriterThread {
  if (!current?.alive) current = new WriterThread();
  return current;
}

/** One store's writing connection on the writer thread. */
export interface WriterConnection {
  /** Commits the inputs in one transaction; rejects with the driver's error (with its `code`) when it fails as a whole. */
  append(inputs: WireAppend[]): Promise<BatchResult>;
  /** Closes the connection (nothing to do when it was never opened). */
  close(): Promise<void>;
}

/**
 * A writing connection to the SQLite file at `path`, opened on the writer thread at first use
 * (and again if the thread had to be restarted).
 *
 * @example const w = openWriterConnection(join(dataDir, 'audit.sqlite'), 5000);
 */
export function openWriterConnection(path: string, busyTimeoutMs: number, log: LogSignerConfig | null = null): WriterConnection {
  const conn = nextConn++;
  let openedOn: WriterThread | null = null;
  let opening: Promise<WriterThread> | null = null;
  const ready = (): Promise<WriterThread> => {
    const t = thread();
    if (openedOn === t) return Promise.resolve(t);
    if (!opening) {
      opening = t.request({ op: 'open', conn, path, busyTimeoutMs, log }).then(
        () => {
          openedOn = t;
          opening = null;
          return t;
        },
        (e: unknown) => {
          opening = null;
          throw e;
        },
      );
    }
    return opening;
  };
  return {
    async append(inputs) {
      const t = await ready();
      // Packed in slices here (a large decision's clone would hold the event loop), moved, not copied.
      const packed = await packLongArrays(inputs);
      const result = await t.request({ op: 'append', conn, inputs: packed }, transferList(packed));
      // The writer answers every append with its batch result; only open and close answer nothing.
      invariant(result !== undefined, 'the writer thread answered an append without a result');
      return result;
    },
    async close() {
      await opening?.catch(() => undefined);
      const t = openedOn;
      openedOn = null;
      if (t?.alive) await t.request({ op: 'close', conn });
    },
  };
}
