/**
 * `GET /v1/rulesets/{digest}`: any rule set a decision was ever made under (stored in the audit
 * store with the decisions), or the live one, so a decision's `ruleset.digest` always leads to
 * the exact rules that produced it.
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
import { schemaValidator } from '../../api/openapi.js';
import { candidateUnderFloors } from '../../rules/candidate-ruleset.js';
import { diffRulesets } from '../../rules/diff-rulesets.js';
import { replayDecisions } from '../../governance/replay-decisions.js';
import { AirlockError } from '../../errors.js';
import type { Ruleset } from '../../rules/load-ruleset.js';
import { rulesetFromContent } from '../../rules/load-ruleset.js';
import { requireJson, route } from '../route.js';

export interface RulesetRouteDeps {
  store: Pick<AuditStore, 'getRuleset' | 'rulesetUsage' | 'scan'>;
  /** The live rule set. */
  ruleset(): Ruleset;
  reader: RequestHandler;
  /** The JSON body parser (with the configured limit). */
  json: RequestHandler;
}

const validateDiff = schemaValidator('RulesetDiffRequest');

interface DiffRequest {
  before: string;
  after?: string;
  candidate?: unknown;
  replay?: { project?: string; from?: string; to?: string };
}

/** A rule set by digest: the live one or one stored with decisions; NOT_FOUND otherwise. */
async function rulesetByDigest(deps: RulesetRouteDeps, digest: string): Promise<Ruleset> {
  const live = deps.ruleset();
  const r = live.digest === digest ? live : await storedRuleset(deps.store, digest);
  if (!r) throw new AirlockError('NOT_FOUND', `no rule set ${digest} has been used or is live`);
  return r;
}

const DIGEST = /^[0-9a-f]{64}$/;

export function registerRulesetRoutes(app: Express, deps: RulesetRouteDeps): void {
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
      validateDiff(req.body);
      const body = req.body as DiffRequest;
      if ((body.after === undefined) === (body.candidate === undefined)) throw new AirlockError('INVALID_REQUEST', 'give exactly one of after (a digest) and candidate (rule set content)', [{ pointer: '/after', message: 'one of after, candidate' }]);
      const before = await rulesetByDigest(deps, body.before);
      const candidate = body.candidate !== undefined ? candidateUnderFloors(body.candidate, deps.ruleset().content.floors) : null;
      const after = candidate ? candidate.ruleset : await rulesetByDigest(deps, body.after!);
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
