/**
 * The JS heaps of this process's worker threads, read through the inspector (`NodeWorker`
 * domain) from the main thread: the soak's diagnostics split RSS growth into the main heap's,
 * each worker's, and the rest (native). A worker busy in a synchronous task answers when its
 * task yields, so a reading can wait for it.
 *
 * @example
 * const heaps = workerHeaps();
 * const now = await heaps.read(true); // [{ id: '1', title: '…', usedMb: 12.3, totalMb: 20 }]
 */
import { Session } from 'node:inspector';

/** One worker thread's JS heap at a reading (MiB): used, and reserved. */
export interface WorkerHeap {
  id: string;
  url: string;
  usedMb: number;
  totalMb: number;
}

export interface WorkerHeaps {
  /** Every live worker's heap, after a full collection in each when `gc`. */
  read(gc: boolean): Promise<WorkerHeap[]>;
  /** Workers attached since the start (a pool that recycles its threads shows here). */
  started(): number;
}

/**
 * Attaches to every worker thread, now and later.
 *
 * @example const heaps = workerHeaps(); await heaps.read(false);
 */
export function workerHeaps(): WorkerHeaps {
  const session = new Session();
  session.connect();
  const workers = new Map<string, { id: string; url: string }>();
  let started = 0;
  let nextId = 1;
  const pending = new Map<string, (result: unknown) => void>();
  session.on('NodeWorker.attachedToWorker', (m: { params: { sessionId: string; workerInfo: { workerId: string; url: string } } }) => {
    started++;
    workers.set(m.params.sessionId, { id: m.params.workerInfo.workerId, url: m.params.workerInfo.url });
  });
  session.on('NodeWorker.detachedFromWorker', (m: { params: { sessionId: string } }) => {
    workers.delete(m.params.sessionId);
  });
  session.on('NodeWorker.receivedMessageFromWorker', (m: { params: { sessionId: string; message: string } }) => {
    const reply = JSON.parse(m.params.message) as { id?: number; result?: unknown };
    if (reply.id === undefined) return;
    const key = `${m.params.sessionId}:${reply.id}`;
    pending.get(key)?.(reply.result ?? null);
    pending.delete(key);
  });
  session.post('NodeWorker.enable', { waitForDebuggerOnStart: false });
  const call = (sessionId: string, method: string): Promise<unknown> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(`${sessionId}:${id}`, resolve);
      session.post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id, method }) });
    });
  return {
    async read(gc) {
      return Promise.all(
        [...workers].map(async ([sessionId, w]) => {
          if (gc) await call(sessionId, 'HeapProfiler.collectGarbage');
          const u = (await call(sessionId, 'Runtime.getHeapUsage')) as { usedSize: number; totalSize: number } | null;
          return { ...w, usedMb: Math.round((u?.usedSize ?? NaN) / 2 ** 20), totalMb: Math.round((u?.totalSize ?? NaN) / 2 ** 20) };
        }),
      );
    },
    started: () => started,
  };
}
