/**
 * Express middleware for access control: authenticates the bearer token, checks the route's
 * role, and leaves the caller in `res.locals.caller` for handlers (which check the project with
 * `authorize(caller, role, project)` once they know it, e.g. after reading the body).
 * Failures go to `next(err)` as `UNAUTHENTICATED` (401) or `FORBIDDEN` (403).
 *
 * @example
 * app.get('/v1/decisions', requireRole(tokens, 'auditor'), (req, res) => {
 *   const caller = callerOf(res);
 * });
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Role } from '../domain.js';
import { AirlockError } from '../errors.js';
import { authenticate, type Caller } from './authenticate.js';
import { authorize } from './authorize.js';
import type { TokenEntry } from './tokens.js';

/** Tokens, or a function returning the current ones (so a reload needs no new middleware). */
export type TokenSource = readonly TokenEntry[] | (() => readonly TokenEntry[]);

/**
 * Who is calling, from the whole request: static tokens, and (`src/identity/`) console
 * sessions and IdP access tokens. Throws `UNAUTHENTICATED`, `CSRF_REJECTED` or `FORBIDDEN`.
 */
export interface Authenticator {
  authenticate(req: Request): Promise<Caller>;
}

/** Static tokens only, as an authenticator. */
export function tokenAuthenticator(tokens: TokenSource): Authenticator {
  return { authenticate: async (req) => authenticate(req.headers.authorization, typeof tokens === 'function' ? tokens() : tokens) };
}

function authenticatorOf(source: TokenSource | Authenticator): Authenticator {
  return typeof source === 'object' && 'authenticate' in source ? source : tokenAuthenticator(source);
}

/**
 * Middleware requiring a known token with `role`.
 *
 * @example router.post('/v1/decisions', requireRole(tokens, 'submitter'), handler)
 */
export function requireRole(tokens: TokenSource | Authenticator, role: Role): RequestHandler {
  const auth = authenticatorOf(tokens);
  return (req, res, next) => {
    auth.authenticate(req).then(
      (caller) => {
        try {
          authorize(caller, role);
          res.locals.caller = caller;
          next();
        } catch (e) {
          next(e);
        }
      },
      (e: unknown) => next(e),
    );
  };
}

/**
 * Middleware requiring a known token with at least one of `roles` (e.g. rule sets are read by
 * admins and auditors alike).
 *
 * @example app.get('/v1/rulesets/:digest', requireAnyRole(tokens, ['admin', 'auditor']), handler)
 */
export function requireAnyRole(tokens: TokenSource | Authenticator, roles: readonly Role[]): RequestHandler {
  const auth = authenticatorOf(tokens);
  return (req, res, next) => {
    auth.authenticate(req).then(
      (caller) => {
        if (!roles.some((r) => caller.roles.includes(r))) return next(new AirlockError('FORBIDDEN', `"${caller.name}" has none of the roles ${roles.join(', ')}`));
        res.locals.caller = caller;
        next();
      },
      (e: unknown) => next(e),
    );
  };
}

/**
 * The name of the caller an `Authorization` header value authenticates as, or null (no
 * token, or one not configured); never throws. For the rate limiter, which runs before any
 * route's authentication.
 *
 * @example identifyCaller(tokens)('Bearer airlock_dev_x') // 'dev-submitter'
 */
export function identifyCaller(tokens: TokenSource): (authorization: string | undefined) => string | null {
  return (authorization) => {
    try {
      return authenticate(authorization, typeof tokens === 'function' ? tokens() : tokens).name;
    } catch {
      return null;
    }
  };
}

/**
 * The caller `requireRole` authenticated; `INTERNAL` if the route forgot the middleware.
 *
 * @example const caller = callerOf(res); authorize(caller, 'submitter', body.project);
 */
export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new AirlockError('INTERNAL', 'route has no authentication middleware');
  return caller;
}
