/**
 * `suppression_audit` takes in the linked tables of the population (sdc-rules.md: everything of
 * the population released earlier or in the same request that shares the table's variables).
 * Attack first: a table whose four interior cells are suppressed — wide enough on its own —
 * submitted after, or beside, a table of one region by sex; with that slice published, an
 * attacker's linear programme pins every suppressed cell.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/domain.js';
import type { Harness } from '../helpers/differencing-harness.js';
import { differencingHarness, rulesWith } from '../helpers/differencing-harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const req = (outputs: Record<string, unknown>[], dataset = 'cohort') => ({ project: 'p1', requester: 'alice', dataset, outputs });
// region × sex with margins; (n, F) = 3.
const grid = (hidden: string[]) =>
  Object.entries({ 'n|F': 3, 'n|M': 40, 'n|All': 43, 's|F': 30, 's|M': 35, 's|All': 65, 'All|F': 33, 'All|M': 75, 'All|All': 108 }).map(([k, count]) => {
    const [region, sex] = k.split('|');
    return hidden.includes(k) ? { labels: { region, sex }, suppressed: true } : { labels: { region, sex }, count };
  });
const suppressed = { name: 'by_region_sex', kind: 'table', cells: grid(['n|F', 'n|M', 's|F', 's|M']) };
const regionS = { name: 'region_s', kind: 'table', cells: [{ labels: { region: 's', sex: 'F' }, count: 30 }, { labels: { region: 's', sex: 'M' }, count: 35 }] };
const audit = (findings: Finding[]) => findings.filter((f) => f.check === 'suppression_audit');

describe('suppression_audit with linked tables', () => {
  it('attack: a slice of the population released earlier pins the suppressed cells → fail, naming it', async () => {
    h = await differencingHarness();
    expect((await h.submit(req([regionS]))).outcome).toBe('release');
    const d = await h.submit(req([suppressed]));
    expect(d.outcome).toBe('reject');
    // Alone the table passes (the first finding says so); with the slice it fails.
    const [alone, f] = audit(d.outputs[0]!.findings);
    expect(alone).toMatchObject({ status: 'pass' });
    expect(f).toMatchObject({ status: 'fail', message: expect.stringContaining('region_s') });
    expect(f!.cells!.map((c) => c.labels)).toEqual(expect.arrayContaining([{ region: 'n', sex: 'F' }, { region: 'n', sex: 'M' }]));
  });

  it('attack: the slice in the same request counts as published → fail', async () => {
    h = await differencingHarness();
    const d = await h.submit(req([suppressed, regionS]));
    expect(d.outputs[0]!.outcome).toBe('reject');
    expect(audit(d.outputs[0]!.findings).map((f) => f.status)).toEqual(['pass', 'fail']);
  });

  it('alone, or beside a table of another population, the suppressed table passes the audit and is released', async () => {
    h = await differencingHarness({ rules: rulesWith({}, { cohort: ['cohort'], registry: ['registry'] }) });
    expect((await h.submit(req([regionS], 'registry'))).outcome).toBe('release');
    const d = await h.submit(req([suppressed]));
    expect(audit(d.outputs[0]!.findings).map((f) => f.status)).toEqual(['pass']);
    expect(d.outcome).toBe('release');
  });

  it('an exception request turns the linked failure into review, never release', async () => {
    h = await differencingHarness();
    await h.submit(req([regionS]));
    const d = await h.submit(req([{ ...suppressed, exception: { justification: 'The regions are administrative, not patients.' } }]));
    expect(audit(d.outputs[0]!.findings).map((f) => [f.status, f.original_status])).toEqual([['pass', undefined], ['review', 'fail']]);
    expect(d.outputs[0]!.outcome).not.toBe('release');
  });
});
