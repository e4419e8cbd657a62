/**
 * Console sessions and sign-in attempts, kept in the audit store's database (side tables,
 * `src/audit/side-store.ts`), so any replica answers any request: nothing lives only in one
 * process. The browser holds a random session id in an HttpOnly cookie; the database holds only
 * its SHA-256, so a copy of the table signs nobody in. A session ends at its absolute expiry,
 * after an idle period, or at sign-out (deleted: every replica sees it at once).
 *
 * A sign-in attempt (OIDC state, nonce, PKCE verifier, where to return) is keyed by the hash of
 * a random binding held in a short-lived cookie of the browser that started it, and is taken
 * exactly once, so a callback cannot be replayed or completed in another browser.
 *
 * @example
 * const sessions = createSessionStore(db, { ttlMs: 8 * 3600_000, idleMs: 3600_000 });
 * const { id, csrf } = await sessions.create({ person, roles: ['checker'], projects: ['p1'] });
 * (await sessions.get(id))?.person.name // 'Ann Checker'
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Person } from '../auth/authenticate.js';
import type { Role } from '../domain.js';
import type { SideStore } from '../audit/side-store.js';

/** The side tables sessions need. */
export const SESSION_TABLES: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS {sessions} (
     id_hash TEXT PRIMARY KEY,
     csrf TEXT NOT NULL,
     person TEXT NOT NULL,
     roles TEXT NOT NULL,
     projects TEXT,
     id_token TEXT,
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     last_seen BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS {login_attempts} (
     binding_hash TEXT PRIMARY KEY,
     state TEXT NOT NULL,
     nonce TEXT NOT NULL,
     verifier TEXT NOT NULL,
     return_to TEXT NOT NULL,
     expires_at BIGINT NOT NULL)`,
];

/** A signed-in person's session. */
export interface Session {
  person: Person;
  roles: Role[];
  /** null = every project. */
  projects: string[] | null;
  /** The token state-changing calls must echo in `X-CSRF-Token`. */
  csrf: string;
  createdAt: number;
  expiresAt: number;
  /** The IdP's ID token, kept for RP-initiated sign-out (`id_token_hint`). */
  idToken: string | null;
}

/** A sign-in under way. */
export interface LoginAttempt {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

export interface SessionStore {
  /** Starts a session; returns the id for the cookie (never stored) and the CSRF token. */
  create(s: { person: Person; roles: Role[]; projects: string[] | null; idToken?: string | null }): Promise<{ id: string; csrf: string; expiresAt: number }>;
  /** The live session for a cookie value, or null (unknown, expired, idle too long); refreshes its idle clock. */
  get(id: string): Promise<Session | null>;
  /** Ends a session (sign-out). */
  revoke(id: string): Promise<void>;
  /** Keeps a sign-in attempt for `ttlMs`; returns the binding for the browser's cookie. */
  putLogin(a: LoginAttempt, ttlMs: number): Promise<string>;
  /** Takes (and deletes) the attempt bound to this cookie value, or null when unknown or expired. */
  takeLogin(binding: string): Promise<LoginAttempt | null>;
  /** Deletes expired sessions and attempts. */
  purge(): Promise<void>;
}

export interface SessionOptions {
  /** Absolute lifetime of a session. */
  ttlMs: number;
  /** A session unused this long ends. */
  idleMs: number;
  now?: () => number;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const random = () => randomBytes(32).toString('base64url');

/** How often a session's idle clock is written (not on every request). */
const TOUCH_EVERY_MS = 60_000;

interface SessionRow {
  csrf: string;
  person: string;
  roles: string;
  projects: string | null;
  id_token: string | null;
  created_at: number | string;
  expires_at: number | string;
  last_seen: number | string;
}

export function createSessionStore(db: SideStore, opts: SessionOptions): SessionStore {
  const now = opts.now ?? Date.now;
  return {
    async create(s) {
      const id = random();
      const csrf = random();
      const t = now();
      const expiresAt = t + opts.ttlMs;
      await db.run('INSERT INTO {sessions} (id_hash, csrf, person, roles, projects, id_token, created_at, expires_at, last_seen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7)', [
        sha256(id),
        csrf,
        JSON.stringify(s.person),
        JSON.stringify(s.roles),
        s.projects === null ? null : JSON.stringify(s.projects),
        s.idToken ?? null,
        t,
        expiresAt,
      ]);
      return { id, csrf, expiresAt };
    },

    async get(id) {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(id)) return null;
      const key = sha256(id);
      const [row] = await db.all<SessionRow>('SELECT csrf, person, roles, projects, id_token, created_at, expires_at, last_seen FROM {sessions} WHERE id_hash = $1', [key]);
      if (!row) return null;
      const t = now();
      const lastSeen = Number(row.last_seen);
      if (Number(row.expires_at) <= t || lastSeen + opts.idleMs <= t) {
        await db.run('DELETE FROM {sessions} WHERE id_hash = $1', [key]);
        return null;
      }
      if (t - lastSeen >= TOUCH_EVERY_MS) await db.run('UPDATE {sessions} SET last_seen = $2 WHERE id_hash = $1', [key, t]);
      return {
        person: JSON.parse(row.person) as Person,
        roles: JSON.parse(row.roles) as Role[],
        projects: row.projects === null ? null : (JSON.parse(row.projects) as string[]),
        csrf: row.csrf,
        createdAt: Number(row.created_at),
        expiresAt: Number(row.expires_at),
        idToken: row.id_token,
      };
    },

    async revoke(id) {
      await db.run('DELETE FROM {sessions} WHERE id_hash = $1', [sha256(id)]);
    },

    async putLogin(a, ttlMs) {
      const binding = random();
      await db.run('INSERT INTO {login_attempts} (binding_hash, state, nonce, verifier, return_to, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
        sha256(binding),
        a.state,
        a.nonce,
        a.verifier,
        a.returnTo,
        now() + ttlMs,
      ]);
      return binding;
    },

    async takeLogin(binding) {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(binding)) return null;
      const key = sha256(binding);
      const [row] = await db.all<{ state: string; nonce: string; verifier: string; return_to: string; expires_at: number | string }>(
        'SELECT state, nonce, verifier, return_to, expires_at FROM {login_attempts} WHERE binding_hash = $1',
        [key],
      );
      // Taken once: whoever deletes the row owns the attempt (two callbacks racing get one winner).
      if (!row || (await db.run('DELETE FROM {login_attempts} WHERE binding_hash = $1', [key])) !== 1) return null;
      if (Number(row.expires_at) <= now()) return null;
      return { state: row.state, nonce: row.nonce, verifier: row.verifier, returnTo: row.return_to };
    },

    async purge() {
      const t = now();
      await db.run('DELETE FROM {sessions} WHERE expires_at <= $1 OR last_seen <= $2', [t, t - opts.idleMs]);
      await db.run('DELETE FROM {login_attempts} WHERE expires_at <= $1', [t]);
    },
  };
}
