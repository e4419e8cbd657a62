/**
 * `Idempotency-Key` on the decision routes, so a platform can retry a request whose answer it
 * lost without making a second decision. The key is claimed in the decision's own audit
 * transaction (`AppendInput.idempotency`), in the store rather than in memory, so it holds
 * across replicas and restarts: of two requests racing with one key, one records its decision
 * and the other is answered with it.
 *
 * - same caller, same key, same request (route and body) → the original decision, 200, with
 *   the bytes of the first answer (every answer is sent as canonical JSON);
 * - same key, another request → 422 `IDEMPOTENCY_KEY_REUSED`;
 * - keys expire after `AIRLOCK_IDEMPOTENCY_TTL_MS`; then the key may be used again.
 *
 * A replay is still authorised: the caller must cover the decision's project and dataset now.
 *
 * @example
 * await answerIdempotently(req, res, { store, ttlMs }, { route: 'json', body: req.body }, (claim) =>
 *   makeDecision(req.body, pipeline, { ...who, ...(claim ? { idempotency: claim } : {}) }));
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { AuditStore, IdempotencyClaim } from '../audit/audit-store.js';
import { callerOf } from '../auth/require-role.js';
import { AirlockError } from '../errors.js';
import type { DecisionResponse } from '../pipeline/make-decision.js';
import { signedBytesOf } from '../pipeline/record-decision.js';
import { canonicalJson } from '../lib/canonical-json.js';
import { canonicalJsonChunks } from '../lib/canonical-json-sliced.js';
import { callerOptions } from './caller-options.js';

/** The request header (case-insensitive, as every header). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** A key: 1–255 visible ASCII characters (a UUID is the usual choice). */
const KEY = /^[\x21-\x7e]{1,255}$/;

export interface IdempotencyDeps {
  store: AuditStore;
  /** How long a claimed key is kept. */
  ttlMs: number;
}

/**
 * The request's key, or null without the header. Throws `INVALID_REQUEST` for a malformed one
 * (or the header sent twice), before any work is done.
 *
 * @example idempotencyKeyOf(req) // '6f1c…' or null
 */
export function idempotencyKeyOf(req: Request): string | null {
  const raw = req.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return null;
  if (typeof raw !== 'string' || !KEY.test(raw)) {
    throw new AirlockError('INVALID_REQUEST', 'Idempotency-Key must be one value of 1 to 255 visible ASCII characters', [{ pointer: 'header:Idempotency-Key', message: 'malformed' }]);
  }
  return raw;
}

/**
 * Sends `body` as canonical JSON, written in slices and sent chunk by chunk: a decision's answer
 * can be 14 MB, which must not hold the event loop in one piece (issue 13).
 */
async function sendCanonical(res: Response, status: number, body: DecisionResponse): Promise<void> {
  // The decision goes out as the bytes it was signed over, when this process recorded it.
  const signed = signedBytesOf(body.decision);
  const chunks = await canonicalJsonChunks(body, signed ? new Map([[body.decision, signed]]) : undefined);
  res.status(status).type('application/json');
  res.setHeader('Content-Length', chunks.reduce((n, c) => n + c.length, 0));
  for (const c of chunks) res.write(c);
  res.end();
}

/**
 * Answers a decision request: runs `decide` (with the key's claim when the request has one)
 * and sends 201, or replays the decision the key already names. `what` is everything that
 * makes two requests the same (route, body or its digest, parameters).
 *
 * @example await answerIdempotently(req, res, deps, { route: 'csv', query, sha256 }, run);
 */
export async function answerIdempotently(
  req: Request,
  res: Response,
  deps: IdempotencyDeps | null,
  what: unknown,
  decide: (claim: IdempotencyClaim | undefined) => Promise<DecisionResponse>,
): Promise<void> {
  const key = idempotencyKeyOf(req);
  if (key === null || deps === null) {
    await sendCanonical(res, 201, await decide(undefined));
    return;
  }
  const scope = callerOf(res).name;
  const requestSha256 = createHash('sha256').update(canonicalJson(what), 'utf8').digest('hex');
  if (await replay(res, deps.store, scope, key, requestSha256)) return;
  const claim: IdempotencyClaim = { scope, key, requestSha256, expiresAt: new Date(Date.now() + deps.ttlMs).toISOString() };
  let result: DecisionResponse;
  try {
    result = await decide(claim);
  } catch (e) {
    // Another request with this key was recorded first (another replica, or a concurrent retry).
    if (e instanceof AirlockError && e.code === 'IDEMPOTENCY_KEY_REUSED' && (await replay(res, deps.store, scope, key, requestSha256))) return;
    throw e;
  }
  await sendCanonical(res, 201, result);
}

/** Sends the decision `key` names (200) and returns true; false when the key is free. */
async function replay(res: Response, store: AuditStore, scope: string, key: string, requestSha256: string): Promise<boolean> {
  const held = await store.idempotencyKey(scope, key, new Date().toISOString());
  if (!held) return false;
  if (held.request_sha256 !== requestSha256) {
    throw new AirlockError('IDEMPOTENCY_KEY_REUSED', `the Idempotency-Key "${key}" was used for decision ${held.decision_id} with a different request; use a new key for a new request`);
  }
  const record = await store.get(held.decision_id);
  // The key is written in the record's transaction, so a key without its record is a damaged store.
  if (!record) throw new AirlockError('STORE_UNAVAILABLE', `decision ${held.decision_id} named by an idempotency key is missing`);
  callerOptions(res).caller.authorize(record.decision.project, record.decision.dataset ?? null);
  res.setHeader('Idempotent-Replayed', 'true');
  await sendCanonical(res, 200, { decision: record.decision, signature: record.signature, audit: { seq: record.seq, hash: record.hash, prev: record.prev } });
  return true;
}
