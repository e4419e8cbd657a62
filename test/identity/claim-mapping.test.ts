import { describe, expect, it } from 'vitest';
import { claimMapping } from '../../src/identity/claim-mapping.js';

const base = { iss: 'https://idp.example', sub: 'u-1', name: 'Ann Checker', preferred_username: 'ann', email: 'ann@tre.example' };

describe('claim mapping', () => {
  it('reads role names from the roles claim and projects from the projects claim', () => {
    const m = claimMapping({ rolesClaim: 'roles', roleMap: [], projectsClaim: 'projects', nameClaim: 'name' });
    expect(m.map({ ...base, roles: ['checker', 'nonsense'], projects: ['p1', 'p2'] })).toEqual({
      name: 'oidc:u-1',
      person: { subject: 'u-1', issuer: 'https://idp.example', name: 'Ann Checker', username: 'ann', email: 'ann@tre.example' },
      roles: ['checker'],
      projects: ['p1', 'p2'],
    });
  });

  it('maps groups to roles through value=role pairs, by dotted path, normalised', () => {
    const m = claimMapping({ rolesClaim: 'realm_access.roles', roleMap: ['TRE Output Checkers=checker', 'tre-gov=admin', 'tre-gov=auditor'], projectsClaim: 'projects', nameClaim: 'name' });
    const r = m.map({ ...base, realm_access: { roles: ['tre output checkers ', 'tre-gov', 'checker'] }, projects: '*' });
    // "checker" itself is not in the map: with a map, only mapped values count.
    expect(r.roles).toEqual(['auditor', 'admin', 'checker']);
    expect(r.projects).toBeNull();
  });

  it('fails closed: no projects claim means no project, no role means no sign-in, no subject is refused', () => {
    const m = claimMapping({ rolesClaim: 'roles', roleMap: [], projectsClaim: 'projects', nameClaim: 'name' });
    expect(m.map({ ...base, roles: 'auditor' }).projects).toEqual([]);
    expect(() => m.map({ ...base, roles: [] })).toThrowError(expect.objectContaining({ code: 'SIGN_IN_FAILED' }));
    expect(() => m.map({ ...base, sub: '', roles: ['auditor'] })).toThrowError(expect.objectContaining({ code: 'SIGN_IN_FAILED' }));
    // A hostile claim name never reaches the prototype.
    expect(() => claimMapping({ rolesClaim: '__proto__.roles', roleMap: [], projectsClaim: 'projects', nameClaim: 'name' }).map({ ...base })).toThrowError(expect.objectContaining({ code: 'SIGN_IN_FAILED' }));
  });

  it('falls back from the name claim to username, e-mail and subject', () => {
    const m = claimMapping({ rolesClaim: 'roles', roleMap: [], projectsClaim: 'projects', nameClaim: 'display' });
    expect(m.map({ ...base, roles: ['auditor'] }).person.name).toBe('ann');
    expect(m.map({ iss: 'i', sub: 's', roles: ['auditor'] }).person.name).toBe('s');
  });
});
