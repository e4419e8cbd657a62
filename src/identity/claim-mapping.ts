/**
 * From an IdP's claims to an airlock caller: who (subject, issuer, display name, username,
 * e-mail), which roles (a configured claim, its values mapped through `value=role` pairs or
 * read as role names) and which projects (a configured claim; `*` means all). Fail closed: a
 * person without the projects claim has no project, and one without any mapped role is not
 * signed in at all.
 *
 * @example
 * const m = claimMapping({ rolesClaim: 'groups', roleMap: ['tre-checkers=checker'], projectsClaim: 'projects', nameClaim: 'name' });
 * m.map({ iss: 'https://idp', sub: 'u1', name: 'Ann', groups: ['tre-checkers'], projects: ['p1'] }).roles // ['checker']
 */
import type { Person } from '../auth/authenticate.js';
import { personName } from '../auth/identity.js';
import { ROLE_VALUES, type Role } from '../domain.js';
import { AirlockError } from '../errors.js';
import { normalise } from '../lib/normalise.js';

export interface ClaimMappingConfig {
  rolesClaim: string;
  /** `value=role` pairs; empty = the claim's values are role names. */
  roleMap: readonly string[];
  projectsClaim: string;
  nameClaim: string;
}

/** Who a set of claims names and what they may do. */
export interface MappedIdentity {
  /** `oidc:<subject>`: the caller's recorded name. */
  name: string;
  person: Person;
  roles: Role[];
  /** null = every project. */
  projects: string[] | null;
}

/** A claim by dotted path (`realm_access.roles`), own properties only. */
function claimAt(claims: Record<string, unknown>, path: string): unknown {
  let at: unknown = claims;
  for (const part of path.split('.')) {
    if (typeof at !== 'object' || at === null || !Object.prototype.hasOwnProperty.call(at, part)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

/** A claim's string values: a string (space- or comma-separated lists split), or a list of strings. */
function stringsOf(v: unknown): string[] {
  if (typeof v === 'string') return v.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x !== '');
  return [];
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

export function claimMapping(config: ClaimMappingConfig) {
  const roleOf = new Map<string, Role[]>();
  for (const pair of config.roleMap) {
    const i = pair.lastIndexOf('=');
    const value = normalise(pair.slice(0, i));
    const role = pair.slice(i + 1).trim() as Role;
    if (!ROLE_VALUES.includes(role)) throw new AirlockError('CONFIG_INVALID', `AIRLOCK_OIDC_ROLE_MAP: "${role}" is not a role`);
    roleOf.set(value, [...(roleOf.get(value) ?? []), role]);
  }
  return {
    /**
     * The identity the claims describe. Throws `SIGN_IN_FAILED` without `iss`/`sub` or without
     * any airlock role.
     */
    map(claims: Record<string, unknown>): MappedIdentity {
      const subject = text(claims.sub);
      const issuer = text(claims.iss);
      if (!subject || !issuer) throw new AirlockError('SIGN_IN_FAILED', 'the identity provider sent no subject or issuer');
      const values = stringsOf(claimAt(claims, config.rolesClaim)).map(normalise);
      const roles = new Set<Role>();
      for (const v of values) {
        if (roleOf.size > 0) for (const r of roleOf.get(v) ?? []) roles.add(r);
        else if ((ROLE_VALUES as string[]).includes(v)) roles.add(v as Role);
      }
      if (roles.size === 0) throw new AirlockError('SIGN_IN_FAILED', `the identity provider grants this person no airlock role (claim "${config.rolesClaim}")`);
      const projectValues = stringsOf(claimAt(claims, config.projectsClaim));
      const projects = projectValues.includes('*') ? null : [...new Set(projectValues)];
      const username = text(claims.preferred_username);
      const email = text(claims.email);
      const name = text(claimAt(claims, config.nameClaim)) ?? username ?? email ?? subject;
      const person: Person = { subject, issuer, name, ...(username ? { username } : {}), ...(email ? { email } : {}) };
      return { name: personName(person), person, roles: ROLE_VALUES.filter((r) => roles.has(r)), projects };
    },
  };
}
