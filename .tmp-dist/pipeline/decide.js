import { worstOutcome } from '../domain.js';
import { uuidV7 } from './uuid-v7.js';
export function decide(req, outputs, ruleset, now = new Date()) {
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
//# sourceMappingURL=decide.js.map