/**
 * The audit writer thread's entry point (started by `sqlite-writer-thread.ts`, never imported):
 * it owns the connections that append to SQLite audit files and commits each batch it is sent
 * with `sqliteAppender`. Committing here, off the event loop, means the fsync and the rows'
 * serialisation no longer stall every other request, and appends that arrive while a commit is
 * in progress queue up for the next one (group commit).
 *
 * Requests and replies are plain messages (`WriterRequest` → `WriterReply`, matched by `id`);
 * a failure is answered, never thrown, so one bad batch does not end the thread.
 *
 * @example
 * // in the client: worker.postMessage({ id: 1, op: 'open', conn: 1, path: './data/audit.sqlite', busyTimeoutMs: 5000 });
 */
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { BatchResult, WireAppend } from './sqlite-appender.js';
import { sqliteAppender } from './sqlite-appender.js';
import { logSigner, type LogSignerConfig } from './transparency-log.js';
import type { PackedGraph } from '../lib/pack-long-arrays.js';
import { unpackLongArraysNow } from '../lib/pack-long-arrays.js';

/** What the writer is asked to do; `conn` names one of its connections (chosen by the client). */
export type WriterRequest =
  | { id: number; op: 'open'; conn: number; path: string; busyTimeoutMs: number; log: LogSignerConfig | null }
  /** The batch with its long arrays (a 40,000-cell decision's) packed in chunks, so the request's thread never clones it in one piece. */
  | { id: number; op: 'append'; conn: number; inputs: PackedGraph<WireAppend[]> }
  | { id: number; op: 'close'; conn: number };

/** The answer to request `id`: done (with the batch's result for an append) or failed, with the driver's code. */
export type WriterReply = { id: number; ok: true; result?: BatchResult } | { id: number; ok: false; error: { code?: string; message: string } };

interface Connection {
  db: Database.Database;
  append: (inputs: readonly WireAppend[]) => BatchResult;
}

const connections = new Map<number, Connection>();

function open(path: string, busyTimeoutMs: number, log: LogSignerConfig | null): Connection {
  const db = new Database(path);
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    db.pragma('journal_mode = WAL');
    // Per connection: a resolved append has been fsynced.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    return { db, append: sqliteAppender(db, log ? logSigner(log) : null) };
  } catch (e) {
    db.close();
    throw e;
  }
}

function handle(req: WriterRequest): WriterReply {
  try {
    switch (req.op) {
      case 'open':
        connections.get(req.conn)?.db.close();
        connections.set(req.conn, open(req.path, req.busyTimeoutMs, req.log));
        return { id: req.id, ok: true };
      case 'append': {
        const c = connections.get(req.conn);
        if (!c) throw new Error(`audit writer connection ${req.conn} is not open`);
        return { id: req.id, ok: true, result: c.append(unpackLongArraysNow(req.inputs)) };
      }
      case 'close':
        connections.get(req.conn)?.db.close();
        connections.delete(req.conn);
        return { id: req.id, ok: true };
    }
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown };
    return { id: req.id, ok: false, error: { ...(typeof err.code === 'string' ? { code: err.code } : {}), message: String(err.message ?? e) } };
  }
}

const port = parentPort;
port?.on('message', (req: WriterRequest) => {
  port.postMessage(handle(req));
});
