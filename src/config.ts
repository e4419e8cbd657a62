/**
 * Configuration: every setting comes from an environment variable, is validated with ajv at
 * start-up and frozen. An invalid setting stops start-up with a message naming it. docs/operations.md
 * has the complete table; `CONFIG_VARIABLES` below is its source.
 *
 * @example
 * const config = loadConfig(process.env);
 * config.port; // 8080
 */
import { resolve } from 'node:path';
import { Ajv, type SchemaObject } from 'ajv';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { AirlockError } from './errors.js';

/**
 * One environment variable: where it goes in `Config` (`key`), its JSON Schema, its default
 * (validated with the schema like any set value, so a bad default stops every start-up and
 * every test), how its text is read, and the README's words for it.
 */
interface VarSpec {
  key: string;
  env: string;
  schema: JSONSchema;
  default: unknown;
  parse: (raw: string) => unknown;
  doc: string;
  /** The default as docs/operations.md shows it, when the parsed value would mislead (`128mb`, unset). */
  shown?: string;
  /** The value may hold a credential (a password in a URL): errors name the variable, never its value. */
  secret?: true;
}

const int = (raw: string) => (/^-?\d+$/.test(raw.trim()) ? Number(raw) : raw);
const bytes = (raw: string) => {
  const m = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(raw.trim());
  if (!m) return raw;
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  return Number(m[1]) * unit;
};
const str = (raw: string) => raw;
const list = (raw: string) => raw.split(',').map((s) => s.trim()).filter(Boolean);
const boolOrIntOrStr = (raw: string) => (/^(true|false)$/i.test(raw.trim()) ? raw.trim().toLowerCase() === 'true' : int(raw));

