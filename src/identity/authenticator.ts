/**
 * Every way a caller proves who they are, in one place: a bearer token (a static API token, or
 * the IdP's access token when an audience is configured), else the console's session cookie.
 * A session-authenticated call that changes state must carry the session's CSRF token in
 * `X-CSRF-Token` and must not come from another site (`Sec-Fetch-Site`, `Origin`): 403
 * `CSRF_REJECTED`. Bearer calls need no CSRF defence: a browser never attaches them by itself.
 *
 * @example
 * const auth = createAuthenticator({ tokens, sessions, oidc });
 * app.get('/v1/reviews', requireRole(auth, 'checker'), handler);
 */
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { authenticate, bearerToken, type Caller } from '../auth/authenticate.js';
import type { Authenticator, TokenSource } from '../auth/require-role.js';
import { AirlockError } from '../errors.js';
import type { OidcSignIn } from './oidc-sign-in.js';
import { SESSION_COOKIES, cookieValue } from './session-cookie.js';
import type { Session, SessionStore } from './session-store.js';

export interface AuthenticatorDeps {
  tokens: TokenSource;
  sessions?: SessionStore | null;
  oidc?: OidcSignIn | null;
  /** The external base URL (`AIRLOCK_PUBLIC_URL`): its host is this site even when a proxy rewrites `Host`. */
  publicUrl?: string | null;
}

/** The header a session-authenticated state-changing call carries its CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Throws `CSRF_REJECTED` unless a state-changing call carries the session's token and comes from this site. */
export function checkCsrf(req: Request, session: Pick<Session, 'csrf'>, publicUrl?: string | null): void {
  if (SAFE_METHODS.has(req.method)) return;
  const site = req.get('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new AirlockError('CSRF_REJECTED', `a ${site} request cannot change state with a console session`);
  const origin = req.get('origin');
  if (origin !== undefined && origin !== 'null') {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      throw new AirlockError('CSRF_REJECTED', 'the Origin header is not a URL');
    }
    const ours = [req.get('host'), publicUrl ? new URL(publicUrl).host : undefined];
    if (!ours.includes(host)) throw new AirlockError('CSRF_REJECTED', `a call from ${origin} cannot change state with a console session`);
  }
  const token = req.get(CSRF_HEADER);
  if (!token || !sameText(token, session.csrf)) throw new AirlockError('CSRF_REJECTED', `send the session's CSRF token in ${CSRF_HEADER} (GET /v1/session gives it)`);
}

/** The caller a session stands for. */
export function sessionCaller(s: Session): Caller {
  return { name: `oidc:${s.person.subject}`, roles: s.roles, projects: s.projects, person: s.person, via: 'session' };
}

export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  const tokens = () => (typeof deps.tokens === 'function' ? deps.tokens() : deps.tokens);
  return {
    async authenticate(req) {
      const header = req.headers.authorization;
      if (header !== undefined) {
        try {
          return authenticate(header, tokens());
        } catch (e) {
          const token = bearerToken(header);
          if (!deps.oidc?.acceptsAccessTokens || token === null || !JWT.test(token)) throw e;
          const id = await deps.oidc.verifyAccessToken(token);
          return { name: id.name, roles: id.roles, projects: id.projects, person: id.person, via: 'access_token' };
        }
      }
      const sid = deps.sessions ? cookieValue(req, SESSION_COOKIES) : null;
      if (sid && deps.sessions) {
        const session = await deps.sessions.get(sid);
        if (!session) throw new AirlockError('UNAUTHENTICATED', 'the console session has ended; sign in again');
        checkCsrf(req, session, deps.publicUrl);
        return sessionCaller(session);
      }
      throw new AirlockError('UNAUTHENTICATED', 'send Authorization: Bearer <token>, or sign in to the console');
    },
  };
}
