/**
 * What unit mode keeps in memory between requests — decoded full forms (a bounded LRU), the
 * population's released units, the namespace's keying — must never hide what another process
 * appended to the same store: the attack is a release minus one person made through one
 * replica against an output another replica released after the first warmed its caches.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { UnitForm } from '../../src/history/unit-form.js';
import { unitKeysOf } from '../../src/history/unit-keys.js';
import { FormCache } from '../../src/pipeline/difference-units.js';
import type { Harness } from '../helpers/differencing-harness.js';
import { differencingHarness, differencingOf } from '../helpers/differencing-harness.js';
import { evaluated, unitTable, units } from '../helpers/unit-outputs.js';

const keys = unitKeysOf(randomBytes(32), 'test');
const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

const form = (n: number): UnitForm => ({ atoms: 1, patterns: [], groups: [], measures: [], sums: [], sizes: [], csizes: [], total: n, ids: new Uint32Array(n), pattern: new Uint32Array(n) });
const table = (name: string, groups: Record<string, string[]>) =>
  evaluated(name, 'table', unitTable(Object.entries(groups).flatMap(([region, us]) => us.map((pid) => ({ pid, region }))), { index: 'region' }, 'pid'));

describe('the full-form cache', () => {
  it('keeps the most recently used forms within its byte budget', () => {
    const c = new FormCache(3 * 800); // three forms of 100 units (ids and patterns: 800 bytes each)
    for (const k of ['a', 'b', 'c']) c.set(k, form(100));
    expect(c.get('a')).toBeDefined(); // a is now the most recent
    c.set('d', form(100));
    expect(c.size).toBe(3);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBeDefined();
    expect(c.get('c')).toBeDefined();
    // A form larger than the whole budget is not kept (and evicts nothing).
    c.set('huge', form(1000));
    expect(c.get('huge')).toBeUndefined();
    expect(c.size).toBe(3);
  });
});

describe('two handles on one store (two processes)', () => {
  it("one replica's warm caches still see the other's releases: minus one against them is rejected, and their units count as released", async () => {
    const a = await differencingHarness({ unitKeys: keys });
    open.push(a);
    const north = units('n', 40);
    const south = units('s', 30);
    const east = units('e', 30);
    expect((await a.decideParsed([table('t1', { north, south })], { dataset: 'cohort' })).outcome).toBe('release');
    // A second handle (another process) on the same store releases a table with 30 new units.
    const b = await differencingHarness({ unitKeys: keys, dataDir: a.dataDir });
    open.push(b);
    const second = await b.decideParsed([table('t2', { north, south, east })], { dataset: 'cohort' });
    expect(second.outcome).toBe('release');
    // Through the first handle again: east minus one person.
    const d = await a.decideParsed([table('t3', { east: east.slice(1) })], { dataset: 'cohort' });
    expect(d.outcome).toBe('reject');
    const found = differencingOf(d);
    expect(found.find((f) => f.status === 'fail')!.related).toEqual(expect.arrayContaining([{ output: 't2', decision_id: second.id }]));
    // The 29 units were released by the other handle: no "units do not match" review.
    expect(found.some((f) => f.status === 'review')).toBe(false);
  });

  it('after a restart (fresh caches on the same store) re-keyed identifiers still get review and minus one is still rejected', async () => {
    const a = await differencingHarness({ unitKeys: keys });
    open.push(a);
    const north = units('n', 40);
    const south = units('s', 30);
    expect((await a.decideParsed([table('t1', { north, south })], { dataset: 'cohort' })).outcome).toBe('release');
    await a.close();
    open.splice(open.indexOf(a), 1);
    const restarted = await differencingHarness({ unitKeys: keys, dataDir: a.dataDir });
    open.push(restarted);
    // The same 70 people under a re-keyed identifier column: none of them among the released units.
    const rekeyed = await restarted.decideParsed([table('t2', { north: units('x', 40), south: units('y', 29) })], { dataset: 'cohort' });
    expect(differencingOf(rekeyed).find((f) => f.status === 'review')?.message).toMatch(/^units do not match this population's history/);
    expect((await restarted.decideParsed([table('t3', { north: north.slice(1), south })], { dataset: 'cohort' })).outcome).toBe('reject');
  });
});
