/**
 * `GET /v1/rulesets/{digest}`: any rule set a decision was ever made under (stored in the audit
 * store with the decisions), or the live one, so a decision's `ruleset.digest` always leads to
 * the exact rules that produced it.
 *
 * Every load of a rule set (start-up, file change, SIGHUP, `POST /v1/rulesets/reload` by an
 * admin) is a signed record of the audit chain naming who loaded it (`GET /v1/rulesets/loads`,
 * newest first; `src/governance/record-ruleset-load.ts`).
 *
 * Governance also reads the rule-set history (`GET /v1/rulesets`: every rule set decisions were
 * made under, by digest, with how often and when) and asks what a change would do
 * (`POST /v1/rulesets/diff`: the differing parameters and checks per project, and optionally
 * the replay of stored decisions under both — `airlock rules diff --replay` as an API).
 *
 * @example registerRulesetRoutes(app, { store, ruleset: live.current, reader: requireAnyRole(tokens, ['admin', 'auditor']), json });
 */
import type { Express, RequestHandler } from 'express';
import type { AuditStore } from '../../audit/audit-store.js';
import { MAX_PAGE_LIMIT } from '../../audit/audit-store.js';
import { callerOf } from '../../auth/require-role.js';
import type { RecordActor } from '../../domain.js';
import { RECORD_KINDS } from '../../domain.js';
import { actorOf } from '../../review/review-service.js';
import type { ReloadEvent } from '../../rules/live-rules.js';
import { decisionResponse } from './audit-routes.js';
import { schemaValidator, type SchemaAssertion } from '../../api/openapi.js';
import { candidateUnderFloors } from '../../rules/candidate-ruleset.js';
import { diffRulesets } from '../../rules/diff-rulesets.js';
import { replayDecisions } from '../../governance/replay-decisions.js';
import { AirlockError } from '../../errors.js';
import { invariant } from '../../lib/invariant.js';
import type { Ruleset } from '../../rules/load-ruleset.js';
import { rulesetFromContent } from '../../rules/load-ruleset.js';
import { requireJson, route } from '../route.js';

export interface RulesetRouteDeps {
  store: Pick<AuditStore, 'getRuleset' | 'rulesetUsage' | 'scan' | 'list' | 'get'>;
  /** The live rule set. */
  ruleset(): Ruleset;
  reader: RequestHandler;
  /** Reloads the rules from their files on behalf of `by` (recorded, like every load); absent: no reload route. */
  reload?(by: RecordActor): Promise<ReloadEvent>;
  /** Who may reload (`admin`). */
  admin?: RequestHandler;
  /** The JSON body parser (with the configured limit). */
  json: RequestHandler;
}

const validateDiff: SchemaAssertion<'RulesetDiffRequest'> = schemaValidator('RulesetDiffRequest');

/** A rule set by digest: the live one or one stored with decisions; NOT_FOUND otherwise. */
async function rulesetByDigest(deps: RulesetRouteDeps, digest: string): Promise<Ruleset> {
  const live = deps.ruleset();
  const r = live.digest === digest ? live : await storedRuleset(deps.store, digest);
  if (!r) throw new AirlockError('NOT_FOUND', `no rule set ${digest} has been used or is live`);
  return r;
}

const DIGEST = /^[0-9a-f]{64}$/;

/** The `limit` query of a page: 1…MAX_PAGE_LIMIT, default 100. */
function pageLimit(q: unknown): number {
  const limit = q === undefined ? 100 : Number(q);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) throw new AirlockError('INVALID_REQUEST', `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`, [{ pointer: 'limit', message: 'out of range' }]);
  return limit;
}

