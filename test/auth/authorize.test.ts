import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/auth/authenticate.js';
import { authorize, mayAccessProject } from '../../src/auth/authorize.js';
import { ROLE_VALUES, type Role } from '../../src/domain.js';

describe('authorize: every role × project combination', () => {
  const callers: Caller[] = [
    ...ROLE_VALUES.map((r) => ({ name: `${r}-all`, roles: [r], projects: null })),
    ...ROLE_VALUES.map((r) => ({ name: `${r}-p1`, roles: [r], projects: ['p1'] })),
  ];
  const cases = callers.flatMap((c) =>
    ROLE_VALUES.flatMap((need) =>
      ([undefined, 'p1', 'p2'] as const).map((project) => {
        const allowed = c.roles.includes(need) && (project === undefined || c.projects === null || c.projects.includes(project));
        return [c.name, need, project ?? '(none)', allowed, c] as [string, Role, string, boolean, Caller];
      }),
    ),
  );

  it.each(cases)('%s needing %s for project %s → allowed %s', (_, need, project, allowed, caller) => {
    const run = () => authorize(caller, need, project === '(none)' ? undefined : project);
    if (allowed) expect(run).not.toThrow();
    else expect(run).toThrow(expect.objectContaining({ code: 'FORBIDDEN', status: 403 }));
  });

  it('roles do not imply one another: admin is not auditor', () => {
    expect(() => authorize({ name: 'a', roles: ['admin'], projects: null }, 'auditor')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('mayAccessProject', () => {
    expect(mayAccessProject({ name: 'a', roles: ['auditor'], projects: ['p1', 'p3'] }, 'p3')).toBe(true);
    expect(mayAccessProject({ name: 'a', roles: ['auditor'], projects: ['p1'] }, 'p2')).toBe(false);
  });
});
