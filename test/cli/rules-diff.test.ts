import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/rules-diff.js';
import type { ReplayReport } from '../../src/governance/replay-decisions.js';
import { captureStdout } from '../helpers/capture-stdout.js';
import { PG_URL, dropSchema, uniqueSchema } from '../helpers/pg-schema.js';
import { testServer } from '../helpers/test-server.js';
import { tempDir } from '../helpers/temp-dirs.js';

const diff = (args: string[]) => captureStdout(() => run(['rules', ...args]));

const schemas: string[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const s of schemas) await dropSchema(s);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The shipped rules with the default threshold changed. */
function candidate(threshold: number): string {
  const dir = tempDir('candidate-rules-');
  cpSync('rules', dir, { recursive: true });
  const def = join(dir, 'default.yaml');
  writeFileSync(def, readFileSync(def, 'utf8').replace(/^  threshold: 10$/m, `  threshold: ${threshold}`));
  return dir;
}

const table = (name: string, f: number, m: number) => ({ name, kind: 'table', cells: [{ labels: { sex: 'F' }, count: f }, { labels: { sex: 'M' }, count: m }] });
const csvTable = (name: string, f: number) => ({
  name,
  kind: 'table',
  // Varied costs: a cell whose contributors all have one value fails all_same.
  microdata: { format: 'csv', data: `sex,cost\n${Array.from({ length: f }, (_, i) => `F,${100 + i}\n`).join('')}${Array.from({ length: 30 }, (_, i) => `M,${90 + i}\n`).join('')}` },
  spec: { index: 'sex', values: 'cost', aggfunc: 'mean' },
});

/** Records a small history through a real server; returns the decision ids by label. */
async function history(env: Record<string, string>): Promise<{ ids: Record<string, string>; dataDir: string }> {
  const s = await testServer(env);
  const ids: Record<string, string> = {};
  const requests: [string, string, Record<string, unknown>[]][] = [
    ['ten', 'p1', [table('t', 10, 40)]], // released at 10; flips at 12
    ['twelve', 'p1', [table('t', 12, 40)]], // stays released
    ['three', 'p1', [table('t', 3, 40)]], // rejected either way
    ['csv-eleven', 'p2', [csvTable('m', 11)]], // computed from microdata; flips
    ['mixed', 'p2', [table('a', 30, 40), table('b', 11, 40)]], // output b flips
    ['strict', 'example-strict', [table('t', 11, 40)]], // project threshold 20: rejected either way
  ];
  for (const [label, project, outputs] of requests) {
    const res = await request(s.url).post('/v1/decisions').set(s.auth('submitter')).send({ project, requester: 'alice', dataset: `rules-diff-${label}`, outputs }).expect(201);
    ids[label] = res.body.decision.id;
  }
  // Close the server but keep its data directory (s.close() would delete it) for the CLI to read.
  await new Promise<void>((resolve) => {
    s.server.close(() => resolve());
    s.server.closeAllConnections();
  });
  await s.store.close();
  s.rules.close();
  dirs.push(s.dataDir);
  return { ids, dataDir: s.dataDir };
}

describe.each<[string, () => Record<string, string>]>([
  ['SQLite', () => ({})],
  [
    'PostgreSQL',
    () => {
      const schema = uniqueSchema('replay');
      schemas.push(schema);
      return { DATABASE_URL: PG_URL, AIRLOCK_DATABASE_SCHEMA: schema };
    },
  ],
])('airlock rules diff --replay (%s)', (backend, env) => {
  it('lists exactly the past decisions a raised threshold flips, and why', async () => {
    const e = env();
    const { ids, dataDir } = await history(e);
    const storeArgs = backend === 'SQLite' ? ['--data-dir', dataDir] : ['--database-url', e.DATABASE_URL!, '--schema', e.AIRLOCK_DATABASE_SCHEMA!];
    const json = await diff([candidate(12), '--replay', ...storeArgs, '--json']);
    expect(json.result).toBe(0);
    const { changes, replay } = JSON.parse(json.stdout) as { changes: { scope: string; path: string }[]; replay: ReplayReport };
    expect(changes.map((c) => `${c.scope} ${c.path}`)).toEqual(['default parameters.threshold']);
    expect(replay.changed.map((c) => [c.decision_id, c.before, c.after])).toEqual([
      [ids.ten, 'release', 'reject'],
      [ids['csv-eleven'], 'release', 'reject'],
      [ids.mixed, 'release', 'reject'],
    ]);
    expect(replay.changed[2].outputs.map((o) => [o.name, o.newly_flagged.map((f) => f.check)])).toEqual([['b', ['min_count']]]);
    expect(replay).toMatchObject({ scanned: 6, fully_replayed: 6, incomplete: [] });

    const gate = await diff([candidate(12), '--replay', ...storeArgs, '--fail-on-change']);
    expect(gate.result).toBe(1);
    const text = gate.stdout;
    expect(text).toMatch(/6 decisions, 6 fully replayed; 3 would change outcome/);
    expect(text).toContain(`${ids.ten}  p1`);
    expect(text).toMatch(/min_count would fail\n\s+sex=F: count 10 < threshold 12/);
    expect(text).toContain('never replayed: records outputs (k_anonymity and l_diversity read the records, which are never stored); file outputs');

    const same = await diff(['rules', '--replay', ...storeArgs, '--fail-on-change']);
    expect(same.result).toBe(0);
    expect(same.stdout).toMatch(/no differences[\s\S]*0 would change outcome[\s\S]*0 recorded outputs would change/);

    // Declaring the two datasets one population: the later table (F 12) differences the earlier (F 10).
    const merged = candidate(10);
    const def = join(merged, 'default.yaml');
    writeFileSync(def, readFileSync(def, 'utf8').replace(/^populations: \{\}$/m, 'populations:\n  cohort: [rules-diff-ten, rules-diff-twelve]'));
    const pops = await diff([merged, '--replay', ...storeArgs, '--json']);
    const body = JSON.parse(pops.stdout) as { changes: { path: string }[]; populations: { decision_id: string; output: string; before: { fails: boolean }; after: { fails: boolean; with: string[] } }[] };
    expect(body.changes.map((c) => c.path)).toEqual(['populations.cohort']);
    expect(body.populations).toEqual([expect.objectContaining({ decision_id: ids.twelve, output: 't', before: expect.objectContaining({ fails: false }), after: expect.objectContaining({ fails: true, with: [`t (${ids.ten})`] }) })]);
  });
});

describe('airlock rules diff (without replay)', () => {
  it('prints the differing parameters', async () => {
    const r = await diff([candidate(15)]);
    expect(r.result).toBe(0);
    expect(r.stdout).toMatch(/default\s+parameters\.threshold: 10 → 15/);
  });

  it('refuses a missing store', async () => {
    await expect(diff([candidate(15), '--replay', '--data-dir', tempDir('empty-')])).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
