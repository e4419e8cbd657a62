import { describe, expect, it } from 'vitest';
import { candidateUnderFloors } from '../../src/rules/candidate-ruleset.js';
import { loadRuleset } from '../../src/rules/load-ruleset.js';

const live = loadRuleset('rules');
const withThreshold = (t: number) => {
  const c = structuredClone(live.content);
  c.default.parameters = { ...c.default.parameters, threshold: t };
  return { default: c.default, projects: c.projects };
};

describe('a candidate rule set sent to the API', () => {
  it('is validated as rule files are (422 RULESET_INVALID naming where)', () => {
    expect(() => candidateUnderFloors(withThreshold(0), undefined)).toThrowError(expect.objectContaining({ code: 'RULESET_INVALID', message: expect.stringMatching(/threshold/) }));
    expect(() => candidateUnderFloors({ default: live.content.default }, undefined)).toThrowError(expect.objectContaining({ code: 'RULESET_INVALID' }));
    const twice = { default: live.content.default, projects: [{ project: 'a', parameters: { threshold: 20 } }, { project: 'a', parameters: { threshold: 30 } }] };
    expect(() => candidateUnderFloors(twice, undefined)).toThrowError(expect.objectContaining({ code: 'RULESET_INVALID', message: expect.stringMatching(/two overrides/) }));
  });

  it('is held to the live floors: below them it says so, without hiding the diff', () => {
    const floors = { parameters: { threshold: 10 } };
    expect(candidateUnderFloors(withThreshold(12), floors).violations).toEqual([]);
    const low = candidateUnderFloors(withThreshold(5), floors);
    expect(low.violations).toEqual([expect.objectContaining({ scope: 'default', message: expect.stringMatching(/threshold 5 is below the floor 10/) })]);
    expect(low.ruleset.content.floors).toEqual(floors);
    // The same content without floors is a different rule set (floors are part of the digest).
    expect(candidateUnderFloors(withThreshold(5), undefined).ruleset.digest).not.toBe(low.ruleset.digest);
  });
});
