/**
 * Issue 13, finding 6: random bearer tokens bypassed the rate limit (each unknown token got a
 * counter of its own: 20,000 × 401, no 429, memory growing). Unauthenticated requests now
 * count against their client address, configured callers keep their own limits, and the
 * limiter's memory is bounded however many addresses or tokens arrive.
 */
import { randomBytes } from 'node:crypto';
import type { Options } from 'express-rate-limit';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoundedRateStore, OVERFLOW_KEY } from '../../../src/server/middleware/bounded-rate-store.js';
import { testServer, type TestServer } from '../../helpers/test-server.js';

const LIMIT = 40;

describe('unauthenticated requests are limited by client address', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer({ AIRLOCK_RATE_LIMIT: String(LIMIT), AIRLOCK_RATE_WINDOW_MS: '600000', AIRLOCK_TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await s.close();
  });

  const randomToken = () => ({ authorization: `Bearer ${randomBytes(24).toString('base64url')}` });
  const from = (address: string) => ({ 'x-forwarded-for': address });

  it('2,000 requests with random bearer tokens from one address: 401 up to the limit, then 429', async () => {
    const statuses = new Map<number, number>();
    for (let i = 0; i < 2000; i++) {
      const res = await request(s.url).get('/v1/decisions').set({ ...randomToken(), ...from('198.51.100.7') });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: LIMIT, 429: 2000 - LIMIT });
  });

  it('requests without any token and with malformed headers share that address’s limit', async () => {
    await request(s.url).get('/v1/decisions').set(from('198.51.100.7')).expect(429);
    await request(s.url).get('/v1/decisions').set({ authorization: 'Basic eDp5', ...from('198.51.100.7') }).expect(429);
  });

  it('a configured token from the same address is not held back by the flood', async () => {
    const res = await request(s.url).get('/v1/decisions').set({ ...s.auth('auditor'), ...from('198.51.100.7') });
    expect(res.status).toBe(200);
  });

  it('another address has its own limit', async () => {
    await request(s.url).get('/v1/decisions').set({ ...randomToken(), ...from('203.0.113.50') }).expect(401);
  });

  it('the probes stay open to the flooding address', async () => {
    await request(s.url).get('/healthz').set(from('198.51.100.7')).expect(200);
  });
});

describe('BoundedRateStore', () => {
  const store = (maxKeys: number, windowMs = 60_000) => {
    const st = new BoundedRateStore({ maxKeys });
    st.init({ windowMs } as Options);
    return st;
  };

  it('never holds more than maxKeys counters plus the shared overflow, however many keys arrive', () => {
    const st = store(100);
    for (let i = 0; i < 20_000; i++) st.increment(`ip:10.0.${i >> 8}.${i & 255}`);
    expect(st.size).toBe(101);
  });

  it('counts every newcomer beyond maxKeys in the one overflow counter, so a flood is limited as one caller', () => {
    const st = store(2);
    st.increment('a');
    st.increment('b');
    expect([st.increment('c').totalHits, st.increment('d').totalHits, st.increment('e').totalHits]).toEqual([1, 2, 3]);
    expect(st.get(OVERFLOW_KEY)?.totalHits).toBe(3);
  });

  it('keeps counting the callers it already holds separately while full', () => {
    const st = store(2);
    st.increment('a');
    st.increment('b');
    for (let i = 0; i < 10; i++) st.increment(`new-${i}`);
    expect([st.increment('a').totalHits, st.increment('b').totalHits]).toEqual([2, 2]);
  });

  it('makes room again once windows end', () => {
    const st = store(2, 1);
    st.increment('a');
    st.increment('b');
    const later = Date.now() + 5;
    // Spin on the clock, not a timer: the windows are 1 ms long.
    while (Date.now() < later);
    expect(st.increment('c').totalHits).toBe(1);
    expect(st.get(OVERFLOW_KEY)).toBeUndefined();
    expect(st.size).toBe(1);
  });

  it('decrements and resets as express-rate-limit expects', () => {
    const st = store(10);
    st.increment('a');
    st.increment('a');
    st.decrement('a');
    expect(st.get('a')?.totalHits).toBe(1);
    st.resetKey('a');
    expect(st.get('a')).toBeUndefined();
  });
});
