/**
 * The bearer tokens airlock accepts, from the file named by `AIRLOCK_TOKENS_FILE` (YAML or
 * JSON): a list of `{ name, sha256, roles, projects? }`. Only the SHA-256 of each token is
 * stored, never the token itself. With no file configured outside production, a development
 * tokens file is created in the data directory on first start, and its plaintext tokens are
 * handed back once so the caller can print them; they cannot be recovered afterwards.
 *
 * @example
 * const t = await resolveTokens({ tokensFile: process.env.AIRLOCK_TOKENS_FILE, dataDir, production });
 * if (t.notice) process.stderr.write(t.notice); // the dev tokens, shown once
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { ROLE_VALUES, type Role } from '../domain.js';
import { normalise } from '../lib/normalise.js';
import { AirlockError } from '../errors.js';

/** One configured token. */
export interface TokenEntry {
  /** Who holds it; recorded as `submitted_by` and in logs. */
  name: string;
  /** Lower-case hex SHA-256 of the token. */
  sha256: string;
  roles: Role[];
  /** Projects the token is limited to; absent = all projects. */
  projects?: string[];
  /**
   * Datasets the token is limited to (names or `*`/`?` patterns, compared after
   * normalisation); absent = any dataset. A submitter limited to datasets must name one of
   * them in every request; a checker limited to datasets reviews only their decisions.
   */
  datasets?: string[];
}

/** JSON Schema of a tokens file. */
export const TOKENS_FILE_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'sha256', 'roles'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200 },
      sha256: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
      roles: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ROLE_VALUES } },
      projects: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } },
      datasets: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile(TOKENS_FILE_SCHEMA);

/** File name of the generated development tokens file inside the data directory. */
export const DEV_TOKENS_FILE = 'dev-tokens.json';

/**
 * Lower-case hex SHA-256 of a token, as the tokens file stores it.
 *
 * @example hashToken('s3cret') // '…64 hex…'
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Parses and validates tokens file text (YAML; JSON is YAML). Throws `CONFIG_INVALID` naming
 * `source` and the offending entries; duplicate names or hashes are refused.
 *
 * @example parseTokens('- { name: ci, sha256: "…", roles: [submitter] }', 'tokens.yaml')
 */
export function parseTokens(text: string, source: string): TokenEntry[] {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new AirlockError('CONFIG_INVALID', `${source} is not valid YAML or JSON: ${(e as Error).message}`, [], { cause: e });
  }
  if (!validate(data)) {
    const details = (validate.errors ?? []).map((e) => ({ pointer: e.instancePath || '/', message: e.message ?? 'invalid' }));
    throw new AirlockError('CONFIG_INVALID', `${source}: ${details.map((d) => `${d.pointer} ${d.message}`).join('; ')}`, details);
  }
  const entries = (data as TokenEntry[]).map((t) => ({ ...t, sha256: t.sha256.toLowerCase() }));
  entries.forEach((t, i) => {
    // `oidc:<subject>` is how people signed in through the IdP are named: no token may pass for one.
    if (normalise(t.name).startsWith('oidc:')) throw new AirlockError('CONFIG_INVALID', `${source}: token names may not start with "oidc:" (entry ${i})`, [{ pointer: `/${i}/name`, message: 'reserved prefix' }]);
  });
  for (const key of ['name', 'sha256'] as const) {
    const seen = new Set<string>();
    entries.forEach((t, i) => {
      // Names are compared as people are (normalised): "CHK1 " and "chk1" are one checker.
      const k = key === 'name' ? normalise(t[key]) : t[key];
      if (seen.has(k)) {
        throw new AirlockError('CONFIG_INVALID', `${source}: two tokens share a ${key} (entry ${i})`, [{ pointer: `/${i}/${key}`, message: 'duplicate' }]);
      }
      seen.add(k);
    });
  }
  return entries;
}

