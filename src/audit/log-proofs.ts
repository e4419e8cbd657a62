/**
 * Inclusion and consistency proofs of the transparency log, from the tree nodes the store keeps
 * (`transparency-log.ts`): which nodes a proof needs is computed first (`merkle-tree.ts`), then
 * read in one query, so a proof costs O(log n) node reads whatever the log's size.
 *
 * @example
 * const proof = await inclusionProof(store, 7, 120);   // leaf of seq 7 in the tree of size 120
 * verifyInclusion(6, 120, leaf, proof, root)            // true
 */
import { AirlockError } from '../errors.js';
import { assembleProof, consistencyProofNodes, inclusionProofNodes, planKeys, type ProofPlan } from '../lib/merkle-tree.js';
import type { AuditStore } from './audit-store.js';

async function prove(store: Pick<AuditStore, 'logNodes'>, plan: ProofPlan): Promise<Buffer[]> {
  const nodes = await store.logNodes(planKeys(plan));
  try {
    return assembleProof(plan, (k) => nodes.get(`${k.level}/${k.index}`));
  } catch (e) {
    // A node the tree should hold is gone: the store was altered; no proof is better than a wrong one.
    throw new AirlockError('STORE_UNAVAILABLE', `the transparency log cannot prove this: ${(e as Error).message}`);
  }
}

function checkSize(store: { size: number }, n: number, name: string): void {
  if (!Number.isSafeInteger(n) || n < 0 || n > store.size) {
    throw new AirlockError('INVALID_REQUEST', `${name} must be a tree size from 0 to ${store.size}`, [{ pointer: name, message: 'out of range' }]);
  }
}

/**
 * The inclusion proof of record `seq` (leaf `seq − 1`) in the tree of `size` leaves.
 *
 * @example (await inclusionProof(store, 1, 1)).length // 0
 */
export async function inclusionProof(store: Pick<AuditStore, 'logNodes' | 'logSize'>, seq: number, size: number): Promise<Buffer[]> {
  checkSize({ size: await store.logSize() }, size, 'size');
  if (!Number.isSafeInteger(seq) || seq < 1 || seq > size) throw new AirlockError('INVALID_REQUEST', `record ${seq} is not in the tree of size ${size}`);
  return prove(store, inclusionProofNodes(seq - 1, size));
}

/**
 * The consistency proof from tree size `first` to `second`.
 *
 * @example await consistencyProof(store, 6, 8) // 3 hashes
 */
export async function consistencyProof(store: Pick<AuditStore, 'logNodes' | 'logSize'>, first: number, second: number): Promise<Buffer[]> {
  const size = await store.logSize();
  checkSize({ size }, second, 'second');
  checkSize({ size: second }, first, 'first');
  return prove(store, consistencyProofNodes(first, second));
}
