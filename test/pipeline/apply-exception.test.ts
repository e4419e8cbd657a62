import { describe, expect, it } from 'vitest';
import type { Finding, OutputDecision } from '../../src/domain.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { makeDecision } from '../../src/pipeline/make-decision.js';
import { applyException } from '../../src/pipeline/apply-exception.js';
import { loadRuleset } from '../../src/rules/load-ruleset.js';

const f = (check: Finding['check'], status: Finding['status']): Finding => ({ check, status, message: 'm', remedy: '' });
const out = (findings: Finding[], outcome: OutputDecision['outcome']): OutputDecision => ({ name: 't', kind: 'table', sha256: '0'.repeat(64), outcome, findings });
const justification = 'These are counts of hospitals, which are public.';

describe('applyException', () => {
  it.each<[string, Finding[], OutputDecision['outcome'], OutputDecision['outcome']]>([
    ['a failing output goes to review', [f('min_count', 'fail'), f('zeros', 'pass')], 'reject', 'review'],
    ['a review output stays review', [f('negative', 'review')], 'review', 'review'],
    ['a passing output stays release', [f('min_count', 'pass')], 'release', 'release'],
    ['an output no check vouched for stays review', [], 'review', 'review'],
  ])('%s', (_n, findings, before, after) => {
    const original = out(findings, before);
    const r = applyException(original, { justification });
    expect(r.outcome).toBe(after);
    expect(r.exception).toEqual({ justification });
    expect(r.findings.filter((x) => x.status === 'fail')).toEqual([]);
    expect(original.findings).toEqual(findings);
  });

  it('keeps the original status on each excepted finding', () => {
    const r = applyException(out([f('min_count', 'fail'), f('negative', 'review')], 'reject'), { justification });
    expect(r.findings.map((x) => [x.check, x.status, x.original_status])).toEqual([
      ['min_count', 'review', 'fail'],
      ['negative', 'review', undefined],
    ]);
  });

  it('turns a rejected table into review through the engine, recording the justification', async () => {
    const rules = loadRuleset('rules');
    const output = { name: 't', kind: 'table', cells: [{ labels: { sex: 'F' }, count: 3 }, { labels: { sex: 'M' }, count: 30 }] };
    const plain = await makeDecision({ project: 'p', requester: 'a', outputs: [output] }, { ruleset: () => rules, limits: DEFAULT_LIMITS });
    const excepted = await makeDecision({ project: 'p', requester: 'a', outputs: [{ ...output, exception: { justification } }] }, { ruleset: () => rules, limits: DEFAULT_LIMITS });
    expect(plain.decision.outcome).toBe('reject');
    expect(excepted.decision.outcome).toBe('review');
    expect(excepted.decision.outputs[0].exception).toEqual({ justification });
    expect(excepted.decision.outputs[0].findings.find((x) => x.check === 'min_count')).toMatchObject({ status: 'review', original_status: 'fail' });
    // The protected version is still offered for the checker to weigh.
    expect(excepted.decision.outputs[0].protected).toBeTruthy();
  });

  it('refuses an exception without a real justification', async () => {
    const rules = loadRuleset('rules');
    const body = { project: 'p', requester: 'a', outputs: [{ name: 't', kind: 'table', exception: { justification: 'pls' }, cells: [{ labels: { sex: 'F' }, count: 3 }] }] };
    await expect(makeDecision(body, { ruleset: () => rules, limits: DEFAULT_LIMITS })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});
