/**
 * Who is calling: `Authorization: Bearer <token>` → the configured token's name, roles and
 * projects. The token's SHA-256 is compared with every configured hash in constant time, and
 * the loop never stops early, so response timing reveals neither whether nor which entry matched.
 *
 * @example
 * const caller = authenticate(req.headers.authorization, tokens); // throws UNAUTHENTICATED
 * caller.name // 'ci-pipeline'
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Role } from '../domain.js';
import { AirlockError } from '../errors.js';
import type { TokenEntry } from './tokens.js';
import { at } from '../lib/invariant.js';

/**
 * A person signed in through the TRE's identity provider (a console session or an IdP access
 * token): who they are, as the IdP says.
 */
export interface Person {
  /** The IdP's stable subject identifier (`sub`). */
  subject: string;
  /** The issuer that vouches for `subject`. */
  issuer: string;
  /** Display name (from the configured name claim). */
  name: string;
  /** `preferred_username`, when the IdP sends one. */
  username?: string;
  /** `email`, when the IdP sends one. */
  email?: string;
}

/** An authenticated caller. */
export interface Caller {
  /**
   * Who, as recorded in `submitted_by` and logs: the token's configured name, or for a person
   * `oidc:<subject>` (stable when their display name changes).
   */
  name: string;
  roles: readonly Role[];
  /** Projects the caller is limited to; null = every project. */
  projects: readonly string[] | null;
  /** Datasets (names or patterns) the caller is limited to; null or absent = every dataset. */
  datasets?: readonly string[] | null;
  /** Present when the caller is a person (session or IdP access token), absent for static tokens. */
  person?: Person;
  /** How the caller authenticated: a static token, a console session, or an IdP access token. */
  via?: 'token' | 'session' | 'access_token';
}

const digests = new WeakMap<readonly TokenEntry[], Buffer[]>();

function digestsOf(tokens: readonly TokenEntry[]): Buffer[] {
  let d = digests.get(tokens);
  if (!d) {
    d = tokens.map((t) => Buffer.from(t.sha256, 'hex'));
    digests.set(tokens, d);
  }
  return d;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/**
 * The token in an `Authorization: Bearer <token>` header value, or null. The one parse of the
 * header: authentication and the per-token rate limit read the same token.
 *
 * @example bearerToken('Bearer abc') // 'abc'
 */
export function bearerToken(header: string | undefined): string | null {
  return header === undefined ? null : (BEARER.exec(header)?.[1] ?? null);
}

/**
 * The caller presenting this `Authorization` header value. Throws `UNAUTHENTICATED` when the
 * header is missing, not a bearer token, or the token is unknown.
 *
 * @example authenticate('Bearer airlock_dev_x', tokens).roles // ['submitter']
 */
export function authenticate(header: string | undefined, tokens: readonly TokenEntry[]): Caller {
  const token = bearerToken(header);
  if (token === null) throw new AirlockError('UNAUTHENTICATED', 'send Authorization: Bearer <token>');
  const presented = createHash('sha256').update(token, 'utf8').digest();
  const known = digestsOf(tokens);
  let match: TokenEntry | undefined;
  for (let i = 0; i < known.length; i++) {
    // Every entry is compared, match or not; all digests are 32 bytes, as timingSafeEqual requires.
    const equal = at(known, i).length === presented.length && timingSafeEqual(at(known, i), presented);
    if (equal) match = tokens[i];
  }
  if (!match) throw new AirlockError('UNAUTHENTICATED', 'the bearer token is not known');
  return { name: match.name, roles: match.roles, projects: match.projects ?? null, datasets: match.datasets ?? null, via: 'token' };
}
