import { cpSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/test-server.js';
import { testServer } from '../helpers/test-server.js';
import { tempDir } from '../helpers/temp-dirs.js';

let s: TestServer;
let rulesDir: string;

beforeAll(async () => {
  rulesDir = tempDir('live-reload-');
  cpSync('rules', rulesDir, { recursive: true });
  s = await testServer({ AIRLOCK_RULES_DIR: rulesDir });
});
afterAll(async () => {
  await s?.close();
});

function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp~`, text);
  renameSync(`${path}.tmp~`, path);
}

const body = {
  project: 'example-strict',
  requester: 'alice',
  dataset: 'live-reload',
  outputs: [{ name: 't', kind: 'table', cells: [{ labels: { sex: 'F' }, count: 15 }, { labels: { sex: 'M' }, count: 30 }] }],
};

async function decide(): Promise<{ outcome: string; ruleset: { digest: string } }> {
  const res = await request(s.url).post('/v1/decisions').set(s.auth('submitter')).send(body).expect(201);
  return res.body.decision;
}

describe('live rule reload through the service', () => {
  it('keeps serving the old rules when a broken file appears, and swaps in a valid change for the next request', async () => {
    const original = (await request(s.url).get('/v1/rulesets/active').set(s.auth('admin')).expect(200)).body.digest as string;
    expect(await decide()).toMatchObject({ outcome: 'reject', ruleset: { digest: original } });

    const rejected = s.rules.nextReload((e) => !e.ok);
    writeAtomically(join(rulesDir, 'projects', 'example-strict.yaml'), 'project: example-strict\nparameters:\n  threshold: "twenty"\n');
    await rejected;
    expect(await decide()).toMatchObject({ outcome: 'reject', ruleset: { digest: original } });
    expect((await request(s.url).get('/readyz')).body).toMatchObject({ status: 'ready', ruleset: original });

    const swapped = s.rules.nextReload((e) => e.changed);
    writeAtomically(join(rulesDir, 'projects', 'example-strict.yaml'), 'project: example-strict\nparameters:\n  threshold: 12\n');
    const e = await swapped;
    expect(e.digest).not.toBe(original);
    expect(await decide()).toMatchObject({ outcome: 'release', ruleset: { digest: e.digest } });
    expect((await request(s.url).get('/v1/rulesets/active').set(s.auth('admin'))).body.digest).toBe(e.digest);
    expect((await request(s.url).get('/readyz')).body.ruleset).toBe(e.digest);
    // The old rule set is still there for the decisions made under it.
    const old = (await request(s.url).get(`/v1/rulesets/${original}`).set(s.auth('admin')).expect(200)).body;
    expect(old).toMatchObject({ digest: original, live: false });
    expect(old.content.projects.find((p: { project: string }) => p.project === 'example-strict').parameters.threshold).toBe(20);
  });
});
