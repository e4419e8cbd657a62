/**
 * The registry of checks: every check module, found by output kind and check id. The rule
 * set says which ids are enabled for a kind; the pipeline runs the registered modules for
 * those ids. The server never knows what a check does.
 *
 * @example checksFor('table', ['min_count', 'zeros']) // [minCount, zeros]
 */
import type { CheckId, OutputKind } from '../domain.js';
import type { Check } from './check.js';
import { differencing, differencingPlot, differencingSummary } from './differencing.js';
import { dominanceEvidence } from './dominance-evidence.js';
import { extremes } from './extremes.js';
import { minCount } from './min-count.js';
import { missing } from './missing.js';
import { negative } from './negative.js';
import { nkDominance } from './nk-dominance.js';
import { pPercent } from './p-percent.js';
import { residualDof } from './residual-dof.js';
import { rounding } from './rounding.js';
import { zeros } from './zeros.js';
import { saturation } from './saturation.js';
import { modelResidualDof } from './model-residual-dof.js';
import { modelMinCount } from './model-min-count.js';
import { instanceBased } from './instance-based.js';
import { treeLeafSize } from './tree-leaf-size.js';
import { modelFormat } from './model-format.js';
import { modelFamily } from './model-family.js';
import { plotMinCount } from './plot-min-count.js';
import { plotZeros } from './plot-zeros.js';
import { plotExtremes } from './plot-extremes.js';
import { survivalStep } from './survival-step.js';
import { summaryMinCount } from './summary-min-count.js';
import { summaryExtremes } from './summary-extremes.js';
import { kAnonymity } from './k-anonymity.js';
import { lDiversity } from './l-diversity.js';
import { fileType } from './file-type.js';
import { formulaCells } from './formula-cells.js';
import { allSame } from './all-same.js';
import { binaryMeasure } from './binary-measure.js';
import { protectionEvidence } from './protection-evidence.js';
import { suppressionAudit } from './suppression-audit.js';
import { fileContent } from './file-content.js';
import {
  directIdentifiersFile,
  directIdentifiersModel,
  directIdentifiersPlot,
  directIdentifiersRecords,
  directIdentifiersSummary,
  directIdentifiersTable,
} from './direct-identifiers.js';

/** Every check module. Method parameters are bivariant, so each fits `Check<unknown>`. */
export const CHECKS: readonly Check<unknown>[] = [
  minCount,
  zeros,
  nkDominance,
  pPercent,
  negative,
  missing,
  residualDof,
  rounding,
  extremes,
  dominanceEvidence,
  differencing,
  allSame,
  binaryMeasure,
  suppressionAudit,
  protectionEvidence,
  // model
  modelResidualDof,
  saturation,
  modelMinCount,
  instanceBased,
  treeLeafSize,
  modelFormat,
  modelFamily,
  // plot
  plotMinCount,
  plotZeros,
  plotExtremes,
  survivalStep,
  differencingPlot,
  // summary
  summaryMinCount,
  summaryExtremes,
  differencingSummary,
  // records
  kAnonymity,
  lDiversity,
  // file
  fileType,
  formulaCells,
  fileContent,
  // every kind
  directIdentifiersTable,
  directIdentifiersModel,
  directIdentifiersPlot,
  directIdentifiersSummary,
  directIdentifiersRecords,
  directIdentifiersFile,
];

/** The check modules of one output kind that the given ids enable, in rule-file order. */
export function checksFor(kind: OutputKind, ids: readonly CheckId[]): Check<unknown>[] {
  const out: Check<unknown>[] = [];
  for (const id of ids) for (const c of CHECKS) if (c.kind === kind && c.id === id) out.push(c);
  return out;
}

/** Whether some module implements `id` for `kind` (rule linting uses this). */
export function hasCheck(kind: OutputKind, id: CheckId): boolean {
  return CHECKS.some((c) => c.kind === kind && c.id === id);
}
