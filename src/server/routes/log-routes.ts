/**
 * The transparency log's API: the newest signed checkpoint, an inclusion proof per decision,
 * consistency proofs between tree sizes (auditor), and the log's public key (public, like the
 * JWKS). Everything returned can be checked without trusting airlock: the checkpoint with the
 * log key, the proofs against a checkpoint's root (RFC 9162).
 *
 * @example registerLogRoutes(app, { store, auditor, logKey: { origin, verifierKey, kid } });
 */
import type { Express, Request, RequestHandler, Response } from 'express';
import type { AuditStore } from '../../audit/audit-store.js';
import { inclusionProof, consistencyProof } from '../../audit/log-proofs.js';
import { entryLeaf, logEntryText, type CheckpointRow } from '../../audit/transparency-log.js';
import { mayAccessProject } from '../../auth/authorize.js';
import { callerOf } from '../../auth/require-role.js';
import { AirlockError } from '../../errors.js';
import { route } from '../route.js';

export interface LogRouteDeps {
  store: AuditStore;
  /** `requireRole(auth, 'auditor')`. */
  auditor: RequestHandler;
  /** The log's public identity. */
  logKey: { origin: string; verifierKey: string; kid: string };
}

function sizeParam(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^(0|[1-9][0-9]{0,15})$/.test(v)) throw new AirlockError('INVALID_REQUEST', `${name} must be a non-negative integer`, [{ pointer: name, message: 'not a tree size' }]);
  return Number(v);
}

/** The stored checkpoint of `size`, or the newest when no size is given; NOT_FOUND when there is none. */
async function checkpointAt(store: AuditStore, size: number | undefined): Promise<CheckpointRow> {
  const c = size === undefined ? await store.latestCheckpoint() : (await store.checkpoints({ afterSize: size - 1, limit: 1 }))[0];
  if (!c || (size !== undefined && c.size !== size)) throw new AirlockError('NOT_FOUND', size === undefined ? 'the log has no signed checkpoint yet' : `no signed checkpoint of size ${size}`);
  return c;
}

const wantsText = (req: Request): boolean => req.accepts(['application/json', 'text/plain']) === 'text/plain';

function checkpointBody(c: CheckpointRow, origin: string) {
  return { origin, size: c.size, root_hash: c.root.toString('base64'), checkpoint: c.note, created_at: c.created_at };
}

export function registerLogRoutes(app: Express, deps: LogRouteDeps): void {
  app.get('/v1/audit/log-key', (_req, res: Response) => {
    res.setHeader('cache-control', 'public, max-age=300');
    res.json({ origin: deps.logKey.origin, verifier_key: deps.logKey.verifierKey, kid: deps.logKey.kid, algorithm: 'Ed25519', format: 'C2SP signed-note / tlog-checkpoint' });
  });

  app.get(
    '/v1/audit/checkpoint',
    deps.auditor,
    route(async (req, res) => {
      const c = await checkpointAt(deps.store, sizeParam(req.query.size, 'size'));
      if (wantsText(req)) res.type('text/plain; charset=utf-8').send(c.note);
      else res.json(checkpointBody(c, deps.logKey.origin));
    }),
  );

  app.get(
    '/v1/audit/consistency',
    deps.auditor,
    route(async (req, res) => {
      const first = sizeParam(req.query.first, 'first');
      if (first === undefined) throw new AirlockError('INVALID_REQUEST', 'first (the size of the checkpoint you hold) is required', [{ pointer: 'first', message: 'required' }]);
      const second = await checkpointAt(deps.store, sizeParam(req.query.second, 'second'));
      if (first > second.size) throw new AirlockError('INVALID_REQUEST', `first (${first}) is larger than second (${second.size})`, [{ pointer: 'first', message: 'out of range' }]);
      const proof = await consistencyProof(deps.store, first, second.size);
      res.json({ first, second: second.size, proof: proof.map((h) => h.toString('base64')), checkpoint: checkpointBody(second, deps.logKey.origin) });
    }),
  );

  app.get(
    '/v1/decisions/:id/proof',
    deps.auditor,
    route(async (req, res) => {
      const id = String(req.params.id);
      const r = await deps.store.get(id);
      if (!r || !mayAccessProject(callerOf(res), r.decision.project)) throw new AirlockError('NOT_FOUND', `no decision ${id}`);
      const size = sizeParam(req.query.size, 'size');
      const c = await checkpointAt(deps.store, size);
      if (c.size < r.seq) throw new AirlockError('NOT_FOUND', `decision ${id} (seq ${r.seq}) is not in the checkpoint of size ${c.size} yet`);
      const entry = logEntryText({ seq: r.seq, kind: r.kind, decision_id: r.decision.id, hash: r.hash });
      const proof = await inclusionProof(deps.store, r.seq, c.size);
      res.json({
        decision_id: id,
        seq: r.seq,
        leaf_index: r.seq - 1,
        entry,
        leaf_hash: entryLeaf(entry).toString('base64'),
        tree_size: c.size,
        inclusion_proof: proof.map((h) => h.toString('base64')),
        checkpoint: checkpointBody(c, deps.logKey.origin),
      });
    }),
  );
}
