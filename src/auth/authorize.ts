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
