import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from '../src/config.js';
import { configTable } from '../src/config-table.js';
import { AirlockError } from '../src/errors.js';

function failure(env: Record<string, string>): AirlockError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof AirlockError) return e;
    throw e;
  }
  throw new Error('loadConfig accepted an invalid configuration');
}

describe('loadConfig', () => {
  it('gives every variable its default and freezes the result', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, corsOrigins: [], rateLimit: 600, rateWindowMs: 60_000, requestTimeoutMs: 300_000, shutdownGraceMs: 25_000, trustProxy: false });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    ['AIRLOCK_CORS_ORIGINS', 'https://a.example.org, https://b.example.org:8443', { corsOrigins: ['https://a.example.org', 'https://b.example.org:8443'] }],
    ['AIRLOCK_CORS_ORIGINS', '*', { corsOrigins: ['*'] }],
    ['AIRLOCK_RATE_LIMIT', '0', { rateLimit: 0 }],
    ['AIRLOCK_SHUTDOWN_GRACE_MS', '5000', { shutdownGraceMs: 5000 }],
    ['AIRLOCK_TRUST_PROXY', 'true', { trustProxy: true }],
    ['AIRLOCK_TRUST_PROXY', '2', { trustProxy: 2 }],
    ['AIRLOCK_TRUST_PROXY', 'loopback, 10.0.0.0/8', { trustProxy: 'loopback, 10.0.0.0/8' }],
    ['AIRLOCK_JSON_LIMIT', '2mb', { jsonLimit: 2 * 1024 ** 2 }],
  ])('reads %s=%s', (name, value, expected) => {
    expect(loadConfig({ [name]: value })).toMatchObject(expected);
  });

  it.each([
    ['PORT', 'eighty'],
    ['LOG_LEVEL', 'loud'],
    ['AIRLOCK_JSON_LIMIT', '12 parsecs'],
    ['AIRLOCK_CORS_ORIGINS', 'portal.example.org'],
    ['AIRLOCK_RATE_LIMIT', '-1'],
    ['AIRLOCK_RATE_WINDOW_MS', '10'],
    ['AIRLOCK_REQUEST_TIMEOUT_MS', 'soon'],
    ['AIRLOCK_SHUTDOWN_GRACE_MS', '0'],
    ['AIRLOCK_TRUST_PROXY', '-3'],
    ['DATABASE_URL', 'mysql://db/x'],
  ])('refuses %s=%s with CONFIG_INVALID naming it', (name, value) => {
    const e = failure({ [name]: value });
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toContain(`${name}=`);
    expect(e.details.map((d) => d.pointer)).toContain(name);
  });

  it('never echoes a credential: a password planted in a bad DATABASE_URL appears in no message or detail', () => {
    for (const url of ['mysql://admin:S3cr3t-pw@db.internal/airlock', 'postgres//admin:S3cr3t-pw@db', 'S3cr3t-pw']) {
      const e = failure({ DATABASE_URL: url, PORT: 'eighty' });
      const everything = JSON.stringify({ message: e.message, details: e.details, stack: e.stack });
      expect(everything).not.toContain('S3cr3t-pw');
      expect(everything).not.toContain('admin');
      expect(e.details.map((d) => d.pointer)).toEqual(expect.arrayContaining(['DATABASE_URL', 'PORT']));
      // Non-secret values are still shown, so a typo can be found.
      expect(e.message).toContain('PORT="eighty"');
    }
  });

  it('names every bad variable at once', () => {
    const e = failure({ PORT: '-1', AIRLOCK_RATE_LIMIT: 'many', AIRLOCK_CORS_ORIGINS: 'ftp://x' });
    expect(new Set(e.details.map((d) => d.pointer))).toEqual(new Set(['PORT', 'AIRLOCK_RATE_LIMIT', 'AIRLOCK_CORS_ORIGINS']));
  });
});

describe('configTable', () => {
  it('has one row per variable, with its default and meaning', () => {
    const table = configTable().trimEnd().split('\n');
    expect(table).toHaveLength(CONFIG_VARIABLES.length + 2);
    for (const v of CONFIG_VARIABLES) expect(table.some((row) => row.startsWith(`| \`${v.env}\` |`) && row.includes(v.doc.slice(0, 20)))).toBe(true);
    expect(table).toContain('| `AIRLOCK_RATE_LIMIT` | `600` | Requests one caller (a configured token; the client address for requests without a valid one) may make per window; over it: 429 with Retry-After. 0 = no limit. |');
  });
});
