/**
 * Unit-mode differencing (outputs with a unit column): each route around differencing is an
 * attack test ending in reject (or review where sdc-rules.md says so), including those label
 * mode cannot see; ordinary releases that must pass are tests ending in release. Parsed outputs
 * carry their `UnitMembership` (test/helpers/unit-outputs.ts); earlier decisions are recorded
 * in a real SQLite store, their unit forms sealed under a test unit key.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { unitKeysOf } from '../../src/history/unit-keys.js';
import type { Harness } from '../helpers/differencing-harness.js';
import { differencingHarness, differencingOf, rulesWith } from '../helpers/differencing-harness.js';
import { evaluated, unitBars, unitSummary, unitTable, units } from '../helpers/unit-outputs.js';

const keys = unitKeysOf(randomBytes(32), 'test');
let h: Harness;
afterEach(async () => {
  await h?.close();
});

type Row = Record<string, string | number | null>;
const rowsOf = (groups: Record<string, string[]>, dim: string, extra: Record<string, string | number | null> = {}): Row[] =>
  Object.entries(groups).flatMap(([label, us]) => us.map((pid) => ({ pid, [dim]: label, ...extra })));
const tableOut = (name: string, rows: Row[], spec: Record<string, unknown>) => evaluated(name, 'table', unitTable(rows, spec as { index: string }, 'pid'));

const north = units('n', 40);
const south = units('s', 30);

describe('unit mode: routes label mode cannot see', () => {
  it('a renamed variable, re-cased labels and ten unrelated records removed as padding', async () => {
    h = await differencingHarness({ unitKeys: keys });
    const first = await h.decideParsed([tableOut('t1', rowsOf({ North: north, South: south }, 'region'), { index: 'region' })], { dataset: 'cohort' });
    expect(first.outcome).toBe('release');
    const second = await h.decideParsed([tableOut('t2', rowsOf({ 'north ': north.slice(1), south: south.slice(10) }, 'area'), { index: 'area' })], { dataset: 'cohort' });
    expect(second.outcome).toBe('reject');
    const f = differencingOf(second).find((x) => x.status === 'fail')!;
    expect(f.related).toEqual([{ output: 't1', decision_id: first.id }]);
    const reasons = (f.cells ?? []).map((c) => c.reason).join('\n');
    expect(reasons).toMatch(/39 units in this group, 40 in group "region=north"/);
    // Never a unit.
    expect(JSON.stringify(second)).not.toMatch(/"n1"|\bn1\b/);
  });

  it('two categories merged, whatever else was removed (east+west against east ∪ west)', async () => {
    h = await differencingHarness({ unitKeys: keys });
    const east = units('e', 20);
    const west = units('w', 25);
    await h.decideParsed([tableOut('t1', rowsOf({ north, east, west }, 'region'), { index: 'region' })], { dataset: 'cohort' });
    const d = await h.decideParsed([tableOut('t2', rowsOf({ north: north.slice(10), 'east+west': [...east, ...west.slice(1)] }, 'region'), { index: 'region' })], { dataset: 'cohort' });
    expect(d.outcome).toBe('reject');
    expect(JSON.stringify(differencingOf(d))).toMatch(/union of its 2 groups meeting this group/);
  });

  it('a constant dimension added', async () => {
    h = await differencingHarness({ unitKeys: keys });
    await h.decideParsed([tableOut('t1', rowsOf({ north, south }, 'region'), { index: 'region' })], { dataset: 'cohort' });
    const rows = rowsOf({ north: north.slice(1), south }, 'region', { year: '2024' });
    expect((await h.decideParsed([tableOut('t2', rows, { index: 'region', columns: 'year' })], { dataset: 'cohort' })).outcome).toBe('reject');
  });

  it("a 2-D table's margin one lower than a 1-D table", async () => {
    h = await differencingHarness({ unitKeys: keys });
    await h.decideParsed([tableOut('t1', rowsOf({ north, south }, 'region'), { index: 'region' })], { dataset: 'cohort' });
    const rows = [...north.slice(1).map((pid, i) => ({ pid, region: 'north', sex: i % 2 ? 'F' : 'M' })), ...south.map((pid, i) => ({ pid, region: 'south', sex: i % 2 ? 'F' : 'M' }))];
    expect((await h.decideParsed([tableOut('t2', rows, { index: 'region', columns: 'sex' })], { dataset: 'cohort' })).outcome).toBe('reject');
  });

  it('another dataset name of the population, another population of the namespace, another project', async () => {
    h = await differencingHarness({ unitKeys: keys, rules: rulesWith({}, { cohort: ['cohort', 'cohort-v2'] }) });
    await h.decideParsed([tableOut('t1', rowsOf({ north, south }, 'region'), { index: 'region' })], { dataset: 'cohort' });
    const minusOne = () => tableOut('t2', rowsOf({ north: north.slice(1), south }, 'region'), { index: 'region' });
    expect((await h.decideParsed([minusOne()], { dataset: 'cohort-v2' })).outcome).toBe('reject');
    // Units are one namespace across the TRE: the same people under an undeclared dataset name are compared too.
    expect((await h.decideParsed([minusOne()], { dataset: 'extract-42', project: 'p2' })).outcome).toBe('reject');
  });

  it('no dataset: review, not a unit comparison', async () => {
    h = await differencingHarness({ unitKeys: keys });
    const d = await h.decideParsed([tableOut('t1', rowsOf({ north, south }, 'region'), { index: 'region' })], { dataset: null });
    expect(d.outcome).toBe('review');
  });
});

describe('unit mode: beyond pairs', () => {
  it('all − women − men: three tables over the same people, one with sex missing', async () => {
    h = await differencingHarness({ unitKeys: keys });
    const women = units('f', 40);
    const men = units('m', 35);
    // Padding: the three tables are over regions named differently, so labels show nothing.
    await h.decideParsed([tableOut('all', rowsOf({ everyone: [...women, ...men, 'x1'] }, 'cohort'), { index: 'cohort' })], { dataset: 'cohort' });
    await h.decideParsed([tableOut('women', rowsOf({ f: women }, 'sex'), { index: 'sex' })], { dataset: 'cohort' });
    const d = await h.decideParsed([tableOut('men', rowsOf({ m: men }, 'gender'), { index: 'gender' })], { dataset: 'cohort' });
    expect(d.outcome).toBe('reject');
    expect(JSON.stringify(differencingOf(d))).toMatch(/disjoint unions inside it/);
  });

  it('gradual exclusion: P, P − A, P − B, then P − A − B − X', async () => {
    h = await differencingHarness({ unitKeys: keys });
    const rest = units('r', 60);
    const A = units('a', 12);
    const B = units('b', 25);
    const X = ['x1'];
    const P = [...rest, ...A, ...B, ...X];
    const tab = (name: string, us: string[], dim: string) => tableOut(name, rowsOf({ all: us }, dim), { index: dim });
    expect((await h.decideParsed([tab('P', P, 'v1')], { dataset: 'cohort' })).outcome).toBe('release');
    expect((await h.decideParsed([tab('P-A', P.filter((u) => !A.includes(u)), 'v2')], { dataset: 'cohort' })).outcome).toBe('release');
    expect((await h.decideParsed([tab('P-B', P.filter((u) => !B.includes(u)), 'v3')], { dataset: 'cohort' })).outcome).toBe('release');
    const last = await h.decideParsed([tab('P-A-B-X', rest, 'v4')], { dataset: 'cohort' });
    expect(last.outcome).toBe('reject');
    expect(JSON.stringify(differencingOf(last))).toMatch(/intersection of a group of output \\"P-A\\".* and a group of output \\"P-B\\"/);
  });
});

describe('unit mode: summaries and plots', () => {
  it('a summary over 199 after a table margin over 200 (whatever the measure)', async () => {
    h = await differencingHarness({ unitKeys: keys });
    const all = units('p', 200);
    await h.decideParsed([tableOut('t', rowsOf({ north: all.slice(0, 120), south: all.slice(120) }, 'region'), { index: 'region' })], { dataset: 'cohort' });
    const d = await h.decideParsed([evaluated('s', 'summary', unitSummary([{ name: 'age', units: all.slice(1), value: 50.1 }]))], { dataset: 'cohort' });
    expect(d.outcome).toBe('reject');
    expect(differencingOf(d)[0]!.items![0]).toMatchObject({ ref: 'statistics[0] (age mean)', value: 199 });
  });

  it('two summaries in one request over 200 and 199', async () => {
    h = await differencingHarness({ unitKeys: keys });
    const all = units('p', 200);
    const d = await h.decideParsed(
      [evaluated('s1', 'summary', unitSummary([{ name: 'age', units: all, value: 50.25 }])), evaluated('s2', 'summary', unitSummary([{ name: 'weight', units: all.slice(1), value: 71.5 }]))],
      { dataset: 'cohort' },
    );
    expect(d.outputs.map((o) => o.outcome)).toEqual(['reject', 'reject']);
  });

  it('a bar chart with one bar one lower than a table cell', async () => {
    h = await differencingHarness({ unitKeys: keys });
    await h.decideParsed([tableOut('t', rowsOf({ north, south }, 'region'), { index: 'region' })], { dataset: 'cohort' });
    const d = await h.decideParsed([evaluated('b', 'plot', unitBars([{ label: 'N', units: north.slice(1) }, { label: 'S', units: south }]))], { dataset: 'cohort' });
    expect(d.outcome).toBe('reject');
  });
});

describe('unit mode: values', () => {
  const measured = (name: string, values: Record<string, number | null>, measure = 'cost') =>
    tableOut(
      name,
      Object.entries(values).map(([pid, v]) => ({ pid, region: pid.startsWith('n') ? 'north' : 'south', [measure]: v })),
      { index: 'region', values: measure, aggfunc: 'sum' },
    );
  const costs = (top: number) => Object.fromEntries([...north.map((p, i) => [p, i === 0 ? top : 100 + i] as const), ...south.map((p, i) => [p, 200 + i] as const)]);

  it('a top-coded re-release of the same measure fails; an identical re-release passes', async () => {
    h = await differencingHarness({ unitKeys: keys });
    await h.decideParsed([measured('c1', costs(90_000))], { dataset: 'cohort' });
    expect((await h.decideParsed([measured('c2', costs(90_000))], { dataset: 'cohort' })).outcome).toBe('release');
    const d = await h.decideParsed([measured('c3', costs(5_000))], { dataset: 'cohort' });
    expect(d.outcome).toBe('reject');
    expect(JSON.stringify(differencingOf(d))).toMatch(/same contributors of cost/);
  });

  it('"Table 1": mean age and mean BMI by region, 3 BMI values missing, is released', async () => {
    h = await differencingHarness({ unitKeys: keys });
    const rows = [...north, ...south].map((pid, i) => ({ pid, region: pid.startsWith('n') ? 'north' : 'south', age: 30 + (i % 40), bmi: i < 3 ? null : 20 + (i % 12) }));
    const d = await h.decideParsed(
      [tableOut('age', rows, { index: 'region', values: 'age', aggfunc: 'mean' }), tableOut('bmi', rows, { index: 'region', values: 'bmi', aggfunc: 'mean' })],
      { dataset: 'cohort' },
    );
    expect(d.outputs.map((o) => [o.name, o.outcome])).toEqual([
      ['age', 'release'],
      ['bmi', 'release'],
    ]);
  });

  it('the same measure over 200 and 197 contributors fails', async () => {
    h = await differencingHarness({ unitKeys: keys });
    const all = units('p', 200);
    const rows = (missing: number) => all.map((pid, i) => ({ pid, region: i < 120 ? 'north' : 'south', bmi: i < missing ? null : 20 + (i % 12) }));
    await h.decideParsed([tableOut('a', rows(0), { index: 'region', values: 'bmi', aggfunc: 'mean' })], { dataset: 'cohort' });
    expect((await h.decideParsed([tableOut('b', rows(3), { index: 'region', values: 'bmi', aggfunc: 'mean' })], { dataset: 'cohort' })).outcome).toBe('reject');
  });
});

describe('unit mode: what must be released', () => {
  it('a table and the same table restricted to a subgroup that differs by at least the threshold', async () => {
    h = await differencingHarness({ unitKeys: keys });
    await h.decideParsed([tableOut('t1', rowsOf({ north, south }, 'region'), { index: 'region' })], { dataset: 'cohort' });
    expect((await h.decideParsed([tableOut('t2', rowsOf({ north: north.slice(10), south: south.slice(10) }, 'region'), { index: 'region' })], { dataset: 'cohort' })).outcome).toBe('release');
  });

  it('an identical re-release', async () => {
    h = await differencingHarness({ unitKeys: keys });
    await h.decideParsed([tableOut('t1', rowsOf({ north, south }, 'region'), { index: 'region' })], { dataset: 'cohort' });
    expect((await h.decideParsed([tableOut('t2', rowsOf({ North: north, south }, 'area'), { index: 'area' })], { dataset: 'cohort' })).outcome).toBe('release');
  });

  it('two unrelated populations never interfere, even numbering their units alike, in separate namespaces', async () => {
    const rules = rulesWith({ unit_namespaces: { registry: ['registry'] } }, { cohort: ['cohort'], registry: ['registry'] });
    h = await differencingHarness({ unitKeys: keys, rules });
    await h.decideParsed([tableOut('t1', rowsOf({ north, south }, 'region'), { index: 'region' })], { dataset: 'cohort' });
    expect((await h.decideParsed([tableOut('t2', rowsOf({ north: north.slice(1), south }, 'region'), { index: 'region' })], { dataset: 'registry' })).outcome).toBe('release');
  });
});

describe('unit mode: the coverage rule', () => {
  it('an output whose units mostly are not among the population’s released units gets review', async () => {
    h = await differencingHarness({ unitKeys: keys });
    await h.decideParsed([tableOut('t1', rowsOf({ north, south }, 'region'), { index: 'region' })], { dataset: 'cohort' });
    // The same people under a re-keyed identifier (none of the units match), padded so that labels show nothing.
    const rekeyed = rowsOf({ north: units('x', 29), south: units('y', 30) }, 'region');
    const d = await h.decideParsed([tableOut('t2', rekeyed, { index: 'region' })], { dataset: 'cohort' });
    expect(d.outcome).toBe('review');
    expect(differencingOf(d).find((f) => f.status === 'review')!.message).toMatch(/^units do not match this population's history/);
  });

  it('half or more of the units known passes the coverage rule', async () => {
    h = await differencingHarness({ unitKeys: keys });
    await h.decideParsed([tableOut('t1', rowsOf({ north, south }, 'region'), { index: 'region' })], { dataset: 'cohort' });
    const d = await h.decideParsed([tableOut('t2', rowsOf({ north, south: units('z', 40) }, 'region'), { index: 'region' })], { dataset: 'cohort' });
    expect(differencingOf(d).filter((f) => f.status === 'review')).toEqual([]);
  });
});
