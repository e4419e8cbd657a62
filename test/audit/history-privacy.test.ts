/**
 * The differencing history in the audit store (sdc-rules.md "Privacy of the history"): unit
 * sets are sealed and never exported; the chain covers them through `history_sha256`, so a
 * verifier detects an altered history row without seeing a unit.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportJsonl } from '../../src/audit/export-jsonl.js';
import { SQLITE_FILE } from '../../src/audit/sqlite-store.js';
import { verifyAudit } from '../../src/audit/verify-chain.js';
import { unitKeysOf } from '../../src/history/unit-keys.js';
import { publicJwks } from '../../src/signing/jwks.js';
import type { Harness } from '../helpers/differencing-harness.js';
import { differencingHarness } from '../helpers/differencing-harness.js';
import { evaluated, unitTable, units } from '../helpers/unit-outputs.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const keys = unitKeysOf(randomBytes(32), 'test');
const rows = [...units('n', 40).map((pid) => ({ pid, region: 'north' })), ...units('s', 30).map((pid) => ({ pid, region: 'south' }))];

describe('the differencing history in the audit store', () => {
  it('keeps sealed unit sets and keyed digests only, exports neither, and the chain verifies', async () => {
    h = await differencingHarness({ unitKeys: keys });
    const d = await h.decideParsed([evaluated('t', 'table', unitTable(rows, { index: 'region' }, 'pid'))], { dataset: 'cohort' });
    expect(d.outcome).toBe('release');
    const db = new Database(join(h.dataDir, SQLITE_FILE), { readonly: true });
    try {
      const entry = db.prepare('SELECT * FROM history_entries').get() as { units: Buffer; sketch: Buffer; form: string; status: string };
      expect(entry.status).toBe('released');
      // Neither a unit value nor its digest appears in the stored forms.
      expect(entry.units.includes(Buffer.from('n1'))).toBe(false);
      expect(entry.form).not.toMatch(/"n1"/);
      const dict = db.prepare('SELECT namespace, digest, id FROM unit_dictionary ORDER BY id').all() as { digest: Buffer; id: number }[];
      // Id 0: the namespace's keying marker (keyed BLAKE3, `UnitKeying`); the 70 units from 1.
      expect(dict).toHaveLength(71);
      expect(dict.map((x) => x.id)).toEqual(Array.from({ length: 71 }, (_, i) => i));
      expect(dict.every((x) => x.digest.length === 16)).toBe(true);
      for (const x of dict) expect(entry.units.includes(x.digest)).toBe(false);
    } finally {
      db.close();
    }
    let exported = '';
    for await (const line of exportJsonl(h.store)) exported += line;
    expect(exported).toMatch(/"history_sha256":"[0-9a-f]{64}"/);
    expect(exported).not.toMatch(/"units"|"sketch"|unit_dictionary/);
    expect((await verifyAudit(h.store, publicJwks([h.key]))).ok).toBe(true);
  });

  it('an altered history row or dictionary entry breaks verification at its record', async () => {
    h = await differencingHarness({ unitKeys: keys });
    await h.decideParsed([evaluated('t', 'table', unitTable(rows, { index: 'region' }, 'pid'))], { dataset: 'cohort' });
    await h.decideParsed([evaluated('t2', 'table', unitTable(rows.slice(0, 60), { index: 'region' }, 'pid'))], { dataset: 'cohort' });
    const path = join(h.dataDir, SQLITE_FILE);
    const db = new Database(path);
    try {
      db.exec('DROP TRIGGER history_entries_no_update');
      db.prepare("UPDATE history_entries SET status = 'pending' WHERE seq = 2").run();
    } finally {
      db.close();
    }
    const r = await verifyAudit(h.store, publicJwks([h.key]));
    expect(r).toMatchObject({ ok: false, first_bad_seq: 2 });
  });
});
