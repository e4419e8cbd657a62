/**
 * Signing people in and out of the console: `GET /v1/session` (who is signed in, the CSRF token,
 * which sign-in methods exist), `GET /v1/session/login` → the IdP (authorization code + PKCE),
 * `GET /v1/session/callback` ← the IdP, `POST /v1/session/logout`, and outside production with
 * no IdP, `GET /v1/session/dev-identities` + `POST /v1/session/dev`. Sessions live in the audit
 * store's database (`src/identity/session-store.ts`); this file is HTTP only.
 *
 * @example registerSessionRoutes(app, { sessions, oidc, config, json });
 */
import type { Express, Request, RequestHandler, Response } from 'express';
import { AirlockError } from '../../errors.js';
import { schemaValidator, type SchemaAssertion } from '../../api/openapi.js';
import type { Config } from '../../config.js';
import type { Logger } from 'pino';
import { checkCsrf, sessionCaller } from '../../identity/authenticator.js';
import { DEV_IDENTITIES } from '../../identity/dev-identities.js';
import type { OidcSignIn } from '../../identity/oidc-sign-in.js';
import { LOGIN_COOKIES, SESSION_COOKIES, cookieValue, loginCookie, sessionCookie } from '../../identity/session-cookie.js';
import type { SessionStore } from '../../identity/session-store.js';
import { requireJson, route } from '../route.js';

export interface SessionRouteDeps {
  sessions: SessionStore;
  oidc: OidcSignIn | null;
  config: Pick<Config, 'production' | 'publicUrl'>;
  json: RequestHandler;
  logger: Logger;
}

/** Where the console lives; sign-in returns only to paths under it (no open redirect). */
export const CONSOLE_PATH = '/ui';

const validateDevSignIn: SchemaAssertion<'DevSignInRequest'> = schemaValidator('DevSignInRequest');

