/**
 * The auditors' API: list and read recorded decisions, verify the whole chain, export it as
 * JSON Lines, and the public JWKS that anyone verifies signatures with. Auditors restricted to
 * some projects only ever see those projects' records.
 *
 * @example registerAuditRoutes(app, { store, jwks: () => publicJwks(ring.verification), tokens });
 */
import { Readable } from 'node:stream';
import type { Express, RequestHandler, Response } from 'express';
import type { AuditStore, ListFilter, StoredRecord } from '../../audit/audit-store.js';
import { MAX_PAGE_LIMIT } from '../../audit/audit-store.js';
import { exportJsonl } from '../../audit/export-jsonl.js';
import { verifyAudit } from '../../audit/verify-chain.js';
import { mayAccessProject } from '../../auth/authorize.js';
import { callerOf } from '../../auth/require-role.js';
import type { Caller } from '../../auth/authenticate.js';
import { OUTCOME_VALUES, type Outcome } from '../../domain.js';
import { AirlockError } from '../../errors.js';
import type { Jwks } from '../../signing/jwks.js';
import type { NoteVerifier } from '../../lib/signed-note.js';
import { detachedJws } from '../../signing/detached-jws.js';
import { suggestion } from '../../lib/did-you-mean.js';
import { route } from '../route.js';

export interface AuditRouteDeps {
  store: AuditStore;
  jwks(): Jwks;
  /** Middleware that authenticates an auditor (`requireRole(tokens, 'auditor')`). */
  auditor: RequestHandler;
  /**
   * Of these records, the ids the caller may not see yet: other checkers' votes and comments on
   * reviews an auditor who is also a checker may still vote on (blinded review).
   */
  hidden?(caller: Caller, records: readonly StoredRecord[]): Promise<Set<string>>;
  /** The transparency log's key: verification also checks the log (entries, checkpoints). */
  logKey?: { verifier: NoteVerifier };
}

/** The `{ decision, signature, audit }` shape every decision read returns, as the POST did. */
export function decisionResponse(r: StoredRecord) {
  return { decision: r.decision, signature: r.signature, audit: { seq: r.seq, hash: r.hash, prev: r.prev }, recorded_at: r.recorded_at, kind: r.kind, submitted_by: r.submitted_by, references: r.references, trace_id: r.trace_id };
}

/** The list's `signature` query: `detached` (default) or `attached`. */
function signatureForm(q: unknown): 'detached' | 'attached' {
  const v = one(q, 'signature') ?? 'detached';
  if (v !== 'detached' && v !== 'attached') throw new AirlockError('INVALID_REQUEST', `signature must be "detached" or "attached"${suggestion(v, ['detached', 'attached'])}`, [{ pointer: 'signature', message: 'not "detached" or "attached"' }]);
  return v;
}

function one(q: unknown, name: string): string | undefined {
  if (q === undefined) return undefined;
  if (typeof q !== 'string' || q.length === 0) throw new AirlockError('INVALID_REQUEST', `query parameter ${name} must be given once, non-empty`, [{ pointer: name, message: 'invalid' }]);
  return q;
}

function isoTime(q: unknown, name: string): string | undefined {
  const v = one(q, name);
  if (v === undefined) return undefined;
  const t = new Date(v);
  if (Number.isNaN(t.getTime())) throw new AirlockError('INVALID_REQUEST', `${name} must be an ISO 8601 date-time`, [{ pointer: name, message: 'not a date-time' }]);
  return t.toISOString();
}

function projectsOf(res: Response): readonly string[] | undefined {
  const c = callerOf(res);
  return c.projects === null ? undefined : c.projects;
}

export function registerAuditRoutes(app: Express, deps: AuditRouteDeps): void {
  app.get('/.well-known/jwks.json', (_req, res) => {
    res.setHeader('cache-control', 'public, max-age=300');
    res.json(deps.jwks());
  });

  app.get(
    '/v1/decisions',
    deps.auditor,
    route(async (req, res) => {
      const q = req.query;
      const outcome = one(q.outcome, 'outcome');
      if (outcome !== undefined && !OUTCOME_VALUES.includes(outcome as Outcome)) throw new AirlockError('INVALID_REQUEST', `outcome must be one of ${OUTCOME_VALUES.join(', ')}`);
      const limitRaw = one(q.limit, 'limit') ?? '100';
      const limit = Number(limitRaw);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) throw new AirlockError('INVALID_REQUEST', `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`);
      const filter: ListFilter = {
        project: one(q.project, 'project'),
        requester: one(q.requester, 'requester'),
        outcome: outcome as Outcome | undefined,
        dataset: one(q.dataset, 'dataset'),
        ruleset_digest: one(q.ruleset_digest, 'ruleset_digest'),
        from: isoTime(q.from, 'from'),
        to: isoTime(q.to, 'to'),
        kind: one(q.kind, 'kind'),
        check: one(q.check, 'check'),
        text: one(q.text, 'text'),
        projects: projectsOf(res),
      };
      if (filter.text !== undefined && filter.text.length > 200) throw new AirlockError('INVALID_REQUEST', 'text may be at most 200 characters', [{ pointer: 'text', message: 'too long' }]);
      const page = await deps.store.list(filter, { cursor: one(q.cursor, 'cursor') ?? null, limit });
      const hidden = deps.hidden ? await deps.hidden(callerOf(res), page.items) : new Set<string>();
      const attached = signatureForm(q.signature) === 'attached';
      const items = page.items.filter((r) => !hidden.has(r.decision.id)).map(decisionResponse);
      res.json({ items: attached ? items : items.map((item) => ({ ...item, signature: detachedJws(item.signature) })), next_cursor: page.next_cursor });
    }),
  );

  app.get(
    '/v1/decisions/:id',
    deps.auditor,
    route(async (req, res) => {
      const id = String(req.params.id);
      const r = await deps.store.get(id);
      // A record of a project the caller may not see, or a blinded vote or comment, is answered exactly like a missing one.
      if (!r || !mayAccessProject(callerOf(res), r.decision.project) || (deps.hidden && (await deps.hidden(callerOf(res), [r])).has(r.decision.id))) throw new AirlockError('NOT_FOUND', `no decision ${id}`);
      res.json(decisionResponse(r));
    }),
  );

  app.get(
    '/v1/audit/verify',
    deps.auditor,
    route(async (_req, res) => {
      if (projectsOf(res)) throw new AirlockError('FORBIDDEN', 'verifying the whole chain needs an auditor token for all projects');
      res.json(await verifyAudit(deps.store, deps.jwks(), deps.logKey ? { verifier: deps.logKey.verifier } : undefined));
    }),
  );

  app.get(
    '/v1/audit/export',
    deps.auditor,
    route(async (req, res) => {
      if (projectsOf(res)) throw new AirlockError('FORBIDDEN', 'exporting the chain needs an auditor token for all projects');
      // The export holds every vote and comment: a checker could read the votes of a review before casting theirs.
      if (callerOf(res).roles.includes('checker')) throw new AirlockError('FORBIDDEN', 'exporting the chain needs an auditor who is not also an output checker (votes are blinded until each checker has voted)');
      const from = Number(one(req.query.from_seq, 'from_seq') ?? '1');
      if (!Number.isInteger(from) || from < 1) throw new AirlockError('INVALID_REQUEST', 'from_seq must be a positive integer');
      res.status(200).type('application/x-ndjson');
      await new Promise<void>((resolve, reject) => {
        Readable.from(exportJsonl(deps.store, from)).on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
      });
    }),
  );
}
