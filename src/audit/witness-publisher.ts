/**
 * Pushes each new signed checkpoint to the configured witnesses after its batch committed: an
 * HTTP POST of the note (`text/plain`) to each URL, and a file in each directory (`checkpoint`,
 * replaced atomically, plus `checkpoint.<size>` kept). A witness that holds a checkpoint
 * outside the data volume is what lets an auditor detect, later, that the log was truncated or
 * rewritten (`airlock audit verify --checkpoint`).
 *
 * Never in a decision's path: `publish` returns at once; each witness is sent only the newest
 * checkpoint (a witness needs no other), one request at a time; a failure is logged and retried
 * with exponential back-off (1 s doubling to 60 s) until it succeeds or a newer checkpoint
 * replaces it. Timers are unref'd, so a down witness never keeps the process alive.
 *
 * @example
 * const w = witnessPublisher({ urls: ['https://witness.example/airlock'], dirs: ['/mnt/archive/airlock'], logger });
 * openStore({ …, onCheckpoint: (note) => w.publish(note) });
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { parseCheckpointText } from '../lib/checkpoint-note.js';

export interface WitnessOptions {
  urls: readonly string[];
  dirs: readonly string[];
  logger?: Pick<Logger, 'warn' | 'info'>;
  /** First retry delay; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  /** How long one POST may take. */
  timeoutMs?: number;
}

export interface WitnessPublisher {
  /** Queues a checkpoint note for every witness (older or equal sizes than what a witness has are ignored). */
  publish(note: string): void;
  /** Resolves once every witness holds the newest checkpoint published so far (for tests and shutdown). */
  settled(): Promise<void>;
  /** Stops retrying. */
  close(): void;
}

interface Target {
  name: string;
  send(note: string, size: number): Promise<void>;
  /** Newest note waiting to be delivered. */
  pending: { note: string; size: number } | null;
  delivered: number;
  busy: boolean;
  delay: number;
  timer: NodeJS.Timeout | null;
}

function sizeOf(note: string): number | null {
  try {
    return parseCheckpointText(note.slice(0, note.indexOf('\n\n') + 1)).size;
  } catch {
    return null;
  }
}

async function postTo(url: string, note: string, timeoutMs: number): Promise<void> {
  const res = await fetch(url, { method: 'POST', body: note, headers: { 'content-type': 'text/plain; charset=utf-8' }, signal: AbortSignal.timeout(timeoutMs) });
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
}

async function writeTo(dir: string, note: string, size: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `checkpoint.${size}`), note);
  const tmp = join(dir, `.checkpoint.${process.pid}.tmp`);
  await writeFile(tmp, note);
  await rename(tmp, join(dir, 'checkpoint'));
}

/**
 * A publisher for the configured witnesses (a no-op one when there are none).
 *
 * @example witnessPublisher({ urls: [], dirs: ['/archive/airlock'] }).publish(note)
 */
export function witnessPublisher(opts: WitnessOptions): WitnessPublisher {
  const first = opts.retryMs ?? 1000;
  const max = opts.maxRetryMs ?? 60_000;
  const timeout = opts.timeoutMs ?? 10_000;
  let closed = false;
  let waiters: (() => void)[] = [];
  const targets: Target[] = [
    ...opts.urls.map((url) => ({ name: url, send: (note: string) => postTo(url, note, timeout) })),
    ...opts.dirs.map((dir) => ({ name: dir, send: (note: string, size: number) => writeTo(dir, note, size) })),
  ].map((t) => ({ ...t, pending: null, delivered: -1, busy: false, delay: first, timer: null }));

  const allSettled = () => targets.every((t) => t.pending === null && !t.busy);
  const wake = () => {
    if (!allSettled()) return;
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };

  const attempt = (t: Target): void => {
    if (closed || t.busy || !t.pending) return;
    const job = t.pending;
    t.busy = true;
    t.send(job.note, job.size).then(
      () => {
        t.busy = false;
        t.delivered = Math.max(t.delivered, job.size);
        if (t.pending?.size === job.size) t.pending = null;
        t.delay = first;
        if (t.pending) attempt(t);
        wake();
      },
      (e: unknown) => {
        t.busy = false;
        opts.logger?.warn({ witness: t.name, size: job.size, retry_ms: t.delay, err: (e as Error).message }, 'checkpoint not delivered to a witness; will retry');
        if (closed) return wake();
        t.timer = setTimeout(() => {
          t.timer = null;
          attempt(t);
        }, t.delay);
        t.timer.unref();
        t.delay = Math.min(t.delay * 2, max);
      },
    );
  };

  return {
    publish(note) {
      const size = sizeOf(note);
      if (size === null) return;
      for (const t of targets) {
        if (size <= t.delivered || (t.pending && t.pending.size >= size)) continue;
        t.pending = { note, size };
        if (!t.timer) attempt(t);
      }
    },
    settled() {
      if (allSettled()) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    close() {
      closed = true;
      for (const t of targets) if (t.timer) clearTimeout(t.timer);
      for (const t of targets) t.pending = null;
      wake();
    },
  };
}
