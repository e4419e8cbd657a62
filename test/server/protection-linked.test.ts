/**
 * Issue 12 over HTTP: a 3-way region × sex × diagnosis table and a 2-way region × diagnosis
 * table of the same population in one request. The 3-way fails (F/A/x = 3); its protected
 * version must hold against the 2-way too (A/x = F/A/x + M/A/x would pin it), or none is
 * offered, with the reason.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from '../helpers/test-server.js';
import { LINKED_ROWS as rows } from '../helpers/linked-rows.js';

let s: TestServer;
beforeAll(async () => {
  s = await testServer({});
});
afterAll(async () => {
  await s.close();
});


interface Row {
  labels: Record<string, string>;
  value: number | null;
  suppressed: boolean;
}

describe('linked 3-way + 2-way request (issue 12)', () => {
  it('the 3-way\'s protected version keeps F/A/x protected given the 2-way, and says which tables it was protected against', async () => {
    const res = await request(s.url)
      .post('/v1/decisions')
      .set(s.auth())
      .send({
        project: 'p1',
        requester: 'alice',
        dataset: 'linked-protection',
        outputs: [
          { name: 'three_way', kind: 'table', microdata: { format: 'json', data: rows }, spec: { index: ['region', 'sex'], columns: 'diagnosis', margins: true } },
          { name: 'by_region_diagnosis', kind: 'table', microdata: { format: 'json', data: rows }, spec: { index: 'region', columns: 'diagnosis', margins: true } },
        ],
      });
    expect(res.status, res.text).toBe(201);
    const [three] = res.body.decision.outputs as { outcome: string; protected: { rows: Row[]; linked_tables: string[]; audit: { labels: Record<string, string>; lo: number; hi: number }[] } | null; protection_refused?: string }[];
    expect(three.outcome).toBe('reject');
    expect(three.protection_refused).toBeUndefined();
    if (three.protected === null) throw new Error('no protected version offered');
    expect(three.protected.linked_tables).toEqual(['by_region_diagnosis']);
    const fax = three.protected.rows.find((r) => r.labels.region === 'A' && r.labels.sex === 'F' && r.labels.diagnosis === 'x');
    expect(fax?.suppressed).toBe(true);
    // The attack: with the 2-way's A/x = 28, F/A/x = 28 − M/A/x. So M/A/x must be suppressed too.
    const max = three.protected.rows.find((r) => r.labels.region === 'A' && r.labels.sex === 'M' && r.labels.diagnosis === 'x');
    expect(max?.suppressed).toBe(true);
    const audited = three.protected.audit.find((a) => a.labels.region === 'A' && a.labels.sex === 'F' && a.labels.diagnosis === 'x');
    expect((audited?.hi ?? 0) - (audited?.lo ?? 0)).toBeGreaterThanOrEqual(10);
  });
});
