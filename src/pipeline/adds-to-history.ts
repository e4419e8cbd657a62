/**
 * Whether recording a request can change what differencing compares later requests with.
 * Differencing holds its namespace's lock from reading the history to recording the decision
 * (`underDifferencingLock`), so two requests never each pass against a history missing the
 * other. A request can skip that lock only if its record adds nothing any later check reads:
 * - no history entry: an output enters the history when released or awaiting review, so every
 *   output must already be rejected by its own checks (differencing only ever makes an outcome
 *   worse, and an exception request can lift a failure no higher than review, which does enter
 *   the history — so a rejected output stays rejected whatever the history holds);
 * - no unit: an output with unit membership adds to its namespace's unit dictionary even when
 *   rejected, and dictionary ids must be handed out one request at a time.
 * What such a request still reads of the history (the protected versions it offers are fitted
 * to linked tables and differenced) is advice: a version resubmitted is checked again in full,
 * under the lock, like any release. Why it matters: the worst request the limits allow — a
 * failing 40,000-cell table with its protected version — spends seconds signing and recording,
 * and under the lock every decision of its namespace (with the default rules, every decision
 * of the service) waited behind it (issue 13).
 *
 * @example addsToHistory(evaluated) // false when every output is rejected and none has units
 */
import { membershipOf } from '../history/unit-form.js';
import type { EvaluatedOutput } from './evaluate-output.js';

export function addsToHistory(evaluated: readonly EvaluatedOutput[]): boolean {
  return evaluated.some((e) => e.decision.outcome !== 'reject' || membershipOf(e) !== null);
}
