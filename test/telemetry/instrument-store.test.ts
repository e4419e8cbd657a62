import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditStore } from '../../src/audit/audit-store.js';
import { openSqliteStore } from '../../src/audit/sqlite-store.js';
import type { SigningKey } from '../../src/signing/signing-keys.js';
import { instrumentStore } from '../../src/telemetry/instrument-store.js';
import { signedAppend, testSigningKey } from '../helpers/sample-decision.js';
import { startTestTelemetry, type TestTelemetry } from '../helpers/test-telemetry.js';
import { tempDir } from '../helpers/temp-dirs.js';

let t: TestTelemetry;
let dir: string;
let store: AuditStore;
let key: SigningKey;

beforeAll(async () => {
  t = await startTestTelemetry();
  dir = tempDir('airlock-istore-');
  store = instrumentStore(await openSqliteStore({ dataDir: dir }));
  key = await testSigningKey();
});
afterAll(async () => {
  await store.close();
  await t.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('instrumentStore', () => {
  it('times each append as a span and in the store latency histogram, ok or error', async () => {
    const ref = await store.append(await signedAppend(key, 1));
    await expect(store.append(await signedAppend(key, 1))).rejects.toMatchObject({ code: 'CONFLICT' });
    const spans = (await t.spans()).filter((s) => s.name === 'airlock.store');
    expect(spans.map((s) => s.attributes)).toEqual([
      { 'airlock.store.backend': 'sqlite', 'airlock.record.kind': 'decision', 'airlock.audit.seq': ref.seq },
      { 'airlock.store.backend': 'sqlite', 'airlock.record.kind': 'decision', 'airlock.error.code': 'CONFLICT' },
    ]);
    const points = await t.points<Histogram>('airlock.store.append.duration');
    expect(points.map((p) => [p.attributes['airlock.store.result'], p.value.count]).sort()).toEqual([
      ['error', 1],
      ['ok', 1],
    ]);
  });

  it('passes every other method through to the store', async () => {
    expect(store.backend).toBe('sqlite');
    expect(await store.ping()).toBe(true);
    expect((await store.get('d-0001'))?.seq).toBe(1);
  });
});
