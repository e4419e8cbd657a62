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
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { AirlockError } from '../errors.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import type { ProtectedTable, ProtectOptions } from './protect-table.js';
import { protectTable } from './protect-table.js';

/** The part of a table protection reads: what is sent to a worker. */
export type ProtectionInput = Pick<CellTable, 'statistic' | 'rows' | 'cols' | 'value' | 'suppressed'>;

/** One protection job as a worker receives it. */
export interface ProtectionTask {
  table: ProtectionInput;
  failing: number[];
  opts: ProtectOptions;
}

export interface ProtectionRunner {
  /** The protected version of `t` (`protectTable`), or a rejection: `REQUEST_TIMEOUT` once `signal` aborts. */
  protect(t: CellTable, failing: ReadonlySet<number>, opts: ProtectOptions, signal?: AbortSignal): Promise<ProtectedTable>;
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
    return protectTable(t, new Set(failing), opts);
  },
  async close() {},
};

/** The worker's entry and, under tsx or vitest (TypeScript sources), tsx's loader for the worker. */
function workerEntry(): { filename: string; execArgv: string[] } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { filename: new URL('./protect-table-worker.js', here).href, execArgv: [] };
  const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
  return { filename: new URL('./protect-table-worker.ts', here).href, execArgv: ['--import', tsx] };
}

/**
 * A pool of protection threads.
 *
 * @example protectionPool({ heapMb: 768 })
 */
export function protectionPool(opts: { threads?: number; heapMb: number }): ProtectionRunner {
  const threads = opts.threads ?? Math.max(1, Math.min(4, availableParallelism() - 1));
  const { filename, execArgv } = workerEntry();
  const pool = new Piscina<ProtectionTask, ProtectedTable | null>({
    filename,
    execArgv,
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: 30_000,
    resourceLimits: { maxOldGenerationSizeMb: Math.max(64, Math.floor(opts.heapMb / threads)) },
  });
  return {
    async protect(t, failing, o, signal) {
      if (signal?.aborted) throw new AirlockError('REQUEST_TIMEOUT');
      const table: ProtectionInput = { statistic: t.statistic, rows: t.rows, cols: t.cols, value: t.value, suppressed: t.suppressed };
      let p: ProtectedTable | null;
      try {
        p = await pool.run({ table, failing: [...failing], opts: o }, signal ? { signal } : {});
      } catch (e) {
        if (signal?.aborted) throw new AirlockError('REQUEST_TIMEOUT');
        // A worker that ran out of its heap or died: no decision (500), the process stays up.
        throw new Error(`table protection failed in its worker: ${(e as Error).message}`);
      }
      // As protectTable says it on this thread: no protected version exists.
      if (p === null) throw new AirlockError('INTERNAL', 'protectTable: no complement avoids the fixed cells');
      return p;
    },
    close: () => pool.destroy(),
  };
}
