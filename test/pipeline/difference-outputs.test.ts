import { describe, expect, it } from 'vitest';
import type { ReleasedTableHit, ReleasedTotal } from '../../src/audit/audit-store.js';
import type { PublishedTable } from '../../src/checks/differencing.js';
import type { Decision } from '../../src/domain.js';
import { AirlockError } from '../../src/errors.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { differenceOutputs } from '../../src/pipeline/difference-outputs.js';
import type { EvaluatedOutput } from '../../src/pipeline/evaluate-output.js';
import type { DifferencingHistory } from '../../src/pipeline/history-index.js';
import type { PipelineDeps } from '../../src/pipeline/make-decision.js';
import { makeDecision } from '../../src/pipeline/make-decision.js';
import { releasedTables } from '../../src/pipeline/record-decision.js';
import { loadRuleset, rulesetFromContent } from '../../src/rules/load-ruleset.js';

const rules = loadRuleset('rules');

/** Cells of a frequency table by sex (F, M) with its margin. */
function bySex(f: number, m = 30) {
  return [
    { labels: { sex: 'F' }, count: f },
    { labels: { sex: 'M' }, count: m },
    { labels: { sex: 'All' }, count: f + m },
  ];
}

function request(outputs: Record<string, unknown>[], dataset: string | null = 'cohort', project = 'p1') {
  return { project, requester: 'alice', ...(dataset ? { dataset } : {}), outputs };
}

const table = (name: string, f: number, extra: Record<string, unknown> = {}) => ({ name, kind: 'table', cells: bySex(f), ...extra });

/** A history with the given earlier releases, counting its reads. */
function history(hits: ReleasedTableHit[] = [], fail?: () => never): DifferencingHistory & { reads: number } {
  const h = {
    reads: 0,
    async releasedTables(q: { dataset: string; dims: readonly string[]; afterSeq?: number }) {
      h.reads++;
      if (fail) fail();
      return hits.filter((x) => x.dataset === q.dataset && x.seq > (q.afterSeq ?? 0) && JSON.stringify(x.dims) === JSON.stringify([...q.dims].sort()));
    },
    async releasedTotals(q: { dataset: string; afterSeq?: number }): Promise<ReleasedTotal[]> {
      h.reads++;
      if (fail) fail();
      return hits
        .filter((x) => x.dataset === q.dataset && x.seq > (q.afterSeq ?? 0))
        .map((x) => ({ decision_id: x.decision_id, seq: x.seq, output: x.output, dims: x.dims, total: x.total ?? 0 }));
    },
  };
  return h;
}

function earlier(seq: number, f: number, over: Partial<ReleasedTableHit> = {}): ReleasedTableHit {
  return { decision_id: `d-${seq}`, seq, output: 'by-sex', dataset: 'cohort', dims: ['sex'], statistic: 'frequency', cells: bySex(f).map((c) => ({ ...c, value: c.count })), total: f + 30, ...over };
}

function deps(h?: DifferencingHistory, over: Partial<PipelineDeps> = {}): PipelineDeps {
  return { ruleset: () => rules, limits: DEFAULT_LIMITS, history: h, ...over };
}

