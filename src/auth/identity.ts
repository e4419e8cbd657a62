/**
 * Who a caller is, for the rules that are about people: nobody reviews a request they
 * submitted, and "two distinct checkers" means two distinct people. Identities are compared
 * after `normalise()` (NFKC, case folding, collapsed white space), so `"CHK1 "` is `chk1`; a
 * person is known by their IdP subject, and also answers to their username, e-mail and display
 * name when a request names its `requester` that way.
 *
 * @example
 * identityKey({ name: 'CHK1 ', roles: ['checker'], projects: null }) // 'chk1'
 * namesCaller(person, 'Alice@Example.org') // true when alice's e-mail is alice@example.org
 */
import { normalise } from '../lib/normalise.js';
import type { Caller, Person } from './authenticate.js';

/** The `name` a person is recorded under: stable when their display name changes. */
export function personName(p: Pick<Person, 'subject'>): string {
  return `oidc:${p.subject}`;
}

/**
 * The one key that says "the same checker": a person's subject, or a token's name, normalised.
 *
 * @example identityKey({ name: 'Bob', roles: [], projects: null }) === identityKey({ name: ' bob', roles: [], projects: null }) // true
 */
export function identityKey(caller: Pick<Caller, 'name' | 'person'>): string {
  return normalise(caller.person ? personName(caller.person) : caller.name);
}

/** Every normalised name the caller answers to. */
export function callerAliases(caller: Pick<Caller, 'name' | 'person'>): Set<string> {
  const out = new Set<string>([normalise(caller.name), identityKey(caller)]);
  const p = caller.person;
  if (p) for (const v of [p.subject, p.username, p.email, p.name]) if (v && normalise(v) !== '') out.add(normalise(v));
  return out;
}

/**
 * True when `who` (a record's `submitted_by`, a decision's `requester`) names this caller.
 *
 * @example namesCaller({ name: 'chk1', roles: ['checker'], projects: null }, 'CHK1 ') // true
 */
export function namesCaller(caller: Pick<Caller, 'name' | 'person'>, who: string | null | undefined): boolean {
  if (!who || normalise(who) === '') return false;
  return callerAliases(caller).has(normalise(who));
}
