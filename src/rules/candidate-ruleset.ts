/**
 * A candidate rule set sent to the API (governance trying a change before it is deployed), in
 * the shape `GET /v1/rulesets/{digest}` returns (`{ default, projects }`), validated exactly as
 * rule files are. Invalid content is the client's mistake: 422 `RULESET_INVALID` naming where.
 *
 * @example candidateRuleset({ default: { name: 'default', version: '2', parameters: { threshold: 12 }, checks }, projects: [] }).digest
 */
import { AirlockError } from '../errors.js';
import type { ProjectOverride, RuleFile, Ruleset } from './load-ruleset.js';
import { ruleFileIssues, rulesetFromContent } from './load-ruleset.js';

export function candidateRuleset(content: unknown): Ruleset {
  const c = content as { default?: unknown; projects?: unknown };
  if (typeof c !== 'object' || c === null || typeof c.default !== 'object' || !Array.isArray(c.projects)) {
    throw new AirlockError('RULESET_INVALID', 'a candidate rule set is { default: <rule file>, projects: [<override>…] }', [{ pointer: '/candidate', message: 'expected default and projects' }]);
  }
  const issues = [
    ...ruleFileIssues(c.default, 'default', 'candidate default'),
    ...c.projects.flatMap((p, i) => ruleFileIssues(p, 'override', `candidate projects[${i}]`)),
  ];
  if (issues.length) throw new AirlockError('RULESET_INVALID', issues.map((i) => `${i.pointer}: ${i.message}`).slice(0, 10).join('; '), issues.slice(0, 20).map((i) => ({ pointer: i.pointer, message: i.message })));
  const projects = [...(c.projects as ProjectOverride[])].sort((a, b) => (a.project < b.project ? -1 : a.project > b.project ? 1 : 0));
  const seen = new Set<string>();
  for (const p of projects) {
    if (seen.has(p.project)) throw new AirlockError('RULESET_INVALID', `project "${p.project}" has two overrides`, [{ pointer: '/candidate/projects', message: 'duplicate project' }]);
    seen.add(p.project);
  }
  return rulesetFromContent({ default: c.default as RuleFile, projects });
}
