/**
 * Issue 15, the newcomer's path, run from examples/ as README and examples/README.md tell it:
 * a first decision (released), a table that is rejected with the cell and the remedy named and
 * a protected version airlock re-checked, and every signature verified offline — in process and
 * with `airlock verify` on the saved response, as a reader would.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDecisionResponse } from '../src/signing/verify-decision.js';
import { runCli } from './helpers/run-cli.js';
import { testServer, type TestServer } from './helpers/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await testServer({ AIRLOCK_RATE_LIMIT: '0' });
});
afterAll(async () => {
  await s.close();
});

const example = (name: string) => JSON.parse(readFileSync(join('examples', 'requests', name), 'utf8')) as Record<string, unknown>;
const submit = (body: unknown) => request(s.url).post('/v1/decisions').set(s.auth()).send(body as object);

describe('the newcomer’s path (examples/)', () => {
  it('first decision → rejected table with its protected version → signatures verified', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-examples-'));
    const jwks = (await request(s.url).get('/.well-known/jwks.json').expect(200)).body;
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify(jwks));

    const first = await submit(example('01-first-decision.json')).expect(201);
    expect(first.body.decision.outcome).toBe('release');

    const rejected = await submit(example('02-rejected-table.json')).expect(201);
    const output = rejected.body.decision.outputs[0];
    expect(rejected.body.decision.outcome).toBe('reject');
    const failing = output.findings.find((f: { check: string; status: string }) => f.check === 'min_count' && f.status === 'fail');
    expect(failing.cells.map((c: { labels: Record<string, string> }) => c.labels)).toEqual([{ region: 'east', sex: 'M' }]);
    expect(failing.remedy).not.toBe('');
    // The protected version: the small cell (3 visits) and what would give it away suppressed, and re-checked.
    expect(output.protected.rechecked).toBe(true);
    const shown = Object.fromEntries(output.protected.rows.map((r: { labels: { region: string; sex: string }; value: number | null }) => [`${r.labels.region}/${r.labels.sex}`, r.value]));
    expect(shown['east/M']).toBeNull();
    expect(shown['east/F']).toBeNull();
    expect(output.protected.csv).not.toMatch(/\b3\b/);

    for (const [name, res] of [['first', first.body], ['rejected', rejected.body]] as const) {
      expect(await verifyDecisionResponse(res, jwks)).toMatchObject({ ok: true });
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(res));
      const cli = await runCli(['verify', join(dir, `${name}.json`), '--jwks', join(dir, 'jwks.json')]);
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stdout).toMatch(/^OK: decision .* is signed by kid /);
    }
    // A decision changed after signing is caught.
    const forged = { ...rejected.body, decision: { ...rejected.body.decision, outcome: 'release' } };
    writeFileSync(join(dir, 'forged.json'), JSON.stringify(forged));
    expect((await runCli(['verify', join(dir, 'forged.json'), '--jwks', join(dir, 'jwks.json')])).code).toBe(1);
  }, 120_000);

  it('airlock check runs the same table offline from examples/data', async () => {
    const r = await runCli(['check', 'examples/data/clinic-visits.csv', '--spec', 'examples/data/region-by-sex.spec.json', '--dataset', 'clinic-visits-2026']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^reject: 1 output/);
    expect(r.stdout).toContain('FAIL min_count');
  }, 60_000);
});
