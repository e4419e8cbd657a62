/**
 * Re-checks the whole audit trail without trusting the store: every seq present from 1 with no
 * gaps, every `prev` equal to the previous `hash`, every `hash` recomputed from the record's
 * content (`chain.ts`), every lookup column equal to what the decision says, every signature
 * verified against its decision with the JWKS, and every stored rule set still hashing to the
 * digest the (signed) decisions name. Stops at the first bad record.
 *
 * A chain whose newest records were removed wholesale still verifies; compare `head` with a
 * copy kept elsewhere (an export, a log line) to detect that.
 *
 * @example
 * const r = await verifyAudit(store, publicJwks(ring.verification));
 * // { ok: false, checked: 6, first_bad_seq: 7, reason: 'hash does not match the record content' }
 */
import { createHash } from 'node:crypto';
import { AirlockError } from '../errors.js';
import { canonicalJson } from '../signing/canonical-json.js';
import { verifyDecisionResponse, type JwksLike } from '../signing/verify-decision.js';
import type { AuditStore, IndexColumns, ScannedRecord } from './audit-store.js';
import { GENESIS_PREV, canonicalRecord, chainHash } from './chain.js';

/** The result of `verifyAudit` (the body of `GET /v1/audit/verify`). */
export interface AuditVerification {
  ok: boolean;
  /** Records that verified before the first bad one (all of them when `ok`). */
  checked: number;
  first_bad_seq?: number;
  reason?: string;
  /** The last good record: anchor it elsewhere to detect truncation later. */
  head?: { seq: number; hash: string };
}

function columnProblem(r: ScannedRecord): string | null {
  const d = r.decision;
  const expected: IndexColumns = {
    decision_id: d.id,
    project: d.project,
    requester: d.requester,
    outcome: d.outcome,
    dataset: d.dataset ?? null,
    ruleset_digest: d.ruleset?.digest,
  };
  for (const k of Object.keys(expected) as (keyof IndexColumns)[]) {
    if (r.columns[k] !== expected[k]) {
      return `the store's ${k} column (${JSON.stringify(r.columns[k])}) disagrees with the recorded decision (${JSON.stringify(expected[k])})`;
    }
  }
  return null;
}

async function recordProblem(r: ScannedRecord, expectedSeq: number, prev: string, jwks: JwksLike): Promise<string | null> {
  if (r.seq !== expectedSeq) {
    return r.seq > expectedSeq ? `seq ${expectedSeq} is missing (the next record is seq ${r.seq})` : `seq ${r.seq} is out of order`;
  }
  if (r.prev !== prev) return expectedSeq === 1 ? 'prev of the first record is not the genesis value' : `prev does not match the hash of seq ${expectedSeq - 1}`;
  let canonical: string;
  try {
    canonical = canonicalRecord(r);
  } catch (e) {
    return `the record cannot be canonicalised: ${(e as Error).message}`;
  }
  if (chainHash(r.prev, canonical) !== r.hash) return 'hash does not match the record content';
  const columns = columnProblem(r);
  if (columns) return columns;
  const sig = await verifyDecisionResponse({ decision: r.decision, signature: r.signature }, jwks);
  if (!sig.ok) return `signature check failed (${sig.field}): ${sig.reason}`;
  if (sig.kid !== r.kid) return `the record's kid ${r.kid} is not the signature's kid ${sig.kid}`;
  return null;
}

/** A problem with the rule set a record names, checked once per digest. */
async function rulesetProblem(store: Pick<AuditStore, 'getRuleset'>, digest: unknown, seen: Set<string>): Promise<string | null> {
  if (typeof digest !== 'string' || seen.has(digest)) return null;
  seen.add(digest);
  // Not every record need carry its rule set; one that is stored must match its digest.
  const content = await store.getRuleset(digest);
  if (content === null) return null;
  const actual = createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
  return actual === digest ? null : `the stored rule set ${digest} no longer hashes to its digest (${actual})`;
}

/**
 * Verifies the chain, every signature and every stored rule set. Throws `STORE_UNAVAILABLE`
 * when the store cannot be read (no verdict either way); a record that cannot even be parsed
 * is reported as bad.
 *
 * @example (await verifyAudit(store, jwks)).ok // true
 */
export async function verifyAudit(store: Pick<AuditStore, 'scan' | 'getRuleset'>, jwks: JwksLike): Promise<AuditVerification> {
  let checked = 0;
  let prev = GENESIS_PREV;
  let head: { seq: number; hash: string } | undefined;
  const digests = new Set<string>();
  const bad = (seq: number, reason: string): AuditVerification => ({ ok: false, checked, first_bad_seq: seq, reason, ...(head ? { head } : {}) });
  try {
    for await (const r of store.scan(1)) {
      const problem = (await recordProblem(r, checked + 1, prev, jwks)) ?? (await rulesetProblem(store, r.decision.ruleset?.digest, digests));
      if (problem) return bad(r.seq > checked + 1 ? checked + 1 : r.seq, problem);
      checked++;
      prev = r.hash;
      head = { seq: r.seq, hash: r.hash };
    }
  } catch (e) {
    if (e instanceof AirlockError && e.code === 'STORE_UNAVAILABLE') throw e;
    return bad(checked + 1, (e as Error).message);
  }
  return { ok: true, checked, ...(head ? { head } : {}) };
}
