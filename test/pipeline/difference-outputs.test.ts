/**
 * Differencing in the decision path, label mode (pre-aggregated outputs, summaries and plots):
 * each route by which a researcher could walk around differencing is an attack test ending in
 * reject (or review where sdc-rules.md says so), and each ordinary release that must pass is a
 * test ending in release. Earlier decisions are recorded in a real SQLite store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AirlockError } from '../../src/errors.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { makeDecision } from '../../src/pipeline/make-decision.js';
import { loadRuleset } from '../../src/rules/load-ruleset.js';
import type { Harness } from '../helpers/differencing-harness.js';
import { cells, differencingHarness, differencingOf, rulesWith } from '../helpers/differencing-harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const req = (outputs: Record<string, unknown>[], dataset: string | null = 'cohort', project = 'p1') => ({ project, requester: 'alice', ...(dataset !== null ? { dataset } : {}), outputs });
const table = (name: string, dims: string[], counts: Record<string, number>, extra: Record<string, unknown> = {}) => ({ name, kind: 'table', cells: cells(dims, counts), ...extra });
const bySex = (name: string, f: number, m = 30) => table(name, ['sex'], { F: f, M: m, All: f + m });

describe('label mode: the basic comparison with the history', () => {
  it('rejects a table a few records off an earlier release, naming that decision', async () => {
    h = await differencingHarness();
    const first = await h.submit(req([bySex('t1', 40)]));
    expect(first.outcome).toBe('release');
    const second = await h.submit(req([bySex('t2', 37)]));
    expect(second.outcome).toBe('reject');
    const [f] = differencingOf(second);
    expect(f).toMatchObject({ status: 'fail', related: [{ output: 't1', decision_id: first.id }] });
    expect(f!.cells!.map((c) => [c.labels, c.reason.match(/\(0 < (\d) </)?.[1]])).toEqual([
      [{ sex: 'f' }, '3'],
      [{ sex: 'All' }, '3'],
    ]);
  });

  it.each([
    ['the same counts (an identical re-release)', 40, 'release'],
    ['exactly threshold fewer', 30, 'release'],
    ['threshold − 1 fewer', 31, 'reject'],
  ])('against F = 40: %s → %s', async (_n, f, outcome) => {
    h = await differencingHarness();
    await h.submit(req([bySex('t1', 40)]));
    expect((await h.submit(req([bySex('t2', f)]))).outcome).toBe(outcome);
  });

  it('a rejected output does not enter the history; one awaiting review does, until its review settles', async () => {
    h = await differencingHarness();
    // Rejected for min_count: not in the history.
    await h.submit(req([table('small', ['sex'], { F: 3, M: 30 })]));
    expect((await h.submit(req([table('t', ['sex'], { F: 12, M: 30 })]))).outcome).toBe('release');
    // Awaiting review (an exception request): compared with.
    // A sum table without dominance evidence needs a checker: it awaits review.
    const pending = await h.submit(req([{ name: 'p', kind: 'table', statistic: 'sum', measure: 'cost', cells: [{ labels: { sex: 'F' }, count: 60, sum: 6000 }, { labels: { sex: 'M' }, count: 50, sum: 5000 }] }]));
    expect(pending.outcome).toBe('review');
    const after = await h.submit(req([bySex('q', 58, 50)]));
    expect(after.outcome).toBe('reject');
    expect(differencingOf(after)[0]!.message).toMatch(/awaiting review in decision/);
  });
});

describe('label mode: populations and scope', () => {
  const pops = { cohort: ['cohort', 'cohort-v2', 'cohort-2026-*'] };

  it.each(['cohort-v2', 'Cohort-2026-03', 'COHORT '])('another dataset name of the population (%s) is compared', async (dataset) => {
    h = await differencingHarness({ rules: rulesWith({}, pops) });
    await h.submit(req([bySex('t1', 40)]));
    expect((await h.submit(req([bySex('t2', 37)], dataset))).outcome).toBe('reject');
  });

  it('two unrelated populations never interfere', async () => {
    h = await differencingHarness({ rules: rulesWith({}, pops) });
    await h.submit(req([bySex('t1', 40)]));
    expect((await h.submit(req([bySex('t2', 37)], 'registry'))).outcome).toBe('release');
    expect((await h.submit(req([bySex('t3', 38)], 'registry'))).outcome).toBe('reject');
  });

  it('another project is compared with (scope tre), unless governance narrows the scope to the project', async () => {
    h = await differencingHarness();
    await h.submit(req([bySex('t1', 40)], 'cohort', 'p1'));
    expect((await h.submit(req([bySex('t2', 37)], 'cohort', 'p2'))).outcome).toBe('reject');
    const narrow = rulesWith({ differencing_scope: 'project' });
    expect((await h.submit(req([bySex('t3', 37)], 'cohort', 'p3'), narrow)).outcome).toBe('release');
  });

  it('no dataset: review on every table, summary and plot, saying why', async () => {
    h = await differencingHarness();
    const d = await h.submit(
      req(
        [
          bySex('t', 40),
          { name: 's', kind: 'summary', statistics: [{ name: 'age', statistic: 'mean', n: 40, value: 50 }] },
          { name: 'b', kind: 'plot', type: 'bar', categories: [{ label: 'a', count: 20 }, { label: 'b', count: 30 }] },
        ],
        null,
      ),
    );
    expect(d.outcome).toBe('review');
    for (let i = 0; i < 3; i++) expect(differencingOf(d, i)).toEqual([expect.objectContaining({ status: 'review', message: expect.stringMatching(/^no dataset: differencing could not be checked/) })]);
  });

  it('require_dataset: false compares a request without a dataset with its own outputs only', async () => {
    const rules = rulesWith({ require_dataset: false });
    h = await differencingHarness({ rules });
    await h.submit(req([bySex('t1', 40)]));
    expect((await h.submit(req([bySex('t2', 37)], null))).outcome).toBe('release');
    const both = await h.submit(req([bySex('a', 40), bySex('b', 37)], null));
    expect(both.outputs.map((o) => o.outcome)).toEqual(['reject', 'reject']);
  });

  it('require_known_dataset: an undeclared dataset gets review; a declared one is compared', async () => {
    h = await differencingHarness({ rules: rulesWith({ require_known_dataset: true }, pops) });
    expect(differencingOf(await h.submit(req([bySex('t1', 40)], 'elsewhere')))).toEqual([expect.objectContaining({ status: 'review', message: expect.stringMatching(/not declared in any population/) })]);
    expect((await h.submit(req([bySex('t2', 40)], 'cohort-v2'))).outcome).toBe('release');
  });

  it('a dataset two population patterns claim gets review', async () => {
    h = await differencingHarness({ rules: rulesWith({}, { a: ['x-*'], b: ['*-y'] }) });
    expect(differencingOf(await h.submit(req([bySex('t1', 40)], 'x-y')))).toEqual([expect.objectContaining({ status: 'review', message: expect.stringMatching(/claimed by populations a and b/) })]);
  });

  it('a store failure while reading the history is STORE_UNAVAILABLE, and nothing is recorded', async () => {
    const rules = loadRuleset('rules');
    let finalized = false;
    const failing = {
      historyEntries: () => Promise.reject(new Error('SQLITE_IOERR')),
      settledReviews: () => Promise.resolve([]),
      historyUnits: () => Promise.resolve([]),
      unitIds: () => Promise.resolve({ ids: new Map(), maxId: 0 }),
    };
    const run = makeDecision(req([bySex('t', 40)]), { ruleset: () => rules, limits: DEFAULT_LIMITS, history: failing, finalize: async () => ((finalized = true), {}) });
    await expect(run).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503 });
    await expect(run).rejects.toBeInstanceOf(AirlockError);
    expect(finalized).toBe(false);
  });
});

describe('label mode: a table with suppressed cells and a slice of its population', () => {
  // region × sex with margins; (n, F) = 3. All four interior cells suppressed: the LP audit
  // finds each wide enough, so the table alone is released with its margins (F = 33).
  const grid = (hidden: string[]) =>
    Object.entries({ 'n|F': 3, 'n|M': 40, 'n|All': 43, 's|F': 30, 's|M': 35, 's|All': 65, 'All|F': 33, 'All|M': 75, 'All|All': 108 }).map(([k, count]) => {
      const [region, sex] = k.split('|');
      return hidden.includes(k) ? { labels: { region, sex }, suppressed: true } : { labels: { region, sex }, count };
    });
  const suppressed = { name: 'by_region_sex', kind: 'table', cells: grid(['n|F', 'n|M', 's|F', 's|M']) };
  /** Region s only, by sex (region becomes a constant of its form). */
  const regionS = (f: number) => ({ name: 'region_s', kind: 'table', cells: [{ labels: { region: 's', sex: 'F' }, count: f }, { labels: { region: 's', sex: 'M' }, count: 35 }] });

  it.each([
    ['the slice released first, then the suppressed table', [regionS(30), suppressed]],
    ['the suppressed table released first, then the slice', [suppressed, regionS(30)]],
  ])('attack: %s — all 33 women − region s\'s 30 gives region n\'s suppressed 3 away → the second is rejected', async (_order, [first, second]) => {
    h = await differencingHarness();
    const d1 = await h.submit(req([first!]));
    expect(d1.outcome).toBe('release');
    const d2 = await h.submit(req([second!]));
    expect(d2.outcome).toBe('reject');
    const [f] = differencingOf(d2);
    expect(f).toMatchObject({ status: 'fail', related: [{ output: first!.name, decision_id: d1.id }] });
  });

  it('a slice the margin leaves at least the threshold away from is released after it', async () => {
    h = await differencingHarness();
    expect((await h.submit(req([suppressed]))).outcome).toBe('release');
    // 33 − 20 = 13 women outside region s: not disclosive.
    expect((await h.submit(req([regionS(20)]))).outcome).toBe('release');
  });
});