export function registerRulesetRoutes(app: Express, deps: RulesetRouteDeps): void {
  // Before `/v1/rulesets/:digest`, which would take `loads` for a digest.
  app.get(
    '/v1/rulesets/loads',
    deps.reader,
    route(async (req, res) => {
      const limit = pageLimit(req.query.limit);
      const cursor = typeof req.query.cursor === 'string' && req.query.cursor !== '' ? req.query.cursor : null;
      const page = await deps.store.list({ kind: RECORD_KINDS.ruleset }, { cursor, limit });
      res.json({ items: page.items.map(decisionResponse), next_cursor: page.next_cursor });
    }),
  );
  const reload = deps.reload;
  if (reload && deps.admin) {
    app.post(
      '/v1/rulesets/reload',
      deps.admin,
      route(async (_req, res) => {
        const e = await reload(actorOf(callerOf(res)));
        // Files that do not form a valid set are the admin's to fix: 422, not the 500 start-up gives.
        if (!e.ok && e.error?.code === 'RULES_INVALID') throw new AirlockError('RULESET_INVALID', e.error.message, e.error.details);
        if (!e.ok) throw e.error ?? new AirlockError('STORE_UNAVAILABLE', 'the rule set was not loaded');
        const record = e.recorded ? await deps.store.get(e.recorded) : null;
        res.json({ activated: e.changed, digest: e.digest, previous: e.previous, record: record ? decisionResponse(record) : null });
      }),
    );
  }
  app.get(
    '/v1/rulesets',
    deps.reader,
    route(async (_req, res) => {
      const live = deps.ruleset();
      const usage = await deps.store.rulesetUsage();
      const items = [];
      if (!usage.some((u) => u.digest === live.digest)) items.push({ digest: live.digest, name: live.name, version: live.version, live: true, decisions: 0, first_used: null, last_used: null });
      for (const u of usage) {
        const r = u.digest === live.digest ? live : await storedRuleset(deps.store, u.digest).catch(() => null);
        items.push({ digest: u.digest, name: r?.name ?? null, version: r?.version ?? null, live: u.digest === live.digest, decisions: Number(u.decisions), first_used: u.first_used, last_used: u.last_used });
      }
      res.json({ items });
    }),
  );
  app.post(
    '/v1/rulesets/diff',
    deps.reader,
    requireJson,
    deps.json,
    route(async (req, res) => {
      const body: unknown = req.body;
      validateDiff(body);
      if ((body.after === undefined) === (body.candidate === undefined)) throw new AirlockError('INVALID_REQUEST', 'give exactly one of after (a digest) and candidate (rule set content)', [{ pointer: '/after', message: 'one of after, candidate' }]);
      const before = await rulesetByDigest(deps, body.before);
      const candidate = body.candidate !== undefined ? candidateUnderFloors(body.candidate, deps.ruleset().content.floors) : null;
      let after: Ruleset;
      if (candidate) after = candidate.ruleset;
      else {
        invariant(body.after !== undefined, 'exactly one of after and candidate, checked above');
        after = await rulesetByDigest(deps, body.after);
      }
      const ref = (r: Ruleset) => ({ name: r.name, version: r.version, digest: r.digest });
      const changes = diffRulesets(before, after);
      const replay = body.replay
        ? await replayDecisions(deps.store.scan(), after, { baseline: before, ...(body.replay.project ? { project: body.replay.project } : {}), ...(body.replay.from ? { from: body.replay.from } : {}), ...(body.replay.to ? { to: body.replay.to } : {}) })
        : null;
      res.json({ before: ref(before), after: ref(after), changes, floor_violations: candidate?.violations ?? [], replay });
    }),
  );
  app.get(
    '/v1/rulesets/:digest',
    deps.reader,
    route(async (req, res) => {
      const digest = String(req.params.digest);
      if (!DIGEST.test(digest)) throw new AirlockError('NOT_FOUND', `no rule set ${digest}: a digest is 64 lower-case hex digits`);
      const live = deps.ruleset();
      const stored = live.digest === digest ? live : await storedRuleset(deps.store, digest);
      if (!stored) throw new AirlockError('NOT_FOUND', `no rule set ${digest} has been used or is live`);
      res.json({ name: stored.name, version: stored.version, digest: stored.digest, content: stored.content, live: stored.digest === live.digest });
    }),
  );
}

async function storedRuleset(store: Pick<AuditStore, 'getRuleset'>, digest: string): Promise<Ruleset | null> {
  const content = (await store.getRuleset(digest)) as Ruleset['content'] | null;
  if (!content) return null;
  // Rebuilt to show name and version; the digest is recomputed, so stored content that no longer matches is never passed off as the rule set.
  const r = rulesetFromContent(content);
  if (r.digest !== digest) throw new AirlockError('INTERNAL', `the stored rule set ${digest} does not match its digest`);
  return r;
}
