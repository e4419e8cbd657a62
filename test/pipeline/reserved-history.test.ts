/**
 * A release being signed and recorded counts as history at once (`HistoryIndex.reserve`): with
 * the embedded store the differencing lock is held only until its entries are reserved, so a
 * request differenced meanwhile neither waits for it nor slips past it. Attack first: the
 * table three records off a release still being recorded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cells } from '../helpers/differencing-harness.js';
import type { HeldPath } from '../helpers/held-path.js';
import { heldPath } from '../helpers/held-path.js';

let path: HeldPath;
afterEach(async () => {
  await path?.harness.close();
});

const req = (outputs: Record<string, unknown>[]) => ({ project: 'p1', requester: 'alice', dataset: 'cohort', outputs });
const bySex = (name: string, f: number) => ({ name, kind: 'table', cells: cells(['sex'], { F: f, M: 30, All: f + 30 }) });
const failingDifferencing = (d: { outputs: { findings: { check: string; status: string; related?: unknown }[] }[] }) => d.outputs[0]!.findings.find((f) => f.check === 'differencing' && f.status === 'fail');

describe('a release being recorded', () => {
  it('attack: a table three off it, sent while it is recorded, is compared with it (and does not wait for it)', async () => {
    path = await heldPath();
    const a = path.submit(req([bySex('held', 40)]));
    await path.held;
    // Decided while the held release is still unrecorded: it must not wait, and must not pass.
    const t2 = await path.submit(req([bySex('t2', 37)]));
    path.release();
    const da = await a;
    expect(da.outcome).toBe('release');
    expect(t2.outcome).toBe('reject');
    expect(failingDifferencing(t2)?.related).toEqual([{ output: 'held', decision_id: da.id }]);
    // Recorded: compared with exactly as before, once.
    const t3 = await path.submit(req([bySex('t3', 38)]));
    expect(t3.outcome).toBe('reject');
    expect(failingDifferencing(t3)?.related).toEqual([{ output: 'held', decision_id: da.id }]);
  });

  it('whose record fails is withdrawn: a later table is not held to a release that never happened', async () => {
    path = await heldPath();
    const a = path.submit(req([bySex('held', 40)]));
    await path.held;
    // Meanwhile it counts (the conservative side: it may yet be recorded).
    expect((await path.submit(req([bySex('t2', 37)]))).outcome).toBe('reject');
    path.fail();
    await expect(a).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    const t3 = await path.submit(req([bySex('t3', 37)]));
    expect(t3.outcome).toBe('release');
    expect(await path.harness.store.get(t3.id)).not.toBeNull();
  });
});