describe('label mode: the routes around it', () => {
  it('re-cased labels, padded variable names and labels are one group', async () => {
    h = await differencingHarness();
    await h.submit(req([table('t1', ['Region'], { North: 40, South: 30 })]));
    const d = await h.submit(req([table('t2', ['region '], { 'north ': 37, SOUTH: 30 })]));
    expect(d.outcome).toBe('reject');
  });

  it('a constant dimension added does not hide the table', async () => {
    h = await differencingHarness();
    await h.submit(req([table('t1', ['region'], { north: 40, south: 30 })]));
    expect((await h.submit(req([table('t2', ['region', 'year'], { 'north|2024': 37, 'south|2024': 30 })]))).outcome).toBe('reject');
  });

  it("a 2-D table's margin one lower than a 1-D table (a record with sex missing)", async () => {
    h = await differencingHarness();
    await h.submit(req([table('t1', ['region'], { north: 41, south: 30 })]));
    const d = await h.submit(req([table('t2', ['region', 'sex'], { 'north|F': 20, 'north|M': 20, 'south|F': 15, 'south|M': 15 })]));
    expect(d.outcome).toBe('reject');
    expect(differencingOf(d)[0]!.cells!.map((c) => c.labels)).toContainEqual({ region: 'north', sex: 'All' });
  });

  it('all − women − men: three tables, the one person whose sex is missing', async () => {
    h = await differencingHarness();
    await h.submit(req([table('all', ['region'], { north: 41, south: 30 })]));
    await h.submit(req([table('women', ['region', 'sex'], { 'north|F': 20, 'south|F': 15 })]));
    const men = await h.submit(req([table('men', ['region', 'sex'], { 'north|M': 20, 'south|M': 15 })]));
    expect(men.outcome).toBe('reject');
    expect(differencingOf(men)[0]!.cells![0]!.reason).toMatch(/^40 in this group, 41 in output "all" \(decision .*\), against the sum of the disjoint outputs "men" \+ "women" \(decision .*\) \(sex fixed to different values\) \(0 < 1 < threshold 10\)$/);
  });

  it('women and men tables that add up to the all table exactly are released', async () => {
    h = await differencingHarness();
    await h.submit(req([table('all', ['region'], { north: 40, south: 30 })]));
    await h.submit(req([table('women', ['region', 'sex'], { 'north|F': 20, 'south|F': 15 })]));
    expect((await h.submit(req([table('men', ['region', 'sex'], { 'north|M': 20, 'south|M': 15 })]))).outcome).toBe('release');
  });

  it('tables over different variables are compared through the margins they share', async () => {
    h = await differencingHarness();
    await h.submit(req([table('t1', ['region', 'age'], { 'north|young': 20, 'north|old': 21, 'south|young': 15, 'south|old': 15 })]));
    expect((await h.submit(req([table('t2', ['region', 'sex'], { 'north|F': 20, 'north|M': 20, 'south|F': 15, 'south|M': 15 })]))).outcome).toBe('reject');
  });

  it('merged categories without padding are caught through the totals', async () => {
    h = await differencingHarness();
    await h.submit(req([table('t1', ['region'], { north: 40, east: 20, west: 25 })]));
    expect((await h.submit(req([table('t2', ['region'], { north: 40, 'east+west': 44 })]))).outcome).toBe('reject');
  });

  it('LIMIT (documented): merged categories hidden by padding are not seen in label mode', async () => {
    h = await differencingHarness();
    await h.submit(req([table('t1', ['region'], { north: 40, east: 20, west: 25 })]));
    // One person out of east+west, ten unrelated records out of north: label mode sees north −10 and total −11.
    expect((await h.submit(req([table('t2', ['region'], { north: 30, 'east+west': 44 })]))).outcome).toBe('release');
  });

  it('LIMIT (documented): gradual exclusion (P, P−A, P−B, P−A−B−X) is not seen in label mode', async () => {
    h = await differencingHarness();
    // Totals 100, 88, 75, 62: every pair differs by at least the threshold, and X = 1 is hidden.
    for (const [name, n] of [['P', 100], ['P-A', 88], ['P-B', 75], ['P-A-B-X', 62]] as const) {
      expect((await h.submit(req([table(name, [`v-${name}`], { all: n })]))).outcome).toBe('release');
    }
  });

  it('LIMIT (documented): a renamed measure is another measure in label mode', async () => {
    h = await differencingHarness();
    await h.submit(req([magnitude('cost', 'sum', 'cost', { north: { count: 40, value: 98000 }, south: { count: 30, value: 61000 } })]));
    expect((await h.submit(req([magnitude('cost2', 'sum', 'cost_capped', { north: { count: 40, value: 91500 }, south: { count: 30, value: 61000 } })]))).outcome).toBe('release');
  });

  it('LIMIT (documented): a renamed variable with padding is not seen in label mode', async () => {
    h = await differencingHarness();
    await h.submit(req([table('t1', ['region'], { north: 40, south: 30 })]));
    expect((await h.submit(req([table('t2', ['area'], { north: 39, south: 20 })]))).outcome).toBe('release');
  });
});

