/**
 * Where a failing table's protected version is computed. Cell suppression is the most
 * CPU-hungry stage of a decision (seconds for a 300 × 300 table), so the service runs it in a
 * pool of worker threads (piscina): the event loop keeps answering `/healthz` and small
 * decisions meanwhile, and a protection still running when its request's deadline passes is
 * cancelled by stopping its thread (the request then ends with a problem and nothing is
 * recorded). Each worker's heap is capped, so a table that needs more memory than the budget
 * allows stops that worker, not the process (the request fails with 500, no decision).
 *
 * Whatever `protectTable` (src/remedies/protect-table.ts) does is what runs: the worker calls
 * it, so a change of the protection internals needs no change here.
 *
 * @example
 * const runner = protectionPool({ threads: 1, heapMb: 512 });
 * const p = await runner.protect(table, new Set([4]), {}, deadline.signal);
 * await runner.close();
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { AirlockError } from '../errors.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import type { CheckId } from '../domain.js';
import { LpInfeasible, LpUnsolved } from '../lib/lp-bounds.js';
import { ProtectionRefused } from '../remedies/audited-suppression.js';
import type { PrimaryCells, ProtectedTable, ProtectOptions } from '../remedies/protect-table.js';
import { protectTable } from '../remedies/protect-table.js';
import type { OutputAnswer, OutputTask, OutputTaskOnWire } from './output-task.js';
import { outputTaskOnWire } from './output-task.js';
import { isWorthPacking, transferList } from '../lib/pack-long-arrays.js';

/** One protection job as a worker receives it (structured clones: the whole table, since the LP audit reads its evidence too). */
export interface ProtectionTask {
  table: CellTable;
  /** Primary cells: indices, or [index, failing checks] pairs (then audited against the LP attacker). */
  failing: number[] | [number, CheckId[]][];
  opts: ProtectOptions;
}

/** A worker's answer. Errors do not keep their class across threads, so refusals are said as data. */
export type ProtectionAnswer =
  | { protected: ProtectedTable }
  | { none: string }
  | { refused: string; by: 'protection' | 'lp_unsolved' | 'lp_infeasible' };

/** The task for `failing` as it crosses the thread boundary. */
export function primaryToWire(failing: PrimaryCells): ProtectionTask['failing'] {
  return failing instanceof Map ? [...(failing as ReadonlyMap<number, ReadonlySet<CheckId>>)].map(([c, checks]): [number, CheckId[]] => [c, [...checks]]) : [...(failing as ReadonlySet<number>)];
}

/** Back from the wire: a Map when the checks came along, a Set otherwise. */
export function primaryFromWire(failing: ProtectionTask['failing']): PrimaryCells {
  const first = failing[0];
  if (Array.isArray(first)) return new Map((failing as [number, CheckId[]][]).map(([c, checks]) => [c, new Set(checks)]));
  return new Set(failing as number[]);
}

/** A worker's answer as this thread would have seen `protectTable` end: the table, or the same error class. */
function fromAnswer(a: ProtectionAnswer): ProtectedTable {
  if ('protected' in a) return a.protected;
  if ('none' in a) throw new AirlockError('INTERNAL', a.none);
  if (a.by === 'protection') throw new ProtectionRefused(a.refused);
  throw a.by === 'lp_unsolved' ? new LpUnsolved(a.refused) : new LpInfeasible(a.refused);
}

export interface ProtectionRunner {
  /** The protected version of `t` (`protectTable`), or a rejection: `REQUEST_TIMEOUT` once `signal` aborts. */
  protect(t: CellTable, failing: PrimaryCells, opts: ProtectOptions, signal?: AbortSignal): Promise<ProtectedTable>;
  /**
   * A large output's whole evaluation in a worker (`src/pipeline/output-task.ts`); absent where
   * there are no workers (outputs are then evaluated on the calling thread). Rejects with
   * `REQUEST_TIMEOUT` once `signal` aborts, `BUSY` when the pool's queue is full.
   */
  evaluate?(task: OutputTask, signal?: AbortSignal): Promise<OutputAnswer>;
  /** Stops the pool's threads (a no-op inline). */
  close(): Promise<void>;
}

/**
 * Protection on the calling thread (tests, replay, the CLI): the deadline is checked before
 * it starts, since nothing can interrupt it once it runs.
 *
 * @example await inlineProtection.protect(t, new Set([0]), {})
 */
