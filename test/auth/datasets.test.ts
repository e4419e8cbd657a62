/**
 * Tokens restricted to datasets (sdc-rules.md principle 5): a submitter limited to datasets
 * must name one of them — a request without a dataset is refused — and the restriction is
 * checked before any output is read.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeDataset, mayAccessDataset } from '../../src/auth/authorize.js';
import { hashToken, parseTokens } from '../../src/auth/tokens.js';
import { testServer, type TestServer } from '../helpers/test-server.js';
import { tempDir } from '../helpers/temp-dirs.js';

const caller = (datasets: string[] | null) => ({ name: 't', roles: ['submitter' as const], projects: null, datasets });

describe('dataset restriction', () => {
  it.each([
    [null, null, true],
    [null, 'cohort', true],
    [['cohort'], 'Cohort ', true],
    [['cohort-*'], 'cohort-2026', true],
    [['cohort-*'], 'registry', false],
    [['cohort'], null, false],
  ])('token datasets %j, request dataset %j → %s', (datasets, dataset, allowed) => {
    expect(mayAccessDataset(caller(datasets), dataset)).toBe(allowed);
    if (!allowed) expect(() => authorizeDataset(caller(datasets), dataset)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('the tokens file accepts datasets and refuses an empty list', () => {
    const sha = 'a'.repeat(64);
    expect(parseTokens(`- { name: a, sha256: "${sha}", roles: [submitter], datasets: [cohort] }`, 't.yaml')[0]!.datasets).toEqual(['cohort']);
    expect(() => parseTokens(`- { name: a, sha256: "${sha}", roles: [submitter], datasets: [] }`, 't.yaml')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('dataset restriction over HTTP', () => {
  let s: TestServer;
  const dir = tempDir('airlock-datasets-');
  const token = 'tok-cohort-only';
  beforeAll(async () => {
    writeFileSync(join(dir, 'tokens.json'), JSON.stringify([{ name: 'cohort-only', sha256: hashToken(token), roles: ['submitter'], datasets: ['cohort-*'] }]));
    s = await testServer({ AIRLOCK_TOKENS_FILE: join(dir, 'tokens.json') });
  });
  afterAll(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const body = (dataset?: string) => ({ project: 'p1', requester: 'alice', ...(dataset ? { dataset } : {}), outputs: [{ name: 't', kind: 'table', cells: [{ labels: { sex: 'F' }, count: 20 }, { labels: { sex: 'M' }, count: 30 }] }] });
  const post = (b: object) => request(s.url).post('/v1/decisions').set({ authorization: `Bearer ${token}` }).send(b);

  it('accepts a dataset the token covers', async () => {
    expect((await post(body('cohort-2026')).expect(201)).body.decision.outcome).toBe('release');
  });

  it.each([['another dataset', 'registry'], ['no dataset', undefined]])('refuses %s with 403 FORBIDDEN', async (_n, dataset) => {
    expect((await post(body(dataset)).expect(403)).body.code).toBe('FORBIDDEN');
  });

  it('refuses a CSV upload for another dataset before reading it', async () => {
    const res = await request(s.url)
      .post('/v1/decisions/csv')
      .query({ project: 'p1', requester: 'alice', dataset: 'registry', name: 't', index: 'g' })
      .set({ authorization: `Bearer ${token}`, 'content-type': 'text/csv' })
      .send('g\nx\n');
    expect(res.status).toBe(403);
  });
});
