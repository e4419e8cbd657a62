/**
 * What a caller may do: a route needs one role, and a project-scoped action also needs the
 * caller's token to cover that project (a token without `projects` covers all). Roles do not
 * imply one another (see `ROLES` in domain.ts).
 *
 * @example
 * authorize(caller, 'submitter', body.project); // throws FORBIDDEN
 */
import type { Role } from '../domain.js';
import { AirlockError } from '../errors.js';
import { normalise } from '../lib/normalise.js';
import { isPattern, patternRegex } from '../rules/populations.js';
import type { Caller } from './authenticate.js';

/**
 * True when the caller's token covers `project` (a token without `projects` covers every project).
 *
 * @example mayAccessProject({ name: 'a', roles: ['auditor'], projects: ['p1'] }, 'p2') // false
 */
export function mayAccessProject(caller: Caller, project: string): boolean {
  return caller.projects === null || caller.projects.includes(project);
}

/**
 * True when the caller's token covers `dataset` (a token without `datasets` covers every
 * dataset, and the absence of one). A token limited to datasets covers no request without a
 * dataset: the dataset is the platform's attestation, and a restricted token must make it.
 *
 * @example mayAccessDataset({ name: 'a', roles: ['submitter'], projects: null, datasets: ['cohort-*'] }, 'Cohort-2026') // true
 */
export function mayAccessDataset(caller: Caller, dataset: string | null): boolean {
  if (!caller.datasets) return true;
  if (dataset === null) return false;
  const name = normalise(dataset);
  return caller.datasets.some((d) => {
    const n = normalise(d);
    return isPattern(n) ? patternRegex(n).test(name) : n === name;
  });
}

/**
 * Throws `FORBIDDEN` unless the caller's token covers the request's dataset (see `mayAccessDataset`).
 *
 * @example authorizeDataset(caller, null) // throws FORBIDDEN for a token limited to datasets
 */
export function authorizeDataset(caller: Caller, dataset: string | null): void {
  if (mayAccessDataset(caller, dataset)) return;
  throw new AirlockError(
    'FORBIDDEN',
    dataset === null ? `token "${caller.name}" is limited to some datasets: the request must name its dataset` : `token "${caller.name}" is not allowed for dataset "${dataset}"`,
  );
}

/**
 * Throws `FORBIDDEN` unless the caller has `role` and, when `project` is given, covers it.
 *
 * @example authorize({ name: 'a', roles: ['auditor'], projects: null }, 'submitter') // throws FORBIDDEN
 */
export function authorize(caller: Caller, role: Role, project?: string | null): void {
  if (!caller.roles.includes(role)) {
    throw new AirlockError('FORBIDDEN', `token "${caller.name}" does not have the ${role} role`);
  }
  if (project !== undefined && project !== null && !mayAccessProject(caller, project)) {
    throw new AirlockError('FORBIDDEN', `token "${caller.name}" is not allowed for project "${project}"`);
  }
}
