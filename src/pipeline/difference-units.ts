/** placeholder */
import type { Finding } from '../domain.js';
import type { DictionaryAddition } from '../audit/audit-store.js';
import type { DifferenceSource, FailedComparison } from '../checks/differencing/findings.js';
import type { DifferencingHistory, HistoryIndex } from '../history/history-index.js';
import type { UnitKeys } from '../history/unit-keys.js';
import type { EffectiveRules } from '../rules/load-ruleset.js';
import type { PopulationRef } from '../rules/populations.js';
import type { Candidate } from './difference-outputs.js';
import type { EvaluatedOutput } from './evaluate-output.js';

export interface UnitModeResult {
  byOutput: Map<number, { failures: FailedComparison[]; compared: DifferenceSource[]; reviews: Finding[]; stored: Uint8Array | null }>;
  dictionary: DictionaryAddition[];
}

export async function unitModeDifferences(
  _evaluated: readonly EvaluatedOutput[],
  _candidates: readonly Candidate[],
  _ctx: { population: PopulationRef; rules: EffectiveRules; history: DifferencingHistory | null; index: HistoryIndex | null; keys: UnitKeys | null },
): Promise<UnitModeResult | null> {
  return null;
}
