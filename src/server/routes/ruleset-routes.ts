/**
 * `GET /v1/rulesets/{digest}`: any rule set a decision was ever made under (stored in the audit
 * store with the decisions), or the live one, so a decision's `ruleset.digest` always leads to
 * the exact rules that produced it.
 *
 * @example registerRulesetRoutes(app, { store, ruleset: live.current, reader: requireAnyRole(tokens, ['admin', 'auditor']) });
 */
import type { Express, RequestHandler } from 'express';
import type { AuditStore } from '../../audit/audit-store.js';
import { AirlockError } from '../../errors.js';
import type { Ruleset } from '../../rules/load-ruleset.js';
import { rulesetFromContent } from '../../rules/load-ruleset.js';
import { route } from '../route.js';

export interface RulesetRouteDeps {
  store: Pick<AuditStore, 'getRuleset'>;
  /** The live rule set. */
  ruleset(): Ruleset;
  reader: RequestHandler;
}

const DIGEST = /^[0-9a-f]{64}$/;

export function registerRulesetRoutes(app: Express, deps: RulesetRouteDeps): void {
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
