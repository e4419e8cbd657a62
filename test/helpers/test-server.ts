/**
 * A real airlock server for HTTP tests: started through the same `startServer` as
 * production, on a free port, with a temporary data directory (real SQLite file) and the
 * project's rules, plus a way to get a dev token for a role.
 *
 * @example
 * const s = await testServer();
 * await request(s.url).post('/v1/decisions').set(s.auth('submitter')).send(body).expect(201);
 * await s.close();
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../src/config.js';
import type { RunningServer, StartOptions } from '../../src/server/start-server.js';
import { startServer } from '../../src/server/start-server.js';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Authorization header for a dev token with the role (empty when auth is not configured). */
  auth(role?: string): Record<string, string>;
}

/**
 * `recordStartupLoad` (default false here, true in `serve`): the start-up load's audit record
 * would be seq 1 and shift every seq and count the tests written before it assert;
 * `test/server/ruleset-loads.test.ts` runs with it, and spawned servers always record it.
 */
export async function testServer(env: Record<string, string> = {}, opts: StartOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'airlock-test-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    AIRLOCK_DATA_DIR: dataDir,
    AIRLOCK_RULES_DIR: resolve('rules'),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const s = await startServer(config, { ...opts, recordStartupLoad: opts.recordStartupLoad ?? false });
  const closeServer = s.close;
  return Object.assign(s, {
    dataDir,
    auth(role = 'submitter') {
      const t = s.devToken?.(role);
      return t ? { authorization: `Bearer ${t}` } : ({} as Record<string, string>);
    },
    close: async () => {
      await closeServer();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** A CSV of `n` rows per (r, c) combination, with a measure. */
export function csvOf(cells: Record<string, number>, value = (i: number) => 100 + i): string {
  const lines = ['r,c,v'];
  for (const [key, n] of Object.entries(cells)) {
    const [r, c] = key.split('|');
    for (let i = 0; i < n; i++) lines.push(`${r},${c},${value(i)}`);
  }
  return `${lines.join('\n')}\n`;
}

let datasets = 0;

/**
 * A request with one table output from microdata. Each request is of its own dataset (so its
 * own population) unless `extra` names one: tests that are not about differencing must not
 * difference each other's tables (and differencing reviews a request without a dataset).
 */
export function tableRequest(csv: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    project: 'test-project',
    requester: 'alice',
    dataset: `test-${process.pid}-${++datasets}`,
    outputs: [{ name: 'table1', kind: 'table', microdata: { format: 'csv', data: csv }, spec }],
    ...extra,
  };
}

/**
 * A test server with the shipped rules copied into `dir` plus per-project overrides (file name →
 * YAML text under `projects/`), so a test can exercise governance without touching `rules/`.
 *
 * @example await shippedRulesServer(tmp(), { 'rounds-both': 'project: rounds-both\nparameters:\n  protection: both\n' })
 */
export async function shippedRulesServer(dir: string, projects: Record<string, string>, env: Record<string, string> = {}): Promise<TestServer> {
  cpSync('rules', dir, { recursive: true });
  for (const [name, text] of Object.entries(projects)) writeFileSync(join(dir, 'projects', `${name}.yaml`), text);
  return testServer({ ...env, AIRLOCK_RULES_DIR: dir });
}
