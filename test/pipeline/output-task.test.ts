/**
 * A large output's evaluation in the worker pool (src/pipeline/output-task.ts): which outputs
 * go there, that a real worker thread decides exactly as the event loop does, that the
 * request's work budget and client errors cross the thread boundary with their codes, and
 * that the deadline and a full queue end a task as the request must (503 codes).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AirlockError } from '../../src/errors.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import type { RawOutput } from '../../src/outputs/output-kind.js';
import { evaluateOutput, evaluateWithinBudget } from '../../src/pipeline/evaluate-output.js';
import { evaluatedFrom, evaluateOutputTask, outputTask, worthAWorker } from '../../src/pipeline/output-task.js';
import { WorkBudget } from '../../src/pipeline/work-budget.js';
import { inlineProtection, protectionPool } from '../../src/pipeline/protection-runner.js';
import { DEFAULT_PARAMETERS } from '../../src/rules/parameters.js';
import { loadRuleset } from '../../src/rules/load-ruleset.js';
import { hardTable } from '../helpers/hard-table.js';

const rules = loadRuleset('rules').resolve('p');
const ctx = { project: 'p', dataset: null };
const raw = (o: object) => o as RawOutput;

describe('worthAWorker', () => {
  it('sends large tables to a worker and keeps small outputs and other kinds on the event loop', () => {
    expect(worthAWorker(raw(hardTable(70)))).toBe(true);
    expect(worthAWorker(raw(hardTable(20)))).toBe(false);
    expect(worthAWorker(raw({ name: 'm', kind: 'table', microdata: { format: 'csv', data: `r\n${'a\n'.repeat(600_000)}` }, spec: { index: ['r'] } }))).toBe(true);
    expect(worthAWorker(raw({ name: 'm', kind: 'table', microdata: { format: 'csv', data: 'r\na\n' }, spec: { index: ['r'] } }))).toBe(false);
    expect(worthAWorker(raw({ name: 'j', kind: 'table', microdata: { format: 'json', data: new Array(20_000).fill({ r: 'a' }) }, spec: { index: ['r'] } }))).toBe(true);
    expect(worthAWorker(raw({ name: 'c', kind: 'table', microdata: { nRows: 1_000_000, columns: new Map() }, spec: { index: ['r'] } }))).toBe(true);
    expect(worthAWorker(raw({ name: 'f', kind: 'file', content: 'x'.repeat(2 * 1024 ** 2) }))).toBe(false);
  });
});

describe('evaluateOutputTask (the worker side, on this thread)', () => {
  it('charges the request budget from the cells its earlier outputs counted', async () => {
    const limits = { ...DEFAULT_LIMITS, maxRequestCells: 100 };
    const budget = new WorkBudget(limits);
    budget.addCells(90, '/outputs/0');
    const answer = await evaluateOutputTask(outputTask(raw(hardTable(4, false)), '/outputs/1', rules, limits, ctx, budget));
    expect(answer).toMatchObject({ error: { code: 'WORK_BUDGET_EXCEEDED', message: expect.stringMatching(/\(this one 25\): 115, over the budget of 100/) } });
    const thrown = await evaluatedFrom(answer, budget, '/outputs/1').catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(AirlockError);
    expect(thrown).toMatchObject({ code: 'WORK_BUDGET_EXCEEDED', status: 413, details: [{ pointer: '/outputs/1' }] });
  });

  it('counts the output’s cells into the request budget when it is within it', async () => {
    const budget = new WorkBudget(DEFAULT_LIMITS);
    const answer = await evaluateOutputTask(outputTask(raw(hardTable(4, false)), '/outputs/0', rules, DEFAULT_LIMITS, ctx, budget));
    await evaluatedFrom(answer, budget, '/outputs/0');
    expect(budget.counted).toBe(25);
  });

  it('says a bad output as its client error', async () => {
    const bad = { name: 't', kind: 'table', microdata: { format: 'csv', data: 'r\na\n' }, spec: { index: ['nope'] } };
    const answer = await evaluateOutputTask(outputTask(raw(bad), '/outputs/0', rules, DEFAULT_LIMITS, ctx, new WorkBudget(DEFAULT_LIMITS)));
    expect(answer).toMatchObject({ error: { code: 'UNKNOWN_COLUMN' } });
  });
});

describe('the pool evaluates outputs in a worker thread', () => {
  const hold = new Int32Array(new SharedArrayBuffer(4));
  const pool = protectionPool({ threads: 1, heapMb: 512, queue: 1, hold });
  afterAll(async () => {
    Atomics.store(hold, 0, 0);
    Atomics.notify(hold, 0);
    await pool.close();
  });

  it('decides a failing table exactly as the event loop does, protected version included', async () => {
    const output = raw(hardTable(12));
    const here = await evaluateWithinBudget(output, '/outputs/0', rules, DEFAULT_LIMITS, ctx, new WorkBudget(DEFAULT_LIMITS), inlineProtection.protect);
    const budget = new WorkBudget(DEFAULT_LIMITS);
    const there = await evaluatedFrom(await pool.evaluate!(outputTask(output, '/outputs/0', rules, DEFAULT_LIMITS, ctx, budget)), budget, '/outputs/0');
    expect(there.decision.protected).toMatchObject({ rechecked: true });
    expect(there.decision).toEqual(here.decision);
    expect(there.releasable).toEqual(here.releasable);
    expect(there.evidence).toEqual(here.evidence);
    expect(there.decision).toEqual(evaluateOutput(output, '/outputs/0', { params: DEFAULT_PARAMETERS, checks: rules.checks }, DEFAULT_LIMITS, ctx).decision);
    expect(budget.counted).toBe(13 * 13);
  }, 60_000);

  it('a held evaluation ends with REQUEST_TIMEOUT at its deadline; a full queue is BUSY; released, the pool works', async () => {
    Atomics.store(hold, 0, 1);
    const task = () => outputTask(raw(hardTable(4, false)), '/outputs/0', rules, DEFAULT_LIMITS, ctx, new WorkBudget(DEFAULT_LIMITS));
    const deadline = new AbortController();
    const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof AirlockError ? e.code : String(e)));
    // One thread and a queue of one: of three tasks sent at once, one at least finds the queue full.
    const sent = [code(pool.evaluate!(task(), deadline.signal)), code(pool.evaluate!(task(), deadline.signal)), code(pool.evaluate!(task(), deadline.signal))];
    deadline.abort();
    const codes = await Promise.all(sent);
    expect(codes).toContain('BUSY');
    expect(codes.every((c) => c === 'BUSY' || c === 'REQUEST_TIMEOUT')).toBe(true);
    expect(codes).toContain('REQUEST_TIMEOUT');
    Atomics.store(hold, 0, 0);
    Atomics.notify(hold, 0);
    expect(await code(pool.evaluate!(task()))).toBe('ok');
  }, 60_000);
});

describe('labels that name prototype properties survive the thread boundary', () => {
  const pool = protectionPool({ threads: 1, heapMb: 256 });
  afterAll(() => pool.close());

  // 6 × 6 cells go as they are; 33 × 33 (over 1,000) are packed in chunks on their way (pack-long-arrays.ts).
  it.each([6, 33])('a table whose variables are __proto__ and constructor is decided in a worker as on this thread (%i rows and columns)', async (n) => {
    const t = hardTable(n);
    const output = raw({ ...t, index: ['__proto__'], columns: ['constructor'], cells: t.cells.map((c) => ({ count: c.count, labels: JSON.parse(`{"__proto__":${JSON.stringify(c.labels.r)},"constructor":${JSON.stringify(c.labels.c)}}`) as object })) });
    const here = await evaluateWithinBudget(output, '/outputs/0', rules, DEFAULT_LIMITS, ctx, new WorkBudget(DEFAULT_LIMITS), inlineProtection.protect);
    const budget = new WorkBudget(DEFAULT_LIMITS);
    const there = await evaluatedFrom(await pool.evaluate!(outputTask(output, '/outputs/0', rules, DEFAULT_LIMITS, ctx, budget)), budget, '/outputs/0');
    expect(Object.keys((here.decision.table as { cells: { labels: object }[] }).cells[0]!.labels)).toEqual(['__proto__', 'constructor']);
    expect(JSON.stringify(there.decision)).toBe(JSON.stringify(here.decision));
    expect(JSON.stringify(there.evidence)).toBe(JSON.stringify(here.evidence));
    expect(JSON.stringify(there.releasable)).toBe(JSON.stringify(here.releasable));
  }, 60_000);
});
