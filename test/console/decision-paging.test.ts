/// <reference lib="dom" />
/**
 * Auditors page through 100,000 recorded decisions: a real SQLite audit store seeded through
 * the store's own appender (chained and hashed like any append; one transaction per 5,000 to
 * keep seeding quick), served by a real airlock. The API pages through all of them by cursor
 * without gaps or repeats, filters by project in the middle of the chain, and the console's
 * decision list pages through them in a real browser without ever rendering more than a page.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteAppender } from '../../src/audit/sqlite-appender.js';
import { openSqliteStore } from '../../src/audit/sqlite-store.js';
import type { Decision } from '../../src/domain.js';
import { uuidV7 } from '../../src/lib/uuid-v7.js';
import { loadRuleset } from '../../src/rules/load-ruleset.js';
import { tempDirs } from '../helpers/temp-dirs.js';
import { testServer, type TestServer } from '../helpers/test-server.js';
import { tokensFile } from '../helpers/tokens-file.js';

const N = 100_000;
const CHROMIUM = process.env.AIRLOCK_CHROMIUM ?? '/usr/bin/chromium';
const tmp = tempDirs('airlock-paging-');
const tokens = tokensFile({ auditor: { roles: ['auditor'] } });
let s: TestServer;

beforeAll(async () => {
  const dir = tmp();
  // Create the schema the normal way, then seed through the same appender the store uses.
  await (await openSqliteStore({ dataDir: dir })).close();
  const db = new Database(join(dir, 'audit.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const append = sqliteAppender(db);
  const rules = loadRuleset('rules');
  const t0 = Date.now() - N;
  for (let start = 0; start < N; start += 5000) {
    const batch = Array.from({ length: 5000 }, (_, j) => {
      const i = start + j;
      const decision: Decision = {
        id: uuidV7(t0 + i),
        issued_at: new Date(t0 + i).toISOString(),
        outcome: i % 7 === 0 ? 'reject' : 'release',
        project: `p${i % 10}`,
        requester: `researcher-${i % 97}`,
        dataset: null,
        ruleset: { name: rules.name, version: rules.version, digest: rules.digest },
        outputs: [{ name: `table-${i}`, kind: 'table', sha256: '0'.repeat(64), outcome: i % 7 === 0 ? 'reject' : 'release', findings: [] }],
      };
      return { decision, signature: 'seeded.not.signed', kid: 'seed', submittedBy: 'seed', released: [], ruleset: { digest: rules.digest, content: rules.content } };
    });
    const { outcomes } = append(batch);
    expect(outcomes.every((o) => 'ref' in o)).toBe(true);
  }
  db.close();
  s = await testServer({ ...tokens.env, AIRLOCK_DATA_DIR: dir, AIRLOCK_RATE_LIMIT: '0' });
}, 300_000);

afterAll(async () => {
  await s?.close();
});

describe('paging through 100,000 decisions', () => {
  it('follows the cursor through every record once, newest first', async () => {
    const seen = new Set<number>();
    let last = Infinity;
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await request(s.url).get('/v1/decisions').query({ limit: 1000, ...(cursor ? { cursor } : {}) }).set(tokens.auth('auditor')).expect(200);
      for (const r of res.body.items as { audit: { seq: number } }[]) {
        expect(r.audit.seq).toBeLessThan(last);
        last = r.audit.seq;
        seen.add(r.audit.seq);
      }
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor);
    expect(seen.size).toBe(N);
    expect(pages).toBe(N / 1000);
    expect(last).toBe(1);
  });

  it('filters one project and one outcome across the whole chain', async () => {
    let count = 0;
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(s.url).get('/v1/decisions').query({ project: 'p3', outcome: 'reject', limit: 1000, ...(cursor ? { cursor } : {}) }).set(tokens.auth('auditor')).expect(200);
      for (const r of res.body.items as { decision: { project: string; outcome: string } }[]) expect([r.decision.project, r.decision.outcome]).toEqual(['p3', 'reject']);
      count += res.body.items.length;
      cursor = res.body.next_cursor;
    } while (cursor);
    // i ≡ 3 (mod 10) and i ≡ 0 (mod 7): one in 70.
    expect(count).toBe(Array.from({ length: N }, (_, i) => i).filter((i) => i % 10 === 3 && i % 7 === 0).length);
  });

  it('the console pages through them a page at a time', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${s.url}/ui/`);
      await page.getByRole('button', { name: 'Dee Auditor' }).click();
      await page.getByRole('heading', { name: 'Decisions' }).waitFor();
      const rows = page.locator('table tbody tr');
      await page.getByRole('table', { name: /Page 1: 100 records/ }).waitFor();
      expect(await rows.count()).toBe(100);
      expect(await rows.first().locator('td').first().textContent()).toBe(String(N));
      for (let p = 2; p <= 4; p++) {
        await page.getByRole('button', { name: 'Next page' }).click();
        await page.getByRole('table', { name: new RegExp(`Page ${p}: 100 records`) }).waitFor();
        expect(await rows.first().locator('td').first().textContent()).toBe(String(N - (p - 1) * 100));
      }
      await page.getByRole('button', { name: 'Previous page' }).click();
      await page.getByRole('table', { name: /Page 3: 100 records/ }).waitFor();
      await page.getByLabel('Per page').selectOption('1000');
      await page.getByLabel('Project').fill('p7');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('table', { name: /Page 1: 1000 records/ }).waitFor();
      expect(await rows.count()).toBe(1000);
    } finally {
      await browser.close();
    }
  });
});
