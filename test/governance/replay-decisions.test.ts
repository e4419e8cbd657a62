import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/domain.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { makeDecision } from '../../src/pipeline/make-decision.js';
import type { RuleFile, Ruleset } from '../../src/rules/load-ruleset.js';
import { loadRuleset, rulesetFromContent } from '../../src/rules/load-ruleset.js';
import type { OutputEvidence } from '../../src/audit/audit-store.js';
import type { ReplayRecord } from '../../src/governance/replay-decisions.js';
import { notReplayable, replayDecisions } from '../../src/governance/replay-decisions.js';
import { diffRulesets } from '../../src/rules/diff-rulesets.js';
import type { Parameters } from '../../src/rules/parameters.js';

const shipped = loadRuleset('rules');

function withDefaults(over: Partial<Parameters>): Ruleset {
  const def: RuleFile = { ...shipped.content.default, parameters: { ...shipped.content.default.parameters, ...over } };
  return rulesetFromContent({ default: def, projects: shipped.content.projects });
}

/** Decides a request under `rules` and keeps what the audit store would: the decision and each output's evidence. */
async function record(seq: number, rules: Ruleset, project: string, outputs: Record<string, unknown>[], dataset?: string): Promise<ReplayRecord> {
  let evidence: OutputEvidence[] = [];
  const { decision } = await makeDecision(
    // Each recorded decision is its own population unless a test names one: these tests are about replay.
    { project, requester: 'alice', dataset: dataset ?? `replay-${seq}`, outputs },
    {
      ruleset: () => rules,
      limits: DEFAULT_LIMITS,
      finalize: async (_d, evaluated) => {
        evidence = evaluated.map((e) => ({ output: e.decision.name, kind: e.decision.kind, evidence: e.evidence }));
        return {};
      },
    },
  );
  return { seq, kind: 'decision', decision: decision as Decision, evidence };
}

const rows = (label: string, from: number, n: number) => Array.from({ length: n }, (_, i) => `${label},${from + i}\n`).join('');
const counts = (name: string, f: number, m: number) => ({ name, kind: 'table', cells: [{ labels: { sex: 'F' }, count: f }, { labels: { sex: 'M' }, count: m }] });
const microdata = (name: string, f: number, m: number) => ({
  name,
  kind: 'table',
  // Varied costs: a cell whose contributors all have one value fails all_same.
  microdata: { format: 'csv', data: `sex,cost\n${rows('F', 100, f)}${rows('M', 120, m)}` },
  spec: { index: 'sex', values: 'cost', aggfunc: 'sum' },
});

