/**
 * Which requests may skip the differencing lock (src/pipeline/adds-to-history.ts): only those
 * whose record adds nothing differencing reads. The attack tests come first: a request that
 * could slip a release past the lock — one output passing beside rejected ones, an output
 * awaiting review, a rejected output that brings units — must take it; then the point of the
 * rule: a rejected request is decided while another request holds its namespace's lock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addsToHistory } from '../../src/pipeline/adds-to-history.js';
import { underDifferencingLock } from '../../src/pipeline/make-decision.js';
import type { EvaluatedOutput } from '../../src/pipeline/evaluate-output.js';
import { cells } from '../helpers/differencing-harness.js';
import type { HeldPath } from '../helpers/held-path.js';
import { heldPath } from '../helpers/held-path.js';

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
  let path: HeldPath;
  afterEach(async () => {
    await path?.harness.close();
  });

  const req = (outputs: Record<string, unknown>[]) => ({ project: 'p1', requester: 'alice', dataset: 'cohort', outputs });
  const bySex = (name: string, f: number) => ({ name, kind: 'table', cells: cells(['sex'], { F: f, M: 30, All: f + 30 }) });
  /** Rejected by its own checks (a count under the threshold): differencing cannot change that. */
  const tooSmall = (name: string) => ({ name, kind: 'table', cells: cells(['sex'], { F: 3, M: 30, All: 33 }) });

  /** Holds the default namespace's differencing lock, as a request recording under it does, until the returned function is called. */
  function holdLock(): () => void {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    void underDifferencingLock(path.harness.store, 'ns:default', () => gate);
    return open;
  }

  it('a request its own checks reject is decided while the lock is held', async () => {
    path = await heldPath();
    const unlock = holdLock();
    const b = await path.submit(req([tooSmall('small')]));
    expect(b.outcome).toBe('reject');
    unlock();
  });

  it('attack: a passing table sent beside a rejected one waits for the lock', async () => {
    path = await heldPath();
    const unlock = holdLock();
    let done = false;
    const c = path.submit(req([tooSmall('cover'), bySex('t2', 37)])).then((d) => ((done = true), d));
    // A lock-free request started after it, with more to do: had `c` skipped the lock, it would be done by now.
    const b = await path.submit(req([tooSmall('s1'), tooSmall('s2'), tooSmall('s3'), tooSmall('s4')]));
    expect(b.outcome).toBe('reject');
    expect(done).toBe(false);
    unlock();
    expect((await c).outputs.map((o) => o.outcome)).toEqual(['reject', 'release']);
  });
});