const magnitude = (name: string, statistic: 'sum' | 'mean', measure: string, rows: Record<string, { count: number; value: number; missing?: number }>) => ({
  name,
  kind: 'table',
  statistic,
  measure,
  cells: Object.entries(rows).map(([region, c]) => ({
    labels: { region },
    count: c.count,
    value: c.value,
    ...(statistic === 'sum' ? { sum: c.value } : { sum: c.value * c.count }),
    sum_abs: statistic === 'sum' ? c.value : c.value * c.count,
    // Unequal largest contributions: equal ones that add up to the total would be all_same (v2).
    top: [3, 2].map((f) => f * (statistic === 'sum' ? c.value / c.count : c.value)),
    ...(c.missing ? { missing: c.missing } : {}),
  })),
});

describe('label mode: values', () => {
  it('"Table 1": mean age and mean BMI by region, 3 BMI values missing, is released', async () => {
    h = await differencingHarness();
    const d = await h.submit(
      req([
        magnitude('age', 'mean', 'age', { north: { count: 200, value: 51.2 }, south: { count: 150, value: 48.9 } }),
        magnitude('bmi', 'mean', 'bmi', { north: { count: 197, value: 27.1, missing: 3 }, south: { count: 150, value: 26.4 } }),
      ]),
    );
    expect(d.outputs.map((o) => o.outcome)).toEqual(['release', 'release']);
  });

  it('the same measure over 200 and 197 fails', async () => {
    h = await differencingHarness();
    await h.submit(req([magnitude('a', 'mean', 'bmi', { north: { count: 200, value: 27.1 }, south: { count: 150, value: 26.4 } })]));
    expect((await h.submit(req([magnitude('b', 'mean', 'BMI', { north: { count: 197, value: 27.2 }, south: { count: 150, value: 26.4 } })]))).outcome).toBe('reject');
  });

  it('a top-coded re-release (same counts, a different sum) fails; an identical re-release passes', async () => {
    h = await differencingHarness();
    await h.submit(req([magnitude('cost', 'sum', 'cost', { north: { count: 40, value: 98000 }, south: { count: 30, value: 61000 } })]));
    expect((await h.submit(req([magnitude('cost2', 'sum', 'cost', { north: { count: 40, value: 98000 }, south: { count: 30, value: 61000 } })]))).outcome).toBe('release');
    const topCoded = await h.submit(req([magnitude('cost3', 'sum', 'cost', { north: { count: 40, value: 91500 }, south: { count: 30, value: 61000 } })]));
    expect(topCoded.outcome).toBe('reject');
    expect(differencingOf(topCoded)[0]!.cells![0]!.reason).toMatch(/same contributors of cost .* sums that differ/);
  });

  it('a summary mean over 199 after a table margin over 200 of the same measure fails', async () => {
    h = await differencingHarness();
    await h.submit(req([magnitude('age', 'mean', 'age', { north: { count: 120, value: 51.2 }, south: { count: 80, value: 48.9 } })]));
    const d = await h.submit(req([{ name: 's', kind: 'summary', statistics: [{ name: 'Age', statistic: 'mean', n: 199, value: 50.1 }] }]));
    expect(d.outcome).toBe('reject');
    expect(differencingOf(d)[0]!.items![0]).toMatchObject({ ref: 'statistics[0] (Age mean)', value: 199 });
  });

  it('two summaries of one measure in one request over 200 and 199 fail', async () => {
    h = await differencingHarness();
    const d = await h.submit(
      req([
        { name: 's1', kind: 'summary', statistics: [{ name: 'age', statistic: 'mean', n: 200, value: 50.25 }] },
        { name: 's2', kind: 'summary', statistics: [{ name: 'age', statistic: 'mean', n: 199, value: 50.1 }] },
      ]),
    );
    expect(d.outputs.map((o) => o.outcome)).toEqual(['reject', 'reject']);
  });

  it('summaries of different measures over different n pass', async () => {
    h = await differencingHarness();
    const d = await h.submit(req([{ name: 's', kind: 'summary', statistics: [{ name: 'age', statistic: 'mean', n: 200, value: 50.25 }, { name: 'bmi', statistic: 'mean', n: 197, value: 27.1 }] }]));
    expect(d.outcome).toBe('release');
  });
});

