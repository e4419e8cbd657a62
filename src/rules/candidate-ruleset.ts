/**
 * A candidate rule set sent to the API (governance trying a change before it is deployed), in
 * the shape `GET /v1/rulesets/{digest}` returns (`{ default, projects }`), validated exactly as
 * rule files are. Invalid content is the client's mistake: 422 `RULESET_INVALID` naming where.
 * The candidate is held to the live set's governance floors (`floors.ts`): where it is below
 * them, `violations` says so — it would be refused at load — but the diff is still shown.
 *
 * @example candidateRuleset({ default: { name: 'default', version: '2', parameters: { threshold: 12 }, checks }, projects: [] }).digest
 */
import { AirlockError } from '../errors.js';
import type { ProjectOverride, RuleFile, Ruleset } from './load-ruleset.js';
import { ruleFileIssues, rulesetFromContent } from './load-ruleset.js';
import type { FloorViolation, FloorsFile } from './floors.js';
import { floorViolations } from './floors.js';

/** A candidate rule set under the live floors, with every way it is below them. */
export function candidateUnderFloors(content: unknown, floors: FloorsFile | undefined): { ruleset: Ruleset; violations: FloorViolation[] } {
  const ruleset = candidateRuleset(content, floors);
  const files = { default: 'candidate default', projects: new Map(ruleset.content.projects.map((p, i) => [p.project, `candidate projects[${i}]`])) };
  return { ruleset, violations: floors ? floorViolations({ file: 'the live floors', content: floors }, ruleset.content, files) : [] };
}

export function candidateRuleset(content: unknown, floors?: FloorsFile): Ruleset {
  const c = content as { default?: unknown; projects?: unknown } | null;
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
  return rulesetFromContent({ default: c.default as RuleFile, projects, ...(floors ? { floors } : {}) });
}
