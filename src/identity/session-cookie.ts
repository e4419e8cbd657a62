/**
 * The console's cookies. The session cookie is HttpOnly, SameSite=Strict and Secure with the
 * `__Host-` prefix (no Domain, Path=/), except on plain http to a loopback address outside
 * production (a developer's machine, the browser tests), where a Secure cookie would not be
 * sent back and the prefix is not allowed. The sign-in binding cookie lives only for one
 * sign-in, only on the callback path, and is SameSite=Lax: the IdP's redirect back is a
 * cross-site navigation, which a Strict cookie would not accompany.
 *
 * @example
 * res.setHeader('set-cookie', sessionCookie(req, production, id, expiresAt));
 * const id = cookieValue(req, SESSION_COOKIES);
 */
import type { Request } from 'express';

/** The session cookie's names: secure (`__Host-`), and plain for http on loopback in development. */
export const SESSION_COOKIES = ['__Host-airlock-session', 'airlock-session'] as const;
/** The sign-in binding cookie's names. */
export const LOGIN_COOKIES = ['__Secure-airlock-login', 'airlock-login'] as const;
/** Where the binding cookie is sent. */
export const LOGIN_COOKIE_PATH = '/v1/session/callback';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/;

/** True when cookies must be Secure: production, https, or any host but loopback. */
export function secureCookies(req: Request, production: boolean): boolean {
  return production || req.secure || !LOOPBACK.test(req.hostname);
}

/** One cookie's value from the request, by the first of `names` present. */
export function cookieValue(req: Request, names: readonly string[]): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  const found = new Map<string, string>();
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (names.includes(k) && !found.has(k)) found.set(k, part.slice(i + 1).trim());
  }
  for (const n of names) {
    const v = found.get(n);
    if (v) return v;
  }
  return null;
}

function cookie(name: string, value: string, attrs: string[]): string {
  return [`${name}=${value}`, ...attrs].join('; ');
}

/** `Set-Cookie` for a session; `expiresAt` null clears it. */
export function sessionCookie(req: Request, production: boolean, id: string | null, expiresAt: number | null): string {
  const secure = secureCookies(req, production);
  const [secureName, plainName] = SESSION_COOKIES;
  const attrs = ['Path=/', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])];
  const life = id === null || expiresAt === null ? ['Max-Age=0'] : [`Max-Age=${Math.max(0, Math.floor((expiresAt - Date.now()) / 1000))}`];
  return cookie(secure ? secureName : plainName, id ?? '', [...attrs, ...life]);
}

/** `Set-Cookie` for the sign-in binding (ten minutes), or clearing it. */
export function loginCookie(req: Request, production: boolean, binding: string | null): string {
  const secure = secureCookies(req, production);
  const [secureName, plainName] = LOGIN_COOKIES;
  const attrs = [`Path=${LOGIN_COOKIE_PATH}`, 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])];
  return cookie(secure ? secureName : plainName, binding ?? '', [...attrs, binding === null ? 'Max-Age=0' : 'Max-Age=600']);
}
