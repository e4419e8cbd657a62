import { afterAll, describe, expect, it } from 'vitest';
import { openSideStore, type SideStore } from '../../src/audit/side-store.js';
import { SESSION_TABLES, createSessionStore } from '../../src/identity/session-store.js';
import { PG_URL, dropSchema, uniqueSchema } from '../helpers/pg-schema.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const tmp = tempDirs('airlock-sessions-');
const person = { subject: 's1', issuer: 'https://idp', name: 'Ann' };
const schema = uniqueSchema('sessions');
const opened: SideStore[] = [];
afterAll(async () => {
  for (const db of opened) await db.close();
  await dropSchema(schema);
});

describe.each([
  ['sqlite', () => openSideStore({ dataDir: tmp(), tables: SESSION_TABLES })],
  ['postgres', () => openSideStore({ dataDir: tmp(), databaseUrl: PG_URL, schema, tables: SESSION_TABLES })],
])('sessions on %s', (_name, open) => {
  it('keeps only a hash of the id, ends at expiry, after idling, and at revocation', async () => {
    const db = await open();
    opened.push(db);
    let now = 1_000_000;
    const store = createSessionStore(db, { ttlMs: 10 * 60_000, idleMs: 3 * 60_000, now: () => now });
    const a = await store.create({ person, roles: ['checker'], projects: null });
    const rows = await db.all<{ id_hash: string }>('SELECT id_hash FROM {sessions}');
    expect(rows.map((r) => r.id_hash)).not.toContain(a.id);
    expect((await store.get(a.id))?.person).toEqual(person);
    expect(await store.get(`${a.id}x`)).toBeNull();
    now += 2 * 60_000;
    expect(await store.get(a.id)).not.toBeNull(); // touched: idle clock restarts
    now += 2 * 60_000;
    expect(await store.get(a.id)).not.toBeNull();
    now += 3 * 60_000 + 1;
    expect(await store.get(a.id)).toBeNull(); // idle too long
    const b = await store.create({ person, roles: ['auditor'], projects: ['p1'] });
    for (let i = 0; i < 5; i++) {
      now += 2 * 60_000 + 1;
      if (i < 4) expect(await store.get(b.id)).not.toBeNull();
    }
    expect(await store.get(b.id)).toBeNull(); // past its absolute expiry
    const c = await store.create({ person, roles: ['auditor'], projects: null });
    await store.revoke(c.id);
    expect(await store.get(c.id)).toBeNull();
  });

  it('takes a sign-in attempt exactly once, and not after it expires', async () => {
    const db = await open();
    opened.push(db);
    let now = 5_000_000;
    const store = createSessionStore(db, { ttlMs: 60_000, idleMs: 60_000, now: () => now });
    const attempt = { state: 'st', nonce: 'no', verifier: 've', returnTo: '/ui/reviews' };
    const binding = await store.putLogin(attempt, 600_000);
    const [first, second] = await Promise.all([store.takeLogin(binding), store.takeLogin(binding)]);
    expect([first, second].filter(Boolean)).toEqual([attempt]);
    const late = await store.putLogin(attempt, 600_000);
    now += 600_001;
    expect(await store.takeLogin(late)).toBeNull();
  });
});
