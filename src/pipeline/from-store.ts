/**
 * Store reads on the decision path: any failure that is not already an `AirlockError` becomes
 * `STORE_UNAVAILABLE` (503) — never a decision made without the history it needs.
 *
 * @example const rows = await fromStore(() => store.historyEntries({ afterSeq: 0, limit: 100 }), 'the release history');
 */
import { AirlockError } from '../errors.js';

export async function fromStore<T>(read: () => Promise<T>, what = 'the release history'): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof AirlockError) throw e;
    const err = new AirlockError('STORE_UNAVAILABLE', `the audit store could not read ${what}; no decision was made`);
    err.cause = e;
    throw err;
  }
}
