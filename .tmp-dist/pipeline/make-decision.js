import { AirlockError } from '../errors.js';
import { schemaValidator } from '../api/openapi.js';
import { decide } from './decide.js';
import { evaluateOutput } from './evaluate-output.js';
import { recordDecision } from '../telemetry/metrics.js';
import { withSpan } from '../telemetry/with-span.js';
const validateRequest = schemaValidator('DecisionRequest');
export function makeDecision(body, deps, opts = {}) {
    // One parent span, so the stage spans form one tree even where no HTTP span is active.
    return withSpan('airlock.decision', {}, async (span) => {
        const res = await runPipeline(body, deps, opts);
        span.setAttributes({ 'airlock.decision.id': res.decision.id, 'airlock.outcome': res.decision.outcome, 'airlock.outputs': res.decision.outputs.length });
        recordDecision(res.decision);
        return res;
    });
}
async function runPipeline(body, deps, opts) {
    opts.deadline?.check();
    if (!opts.prevalidated)
        withSpan('airlock.validate', {}, () => validateRequest(body));
    const req = body;
    if (req.outputs.length > deps.limits.maxOutputs) {
        throw new AirlockError('INVALID_REQUEST', `a request may carry at most ${deps.limits.maxOutputs} outputs`, [{ pointer: '/outputs', message: 'too many outputs' }]);
    }
    const names = new Set();
    req.outputs.forEach((o, i) => {
        if (names.has(o.name))
            throw new AirlockError('DUPLICATE_OUTPUT_NAME', `two outputs are named "${o.name}"`, [{ pointer: `/outputs/${i}/name`, message: 'duplicate' }]);
        names.add(o.name);
    });
    const ruleset = deps.ruleset();
    const rules = ruleset.resolve(req.project);
    const dataset = req.dataset ?? null;
    const evaluated = req.outputs.map((o, i) => evaluateOutput(o, `/outputs/${i}`, rules, deps.limits, { project: req.project, dataset, digest: opts.digests?.[o.name] }));
    const decision = withSpan('airlock.decide', {}, () => decide(req, evaluated.map((e) => e.decision), ruleset));
    opts.deadline?.pin();
    const finalize = deps.finalize;
    const finalized = finalize ? await withSpan('airlock.finalize', {}, () => finalize(decision, evaluated, ruleset)) : {};
    return { decision, ...finalized };
}
//# sourceMappingURL=make-decision.js.map