/**
 * Reads and validates a tokens file; `CONFIG_INVALID` when unreadable or invalid.
 *
 * @example const tokens = await loadTokens('/etc/airlock/tokens.yaml');
 */
export async function loadTokens(path: string): Promise<TokenEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new AirlockError('CONFIG_INVALID', `cannot read tokens file ${path}: ${(e as Error).message}`, [], { cause: e });
  }
  return parseTokens(text, path);
}

/** A development token in plaintext, returned only by the call that created it. */
export interface DevToken {
  name: string;
  token: string;
  roles: Role[];
}

/** The development tokens: one per role, then one with every role. */
const DEV_TOKEN_ROLES: { name: string; roles: Role[] }[] = [
  ...ROLE_VALUES.map((r) => ({ name: `dev-${r}`, roles: [r] })),
  { name: 'dev-all', roles: [...ROLE_VALUES] },
];

/**
 * Returns the development tokens file in `dataDir`, creating it (mode 0600) when absent. Only
 * the call that creates it gets the plaintext tokens (`created`); afterwards only hashes exist.
 *
 * @example const { path, created } = await ensureDevTokens('./data'); // created: DevToken[] | null
 */
export async function ensureDevTokens(dataDir: string): Promise<{ path: string; created: DevToken[] | null }> {
  const path = resolve(dataDir, DEV_TOKENS_FILE);
  const created: DevToken[] = DEV_TOKEN_ROLES.map(({ name, roles }) => ({ name, roles, token: `airlock_dev_${randomBytes(24).toString('base64url')}` }));
  const entries: TokenEntry[] = created.map(({ name, roles, token }) => ({ name, sha256: hashToken(token), roles }));
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await writeFile(path, `${JSON.stringify(entries, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return { path, created: null };
    throw new AirlockError('CONFIG_INVALID', `cannot write development tokens ${path}: ${(e as Error).message}`, [], { cause: e });
  }
  return { path, created };
}

/** What `resolveTokens` found. */
export interface ResolvedTokens {
  tokens: TokenEntry[];
  /** The file the tokens came from. */
  path: string;
  /** True for the generated development tokens file. */
  dev: boolean;
  /**
   * The plaintext development tokens, only from the call that created the file (a server may
   * keep them in memory, e.g. to hand tests a token for a role); absent otherwise.
   */
  devTokens?: DevToken[];
  /**
   * Text to print once to the console (not to the structured log, which is kept): the
   * plaintext dev tokens when just created, otherwise where the dev tokens file is.
   */
  notice?: string;
}

/**
 * Loads the configured tokens file; without one, uses (creating on first start) the dev tokens
 * file in `dataDir`, or throws `CONFIG_INVALID` in production.
 *
 * @example
 * const t = await resolveTokens({ tokensFile: null, dataDir: './data', production: false });
 * t.dev // true
 */
export async function resolveTokens(options: { tokensFile?: string | null; dataDir: string; production: boolean }): Promise<ResolvedTokens> {
  if (options.tokensFile) {
    return { tokens: await loadTokens(options.tokensFile), path: options.tokensFile, dev: false };
  }
  if (options.production) {
    throw new AirlockError('CONFIG_INVALID', 'no tokens file configured (AIRLOCK_TOKENS_FILE); a production service will not accept development tokens');
  }
  const { path, created } = await ensureDevTokens(options.dataDir);
  const tokens = await loadTokens(path);
  const notice = created
    ? [
        `DEVELOPMENT TOKENS created in ${path}. They are shown only now; delete the file to get new ones.`,
        ...created.map((t) => `  ${t.name.padEnd(14)} ${t.roles.join(',').padEnd(34)} ${t.token}`),
        'Configure AIRLOCK_TOKENS_FILE before real use.',
        '',
      ].join('\n')
    : `Using DEVELOPMENT TOKENS from ${path} (plaintext was shown when it was created; delete the file to get new ones).\n`;
  return { tokens, path, dev: true, notice, ...(created ? { devTokens: created } : {}) };
}
