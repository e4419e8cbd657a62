/**
 * Issue 13, finding 2: terminating PostgreSQL backends (57P01, what a failover sends) used to
 * crash replicas with an unhandled `error` on a checked-out client. Two `airlock serve`
 * replicas under load go through repeated backend terminations and an outage in which the
 * database refuses connections (see `failover-scenario.ts`): no process exits, every
 * acknowledged decision is in the store at the seq it was acknowledged with, the chain
 * verifies, and each replica acknowledges decisions again within 2 s of the database
 * returning. The benchmark `npm run bench -- --only failover` runs the longer version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFailover, type FailoverResult } from '../helpers/failover-scenario.js';

let r: FailoverResult;

beforeAll(async () => {
  r = await runFailover({ replicas: 2, workersPerReplica: 3, terminations: 3, progress: 8, outageMs: 3000, after: 8 });
}, 120_000);

afterAll(() => {
  if (r) process.stdout.write(`failover: ${JSON.stringify({ ...r, lost: r.lost.length })}\n`);
});

describe('two replicas through a PostgreSQL failover under load', () => {
  it('ran the scenario: decisions acknowledged, backends terminated, an outage answered with 503', () => {
    expect(r.acknowledged).toBeGreaterThanOrEqual(8 * 5);
    expect(r.terminated).toBeGreaterThan(0);
    expect(r.unavailable).toBeGreaterThan(0);
    expect(r.outageMs).toBeGreaterThanOrEqual(3000);
  });

  it('no replica exited or crashed, and every answer was a 201 or a 503 problem', () => {
    expect(r.aborted).toBeNull();
    expect(r.alive).toEqual([true, true]);
    expect(r.crashes).toEqual([]);
    expect(r.unexpected).toEqual({});
  });

  it('reported itself not ready while the database was away', () => {
    expect(r.notReadyDuringOutage).toEqual([true, true]);
  });

  it('lost no acknowledged decision: each is in the store at the seq it was acknowledged with', () => {
    expect(r.lost).toEqual([]);
    expect(r.stored).toBeGreaterThanOrEqual(r.acknowledged);
  });

  it('left a chain that verifies, seen from either replica', () => {
    expect(r.verify).toEqual([
      { ok: true, checked: r.stored },
      { ok: true, checked: r.stored },
    ]);
  });

  it('resumed within 2 s of the database accepting connections again', () => {
    expect(r.resumeMs).toHaveLength(2);
    for (const ms of r.resumeMs) expect(ms).toBeLessThan(2000);
  });

  it('stopped cleanly afterwards', () => {
    expect(r.exitCodes).toEqual([0, 0]);
  });
});
