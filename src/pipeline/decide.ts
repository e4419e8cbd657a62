/**
 * Assembles the request's decision from its evaluated outputs: the worst outcome wins, and
 * the decision names the rule set (with its digest) it was made under.
 *
 * @example decide(request, outputs, ruleset).outcome // 'reject'
 */
import type { ApiSchemas } from '../api/openapi.js';
import type { Decision, OutputDecision, RulesetRef } from '../domain.js';
import { worstOutcome } from '../domain.js';
import { uuidV7 } from '../lib/uuid-v7.js';

/** What a decision takes from its request (the contract's `DecisionRequest`) besides its outputs. */
export type DecisionRequest = Pick<ApiSchemas['DecisionRequest'], 'project' | 'requester' | 'dataset'>;

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
