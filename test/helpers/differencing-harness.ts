/**
 * A real decision path for differencing tests: a SQLite audit store in a temporary directory,
 * a dev signing key, the real recorder, and `makeDecision` with the store as the history — so
 * an earlier decision is released (or left awaiting review) exactly as the service records it.
 *
 * @example
 * const h = await differencingHarness();
 * await h.submit({ project: 'p1', requester: 'a', dataset: 'cohort', outputs: [t] });
 */
import type { AuditStore } from '../../src/audit/audit-store.js';
import { openSqliteStore } from '../../src/audit/sqlite-store.js';
import type { Decision } from '../../src/domain.js';
import type { UnitKeys } from '../../src/history/unit-keys.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { createLogger } from '../../src/logger.js';
import { decide } from '../../src/pipeline/decide.js';
import { differenceOutputs } from '../../src/pipeline/difference-outputs.js';
import type { EvaluatedOutput } from '../../src/pipeline/evaluate-output.js';
import { makeDecision } from '../../src/pipeline/make-decision.js';
import { decisionRecorder } from '../../src/pipeline/record-decision.js';
import type { Ruleset } from '../../src/rules/load-ruleset.js';
import { loadRuleset, rulesetFromContent } from '../../src/rules/load-ruleset.js';
import type { Parameters } from '../../src/rules/parameters.js';
import type { SigningKey } from '../../src/signing/signing-keys.js';
import { ensureDevSigningKey } from '../../src/signing/signing-keys.js';
import { tempDirs } from './temp-dirs.js';

const tmp = tempDirs('airlock-diff-');

/** The project's rules with other parameters and populations. */
export function rulesWith(params: Partial<Parameters> = {}, populations?: Record<string, string[]>): Ruleset {
  const base = loadRuleset('rules');
  const def = base.content.default;
  return rulesetFromContent({ ...base.content, default: { ...def, parameters: { ...def.parameters, ...params }, ...(populations ? { populations } : {}) } });
}

export interface Harness {
  store: AuditStore;
  key: SigningKey;
  dataDir: string;
  /** Decides and records a request; returns the decision. */
  submit(body: Record<string, unknown>, rules?: Ruleset): Promise<Decision>;
  /** Differences, decides and records outputs already parsed and checked (unit-mode tests build their parsed forms). */
  decideParsed(outputs: EvaluatedOutput[], meta: { project?: string; dataset: string | null }, rules?: Ruleset): Promise<Decision>;
  close(): Promise<void>;
}

export async function differencingHarness(opts: { rules?: Ruleset; unitKeys?: UnitKeys; dataDir?: string } = {}): Promise<Harness> {
  // A given data directory opens a second handle on another harness's store (as another process would).
  const dataDir = opts.dataDir ?? tmp();
  const store = await openSqliteStore({ dataDir });
  const { key } = await ensureDevSigningKey(dataDir);
  const finalize = decisionRecorder({ key, store, logger: createLogger('silent') });
  const rules = opts.rules ?? loadRuleset('rules');
  return {
    store,
    key,
    dataDir,
    async submit(body, r = rules) {
      const res = await makeDecision(body, { ruleset: () => r, limits: DEFAULT_LIMITS, finalize, history: store, ...(opts.unitKeys ? { unitKeys: opts.unitKeys } : {}) });
      return res.decision;
    },
    async decideParsed(outputs, meta, r = rules) {
      const project = meta.project ?? 'p1';
      const differenced = await differenceOutputs(outputs, { project, dataset: meta.dataset, rules: r.resolve(project) }, { history: store, ...(opts.unitKeys ? { unitKeys: opts.unitKeys } : {}) });
      const body = { project, requester: 'alice', ...(meta.dataset !== null ? { dataset: meta.dataset } : {}), outputs: outputs.map((o) => ({ name: o.decision.name, kind: o.decision.kind })) };
      const decision = decide(body, differenced.map((e) => e.decision), r);
      await finalize(decision, differenced, r, { submittedBy: 'test', traceId: null });
      return decision;
    },
    close: () => store.close(),
  };
}

/** Pre-aggregated frequency cells from `"a|b": count` entries over `dims` (labels in order), with the grand total when `total`. */
export function cells(dims: string[], counts: Record<string, number>): { labels: Record<string, string>; count: number }[] {
  return Object.entries(counts).map(([key, count]) => {
    const parts = key.split('|');
    return { labels: Object.fromEntries(dims.map((d, i) => [d, parts[i]!])), count };
  });
}

/** The differencing findings of a decision's output. */
export function differencingOf(d: Decision, output = 0) {
  return d.outputs[output]!.findings.filter((f) => f.check === 'differencing');
}
