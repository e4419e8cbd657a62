/**
 * Issue 15 item 6: what a client reads. Released sums carry no floating-point noise (the exact
 * decimal sum, against integer arithmetic on the same cents), and the decision list sends each
 * signature detached (RFC 7515 Appendix F) — verifiable against the decision beside it, and
 * not against a decision altered — with the full JWS on request.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../helpers/seeded-random.js';
import { verifyDecisionResponse } from '../../src/signing/verify-decision.js';
import { tableRequest, testServer, type TestServer } from '../helpers/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await testServer({ AIRLOCK_RATE_LIMIT: '0' });
});
afterAll(async () => {
  await s.close();
});

describe('published numbers', () => {
  it('a sum of decimal amounts is the exact decimal sum, not its floating-point approximation', async () => {
    const random = seededRandom(64987);
    const lines = ['region,cost'];
    const cents = new Map<string, bigint>();
    const float = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const region = ['north', 'south', 'east'][i % 3]!;
      const c = 100 + Math.floor(random() * 9_999_900);
      lines.push(`${region},${(c / 100).toFixed(2)}`);
      cents.set(region, (cents.get(region) ?? 0n) + BigInt(c));
      float.set(region, (float.get(region) ?? 0) + c / 100);
    }
    // The data is chosen so naive floating point is noisy for at least one cell.
    expect([...cents].some(([r, c]) => Number(c) / 100 !== float.get(r))).toBe(true);
    const res = await request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest(`${lines.join('\n')}\n`, { index: 'region', values: 'cost', aggfunc: 'sum' }));
    expect(res.status).toBe(201);
    const cells = res.body.decision.outputs[0].released?.cells ?? res.body.decision.outputs[0].table?.cells;
    expect(Array.isArray(cells)).toBe(true);
    for (const cell of cells as { labels: Record<string, string>; value: number }[]) {
      const region = Object.values(cell.labels)[0]!;
      expect(cell.value).toBe(Number(cents.get(region)) / 100);
    }
  });
});

describe('the decision list', () => {
  it('sends signatures detached, verifiable against the decision shown; attached on request', async () => {
    await request(s.url).post('/v1/decisions').set(s.auth()).send(tableRequest('region\nnorth\nnorth\nsouth\n', { index: 'region' })).expect(201);
    const jwks = (await request(s.url).get('/.well-known/jwks.json')).body;
    const list = await request(s.url).get('/v1/decisions?limit=5').set(s.auth('auditor')).expect(200);
    const item = list.body.items[0];
    expect(item.signature).toMatch(/^[\w-]+\.\.[\w-]+$/);
    expect(await verifyDecisionResponse(item, jwks)).toMatchObject({ ok: true });
    // The adversary: the same detached signature beside an altered decision.
    const altered = { ...item, decision: { ...item.decision, outcome: item.decision.outcome === 'release' ? 'reject' : 'release' } };
    expect((await verifyDecisionResponse(altered, jwks)).ok).toBe(false);
    const full = await request(s.url).get('/v1/decisions?limit=5&signature=attached').set(s.auth('auditor')).expect(200);
    const one = full.body.items[0];
    expect(one.signature.split('.')[1].length).toBeGreaterThan(0);
    expect(one.signature.replace(/\.[^.]+\./, '..')).toBe(item.signature);
    const single = await request(s.url).get(`/v1/decisions/${item.decision.id}`).set(s.auth('auditor')).expect(200);
    expect(single.body.signature).toBe(one.signature);
    expect(JSON.stringify(list.body).length).toBeLessThan(JSON.stringify(full.body).length);
  });
  it('an unknown signature form is a 400 naming the forms', async () => {
    const res = await request(s.url).get('/v1/decisions?signature=detatched').set(s.auth('auditor'));
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('did you mean "detached"?');
  });
});
