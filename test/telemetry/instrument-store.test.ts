import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataPoint, Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import { MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditStore } from '../../src/audit/audit-store.js';
import { openSqliteStore } from '../../src/audit/sqlite-store.js';
import type { SigningKey } from '../../src/signing/signing-keys.js';
import { instrumentStore } from '../../src/telemetry/instrument-store.js';
import type { Telemetry } from '../../src/telemetry/telemetry.js';
import { startTelemetry } from '../../src/telemetry/telemetry.js';
import { signedAppend, testSigningKey } from '../helpers/sample-decision.js';

class TestReader extends MetricReader {
  protected override onForceFlush = async () => {};
  protected override onShutdown = async () => {};
}

const exporter = new InMemorySpanExporter();
const processor = new SimpleSpanProcessor(exporter);
const reader = new TestReader();
let telemetry: Telemetry;
let dir: string;
let store: AuditStore;
let key: SigningKey;

beforeAll(async () => {
  telemetry = await startTelemetry({ instrument: false, spanProcessors: [processor], metricReaders: [reader], env: {} });
  dir = mkdtempSync(join(tmpdir(), 'airlock-istore-'));
  store = instrumentStore(await openSqliteStore({ dataDir: dir }));
  key = await testSigningKey();
});
afterAll(async () => {
  await store.close();
  await telemetry.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

function histogram(metrics: MetricData[], name: string): DataPoint<Histogram>[] {
  return (metrics.find((m) => m.descriptor.name === name)?.dataPoints ?? []) as DataPoint<Histogram>[];
}

describe('instrumentStore', () => {
  it('times each append as a span and in the store latency histogram, ok or error', async () => {
    const ref = await store.append(await signedAppend(key, 1));
    await expect(store.append(await signedAppend(key, 1))).rejects.toMatchObject({ code: 'CONFLICT' });
    await processor.forceFlush();
    const spans = exporter.getFinishedSpans().filter((s) => s.name === 'airlock.store');
    expect(spans.map((s) => s.attributes)).toEqual([
      { 'airlock.store.backend': 'sqlite', 'airlock.record.kind': 'decision', 'airlock.audit.seq': ref.seq },
      { 'airlock.store.backend': 'sqlite', 'airlock.record.kind': 'decision', 'airlock.error.code': 'CONFLICT' },
    ]);
    const { resourceMetrics } = await reader.collect();
    const points = histogram(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics), 'airlock.store.append.duration');
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
