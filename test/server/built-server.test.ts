/**
 * The production start path: `npm run build` (tsc with tsconfig.build.json) and then
 * `node dist/cli/main.js serve`, as the container runs it. Built into a scratch directory under
 * dist/ so a concurrent `npm run build` is not disturbed.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, tokenFor, type SpawnedServer } from '../helpers/spawn-server.js';
import { csvOf, tableRequest } from '../helpers/test-server.js';
import { tempDir } from '../helpers/temp-dirs.js';

const run = promisify(execFile);
let outDir: string;
let dataDir: string;
let entry: string[];

beforeAll(async () => {
  mkdirSync('dist', { recursive: true });
  outDir = mkdtempSync(resolve('dist', 'test-build-'));
  dataDir = tempDir('airlock-built-');
  await run(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir], { maxBuffer: 16 * 1024 * 1024 });
  entry = [join(outDir, 'cli', 'main.js')];
}, 300_000);

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the built server', () => {
  let p: SpawnedServer;
  let exit: { code: number | null; signal: NodeJS.Signals | null };
  let decisionStatus = 0;

  beforeAll(async () => {
    const { env, auth } = tokenFor(dataDir);
    p = await spawnServer({ AIRLOCK_DATA_DIR: dataDir, OTEL_TRACES_EXPORTER: 'console', ...env }, { entry });
    expect((await request(p.url).get('/healthz').expect(200)).body.status).toBe('ok');
    await request(p.url).get('/readyz').expect(200);
    decisionStatus = (await request(p.url).post('/v1/decisions').set(auth).send(tableRequest(csvOf({ 'a|x': 3, 'b|x': 12 }), { index: ['r'], columns: ['c'] }))).status;
    // A failing request too: its error must not reach any span as a message.
    await request(p.url).post('/v1/decisions').send({ project: 'p' }).expect(401);
    exit = await p.stop('SIGTERM');
  }, 120_000);

  it('starts, answers /healthz and a decision, and exits 0 on SIGTERM', () => {
    expect(decisionStatus).toBe(201);
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('logs JSON lines carrying the request id and the trace id', () => {
    const lines = p.stdout().split('\n').filter((l) => l.startsWith('{"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const logged = lines.find((l) => l.msg === 'request completed' && (l.req as { path: string }).path === '/v1/decisions');
    expect(logged).toMatchObject({ res: { statusCode: 201 }, trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(p.stdout()).toContain(`traceId: '${logged!.trace_id as string}'`);
  });

  it('is instrumented through the ESM loader hook: an HTTP span with the express route, and the stage spans', () => {
    const out = p.stdout();
    expect(out).toContain("name: 'POST /v1/decisions'");
    expect(out).toContain("'http.route': '/v1/decisions'");
    for (const name of ['airlock.validate', 'airlock.parse', 'airlock.check.min_count', 'airlock.decide', 'airlock.sign', 'airlock.store']) expect(out).toContain(`name: '${name}'`);
    // Error messages may quote submitted content: no span records one.
    expect(out).not.toContain('exception.message');
  });
});

describe('an invalid configuration', () => {
  it('stops start-up with exit code 4 (environment) and a message naming each bad variable', async () => {
    const p = await spawnServer({ AIRLOCK_DATA_DIR: dataDir, PORT: 'eighty', AIRLOCK_RATE_LIMIT: '-5', AIRLOCK_SHUTDOWN_GRACE_MS: 'soon' }, { entry, expectExit: true });
    expect((await p.exited).code).toBe(4);
    expect(p.stderr()).toMatch(/CONFIG_INVALID/);
    for (const name of ['PORT', 'AIRLOCK_RATE_LIMIT', 'AIRLOCK_SHUTDOWN_GRACE_MS']) expect(p.stderr()).toContain(`${name}=`);
    expect(p.stdout()).not.toContain('airlock listening');
  });
});
