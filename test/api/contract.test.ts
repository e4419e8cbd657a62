/**
 * Issue 15 item 4: the contract is clean under Redocly's recommended rules (offline, with the
 * committed redocly.yaml: every rule turned off says why), served by the service with a
 * reference page that loads nothing from elsewhere, and its generated TypeScript types keep
 * the real unions (microdata-or-cells, regression-or-trained, a plot by type).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from '../helpers/test-server.js';

const run = promisify(execFile);

describe('openapi.yaml under redocly lint', () => {
  it('has 0 errors and 0 warnings with the committed config', async () => {
    const { stdout } = await run(process.execPath, ['node_modules/@redocly/cli/bin/cli.js', 'lint', 'openapi.yaml', '--config=redocly.yaml', '--format=json'], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
    const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);
  it('every rule the config turns off is explained by a comment above it', () => {
    const lines = readFileSync('redocly.yaml', 'utf8').split('\n');
    const off = lines.map((l, i) => [l, i] as const).filter(([l]) => /:\s*off\s*$/.test(l));
    expect(off.length).toBeGreaterThan(0);
    for (const [line, i] of off) expect(lines[i - 1]?.trim().startsWith('#'), line).toBe(true);
  });
});

describe('generated types', () => {
  it('keep the real unions', async () => {
    const ts = astToString(await openapiTS(new URL('../../openapi.yaml', import.meta.url), { rootTypes: true }));
    const schema = (name: string) => {
      const start = ts.indexOf(`        ${name}: {`);
      const end = ts.indexOf('\n        /**', start + 1);
      // The type without its JSDoc (whose `@enum {unknown}` says nothing about the type).
      return ts.slice(start, end).replace(/\/\*\*[\s\S]*?\*\//g, '');
    };
    for (const name of ['TableOutput', 'ModelOutput', 'PlotOutput', 'SummaryOutput']) {
      expect(schema(name), name).not.toMatch(/\bunknown \||\| unknown\b|Record<string, never>/);
    }
    // microdata + spec, or cells — never both, never neither.
    expect(schema('TableOutput')).toMatch(/microdata: components\["schemas"\]\["Microdata"\];\s*spec: components\["schemas"\]\["TableSpec"\];\s*cells\?: never;/);
    expect(schema('TableOutput')).toMatch(/cells: components\["schemas"\]\["CellInput"\]\[\];\s*microdata\?: never;/);
    expect(schema('ModelOutput')).toMatch(/n_train: number;\s*format: string;\s*n_obs\?: never;/);
    expect(schema('PlotOutput')).toMatch(/type: "histogram";\s*\} & \(\{\s*bins:/);
    expect(ts).toMatch(/Output: components\["schemas"\]\["TableOutput"\] \| components\["schemas"\]\["ModelOutput"\]/);
  }, 60_000);
});

describe('the contract, served', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
  });
  afterAll(async () => {
    await s.close();
  });

  it('GET /openapi.yaml is the file the validator uses', async () => {
    const res = await request(s.url).get('/openapi.yaml').buffer(true).parse((r, cb) => {
      let text = '';
      r.on('data', (c: Buffer) => (text += c.toString('utf8')));
      r.on('end', () => cb(null, text));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/yaml/);
    expect(res.body).toBe(readFileSync('openapi.yaml', 'utf8'));
  });
  it('GET /docs is a page that loads Redoc from this origin only', async () => {
    const res = await request(s.url).get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<redoc spec-url="/openapi.yaml"');
    expect(res.text).toContain('<script src="/docs/redoc.standalone.js">');
    expect(res.text).not.toMatch(/https?:\/\//);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    const bundle = await request(s.url).get('/docs/redoc.standalone.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    expect(Number(bundle.headers['content-length'])).toBeGreaterThan(100_000);
  });
  it('/healthz says which version and commit run', async () => {
    const res = await request(s.url).get('/healthz').expect(200);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(res.body.status).toBe('ok');
    expect(res.body.version).toBe(pkg.version);
    expect(res.body.commit === null || /^[0-9a-f]{40}$/.test(res.body.commit)).toBe(true);
  });
  it('problem types are URNs naming the code', async () => {
    const res = await request(s.url).get('/no-such-route');
    expect(res.body.type).toBe('urn:airlock:problem:ROUTE_NOT_FOUND');
  });
});