describe('replayDecisions', () => {
  it('reports exactly the past decisions a raised threshold flips, and why', async () => {
    const history = [
      await record(1, shipped, 'p1', [counts('a', 10, 40)]), // released; 10 < 12 → reject
      await record(2, shipped, 'p1', [counts('b', 12, 40)]), // released; stays
      await record(3, shipped, 'p1', [counts('c', 3, 40)]), // already rejected; stays
      await record(4, shipped, 'p2', [microdata('d', 11, 30)]), // released (from microdata); 11 < 12 → reject
      await record(5, shipped, 'p2', [counts('e', 25, 30), counts('f', 11, 60)]), // released; f flips
      await record(6, shipped, 'example-strict', [counts('g', 11, 40)]), // strict project already rejects at 20
    ];
    expect(history.map((r) => r.decision.outcome)).toEqual(['release', 'release', 'reject', 'release', 'release', 'reject']);

    const report = await replayDecisions(history, withDefaults({ threshold: 12 }));
    expect(report.changed.map((c) => [c.seq, c.before, c.after])).toEqual([
      [1, 'release', 'reject'],
      [4, 'release', 'reject'],
      [5, 'release', 'reject'],
    ]);
    expect(report.changed[0].outputs).toEqual([
      { name: 'a', kind: 'table', before: 'release', after: 'reject', newly_flagged: [{ check: 'min_count', status: 'fail', reasons: [expect.stringMatching(/^sex=F: .*10.*12/)] }], no_longer_flagged: [] },
    ]);
    expect(report.changed[2].outputs.map((o) => o.name)).toEqual(['f']);
    expect(report).toMatchObject({ scanned: 6, fully_replayed: 6, incomplete: [] });
  });

  it('reports decisions a lowered threshold would release', async () => {
    const history = [await record(1, shipped, 'p1', [counts('a', 8, 40)]), await record(2, shipped, 'p1', [counts('b', 4, 40)])];
    const report = await replayDecisions(history, withDefaults({ threshold: 5 }));
    expect(report.changed.map((c) => [c.seq, c.before, c.after])).toEqual([[1, 'reject', 'release']]);
    expect(report.changed[0].outputs[0].no_longer_flagged).toEqual([{ check: 'min_count', status: 'fail' }]);
  });

  it('finds no change under the rules the decisions were made with', async () => {
    const history = [await record(1, shipped, 'p1', [counts('a', 10, 40)]), await record(2, shipped, 'p1', [microdata('b', 3, 40)])];
    expect((await replayDecisions(history, shipped)).changed).toEqual([]);
  });

  it('replays dominance from the stored largest contributions', async () => {
    const cost = (big: number) => ({ name: 't', kind: 'table', microdata: { format: 'csv', data: `site,cost\n${rows('A', 1, 20)}A,${big}\n${rows('B', 1, 20)}` }, spec: { index: 'site', values: 'cost', aggfunc: 'sum' } });
    // Site A: the largest contributes 170 of 380 (45%): passes (2, 0.90); fails (1, 0.44).
    const history = [await record(1, shipped, 'p1', [cost(170)])];
    expect(history[0].decision.outcome).toBe('release');
    const report = await replayDecisions(history, withDefaults({ nk_n: 1, nk_k: 0.44 }));
    expect(report.changed.map((c) => c.after)).toEqual(['reject']);
    expect(report.changed[0].outputs[0].newly_flagged.map((f) => f.check)).toEqual(['nk_dominance']);
  });

  it('keeps the exception a researcher asked for', async () => {
    const excepted = { ...counts('a', 3, 40), exception: { justification: 'Counts of hospitals, which are public.' } };
    const history = [await record(1, shipped, 'p1', [excepted])];
    expect(history[0].decision.outcome).toBe('review');
    expect((await replayDecisions(history, withDefaults({ threshold: 2 }))).changed.map((c) => c.after)).toEqual(['release']);
    expect((await replayDecisions(history, withDefaults({ threshold: 20 }))).changed).toEqual([]);
  });

  it('with a baseline, reports the effect of this change alone, not of earlier ones', async () => {
    // Made when the threshold was 8: a cell of 9 was released; today's rules (10) already reject it.
    const history = [await record(1, withDefaults({ threshold: 8 }), 'p1', [counts('a', 9, 40)]), await record(2, shipped, 'p1', [counts('b', 11, 40)])];
    const candidate = withDefaults({ threshold: 12 });
    const against = await replayDecisions(history, candidate, { baseline: shipped });
    expect(against.changed.map((c) => [c.seq, c.recorded, c.before, c.after])).toEqual([[2, 'release', 'release', 'reject']]);
    expect(against.baseline?.digest).toBe(shipped.digest);
    const recorded = await replayDecisions(history, candidate);
    expect(recorded.changed.map((c) => c.seq)).toEqual([1, 2]);
  });

  it('keeps recorded differencing findings, which depend on what was released before', async () => {
    const pair = [counts('all', 20, 30), counts('without-a', 17, 30)];
    const r = await record(1, shipped, 'p1', [pair[0]!]);
    // Of one population, the two tables difference to 3 records: rejected by differencing.
    const withDataset = await record(2, shipped, 'p1', pair, 'cohort');
    expect(r.decision.outcome).toBe('release');
    expect(withDataset.decision.outcome).toBe('reject');
    expect((await replayDecisions([r, withDataset], withDefaults({ threshold: 11 }))).changed).toEqual([]);
  });

  it('replays models from their description: an alias removed from the rules sends the model to review', async () => {
    const rpart = { name: 'tree', kind: 'model', family: 'rpart', n_train: 4000, format: 'onnx', hyperparameters: { minbucket: 20 } };
    const ols = { name: 'ols', kind: 'model', family: 'lm', n_obs: 400, n_params: 3, coefficients: [{ term: 'x', estimate: 1, std_error: 0.1, n: 12 }] };
    const history = [await record(1, shipped, 'p1', [rpart]), await record(2, shipped, 'p1', [ols])];
    expect(history.map((r) => r.decision.outcome)).toEqual(['release', 'release']);
    const aliases = { ...shipped.content.default.parameters.model_family_aliases!, decision_tree: ['DecisionTreeClassifier'] };
    const report = await replayDecisions(history, withDefaults({ model_family_aliases: aliases, threshold: 15 }));
    expect(report.changed.map((c) => [c.seq, c.after, c.outputs[0]!.newly_flagged.map((f) => `${f.check}:${f.status}`)])).toEqual([
      [1, 'review', ['model_family:review']],
      [2, 'reject', ['min_count:fail']],
    ]);
    expect(report).toMatchObject({ fully_replayed: 2, incomplete: [] });
  });

  it('replays plots and summaries computed from microdata from the aggregates, keeping extremes the microdata judged', async () => {
    const ages = Array.from({ length: 60 }, (_, i) => `p${i},${21 + i}`).join('\n');
    const microdata = { format: 'csv', data: `pid,age\n${ages}\n` };
    const histogram = { name: 'h', kind: 'plot', type: 'histogram', edges_from_data: false, microdata, spec: { unit: 'pid', values: 'age', edges: [20, 40, 60, 81] } };
    const summary = { name: 's', kind: 'summary', microdata, spec: { unit: 'pid', values: 'age' }, statistics: [{ name: 'age', statistic: 'median' }] };
    const r = await record(1, shipped, 'p1', [histogram, summary]);
    expect(r.decision.outcome).toBe('release');
    expect(JSON.stringify(r.evidence)).not.toContain('p1');
    const same = await replayDecisions([r], shipped);
    expect(same.changed).toEqual([]);
    // Differencing depends on what was released before: kept as recorded too (the two outputs were compared with each other, by units).
    expect(same.kept_as_recorded).toEqual({ 'plot/extremes': 1, 'plot/differencing': 1, 'summary/differencing': 1 });
    // A threshold of 25: the first bin (19 people) and the median of 60 (30 > 25: still passes) …
    const raised = await replayDecisions([r], withDefaults({ threshold: 25 }));
    expect(raised.changed[0]!.outputs.map((o) => [o.name, o.newly_flagged.map((f) => f.check)])).toEqual([['h', ['min_count']]]);
    // … and 31: the median of 60 lies among the 31 smallest (its n of 60 still passes min_count).
    const higher = await replayDecisions([r], withDefaults({ threshold: 31 }));
    expect(higher.changed[0]!.outputs.map((o) => [o.name, o.newly_flagged.map((f) => f.check)])).toEqual([
      ['h', ['min_count']],
      ['s', ['extremes']],
    ]);
  });

  it('never replays record extracts: their records are not stored', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 2 ? 'F' : 'M'},${['E11', 'I10', 'J45'][i % 3]}`).join('\n');
    const r = await record(1, shipped, 'p1', [{ name: 'x', kind: 'records', microdata: { format: 'csv', data: `sex,diagnosis\n${rows}\n` } }]);
    expect(r.evidence?.[0]?.evidence).toBeNull();
    const report = await replayDecisions([r], withDefaults({ k: 50 }));
    expect(report.incomplete).toEqual([{ decision_id: r.decision.id, outputs: ['x'] }]);
  });

  it('marks outputs without stored evidence as not replayed and keeps their recorded outcome', async () => {
    const r = await record(1, shipped, 'p1', [counts('a', 10, 40), counts('b', 30, 40)]);
    const partial: ReplayRecord = { ...r, evidence: r.evidence?.filter((e) => e.output === 'a') };
    const report = await replayDecisions([partial, { ...r, seq: 2, evidence: undefined }], withDefaults({ threshold: 12 }));
    expect(report.incomplete).toEqual([
      { decision_id: r.decision.id, outputs: ['b'] },
      { decision_id: r.decision.id, outputs: ['a', 'b'] },
    ]);
    expect(report.changed.map((c) => [c.seq, c.after, c.not_replayed])).toEqual([[1, 'reject', ['b']]]);
  });

  it('filters by project and skips records that are not decisions', async () => {
    const a = await record(1, shipped, 'p1', [counts('a', 10, 40)]);
    const b = await record(2, shipped, 'p2', [counts('b', 10, 40)]);
    const report = await replayDecisions([a, b, { ...b, seq: 3, kind: 'review' }], withDefaults({ threshold: 12 }), { project: 'p2' });
    expect(report.scanned).toBe(1);
    expect(report.changed.map((c) => c.seq)).toEqual([2]);
  });
});

/** The shipped rules with the v2 table checks off: how a v1 rule set decided. */
function withoutTableChecks(...ids: string[]): Ruleset {
  const checks = { ...shipped.content.default.checks, table: (shipped.content.default.checks.table ?? []).filter((c) => !ids.includes(c)) };
  return rulesetFromContent({ default: { ...shipped.content.default, checks }, projects: shipped.content.projects });
}

describe('replayDecisions: the table checks of version 2', () => {
  const indicator = (ones: number) => ({
    name: 'flag',
    kind: 'table',
    microdata: { format: 'csv', data: `region,flag\n${Array.from({ length: 50 }, (_, i) => `north,${i < ones ? 1 : 0}\n`).join('')}${Array.from({ length: 50 }, (_, i) => `south,${i % 2}\n`).join('')}` },
    spec: { index: 'region', values: 'flag', aggfunc: 'mean', margins: true },
  });

  it('replays binary_measure from the stored distinct/min/max evidence', async () => {
    const history = [await record(1, withoutTableChecks('binary_measure'), 'p1', [indicator(3)]), await record(2, withoutTableChecks('binary_measure'), 'p1', [indicator(20)])];
    expect(history.map((r) => r.decision.outcome)).toEqual(['release', 'release']);
    const report = await replayDecisions(history, shipped);
    expect(report.changed.map((c) => [c.seq, c.after])).toEqual([[1, 'reject']]);
    expect(report.changed[0].outputs[0].newly_flagged).toEqual([{ check: 'binary_measure', status: 'fail', reasons: ['region=north: 3 of 50 contributors have the value 1 (fewer than 10)'] }]);
    expect(report.fully_replayed).toBe(2);
  });

  it('replays all_same from the stored min/max', async () => {
    const constant = { name: 'c', kind: 'table', microdata: { format: 'csv', data: `site,x\n${'A,5\n'.repeat(12)}${Array.from({ length: 12 }, (_, i) => `B,${i}\n`).join('')}` }, spec: { index: 'site', values: 'x', aggfunc: 'mean' } };
    const history = [await record(1, withoutTableChecks('all_same'), 'p1', [constant])];
    expect(history[0].decision.outcome).toBe('release');
    const report = await replayDecisions(history, shipped);
    expect(report.changed[0].outputs[0].newly_flagged.map((f) => f.check)).toEqual(['all_same']);
  });

  it('replays a table with a unit column and margins (a margin less than its cells) without refusing it', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `${i % 2 ? 'x' : 'y'},${i % 3 ? 'a' : 'b'},p${i % 25},${10 + (i % 13)}`).join('\n');
    const units = { name: 'u', kind: 'table', microdata: { format: 'csv', data: `c,r,pid,v\n${rows}\n` }, spec: { index: 'r', columns: 'c', values: 'v', aggfunc: 'mean', unit: 'pid', margins: true } };
    const history = [await record(1, shipped, 'p1', [units])];
    const report = await replayDecisions(history, shipped);
    expect(report).toMatchObject({ fully_replayed: 1, incomplete: [], changed: [] });
    expect(history[0].decision.outcome).toBe('release');
    // Every interior cell has fewer than 20 distinct units (rows would count 20): a threshold of 20 rejects.
    const stricter = await replayDecisions(history, withDefaults({ threshold: 20 }));
    expect(stricter.changed.map((c) => c.after)).toEqual(['reject']);
    expect(stricter.changed[0].outputs[0].newly_flagged.map((f) => f.check)).toEqual(['min_count']);
  });

  it('replays a table submitted with suppressed cells', async () => {
    const cells = [
      { labels: { sex: 'F' }, suppressed: true },
      { labels: { sex: 'M' }, count: 40 },
      { labels: { sex: 'X' }, suppressed: true },
    ];
    const history = [await record(1, shipped, 'p1', [{ name: 's', kind: 'table', cells }])];
    expect(history[0].decision.outcome).toBe('review');
    const report = await replayDecisions(history, withDefaults({ threshold: 50 }));
    expect(report.changed.map((c) => [c.before, c.after])).toEqual([['review', 'reject']]);
    expect(report.fully_replayed).toBe(1);
  });
});

describe('diffRulesets', () => {
  it('lists the changed parameters once for the default and the checks per kind', () => {
    const next = rulesetFromContent({
      default: { ...shipped.content.default, parameters: { ...shipped.content.default.parameters, threshold: 12 }, checks: { ...shipped.content.default.checks, table: ['min_count'] } },
      projects: shipped.content.projects,
    });
    const changes = diffRulesets(shipped, next);
    expect(changes.filter((c) => c.scope === 'default').map((c) => [c.path, c.after])).toEqual([
      ['parameters.threshold', 12],
      ['checks.table', ['min_count']],
    ]);
    // example-strict keeps its own threshold (20); its check list changes only as the default's does.
    expect(changes.filter((c) => c.scope === 'project:example-strict').map((c) => c.path)).toEqual([]);
    expect(diffRulesets(shipped, shipped)).toEqual([]);
  });

  it('shows a project override appearing', () => {
    const next = rulesetFromContent({ default: shipped.content.default, projects: [...shipped.content.projects, { project: 'new', parameters: { threshold: 15 } }] });
    expect(diffRulesets(shipped, next)).toEqual([
      { scope: 'project:new', path: 'override', before: false, after: true, effect: 'neutral', detail: "project new's override is added" },
      { scope: 'project:new', path: 'parameters.threshold', before: 10, after: 15, effect: 'strengthens', detail: 'threshold 10 → 15 (higher is stricter)' },
    ]);
  });
});

describe('notReplayable', () => {
  it('names the checks whose kinds keep no evidence: files always, direct_identifiers on tables replays', () => {
    const list = notReplayable(loadRuleset('rules'));
    expect(list.find((n) => n.kind === 'file')?.checks).toEqual(['file_type', 'formula_cells', 'direct_identifiers', 'file_content']);
    expect(list.some((n) => n.kind === 'table')).toBe(false);
  });
});
