/**
 * Wraps an audit store so every append is a `airlock.store` span and a sample in the
 * `airlock.store.append.duration` histogram, with the backend and whether it succeeded. The
 * store itself stays free of telemetry; start-up wraps whichever store it opened.
 *
 * @example
 * const store = instrumentStore(await openStore({ dataDir, databaseUrl }));
 */
import type { AppendInput, AuditRef, AuditStore } from '../audit/audit-store.js';
import { recordStoreAppend } from './metrics.js';
import { withSpan } from './with-span.js';

export function instrumentStore(store: AuditStore): AuditStore {
  const backend = store.backend;
  const append = async (input: AppendInput): Promise<AuditRef> => {
    const start = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - start) / 1e9;
    return withSpan('airlock.store', { 'airlock.store.backend': backend, 'airlock.record.kind': input.kind ?? 'decision' }, async (span) => {
      try {
        const ref = await store.append(input);
        span.setAttribute('airlock.audit.seq', ref.seq);
        recordStoreAppend(seconds(), { 'airlock.store.backend': backend, 'airlock.store.result': 'ok' });
        return ref;
      } catch (e) {
        recordStoreAppend(seconds(), { 'airlock.store.backend': backend, 'airlock.store.result': 'error' });
        throw e;
      }
    });
  };
  // Every other method passes straight through, bound to the real store.
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'append') return append;
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