describe('label mode: plots', () => {
  const bar = (name: string, counts: [string, number][]) => ({ name, kind: 'plot', type: 'bar', categories: counts.map(([label, count]) => ({ label, count })) });

  it('a bar chart with one bar one lower than an earlier bar chart fails', async () => {
    h = await differencingHarness();
    await h.submit(req([bar('b1', [['north', 40], ['south', 30]])]));
    expect((await h.submit(req([bar('b2', [['North', 39], ['south', 30]])]))).outcome).toBe('reject');
  });

  it('a bar chart one bar lower than a table cell fails', async () => {
    h = await differencingHarness();
    await h.submit(req([table('t', ['region'], { north: 40, south: 30 })]));
    expect((await h.submit(req([bar('b', [['north', 39], ['south', 30]])]))).outcome).toBe('reject');
  });

  it('a histogram with one bin one lower fails', async () => {
    h = await differencingHarness();
    const hist = (name: string, first: number) => ({ name, kind: 'plot', type: 'histogram', edges_from_data: false, bins: [{ from: 0, to: 10, count: first }, { from: 10, to: 20, count: 30 }] });
    await h.submit(req([hist('h1', 40)]));
    expect((await h.submit(req([hist('h2', 39)]))).outcome).toBe('reject');
  });
});

describe('the population history for other checks', () => {
  it('lists the published outputs of a population across its dataset names, as label forms', async () => {
    const { populationOutputs } = await import('../../src/pipeline/population-history.js');
    const rules = rulesWith({}, { cohort: ['cohort', 'cohort-v2'] });
    h = await differencingHarness({ rules });
    await h.submit(req([bySex('t1', 40)], 'cohort'));
    await h.submit(req([table('t2', ['region'], { north: 40, south: 30 })], 'cohort-v2'));
    await h.submit(req([bySex('other', 40)], 'registry'));
    const r = await populationOutputs(h.store, { dataset: 'COHORT-V2', project: 'p1', rules: rules.resolve('p1') });
    expect(r.population).toMatchObject({ key: 'p:cohort' });
    expect(r.outputs.map((o) => [o.output, o.forms[0]!.dims])).toEqual([
      ['t1', ['sex']],
      ['t2', ['region']],
    ]);
  });
});