// Literal (`as const`) so that `Config` is derived from each variable's key and schema.
const VARIABLES = [
  { key: 'port', env: 'PORT', schema: { type: 'integer', minimum: 0, maximum: 65535 }, default: 8080, parse: int, doc: 'TCP port to listen on (0 = any free port).' },
  { key: 'host', env: 'HOST', schema: { type: 'string', minLength: 1 }, default: '0.0.0.0', parse: str, doc: 'Address to bind.' },
  { key: 'dataDir', env: 'AIRLOCK_DATA_DIR', schema: { type: 'string', minLength: 1 }, default: './data', parse: str, doc: 'Directory for the SQLite audit store, the dev signing key and dev tokens.' },
  { key: 'rulesDir', env: 'AIRLOCK_RULES_DIR', schema: { type: 'string', minLength: 1 }, default: './rules', parse: str, doc: 'Directory holding default.yaml and projects/*.yaml.' },
  { key: 'floorsFile', env: 'AIRLOCK_FLOORS_FILE', schema: { type: ['string', 'null'], minLength: 1 }, default: null, parse: str, doc: 'Governance floors (the weakest value each rule parameter may take; see docs/governance.md). Unset: `floors.yaml` in AIRLOCK_RULES_DIR if there is one. A rule set below a floor is refused at start-up and on reload; a configured file that is missing stops start-up.' },
  { key: 'checkersRequired', env: 'AIRLOCK_CHECKERS_REQUIRED', schema: { type: 'integer', minimum: 1, maximum: 10 }, default: 2, parse: int, doc: 'How many distinct output checkers must say release before a decision needing review is released (one reject settles it as rejected). A checker can never review a request they submitted.' },
  { key: 'rulesWatch', env: 'AIRLOCK_RULES_WATCH', schema: { type: 'boolean' }, default: true, parse: (raw) => (/^(true|1|yes)$/i.test(raw.trim()) ? true : /^(false|0|no)$/i.test(raw.trim()) ? false : raw), doc: 'Reload the rules when files in AIRLOCK_RULES_DIR change (`false` to reload only on SIGHUP). A rejected rule set is logged and the old one stays active.' },
  { key: 'rulesOperator', env: 'AIRLOCK_RULES_OPERATOR', schema: { type: ['string', 'null'], minLength: 1, maxLength: 200 }, default: null, parse: str, doc: 'Who answers for the rule sets this process loads itself (start-up, file change, SIGHUP), e.g. `governance@tre.example`: named, beside the OS user, host and pid, in each load\'s audit record (`GET /v1/rulesets/loads`). Loads through the API name the caller.' },
  { key: 'logLevel', env: 'LOG_LEVEL', schema: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] }, default: 'info', parse: str, doc: 'pino log level.' },
  { key: 'jsonLimit', env: 'AIRLOCK_JSON_LIMIT', schema: { type: 'integer', minimum: 1024, maximum: 1024 ** 3 }, default: 128 * 1024 ** 2, shown: '`128mb`', parse: bytes, doc: 'Largest application/json body (bytes, or e.g. 128mb). The default admits a 1M-row CSV embedded in JSON.' },
  { key: 'csvLimit', env: 'AIRLOCK_CSV_LIMIT', schema: { type: 'integer', minimum: 1024, maximum: 16 * 1024 ** 3 }, default: 1024 ** 3, shown: '`1gb`', parse: bytes, doc: 'Largest raw text/csv upload (bytes, or e.g. 1gb); streamed, never held as one string.' },
  { key: 'maxRows', env: 'AIRLOCK_MAX_ROWS', schema: { type: 'integer', minimum: 1 }, default: 20_000_000, parse: int, doc: 'Most microdata rows in one output.' },
  { key: 'maxCells', env: 'AIRLOCK_MAX_CELLS', schema: { type: 'integer', minimum: 1 }, default: 100_000, parse: int, doc: 'Most cells in one table, margins included.' },
  { key: 'maxOutputs', env: 'AIRLOCK_MAX_OUTPUTS', schema: { type: 'integer', minimum: 1 }, default: 100, parse: int, doc: 'Most outputs in one request.' },
  { key: 'databaseUrl', env: 'DATABASE_URL', schema: { type: ['string', 'null'], pattern: '^postgres(ql)?://' }, default: null, parse: str, secret: true, doc: 'PostgreSQL audit store (e.g. postgres://user@host/db); unset = embedded SQLite in AIRLOCK_DATA_DIR.' },
  { key: 'databaseSchema', env: 'AIRLOCK_DATABASE_SCHEMA', schema: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,62}$' }, default: 'airlock', parse: str, doc: 'PostgreSQL schema for the audit tables (created and migrated at start-up). Every replica sharing one audit chain uses the same DATABASE_URL and schema.' },
  { key: 'corsOrigins', env: 'AIRLOCK_CORS_ORIGINS', schema: { type: 'array', items: { type: 'string', pattern: '^(\\*|https?://[^/\\s]+)$' } }, default: [], parse: list, doc: 'Comma-separated origins (https://portal.example.org) allowed to call from a browser, or `*`; unset = CORS off.' },
  { key: 'rateLimit', env: 'AIRLOCK_RATE_LIMIT', schema: { type: 'integer', minimum: 0 }, default: 600, parse: int, doc: 'Requests one caller (a configured token; the client address for requests without a valid one) may make per window; over it: 429 with Retry-After. 0 = no limit.' },
  { key: 'rateWindowMs', env: 'AIRLOCK_RATE_WINDOW_MS', schema: { type: 'integer', minimum: 1000 }, default: 60_000, parse: int, doc: 'Rate-limit window, milliseconds.' },
  { key: 'requestTimeoutMs', env: 'AIRLOCK_REQUEST_TIMEOUT_MS', schema: { type: 'integer', minimum: 1000 }, default: 300_000, parse: int, doc: 'Most time one request may take, upload included; past it: 503 REQUEST_TIMEOUT, unless its decision is already being recorded.' },
  { key: 'shutdownGraceMs', env: 'AIRLOCK_SHUTDOWN_GRACE_MS', schema: { type: 'integer', minimum: 1000 }, default: 25_000, parse: int, doc: 'On SIGTERM, how long to wait for in-flight requests (and their audit commits) before exiting; keep it below the orchestrator\'s kill timeout.' },
  { key: 'trustProxy', env: 'AIRLOCK_TRUST_PROXY', schema: { anyOf: [{ type: 'boolean' }, { type: 'integer', minimum: 0 }, { type: 'string', minLength: 1 }] }, default: false, parse: boolOrIntOrStr, doc: 'Express `trust proxy`: `true`, a hop count, or addresses/subnets (`loopback, 10.0.0.0/8`) of the load balancers whose X-Forwarded-For to believe.' },
  { key: 'signingKeyFile', env: 'AIRLOCK_SIGNING_KEY_FILE', schema: { type: ['string', 'null'], minLength: 1 }, default: null, parse: str, doc: 'PEM (PKCS#8) Ed25519 private key that signs decisions. Unset: a development key is generated into AIRLOCK_DATA_DIR (refused when NODE_ENV=production).' },
  { key: 'verificationKeys', env: 'AIRLOCK_VERIFICATION_KEYS', schema: { type: ['string', 'null'], minLength: 1 }, default: null, parse: str, doc: 'Rotated-out public keys that still verify old decisions: a directory of *.pem files or a comma-separated list of files. Published in /.well-known/jwks.json.' },
  { key: 'logKeyFile', env: 'AIRLOCK_LOG_KEY_FILE', schema: { type: ['string', 'null'], minLength: 1 }, default: null, parse: str, doc: 'PEM (PKCS#8) Ed25519 private key signing the transparency log (each record\'s log entry and every checkpoint). Unset: the decision signing key. Its note verifier key is at GET /v1/audit/log-key.' },
  { key: 'logOrigin', env: 'AIRLOCK_LOG_ORIGIN', schema: { type: ['string', 'null'], pattern: '^[^\\s+]+$' }, default: null, parse: str, doc: 'The transparency log\'s origin: the first line of every checkpoint and the name of its signing key (e.g. `airlock.tre.example/audit`). Unset: the host of AIRLOCK_PUBLIC_URL + `/audit`, or `airlock.local/audit`. Changing it starts checkpoints under a new name; keep it stable.' },
  { key: 'witnessUrls', env: 'AIRLOCK_WITNESS_URLS', schema: { type: 'array', items: { type: 'string', pattern: '^https?://' } }, default: [], parse: list, doc: 'Comma-separated URLs each new signed checkpoint is POSTed to (text/plain) after its commit; failures are logged and retried with back-off, never delaying a decision.' },
  { key: 'witnessDirs', env: 'AIRLOCK_WITNESS_DIRS', schema: { type: 'array', items: { type: 'string', minLength: 1 } }, default: [], parse: list, doc: 'Comma-separated directories (keep them off the data volume: another disk, a mounted archive) where each new signed checkpoint is written as `checkpoint` (replaced atomically) and `checkpoint.<size>`.' },
  { key: 'unitKeyFile', env: 'AIRLOCK_UNIT_KEY_FILE', schema: { type: ['string', 'null'], minLength: 1 }, default: null, parse: str, doc: 'At least 32 random bytes (raw, base64 or hex) from which unit-mode differencing derives the HMAC key for unit identifiers and the AES-256-GCM key sealing stored unit sets; keep it apart from the signing key and outside the store (docs/differencing.md). Unset: a development key is generated into AIRLOCK_DATA_DIR (refused when NODE_ENV=production).' },
  { key: 'tokensFile', env: 'AIRLOCK_TOKENS_FILE', schema: { type: ['string', 'null'], minLength: 1 }, default: null, parse: str, doc: 'YAML or JSON list of API tokens `{ name, sha256, roles, projects? }` (SHA-256 of the token, never the token). Unset: development tokens are generated into AIRLOCK_DATA_DIR and printed once (refused when NODE_ENV=production).' },
  { key: 'publicUrl', env: 'AIRLOCK_PUBLIC_URL', schema: { type: ['string', 'null'], pattern: '^https?://[^/\\s]+(/[^\\s]*)?$' }, default: null, parse: (raw) => raw.replace(/\/+$/, ''), doc: 'The external base URL browsers use (https://airlock.tre.example); the OIDC redirect URI is `<this>/v1/session/callback`. Required with an IdP in production.' },
  { key: 'oidcIssuer', env: 'AIRLOCK_OIDC_ISSUER', schema: { type: ['string', 'null'], pattern: '^https?://' }, default: null, parse: str, doc: 'The TRE identity provider (OpenID Connect issuer URL) people sign in to the console with. Unset: no IdP sign-in; outside production a dev sign-in page offers dev identities.' },
  { key: 'oidcClientId', env: 'AIRLOCK_OIDC_CLIENT_ID', schema: { type: ['string', 'null'], minLength: 1 }, default: null, parse: str, doc: 'The client id registered for airlock at the IdP (authorization code + PKCE).' },
  { key: 'oidcClientSecretFile', env: 'AIRLOCK_OIDC_CLIENT_SECRET_FILE', schema: { type: ['string', 'null'], minLength: 1 }, default: null, parse: str, doc: 'File holding the client secret (client_secret_basic). Unset: a public client, PKCE only.' },
  { key: 'oidcScopes', env: 'AIRLOCK_OIDC_SCOPES', schema: { type: 'string', pattern: '(^|\\s)openid(\\s|$)' }, default: 'openid profile email', parse: str, doc: 'Scopes asked for at sign-in (must include `openid`).' },
  { key: 'oidcAudience', env: 'AIRLOCK_OIDC_AUDIENCE', schema: { type: ['string', 'null'], minLength: 1 }, default: null, parse: str, doc: 'The `aud` an IdP access token (JWT, verified against the issuer\'s JWKS) must carry to be accepted as a bearer token. Unset: only static tokens and console sessions.' },
  { key: 'oidcRolesClaim', env: 'AIRLOCK_OIDC_ROLES_CLAIM', schema: { type: 'string', minLength: 1 }, default: 'roles', parse: str, doc: 'Claim (dotted path, e.g. `realm_access.roles`) holding a person\'s roles or groups (a string or a list).' },
  { key: 'oidcRoleMap', env: 'AIRLOCK_OIDC_ROLE_MAP', schema: { type: 'array', items: { type: 'string', pattern: '^[^=]+=(submitter|auditor|admin|checker)$' } }, default: [], parse: list, doc: 'Comma-separated `value=role` pairs mapping the roles claim to airlock roles (`tre-output-checkers=checker,tre-governance=admin`). Unset: the claim\'s values must be role names.' },
  { key: 'oidcProjectsClaim', env: 'AIRLOCK_OIDC_PROJECTS_CLAIM', schema: { type: 'string', minLength: 1 }, default: 'projects', parse: str, doc: 'Claim (dotted path) holding the projects a person works on; `*` means all. A person without it has no project.' },
  { key: 'oidcNameClaim', env: 'AIRLOCK_OIDC_NAME_CLAIM', schema: { type: 'string', minLength: 1 }, default: 'name', parse: str, doc: 'Claim holding the display name recorded with a person\'s verdicts and comments (falls back to preferred_username, email, sub).' },
  { key: 'sessionTtlMs', env: 'AIRLOCK_SESSION_TTL_MS', schema: { type: 'integer', minimum: 60_000 }, default: 8 * 3600_000, parse: int, doc: 'Longest a console session lasts, milliseconds (default 8 h).' },
  { key: 'sessionIdleMs', env: 'AIRLOCK_SESSION_IDLE_MS', schema: { type: 'integer', minimum: 60_000 }, default: 3600_000, parse: int, doc: 'A console session unused this long ends, milliseconds (default 1 h).' },
  { key: 'reviewKeepLimit', env: 'AIRLOCK_REVIEW_KEEP_LIMIT', schema: { type: 'integer', minimum: 0 }, default: 16 * 1024 ** 2, shown: '`16mb`', parse: bytes, doc: 'Outputs of a decision needing review are kept (outside the audit chain) so checkers can preview them until the review is settled; at most this many bytes per request (larger outputs: no preview). 0 keeps none.' },
  { key: 'idempotencyTtlMs', env: 'AIRLOCK_IDEMPOTENCY_TTL_MS', schema: { type: 'integer', minimum: 1000 }, default: 24 * 3600_000, parse: int, doc: 'How long an `Idempotency-Key` on POST /v1/decisions (and /csv) is kept in the audit store, milliseconds (default 24 h): a retry with the same key and body within it gets the original decision (200), with another body 422 IDEMPOTENCY_KEY_REUSED.' },
  { key: 'maxRequestCells', env: 'AIRLOCK_MAX_REQUEST_CELLS', schema: { type: 'integer', minimum: 1 }, default: 1_000_000, parse: int, doc: 'Work budget: most table cells (margins included) across all outputs of one request; beyond it 413 WORK_BUDGET_EXCEEDED before any check runs.' },
  { key: 'maxProtectedCells', env: 'AIRLOCK_MAX_PROTECTED_CELLS', schema: { type: 'integer', minimum: 1 }, default: 40_000, parse: int, doc: 'Work budget: largest failing table (cells) airlock computes a protected version of; a larger one is 413 WORK_BUDGET_EXCEEDED before protection starts.' },
  { key: 'maxResponseBytes', env: 'AIRLOCK_MAX_RESPONSE_BYTES', schema: { type: 'integer', minimum: 1024 }, default: 64 * 1024 ** 2, shown: '`64mb`', parse: bytes, doc: 'Work budget: largest response (the decision and its signature); a larger one is 413 WORK_BUDGET_EXCEEDED before it is signed or recorded.' },
  { key: 'maxEvidenceBytes', env: 'AIRLOCK_MAX_EVIDENCE_BYTES', schema: { type: 'integer', minimum: 1024 }, default: 32 * 1024 ** 2, shown: '`32mb`', parse: bytes, doc: 'Work budget: most evidence (replay evidence, released cells, differencing history) one request adds to the audit store; more is 413 WORK_BUDGET_EXCEEDED before anything is recorded.' },
  { key: 'memoryBudget', env: 'AIRLOCK_MEMORY_BUDGET', schema: { type: 'integer', minimum: 64 * 1024 ** 2 }, default: 1536 * 1024 ** 2, shown: '`1536mb`', parse: bytes, doc: 'Memory the process may use (bytes, or e.g. 1536mb). Large outputs are evaluated (and tables protected) in worker threads whose heaps together get half of it; a worker that runs out is stopped and its request fails (no decision), the process stays up.' },
  { key: 'webhooksFile', env: 'AIRLOCK_WEBHOOKS_FILE', schema: { type: ['string', 'null'], minLength: 1 }, default: null, parse: str, doc: 'YAML or JSON list of webhook subscriptions `{ project, url, events? }` (`project: "*"` for every project; events `decision.created`, `review.settled`, `review.returned`, default all), added to the audit store at start-up beside those made with `POST /v1/webhooks`.' },
  { key: 'webhookPollMs', env: 'AIRLOCK_WEBHOOK_POLL_MS', schema: { type: 'integer', minimum: 50 }, default: 1000, parse: int, doc: 'How often each instance looks for due webhook deliveries in the outbox, milliseconds.' },
  { key: 'webhookRetryBaseMs', env: 'AIRLOCK_WEBHOOK_RETRY_BASE_MS', schema: { type: 'integer', minimum: 10 }, default: 1000, parse: int, doc: 'Wait before the first retry of a failed webhook delivery, milliseconds; each later retry waits twice as long (at most 1 h).' },
  { key: 'webhookMaxAttempts', env: 'AIRLOCK_WEBHOOK_MAX_ATTEMPTS', schema: { type: 'integer', minimum: 1, maximum: 100 }, default: 12, parse: int, doc: 'Delivery attempts before a webhook delivery is given up (kept in the outbox as failed).' },
  { key: 'production', env: 'NODE_ENV', schema: { type: 'boolean' }, default: false, parse: (raw) => raw === 'production', shown: '(unset)', doc: '`production` refuses dev keys and dev tokens.' },
] as const satisfies readonly VarSpec[];