/** A safe place to return to after sign-in: a path under /ui, else /ui/. */
export function safeReturnTo(v: unknown): string {
  if (typeof v !== 'string' || !/^\/ui(\/[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*)?$/.test(v) || v.includes('//') || v.includes('\\')) return `${CONSOLE_PATH}/`;
  return v;
}

function baseUrl(req: Request, config: Pick<Config, 'publicUrl'>): string {
  return config.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

export function registerSessionRoutes(app: Express, deps: SessionRouteDeps): void {
  const devSignIn = deps.oidc === null && !deps.config.production;
  const setCookies = (res: Response, ...cookies: string[]) => res.setHeader('set-cookie', cookies);
  // Session answers are never cached: they carry the CSRF token.
  const noStore: RequestHandler = (_req, res, next) => {
    res.setHeader('cache-control', 'no-store');
    next();
  };

  app.get(
    '/v1/session',
    noStore,
    route(async (req, res) => {
      const sign_in = { oidc: deps.oidc !== null, dev: devSignIn };
      const sid = cookieValue(req, SESSION_COOKIES);
      const session = sid ? await deps.sessions.get(sid) : null;
      if (!session) {
        res.json({ signed_in: false, sign_in });
        return;
      }
      const c = sessionCaller(session);
      res.json({ signed_in: true, sign_in, name: c.name, person: session.person, roles: session.roles, projects: session.projects, csrf_token: session.csrf, expires_at: new Date(session.expiresAt).toISOString() });
    }),
  );

  app.get(
    '/v1/session/login',
    noStore,
    route(async (req, res) => {
      if (!deps.oidc) throw new AirlockError('SIGN_IN_UNAVAILABLE', 'no identity provider is configured (AIRLOCK_OIDC_ISSUER)');
      const secrets = deps.oidc.secrets();
      const url = await deps.oidc.authorizationUrl(secrets, `${baseUrl(req, deps.config)}/v1/session/callback`);
      const binding = await deps.sessions.putLogin({ ...secrets, returnTo: safeReturnTo(req.query.return_to) }, 600_000);
      setCookies(res, loginCookie(req, deps.config.production, binding));
      res.redirect(303, url.href);
    }),
  );

  app.get(
    '/v1/session/callback',
    noStore,
    route(async (req, res) => {
      if (!deps.oidc) throw new AirlockError('SIGN_IN_UNAVAILABLE', 'no identity provider is configured (AIRLOCK_OIDC_ISSUER)');
      const binding = cookieValue(req, LOGIN_COOKIES);
      const attempt = binding ? await deps.sessions.takeLogin(binding) : null;
      const fail = (code: string) => {
        setCookies(res, loginCookie(req, deps.config.production, null));
        res.redirect(303, `${CONSOLE_PATH}/sign-in?error=${encodeURIComponent(code)}`);
      };
      if (!attempt) return fail('no_attempt');
      try {
        const callback = new URL(req.originalUrl, `${baseUrl(req, deps.config)}`);
        const { identity, idToken } = await deps.oidc.finish(attempt, callback);
        const s = await deps.sessions.create({ person: identity.person, roles: identity.roles, projects: identity.projects, idToken });
        deps.logger.info({ person: identity.name, roles: identity.roles, via: 'oidc' }, 'console sign-in');
        setCookies(res, loginCookie(req, deps.config.production, null), sessionCookie(req, deps.config.production, s.id, s.expiresAt));
        res.redirect(303, attempt.returnTo);
      } catch (e) {
        deps.logger.warn({ err: (e as Error).message }, 'console sign-in refused');
        fail(e instanceof AirlockError ? e.code : 'SIGN_IN_FAILED');
      }
    }),
  );

  app.post(
    '/v1/session/logout',
    noStore,
    route(async (req, res) => {
      const sid = cookieValue(req, SESSION_COOKIES);
      const session = sid ? await deps.sessions.get(sid) : null;
      if (!sid || !session) throw new AirlockError('UNAUTHENTICATED', 'no console session to end');
      checkCsrf(req, session, deps.config.publicUrl);
      await deps.sessions.revoke(sid);
      setCookies(res, sessionCookie(req, deps.config.production, null, null));
      const end = deps.oidc && session.person.issuer === deps.oidc.issuer ? await deps.oidc.endSessionUrl(session.idToken, `${baseUrl(req, deps.config)}${CONSOLE_PATH}/`) : null;
      res.json({ signed_in: false, end_session_url: end });
    }),
  );

  app.get('/v1/session/dev-identities', noStore, (_req, res, next) => {
    if (!devSignIn) return next(new AirlockError('SIGN_IN_UNAVAILABLE', deps.config.production ? 'dev sign-in is refused with NODE_ENV=production' : 'dev sign-in is off while an identity provider is configured'));
    res.json({ identities: DEV_IDENTITIES.map((d) => ({ id: d.id, name: d.person.name, roles: d.roles, projects: d.projects, note: d.note })) });
  });

  app.post(
    '/v1/session/dev',
    noStore,
    requireJson,
    deps.json,
    route(async (req, res) => {
      if (!devSignIn) throw new AirlockError('SIGN_IN_UNAVAILABLE', deps.config.production ? 'dev sign-in is refused with NODE_ENV=production' : 'dev sign-in is off while an identity provider is configured');
      const body: unknown = req.body;
      validateDevSignIn(body);
      const d = DEV_IDENTITIES.find((x) => x.id === body.identity);
      if (!d) throw new AirlockError('NOT_FOUND', `no dev identity ${body.identity}`);
      const s = await deps.sessions.create({ person: d.person, roles: d.roles, projects: d.projects });
      deps.logger.info({ person: `oidc:${d.person.subject}`, roles: d.roles, via: 'dev' }, 'console sign-in (dev identity)');
      setCookies(res, sessionCookie(req, deps.config.production, s.id, s.expiresAt));
      res.status(201).json({ signed_in: true, person: d.person, roles: d.roles, projects: d.projects, csrf_token: s.csrf, expires_at: new Date(s.expiresAt).toISOString() });
    }),
  );
}
