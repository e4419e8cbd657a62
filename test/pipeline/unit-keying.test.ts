/**
 * Versioned keying of unit digests (`UnitKeying` in src/history/unit-keys.ts): a new namespace
 * is keyed with keyed BLAKE3 and records its marker; a namespace whose dictionary began under
 * HMAC-SHA-256 keeps HMAC, so every earlier release stays comparable — the attack being a
 * re-release minus one person in a namespace created before the change.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../../src/audit/sqlite-store.js';
import { keyingMarker, MARKER_ID, unitDigest, unitDigests, unitKeysOf } from '../../src/history/unit-keys.js';
import type { Harness } from '../helpers/differencing-harness.js';
import { differencingHarness, differencingOf } from '../helpers/differencing-harness.js';
import { sampleDecision } from '../helpers/sample-decision.js';
import { evaluated, unitTable, units } from '../helpers/unit-outputs.js';

const keys = unitKeysOf(randomBytes(32), 'test');
let h: Harness;
afterEach(async () => {
  await h?.close();
});

const north = units('n', 40);
const south = units('s', 30);
const table = (name: string, n: string[], s: string[]) => evaluated(name, 'table', unitTable([...n.map((pid) => ({ pid, region: 'north' })), ...s.map((pid) => ({ pid, region: 'south' }))], { index: 'region' }, 'pid'));

function dictionary(dataDir: string): { namespace: string; digest: Buffer; id: number }[] {
  const db = new Database(join(dataDir, SQLITE_FILE), { readonly: true });
  try {
    return db.prepare('SELECT namespace, digest, id FROM unit_dictionary ORDER BY id').all() as { namespace: string; digest: Buffer; id: number }[];
  } finally {
    db.close();
  }
}

describe('unit digests: keyed BLAKE3 (version 2)', () => {
  it('are 16 bytes, stable, keyed, separated by namespace, and not the HMAC digests', async () => {
    const values = ['p1', 'p2', 'ñandú-7', 'x'.repeat(1000)];
    const a = await unitDigests(keys, 'default', values, 2);
    expect(a).toHaveLength(16 * values.length);
    expect((await unitDigests(keys, 'default', values, 2)).equals(a)).toBe(true);
    // One at a time gives the same as in a batch (the reused buffer leaks nothing between values).
    for (let i = 0; i < values.length; i++) expect((await unitDigests(keys, 'default', [values[i]!], 2)).equals(a.subarray(16 * i, 16 * i + 16))).toBe(true);
    expect((await unitDigests(keys, 'registry', values, 2)).equals(a)).toBe(false);
    expect((await unitDigests(unitKeysOf(randomBytes(32), 'other'), 'default', values, 2)).equals(a)).toBe(false);
    expect(a.subarray(0, 16).equals(unitDigest(keys, 'default', 'p1'))).toBe(false);
    // Version 1 through the batch is the HMAC digest.
    expect((await unitDigests(keys, 'default', ['p1'], 1)).equals(unitDigest(keys, 'default', 'p1'))).toBe(true);
    // The marker is no unit's digest: not even of a value spelling the namespace.
    const marker = await keyingMarker(keys, 'default');
    expect(marker).toHaveLength(16);
    expect((await unitDigests(keys, 'default', ['', 'default'], 2)).includes(marker)).toBe(false);
  });
});

describe('versioned keying in the store', () => {
  it('a new namespace records its marker (id 0) and BLAKE3 digests, and still catches a release minus one', async () => {
    h = await differencingHarness({ unitKeys: keys });
    expect((await h.decideParsed([table('t1', north, south)], { dataset: 'cohort' })).outcome).toBe('release');
    const dict = dictionary(h.dataDir);
    expect(dict).toHaveLength(71);
    expect(dict[0]!.id).toBe(MARKER_ID);
    expect(dict[0]!.digest.equals(await keyingMarker(keys, dict[0]!.namespace))).toBe(true);
    const expected = await unitDigests(keys, dict[0]!.namespace, [...north, ...south], 2);
    for (const x of dict.slice(1)) expect(expected.includes(x.digest)).toBe(true);
    const d = await h.decideParsed([table('t2', north.slice(1), south)], { dataset: 'cohort' });
    expect(d.outcome).toBe('reject');
    // No second marker, no new units (all 69 are known).
    expect(dictionary(h.dataDir)).toHaveLength(71);
  });

  it('a namespace created under HMAC keeps HMAC: its earlier units are recognised and a release minus one is rejected', async () => {
    h = await differencingHarness({ unitKeys: keys });
    // The store as a version-1 service left it: the 70 units in the dictionary under HMAC digests, no marker.
    const all = [...north, ...south];
    const v1 = all.map((v) => unitDigest(keys, 'default', v));
    const order = v1.map((d, i) => ({ d, i })).sort((x, y) => Buffer.compare(x.d, y.d));
    await h.store.append({
      decision: sampleDecision(1, { outputs: [] }),
      signature: 'test',
      kid: 'test',
      submittedBy: 'test',
      released: [],
      dictionary: order.map((o, k) => ({ namespace: 'default', digest: o.d, id: k + 1 })),
    });
    expect((await h.decideParsed([table('t1', north, south)], { dataset: 'cohort' })).outcome).toBe('release');
    // Every unit was found under its HMAC digest: nothing added, no marker.
    expect(dictionary(h.dataDir)).toHaveLength(70);
    const d = await h.decideParsed([table('t2', north.slice(1), south)], { dataset: 'cohort' });
    expect(d.outcome).toBe('reject');
    expect(JSON.stringify(differencingOf(d))).toMatch(/39 units in this group, 40 in group/);
    // A new unit in the old namespace is numbered after the others, still under HMAC.
    await h.decideParsed([table('t3', [...north, 'n-new'], south)], { dataset: 'cohort' });
    const dict = dictionary(h.dataDir);
    expect(dict).toHaveLength(71);
    expect(dict[70]!.id).toBe(71);
    expect(dict[70]!.digest.equals(unitDigest(keys, 'default', 'n-new'))).toBe(true);
  });
});