export const inlineProtection: ProtectionRunner = {
  async protect(t, failing, opts, signal) {
    if (signal?.aborted) throw new AirlockError('REQUEST_TIMEOUT');
    return protectTable(t, failing, opts);
  },
  async close() {},
};

/** The worker's entry: the built file, or under tsx or vitest (TypeScript sources) a small ESM bootstrap that registers tsx in the worker. */
function workerEntry(): { filename: string; execArgv: string[] } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { filename: new URL('./protect-table-worker.js', here).href, execArgv: [] };
  return { filename: new URL('./protect-table-worker-dev.mjs', here).href, execArgv: [] };
}

/** Typed arrays of microdata parsed on the request's thread (a CSV upload) and the packed output's chunks: moved to the worker, not copied. */
function movedBuffers(task: OutputTask | OutputTaskOnWire): ArrayBuffer[] {
  const chunks = 'packed' in task ? transferList(task.packed) : [];
  const microdata = ('packed' in task ? task.packed.root : task.raw as { microdata?: unknown }).microdata;
  if (!microdata || typeof microdata !== 'object' || !('columns' in microdata) || !(microdata.columns instanceof Map)) return chunks;
  const out = new Set<ArrayBuffer>(chunks);
  for (const col of (microdata.columns as Map<string, Record<string, unknown>>).values()) {
    for (const v of Object.values(col)) if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) out.add(v.buffer);
  }
  return [...out];
}

/**
 * A pool of worker threads for protection and for the evaluation of large outputs: `threads`
 * (default: the cores but one, at most 4), each with its share of `heapMb`, and at most
 * `queue` tasks waiting (default 16); beyond that a request is refused with 503
 * `BUSY` rather than queued behind minutes of work. `hold` is the bounded-work test's hook
 * (see `OutputTask.hold`).
 *
 * @example protectionPool({ heapMb: 768 })
 */
export function protectionPool(opts: { threads?: number; heapMb: number; queue?: number; hold?: Int32Array }): ProtectionRunner {
  const threads = opts.threads ?? Math.max(1, Math.min(4, availableParallelism() - 1));
  const { filename, execArgv } = workerEntry();
  const pool = new Piscina<ProtectionTask | OutputTask | OutputTaskOnWire, ProtectionAnswer | OutputAnswer>({
    filename,
    execArgv,
    minThreads: 0,
    maxThreads: threads,
    maxQueue: opts.queue ?? 16,
    idleTimeout: 30_000,
    resourceLimits: { maxOldGenerationSizeMb: Math.max(64, Math.floor(opts.heapMb / threads)) },
  });
  /** Runs one task; a full queue, the deadline and a dead worker each end it as the request must. */
  async function run<A>(task: ProtectionTask | OutputTask | OutputTaskOnWire, what: string, signal: AbortSignal | undefined, extra: { name?: string; transferList?: ArrayBuffer[] }): Promise<A> {
    if (signal?.aborted) throw new AirlockError('REQUEST_TIMEOUT');
    if (pool.queueSize >= pool.options.maxQueue) throw new AirlockError('BUSY');
    try {
      return (await pool.run(task, { ...extra, ...(signal ? { signal } : {}) })) as A;
    } catch (e) {
      if (signal?.aborted) throw new AirlockError('REQUEST_TIMEOUT');
      // A worker that ran out of its heap or died: no decision (500), the process stays up.
      throw new Error(`${what} failed in its worker: ${(e as Error).message}`);
    }
  }
  return {
    async protect(t, failing, o, signal) {
      return fromAnswer(await run<ProtectionAnswer>({ table: t, failing: primaryToWire(failing), opts: o }, 'table protection', signal, {}));
    },
    evaluate(task, signal) {
      const held = opts.hold ? { ...task, hold: opts.hold } : task;
      const send = (t: OutputTask | OutputTaskOnWire) => run<OutputAnswer>(t, 'output evaluation', signal, { name: 'evaluate', transferList: movedBuffers(t) });
      // A small output goes as it is, at once; a large one is packed first, in slices (issue 13).
      return isWorthPacking(held.raw) ? outputTaskOnWire(held).then(send) : send(held);
    },
    close: () => pool.destroy(),
  };
}
