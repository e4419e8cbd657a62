import { readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFull, decodeSketch, encodeUnitForm, sampled, unitFormOf } from '../../src/history/unit-form.js';
import { DEV_UNIT_KEY_FILE, loadUnitKeys, open, seal, unitDigest, unitDigestReference, unitKeysOf } from '../../src/history/unit-keys.js';
import { unitTable } from '../helpers/unit-outputs.js';
import { tempDir } from '../helpers/temp-dirs.js';

const tmp = () => tempDir('airlock-unit-');

describe('unit form', () => {
  it('round-trips through its stored bytes: universe, patterns, groups and sizes', () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ pid: `p${i}`, region: ['n', 's', 'e'][i % 3]!, sex: i % 2 ? 'F' : 'M' }));
    const t = unitTable(rows, { index: 'region', columns: 'sex' }, 'pid');
    const ids = Uint32Array.from({ length: t.units.values.length }, (_, i) => 1000 + i * 7);
    const form = unitFormOf('t', { kind: 'table', parsed: t }, ids)!;
    expect(form.atoms).toBe(6);
    expect(form.groups).toHaveLength(12);
    expect(form.sizes[form.groups.findIndex((g) => g.atoms.length === 6)]).toBe(300);
    const every = encodeUnitForm(form, () => true);
    const back = decodeFull(every.full, decodeSketch(every.sketch));
    expect([...back.ids]).toEqual([...form.ids]);
    expect([...back.pattern]).toEqual([...form.pattern]);
    expect(decodeSketch(encodeUnitForm(form, (i) => i % 10 === 0).sketch).ids).toHaveLength(30);
  });

  it('packs any number of patterns, bit widths 0 to beyond 24', () => {
    for (const patterns of [1, 2, 20, 1000, 70_000]) {
      const n = 5000;
      const pattern = Uint32Array.from({ length: n }, (_, i) => (i * 7919) % patterns);
      const form = { atoms: patterns, patterns: Array.from({ length: patterns }, (_, k) => ({ m: [k], c: [] })), groups: [], measures: [], sums: [], sizes: [], csizes: [], total: n, ids: Uint32Array.from({ length: n }, (_, i) => i + 1), pattern };
      const { full, sketch } = encodeUnitForm(form, () => false);
      expect([...decodeFull(full, decodeSketch(sketch)).pattern]).toEqual([...pattern]);
    }
  });

  it('stores well under 2 bytes per unit-cell membership for a 20-cell table over 100,000 units', () => {
    const n = 100_000;
    const pattern = Uint32Array.from({ length: n }, (_, i) => (i * 2654435761) % 20);
    const form = { atoms: 20, patterns: Array.from({ length: 20 }, (_, k) => ({ m: [k], c: [] })), groups: [], measures: [], sums: [], sizes: [], csizes: [], total: n, ids: Uint32Array.from({ length: n }, (_, i) => i + 1), pattern };
    const { full, sketch } = encodeUnitForm(form, (i) => i % 128 === 0);
    expect((full.length + sketch.length) / n).toBeLessThan(1);
  });
});

describe('unit keys', () => {
  const keys = unitKeysOf(randomBytes(32), 'test');

  it('digests are HMAC-SHA-256 of namespace, 0 and the value, whatever their length', () => {
    for (const [ns, v] of [['default', 'p1'], ['registry', ''], ['default', 'ü'.repeat(300)], ['x'.repeat(100), 'y'], ['default', 'p2']] as const) {
      expect(unitDigest(keys, ns, v).equals(unitDigestReference(keys, ns, v))).toBe(true);
    }
  });

  it('digests are keyed, namespaced and 16 bytes; the sample is about 1 in 128', () => {
    expect(unitDigest(keys, 'default', 'p1')).toHaveLength(16);
    expect(unitDigest(keys, 'default', 'p1').equals(unitDigest(keys, 'default', 'p1'))).toBe(true);
    expect(unitDigest(keys, 'default', 'p1').equals(unitDigest(keys, 'registry', 'p1'))).toBe(false);
    expect(unitDigest(keys, 'default', 'p1').equals(unitDigest(unitKeysOf(randomBytes(32), 'other'), 'default', 'p1'))).toBe(false);
    const n = Array.from({ length: 20_000 }, (_, i) => unitDigest(keys, 'default', `u${i}`)).filter(sampled).length;
    expect(n).toBeGreaterThan(100);
    expect(n).toBeLessThan(220);
  });

  it('seals with AES-256-GCM bound to the namespace: altered or moved forms do not open', () => {
    const sealed = seal(keys, 'default', Buffer.from('units'));
    expect(open(keys, 'default', sealed).toString()).toBe('units');
    expect(sealed.includes(Buffer.from('units'))).toBe(false);
    const altered = Buffer.from(sealed);
    altered[15]! ^= 1;
    expect(() => open(keys, 'default', altered)).toThrow(/cannot be opened/);
    expect(() => open(keys, 'registry', sealed)).toThrow(/cannot be opened/);
    expect(() => open(unitKeysOf(randomBytes(32), 'x'), 'default', sealed)).toThrow(/cannot be opened/);
  });

  it('generates a development key with a loud notice, refuses production without one, and refuses the signing key', async () => {
    const dir = tmp();
    const dev = await loadUnitKeys({ keyFile: null, dataDir: dir, production: false });
    expect(dev.keys.dev).toBe(true);
    expect(dev.notice).toMatch(/DEVELOPMENT UNIT KEY/);
    expect(readFileSync(join(dir, DEV_UNIT_KEY_FILE), 'utf8').trim().length).toBeGreaterThan(40);
    // Stable across restarts.
    const again = await loadUnitKeys({ keyFile: null, dataDir: dir, production: false });
    expect(again.keys.hmac.equals(dev.keys.hmac)).toBe(true);
    await expect(loadUnitKeys({ keyFile: null, dataDir: tmp(), production: true })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    const file = join(dir, 'key.b64');
    writeFileSync(file, randomBytes(32).toString('base64'));
    expect((await loadUnitKeys({ keyFile: file, dataDir: dir, production: true })).keys.dev).toBe(false);
    await expect(loadUnitKeys({ keyFile: file, dataDir: dir, production: true, signingKeyFile: file })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    writeFileSync(file, 'short');
    await expect(loadUnitKeys({ keyFile: file, dataDir: dir, production: true })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
