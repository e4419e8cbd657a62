/**
 * The console's one way to the API: same-origin fetch with the session cookie, the session's
 * CSRF token on every state-changing call, RFC 9457 problems as `ApiError`s with their stable
 * code. Types come from openapi.yaml (`npm run build:ui` generates `api-schema.d.ts` with
 * openapi-typescript), so the console can only call what the API documents.
 */
import type { components, operations } from './api-schema';

export type Schemas = components['schemas'];
/** The JSON body of an operation's 200 answer, as openapi.yaml defines it (`OkBody<'listRulesets'>`). */
export type OkBody<O extends keyof operations> = operations[O]['responses'] extends { 200: { content: { 'application/json': infer B } } } ? B : never;
export type SignedRecord = Schemas['SignedRecord'];
export type Decision = Schemas['Decision'];
export type Finding = Schemas['Finding'];
export type ReviewStatus = Schemas['ReviewStatus'];
export type SessionInfo = Schemas['SessionInfo'];

let csrfToken: string | null = null;

/** Dispatched on `window` when a call finds the session gone. */
export const SESSION_ENDED = 'airlock:session-ended';

/** Remembers the session's CSRF token (from GET /v1/session). */
export function setCsrf(token: string | null | undefined): void {
  csrfToken = token ?? null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  const data: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const p = (data ?? {}) as { code?: string; detail?: string; title?: string };
    // The session ended (expired, idle, signed out elsewhere): the shell goes back to sign-in.
    if (res.status === 401 && csrfToken) dispatchEvent(new CustomEvent(SESSION_ENDED));
    throw new ApiError(res.status, p.code ?? 'HTTP_' + res.status, p.detail ?? p.title ?? res.statusText);
  }
  return data as T;
}

/** A query string from the given values, leaving out empty ones. */
export function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
