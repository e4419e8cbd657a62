/**
 * Assembles the request's decision from its evaluated outputs: the worst outcome wins, and
 * the decision names the rule set (with its digest) it was made under.
 *
 * @example decide(request, outputs, ruleset).outcome // 'reject'
 */
import type { Decision, OutputDecision, RulesetRef } from '../domain.js';
import { worstOutcome } from '../domain.js';
import { uuidV7 } from '../lib/uuid-v7.js';

export interface DecisionRequest {
  project: string;
  requester: string;
  dataset?: string;
  outputs: { name: string; kind: string; [k: string]: unknown }[];
}

export function decide(req: DecisionRequest, outputs: OutputDecision[], ruleset: RulesetRef, now: Date = new Date()): Decision {
  return {
    id: uuidV7(now.getTime()),
    issued_at: now.toISOString(),
    outcome: worstOutcome(outputs.map((o) => o.outcome)),
    project: req.project,
    requester: req.requester,
    dataset: req.dataset ?? null,
    ruleset: { name: ruleset.name, version: ruleset.version, digest: ruleset.digest },
    outputs,
  };
}
