import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { DataPoint, MetricData } from '@opentelemetry/sdk-metrics';
import { MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { createLogger } from '../../src/logger.js';
import { makeDecision } from '../../src/pipeline/make-decision.js';
import { loadRuleset } from '../../src/rules/load-ruleset.js';
import { currentTraceId } from '../../src/telemetry/trace-context.js';
import type { Telemetry } from '../../src/telemetry/telemetry.js';
import { startTelemetry } from '../../src/telemetry/telemetry.js';
import { withSpan } from '../../src/telemetry/with-span.js';

/** Collects on demand: what an exporter would receive at its next interval. */
class TestReader extends MetricReader {
  protected override onForceFlush = async () => {};
  protected override onShutdown = async () => {};
}

const PLANTED = 'Zq7PlantedLabel';
const exporter = new InMemorySpanExporter();
// Resource detection is asynchronous, so spans reach the exporter only once it settles: flush before asserting.
const processor = new SimpleSpanProcessor(exporter);
const reader = new TestReader();
const rules = loadRuleset(resolve('rules'));
let telemetry: Telemetry;

beforeAll(async () => {
  telemetry = await startTelemetry({ instrument: false, spanProcessors: [processor], metricReaders: [reader], env: {} });
});
afterAll(async () => {
  await telemetry.shutdown();
});

function csv(): string {
  // 3 rows in (a, x): fails min_count; the label PLANTED sits in a cell that must never reach telemetry.
  const rows = ['r,c'];
  for (let i = 0; i < 3; i++) rows.push('a,x');
  for (let i = 0; i < 12; i++) rows.push(`${PLANTED},x`);
  return `${rows.join('\n')}\n`;
}

const body = {
  project: 'p1',
  requester: 'alice',
  outputs: [{ name: 't1', kind: 'table', microdata: { format: 'csv', data: csv() }, spec: { index: ['r'], columns: ['c'] } }],
};

function points(metrics: MetricData[], name: string): DataPoint<unknown>[] {
  return (metrics.find((m) => m.descriptor.name === name)?.dataPoints ?? []) as DataPoint<unknown>[];
}

describe('telemetry for one decision', () => {
  let traceSeenByFinalize: string | null = null;
  const logLines: string[] = [];

  beforeAll(async () => {
    exporter.reset();
    const logger = createLogger('info', new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) }));
    await makeDecision(body, {
      ruleset: () => rules,
      limits: DEFAULT_LIMITS,
      finalize: async () => {
        traceSeenByFinalize = currentTraceId();
        logger.info('recording');
        await withSpan('airlock.store', { 'airlock.store.backend': 'test' }, async () => {});
        return {};
      },
    });
    await processor.forceFlush();
  });

  it('emits a span per stage and per check, all in one trace', () => {
    const spans = exporter.getFinishedSpans();
    const names = spans.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['airlock.decision', 'airlock.validate', 'airlock.parse', 'airlock.check.min_count', 'airlock.decide', 'airlock.finalize', 'airlock.store']));
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    const root = spans.find((s) => s.name === 'airlock.decision')!;
    expect(root.attributes['airlock.outcome']).toBe('reject');
  });

  it.each([
    ['min_count', 'fail'],
    ['zeros', 'pass'],
    ['nk_dominance', 'not_applicable'],
  ])('the %s check span carries its id and status %s', (id, status) => {
    const span = exporter.getFinishedSpans().find((s) => s.name === `airlock.check.${id}`)!;
    expect(span.attributes).toMatchObject({ 'airlock.check.id': id, 'airlock.check.status': status, 'airlock.output.kind': 'table' });
  });

  it('puts sizes on the parse span, never cell labels or values anywhere', () => {
    const spans = exporter.getFinishedSpans();
    expect(spans.find((s) => s.name === 'airlock.parse')!.attributes).toMatchObject({ 'airlock.output.kind': 'table', 'airlock.output.rows': 15 });
    expect(JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })))).not.toContain(PLANTED);
  });

  it('exposes the trace id to the finaliser (for the audit record) and to log lines', () => {
    const traceId = exporter.getFinishedSpans()[0]!.spanContext().traceId;
    expect(traceSeenByFinalize).toBe(traceId);
    expect(JSON.parse(logLines[0]!)).toMatchObject({ trace_id: traceId, msg: 'recording' });
  });

  it('counts the decision, its findings and the rows processed', async () => {
    const { resourceMetrics } = await reader.collect();
    const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    expect(points(metrics, 'airlock.decisions')).toEqual([expect.objectContaining({ attributes: { 'airlock.outcome': 'reject' }, value: 1 })]);
    expect(points(metrics, 'airlock.findings')).toContainEqual(expect.objectContaining({ attributes: { 'airlock.check.id': 'min_count', 'airlock.check.status': 'fail' }, value: 1 }));
    expect(points(metrics, 'airlock.table.rows')).toEqual([expect.objectContaining({ attributes: { 'airlock.output.kind': 'table' }, value: 15 })]);
  });

  it('records a failed stage by its error code only', async () => {
    exporter.reset();
    await expect(makeDecision({ project: 'p1', requester: 'a', outputs: 'nope' }, { ruleset: () => rules, limits: DEFAULT_LIMITS })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await processor.forceFlush();
    const validate = exporter.getFinishedSpans().find((s) => s.name === 'airlock.validate')!;
    expect(validate.attributes['airlock.error.code']).toBe('INVALID_REQUEST');
    expect(validate.status).toEqual({ code: 2, message: 'INVALID_REQUEST' });
  });
});
