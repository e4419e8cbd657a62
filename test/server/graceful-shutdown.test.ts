/**
 * SIGTERM during a burst of decisions, against the real `airlock serve` process and its real
 * SQLite audit file: every request answered 201 is in the store, every decision in the store
 * was answered, no response is cut off halfway, and the process exits 0.
 */
import { rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../../src/audit/sqlite-store.js';
import type { HttpOutcome } from '../helpers/http-outcome.js';
import { postJson } from '../helpers/http-outcome.js';
import { spawnServer, tokenFor } from '../helpers/spawn-server.js';
import { csvOf, tableRequest } from '../helpers/test-server.js';
import { tempDir } from '../helpers/temp-dirs.js';

const BURST = 48;
let dataDir: string;
let outcomes: HttpOutcome[] = [];
let answeredAfterSignal = 0;
let exit: { code: number | null; signal: NodeJS.Signals | null };

beforeAll(async () => {
  dataDir = tempDir('airlock-drain-');
  const { env, auth } = tokenFor(dataDir);
  const p = await spawnServer({ AIRLOCK_DATA_DIR: dataDir, AIRLOCK_RATE_LIMIT: '0', AIRLOCK_SHUTDOWN_GRACE_MS: '20000', ...env });
  // Big enough that requests queue up on the server: several are in flight when SIGTERM lands.
  const body = tableRequest(csvOf({ 'a|x': 1500, 'a|y': 1500, 'b|x': 1500, 'b|y': 3 }), { index: ['r'], columns: ['c'], margins: true });
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 6 });
  let signalled = false;
  const requests = Array.from({ length: BURST }, (_, i) =>
    // Half on keep-alive connections (reused, must be closed after their response), half on fresh ones.
    postJson(`${p.url}/v1/decisions`, body, { agent: i % 2 ? keepAlive : false, headers: auth }).then((o) => {
      if (!signalled) {
        signalled = true;
        p.child.kill('SIGTERM');
      } else if (o.kind === 'complete') answeredAfterSignal++;
      return o;
    }),
  );
  outcomes = await Promise.all(requests);
  keepAlive.destroy();
  exit = await p.exited;
}, 120_000);

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

function recordedIds(): Set<string> {
  const db = new Database(join(dataDir, SQLITE_FILE), { readonly: true });
  try {
    // Decisions only: the start-up rule-set load is a record too (seq 1).
    return new Set((db.prepare("SELECT decision_id FROM records WHERE kind = 'decision'").all() as { decision_id: string }[]).map((r) => r.decision_id));
  } finally {
    db.close();
  }
}

describe('SIGTERM during a burst', () => {
  it('exits 0 after draining, having finished requests that were in flight when the signal came', () => {
    expect(exit).toEqual({ code: 0, signal: null });
    expect(answeredAfterSignal).toBeGreaterThan(0);
  });

  it('cuts no response off halfway: every request either got its whole response or none', () => {
    expect(outcomes.filter((o) => o.kind === 'truncated')).toEqual([]);
    for (const o of outcomes) {
      if (o.kind === 'complete') expect([201, 503]).toContain(o.status);
      else expect(['ECONNREFUSED', 'ECONNRESET']).toContain((o as { code: string }).code);
    }
  });

  it('has every 201 in the audit store, and nothing in the store that was not answered', () => {
    const created = outcomes.flatMap((o) => (o.kind === 'complete' && o.status === 201 ? [JSON.parse(o.body) as { decision: { id: string }; audit: { seq: number } }] : []));
    expect(created.length).toBeGreaterThan(0);
    const ids = recordedIds();
    for (const c of created) expect(ids.has(c.decision.id)).toBe(true);
    expect(ids.size).toBe(created.length);
    expect(created.map((c) => c.audit.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: created.length }, (_, i) => i + 2));
  });
});