describe('differenceOutputs in the pipeline', () => {
  it('rejects a table a few records off an earlier release, and the finaliser releases nothing of it', async () => {
    let released: unknown = null;
    const finalize: PipelineDeps['finalize'] = async (decision: Decision, evaluated: EvaluatedOutput[]) => {
      released = releasedTables(decision, evaluated);
      return {};
    };
    const { decision } = await makeDecision(request([table('t', 37)]), deps(history([earlier(1, 40)]), { finalize }));
    expect(decision.outcome).toBe('reject');
    const f = decision.outputs[0]!.findings.find((x) => x.check === 'differencing');
    expect(f).toMatchObject({ status: 'fail', related: [{ output: 'by-sex', decision_id: 'd-1' }] });
    expect(f!.cells?.map((c) => c.labels)).toEqual([{ sex: 'F' }, { sex: 'All' }]);
    expect(released).toEqual([]);
  });

  it.each([
    ['the same counts', 40, 'release'],
    ['exactly threshold fewer', 30, 'release'],
    ['threshold − 1 fewer', 31, 'reject'],
  ])('against an earlier release of F = 40: %s (F = %i) → %s', async (_name, f, outcome) => {
    const { decision } = await makeDecision(request([table('t', f)]), deps(history([earlier(1, 40)])));
    expect(decision.outcome).toBe(outcome);
  });

  it.each<[string, () => never]>([
    ['a driver error', () => { throw new Error('SQLITE_IOERR'); }],
    ['STORE_UNAVAILABLE', () => { throw new AirlockError('STORE_UNAVAILABLE', 'down'); }],
  ])('a store failure while reading the history (%s) is STORE_UNAVAILABLE, and nothing is recorded', async (_name, fail) => {
    let finalized = false;
    const run = makeDecision(request([table('t', 40)]), deps(history([], fail), { finalize: async () => ((finalized = true), {}) }));
    await expect(run).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503 });
    expect(finalized).toBe(false);
  });

  it.each([
    ['the request names no dataset', request([table('t', 37)], null), rules],
    ['the request has no table', request([{ name: 's', kind: 'summary', statistics: [{ name: 'age', statistic: 'mean', n: 40, value: 50 }] }]), rules],
    [
      'the project does not enable differencing',
      request([table('t', 37)], 'cohort', 'no-diff'),
      rulesetFromContent({ ...rules.content, projects: [{ project: 'no-diff', checks: { table: ['min_count', 'zeros'] } }] }),
    ],
  ])('does not read the history when %s', async (_name, body, ruleset) => {
    const h = history([earlier(1, 40)]);
    const { decision } = await makeDecision(body, deps(h, { ruleset: () => ruleset }));
    expect(h.reads).toBe(0);
    expect(decision.outputs[0]!.findings.filter((x) => x.check === 'differencing')).toEqual([]);
  });

  it('without a history compares the tables of the request with each other', async () => {
    const { decision } = await makeDecision(request([table('a', 40), table('b', 37)]), deps(undefined));
    expect(decision.outputs.map((o) => [o.outcome, o.findings.find((x) => x.check === 'differencing')?.related])).toEqual([
      ['reject', [{ output: 'b' }]],
      ['reject', [{ output: 'a' }]],
    ]);
  });

  it("an exception request covers a differencing failure: review, keeping the original status", async () => {
    const justification = 'The earlier table is of a different extract; a checker can confirm.';
    const { decision } = await makeDecision(request([table('t', 37, { exception: { justification } })]), deps(history([earlier(1, 40)])));
    expect(decision.outcome).toBe('review');
    expect(decision.outputs[0]!.findings.find((x) => x.check === 'differencing')).toMatchObject({ status: 'review', original_status: 'fail' });
  });

  it('a table with too many margin combinations to compare goes to review', async () => {
    // 14 binary variables: 16,384 interior cells, but 3^14 ≈ 4.8 million cells with every margin.
    const dims = Array.from({ length: 14 }, (_, i) => `v${String(i).padStart(2, '0')}`);
    const cells = Array.from({ length: 2 ** dims.length }, (_, n) => ({ labels: Object.fromEntries(dims.map((d, i) => [d, String((n >> i) & 1)])), count: 12, value: 12 }));
    const big: PublishedTable = { dims, cells };
    const e: EvaluatedOutput = {
      decision: { name: 'big', kind: 'table', sha256: '0'.repeat(64), outcome: 'release', findings: [{ check: 'min_count', status: 'pass', message: 'ok', remedy: '' }] },
      parsed: null,
      releasable: big,
      evidence: null,
    };
    const [out] = await differenceOutputs([e], { project: 'p1', dataset: 'cohort', rules: rules.resolve('p1') }, history());
    expect(out!.decision.outcome).toBe('review');
    expect(out!.decision.findings.at(-1)).toMatchObject({ check: 'differencing', status: 'review' });
  });
});
