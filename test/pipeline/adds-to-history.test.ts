/**
 * Which requests may skip the differencing lock (src/pipeline/adds-to-history.ts): only those
 * whose record adds nothing differencing reads. The attack tests come first: a request that
 * could slip a release past the lock — one output passing beside rejected ones, an output
 * awaiting review, a rejected output that brings units — must take it; then the point of the
 * rule: a rejected request is decided while another request holds its namespace's lock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Decision } from '../../src/domain.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { createLogger } from '../../src/logger.js';
import { addsToHistory } from '../../src/pipeline/adds-to-history.js';
import type { EvaluatedOutput } from '../../src/pipeline/evaluate-output.js';
import type { PipelineDeps } from '../../src/pipeline/make-decision.js';
import { makeDecision } from '../../src/pipeline/make-decision.js';
import { decisionRecorder } from '../../src/pipeline/record-decision.js';
import { loadRuleset } from '../../src/rules/load-ruleset.js';
import type { Harness } from '../helpers/differencing-harness.js';
import { cells, differencingHarness } from '../helpers/differencing-harness.js';

/** The parts of an evaluated output the rule reads: its outcome and its unit membership. */
const evaluated = (kind: string, outcome: string, units: unknown = null) => ({ kind, decision: { name: `${kind}-${outcome}`, kind, outcome }, parsed: { units } }) as unknown as EvaluatedOutput;
const someUnits = { values: ['u1', 'u2'] };

describe('addsToHistory', () => {
  it.each([
    ['one output passing beside rejected ones', [evaluated('table', 'reject'), evaluated('table', 'release')]],
    ['an output awaiting review (it is compared with until settled)', [evaluated('table', 'reject'), evaluated('summary', 'review')]],
    ['a rejected table with units (they enter the namespace dictionary)', [evaluated('table', 'reject', someUnits)]],
    ['a rejected plot with units', [evaluated('plot', 'reject', someUnits)]],
    ['a passing output of a kind differencing does not compare', [evaluated('table', 'reject'), evaluated('file', 'release')]],
  ])('%s: takes the lock', (_what, outputs) => {
    expect(addsToHistory(outputs)).toBe(true);
  });

  it.each([
    ['one rejected table', [evaluated('table', 'reject')]],
    ['rejected outputs of several kinds, none with units', [evaluated('table', 'reject'), evaluated('summary', 'reject'), evaluated('file', 'reject')]],
  ])('%s: needs no lock', (_what, outputs) => {
    expect(addsToHistory(outputs)).toBe(false);
  });
});

describe('the differencing lock in the decision path', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  const req = (outputs: Record<string, unknown>[]) => ({ project: 'p1', requester: 'alice', dataset: 'cohort', outputs });
  const bySex = (name: string, f: number) => ({ name, kind: 'table', cells: cells(['sex'], { F: f, M: 30, All: f + 30 }) });
  /** Rejected by its own checks (a count under the threshold): differencing cannot change that. */
  const tooSmall = (name: string) => ({ name, kind: 'table', cells: cells(['sex'], { F: 3, M: 30, All: 33 }) });

  /**
   * A decision path whose recording of any request with an output named `held` waits until
   * `release()` — holding the namespace's lock, as a large request's signing and recording do.
   */
  async function heldPath() {
    h = await differencingHarness();
    const record = decisionRecorder({ key: h.key, store: h.store, logger: createLogger('silent') });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let arrived!: () => void;
    const held = new Promise<void>((resolve) => (arrived = resolve));
    const rules = loadRuleset('rules');
    const deps: PipelineDeps = {
      ruleset: () => rules,
      limits: DEFAULT_LIMITS,
      history: h.store,
      finalize: async (decision, ev, ruleset, meta) => {
        if (decision.outputs.some((o) => o.name === 'held')) {
          arrived();
          await gate;
        }
        return record(decision, ev, ruleset, meta);
      },
    };
    const submit = async (body: Record<string, unknown>): Promise<Decision> => (await makeDecision(body, deps)).decision;
    return { submit, held, release: () => open() };
  }

  it('a request its own checks reject is decided while another request holds the lock', async () => {
    const path = await heldPath();
    let recorded = false;
    const a = path.submit(req([bySex('held', 40)])).then((d) => ((recorded = true), d));
    await path.held;
    const b = await path.submit(req([tooSmall('small')]));
    expect(b.outcome).toBe('reject');
    expect(recorded).toBe(false);
    path.release();
    expect((await a).outcome).toBe('release');
  });

  it('attack: a passing table sent beside a rejected one still waits for the lock, so it is compared with the release being recorded', async () => {
    const path = await heldPath();
    const a = path.submit(req([bySex('held', 40)]));
    await path.held;
    // Three off the held release: released only if compared with a history that lacks it.
    const c = path.submit(req([tooSmall('cover'), bySex('t2', 37)]));
    // A lock-free request started after it, with more to do: had `c` skipped the lock, it would have read the history by now.
    const b = await path.submit(req([tooSmall('s1'), tooSmall('s2'), tooSmall('s3'), tooSmall('s4')]));
    expect(b.outcome).toBe('reject');
    path.release();
    const [da, dc] = await Promise.all([a, c]);
    expect(da.outcome).toBe('release');
    const t2 = dc.outputs.find((o) => o.name === 't2')!;
    expect(t2.outcome).toBe('reject');
    expect(t2.findings.find((f) => f.check === 'differencing' && f.status === 'fail')?.related).toEqual([{ output: 'held', decision_id: da.id }]);
  });
});
