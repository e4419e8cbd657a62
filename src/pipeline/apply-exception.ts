/**
 * A researcher's exception request: an output submitted with `exception: { justification }`
 * asks a human to release it despite failing checks (SACRO's exceptions). Its failing findings
 * become `review`, each keeping `original_status: 'fail'` so the checker sees what failed; the
 * justification is recorded in the (signed) output decision. Nothing is ever released by an
 * exception alone: the best it can reach is `review`.
 *
 * @example
 * applyException(outputDecision, { justification: 'Counts are of hospitals, not patients.' }).outcome // 'review'
 */
import type { OutputDecision } from '../domain.js';
import { outcomeOfStatuses } from '../domain.js';

/** An exception as submitted (validated by openapi.yaml's `Exception`). */
export interface ExceptionRequest {
  justification: string;
}

/**
 * The output decision with the exception applied (a new object; the input is not changed).
 *
 * @example applyException(d, { justification: 'x'.repeat(20) }).findings[0].original_status // 'fail'
 */
export function applyException(decision: OutputDecision, exception: ExceptionRequest): OutputDecision {
  const findings = decision.findings.map((f) => (f.status === 'fail' ? { ...f, status: 'review' as const, original_status: 'fail' as const } : f));
  // An output no check vouched for stays `review` (its outcome was never derived from findings).
  const outcome = findings.length === 0 ? decision.outcome : outcomeOfStatuses(findings.map((f) => f.status));
  return { ...decision, outcome, findings, exception: { justification: exception.justification } };
}
