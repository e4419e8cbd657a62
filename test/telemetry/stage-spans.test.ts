import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { createLogger } from '../../src/logger.js';
import { makeDecision } from '../../src/pipeline/make-decision.js';
import { loadRuleset } from '../../src/rules/load-ruleset.js';
import { currentTraceId } from '../../src/telemetry/trace-context.js';
import { withSpan } from '../../src/telemetry/with-span.js';
import { startTestTelemetry, type TestTelemetry } from '../helpers/test-telemetry.js';

const PLANTED = 'Zq7PlantedLabel';
const rules = loadRuleset(resolve('rules'));
let t: TestTelemetry;

beforeAll(async () => {
  t = await startTestTelemetry();
});
afterAll(async () => {
  await t.shutdown();
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

describe('telemetry for one decision', () => {
  let traceSeenByFinalize: string | null = null;
  const logLines: string[] = [];
  let spans: ReadableSpan[];

  beforeAll(async () => {
    t.resetSpans();
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
    spans = await t.spans();
  });

  it('emits a span per stage and per check, all in one trace', () => {
    expect(spans.map((s) => s.name)).toEqual(expect.arrayContaining(['airlock.decision', 'airlock.validate', 'airlock.parse', 'airlock.check.min_count', 'airlock.decide', 'airlock.finalize', 'airlock.store']));
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(spans.find((s) => s.name === 'airlock.decision')!.attributes['airlock.outcome']).toBe('reject');
  });

  it.each([
    ['min_count', 'fail'],
    ['zeros', 'pass'],
    ['nk_dominance', 'not_applicable'],
  ])('the %s check span carries its id and status %s', (id, status) => {
    const span = spans.find((s) => s.name === `airlock.check.${id}`)!;
    expect(span.attributes).toMatchObject({ 'airlock.check.id': id, 'airlock.check.status': status, 'airlock.output.kind': 'table' });
  });

  it('puts sizes on the parse span, never cell labels or values anywhere', () => {
    expect(spans.find((s) => s.name === 'airlock.parse')!.attributes).toMatchObject({ 'airlock.output.kind': 'table', 'airlock.output.rows': 15 });
    expect(JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })))).not.toContain(PLANTED);
  });

  it('exposes the trace id to the finaliser (for the audit record) and to log lines', () => {
    const traceId = spans[0]!.spanContext().traceId;
    expect(traceSeenByFinalize).toBe(traceId);
    expect(JSON.parse(logLines[0]!)).toMatchObject({ trace_id: traceId, msg: 'recording' });
  });

  it('counts the decision, its findings and the rows processed', async () => {
    expect(await t.points('airlock.decisions')).toEqual([expect.objectContaining({ attributes: { 'airlock.outcome': 'reject' }, value: 1 })]);
    expect(await t.points('airlock.findings')).toContainEqual(expect.objectContaining({ attributes: { 'airlock.check.id': 'min_count', 'airlock.check.status': 'fail' }, value: 1 }));
    expect(await t.points('airlock.table.rows')).toEqual([expect.objectContaining({ attributes: { 'airlock.output.kind': 'table' }, value: 15 })]);
  });

  it('records a failed stage by its error code only', async () => {
    t.resetSpans();
    await expect(makeDecision({ project: 'p1', requester: 'a', outputs: 'nope' }, { ruleset: () => rules, limits: DEFAULT_LIMITS })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    const validate = (await t.spans()).find((s) => s.name === 'airlock.validate')!;
    expect(validate.attributes['airlock.error.code']).toBe('INVALID_REQUEST');
    expect(validate.status).toEqual({ code: 2, message: 'INVALID_REQUEST' });
  });
});
