import { AirlockError } from '../errors.js';
/**
 * True when the caller's token covers `project` (a token without `projects` covers every project).
 *
 * @example mayAccessProject({ name: 'a', roles: ['auditor'], projects: ['p1'] }, 'p2') // false
 */
export function mayAccessProject(caller, project) {
    return caller.projects === null || caller.projects.includes(project);
}
/**
 * Throws `FORBIDDEN` unless the caller has `role` and, when `project` is given, covers it.
 *
 * @example authorize({ name: 'a', roles: ['auditor'], projects: null }, 'submitter') // throws FORBIDDEN
 */
export function authorize(caller, role, project) {
    if (!caller.roles.includes(role)) {
        throw new AirlockError('FORBIDDEN', `token "${caller.name}" does not have the ${role} role`);
    }
    if (project !== undefined && project !== null && !mayAccessProject(caller, project)) {
        throw new AirlockError('FORBIDDEN', `token "${caller.name}" is not allowed for project "${project}"`);
    }
}
//# sourceMappingURL=authorize.js.map