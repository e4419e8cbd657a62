/**
 * A real decision path (SQLite store, real recorder) whose recording of a request with an
 * output named `held` waits until `release()` — as a large request's signing and recording do —
 * or fails when `fail()` was called instead. For tests of what other requests see meanwhile.
 *
 * @example
 * const path = await heldPath(); const a = path.submit(body); await path.held; …; path.release();
 */
import type { Decision } from '../../src/domain.js';
import { AirlockError } from '../../src/errors.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { createLogger } from '../../src/logger.js';
import type { PipelineDeps } from '../../src/pipeline/make-decision.js';
import { makeDecision } from '../../src/pipeline/make-decision.js';
import { decisionRecorder } from '../../src/pipeline/record-decision.js';
import { loadRuleset } from '../../src/rules/load-ruleset.js';
import type { Harness } from './differencing-harness.js';
import { differencingHarness } from './differencing-harness.js';

export interface HeldPath {
  harness: Harness;
  submit(body: Record<string, unknown>): Promise<Decision>;
  /** Resolves once the held request is about to be recorded (it holds what it holds then). */
  held: Promise<void>;
  /** Lets the held request be recorded. */
  release(): void;
  /** Makes the held request's recording fail (STORE_UNAVAILABLE), as a store outage would. */
  fail(): void;
}

export async function heldPath(): Promise<HeldPath> {
  const harness = await differencingHarness();
  const record = decisionRecorder({ key: harness.key, store: harness.store, logger: createLogger('silent') });
  let open!: (ok: boolean) => void;
  const gate = new Promise<boolean>((resolve) => (open = resolve));
  let arrived!: () => void;
  const held = new Promise<void>((resolve) => (arrived = resolve));
  const rules = loadRuleset('rules');
  const deps: PipelineDeps = {
    ruleset: () => rules,
    limits: DEFAULT_LIMITS,
    history: harness.store,
    finalize: async (decision, evaluated, ruleset, meta) => {
      if (decision.outputs.some((o) => o.name === 'held')) {
        arrived();
        if (!(await gate)) throw new AirlockError('STORE_UNAVAILABLE');
      }
      return record(decision, evaluated, ruleset, meta);
    },
  };
  return {
    harness,
    submit: async (body) => (await makeDecision(body, deps)).decision,
    held,
    release: () => open(true),
    fail: () => open(false),
  };
}