/** Every environment variable airlock reads, with its default and meaning. */
export const CONFIG_VARIABLES: readonly VarSpec[] = VARIABLES;

/**
 * The configuration as `loadConfig` returns it, one property per variable, typed from that
 * variable's schema: the schema ajv validates with and the type the code reads cannot drift.
 * What each setting means is its `doc` above (and the README's table).
 */
export type Config = { -readonly [V in (typeof VARIABLES)[number] as V['key']]: FromSchema<V['schema']> };

const ajv = new Ajv({ allErrors: true });
const configSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: CONFIG_VARIABLES.map((v) => v.key),
  properties: Object.fromEntries(CONFIG_VARIABLES.map((v) => [v.key, v.schema])),
};
const validate = ajv.compile<Config>(configSchema);

/** Reads, validates and freezes the configuration; throws `CONFIG_INVALID` naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Readonly<Config> {
  const raw: Record<string, unknown> = {};
  for (const v of CONFIG_VARIABLES) {
    const value = env[v.env];
    raw[v.key] = value === undefined || value === '' ? v.default : v.parse(value);
  }
  if (!validate(raw)) {
    const details = (validate.errors ?? []).map((e) => {
      const key = e.instancePath.split('/')[1] ?? '';
      const spec = CONFIG_VARIABLES.find((v) => v.key === key);
      // Start-up errors reach logs and terminals: a credential in a value must not.
      const shown = spec?.secret ? '(value not shown: it may hold a credential)' : JSON.stringify(env[spec?.env ?? ''] ?? '');
      return { pointer: spec?.env ?? key, message: `${spec?.env ?? key}=${shown}: ${e.message ?? 'invalid'}` };
    });
    throw new AirlockError('CONFIG_INVALID', details.map((d) => d.message).join('; '), details);
  }
  const config: Config = raw;
  config.dataDir = resolve(config.dataDir);
  config.rulesDir = resolve(config.rulesDir);
  if (config.floorsFile) config.floorsFile = resolve(config.floorsFile);
  return Object.freeze(config);
}

/**
 * Every setting production requires that `config` lacks, all at once (so an operator fixes
 * them in one go rather than one restart each): the signing key, the unit key and the tokens
 * file (development ones are refused), and with an identity provider its client id and the
 * public URL. Empty outside production.
 *
 * @example productionGaps(loadConfig({ NODE_ENV: 'production' })).map((d) => d.pointer)
 * // ['AIRLOCK_SIGNING_KEY_FILE', 'AIRLOCK_UNIT_KEY_FILE', 'AIRLOCK_TOKENS_FILE']
 */
export function productionGaps(config: Readonly<Config>): { pointer: string; message: string }[] {
  if (!config.production) return [];
  const gaps: { pointer: string; message: string }[] = [];
  const need = (missing: boolean, env: string, why: string) => {
    if (missing) gaps.push({ pointer: env, message: `${env} is not set: ${why}` });
  };
  need(!config.signingKeyFile, 'AIRLOCK_SIGNING_KEY_FILE', 'a production service will not sign with a generated development key');
  need(!config.unitKeyFile, 'AIRLOCK_UNIT_KEY_FILE', 'a production service will not keep unit sets under a development key');
  need(!config.tokensFile, 'AIRLOCK_TOKENS_FILE', 'a production service will not accept development tokens');
  need(Boolean(config.oidcIssuer) && !config.oidcClientId, 'AIRLOCK_OIDC_CLIENT_ID', 'AIRLOCK_OIDC_ISSUER needs a client id');
  need(Boolean(config.oidcIssuer) && !config.publicUrl, 'AIRLOCK_PUBLIC_URL', 'with an identity provider the redirect URI is built from it');
  return gaps;
}
