/**
 * The options of every `airlock` command that takes any, keyed by command path, with their
 * help. The command table (`commands.ts`) shows them in `--help`; each command parses its
 * arguments with `optionsOf` its own path, so the help can never hide an option. Kept apart
 * from the table because the table loads the commands: a command importing the table would
 * be an import cycle.
 *
 * @example parseArgs(args, optionsOf('audit verify'))
 */
import type { FlagKind } from './parse-args.js';

/** One option: its kind, the placeholder of its value, and what it does. */
export interface OptionSpec {
  kind: FlagKind;
  value?: string;
  help: string;
}

const JSON_OPTION: OptionSpec = { kind: 'boolean', help: 'print the result as JSON (for scripts) instead of a summary' };
const STORE_OPTIONS: Record<string, OptionSpec> = {
  'data-dir': { kind: 'string', value: 'DIR', help: 'the SQLite audit store in DIR (default: AIRLOCK_DATA_DIR, ./data)' },
  'database-url': { kind: 'string', value: 'URL', help: 'the PostgreSQL audit store at URL (default: DATABASE_URL)' },
  schema: { kind: 'string', value: 'S', help: 'its PostgreSQL schema (default: AIRLOCK_DATABASE_SCHEMA)' },
};
const RULES_OPTION: OptionSpec = { kind: 'string', value: 'DIR', help: 'the rule set directory (default: AIRLOCK_RULES_DIR, ./rules)' };
const FLOORS_OPTION: OptionSpec = { kind: 'string', value: 'FILE', help: 'governance floors the rules may not go below' };

/** Per command path (`check`, `audit verify`), the options it takes. */
export const COMMAND_OPTIONS = {
  check: {
    spec: { kind: 'string', value: 'SPEC.json', help: 'the table spec (index, columns, values, aggfunc, …) as JSON' },
    rules: RULES_OPTION,
    project: { kind: 'string', value: 'P', help: 'the project whose rule overrides apply (default: local)' },
    dataset: { kind: 'string', value: 'D', help: 'the dataset the table is drawn from' },
    requester: { kind: 'string', value: 'R', help: 'the researcher asking (default: local)' },
    json: JSON_OPTION,
  },
  verify: {
    jwks: { kind: 'string', value: 'FILE|URL', help: 'the key set (default: http://localhost:8080/.well-known/jwks.json)' },
    json: JSON_OPTION,
  },
  conformance: {
    url: { kind: 'string', value: 'URL', help: 'the service to test (default: start one locally)' },
    token: { kind: 'string', value: 'TOKEN', help: 'a submitter token (default: AIRLOCK_TOKEN, or the local dev token)' },
    rules: RULES_OPTION,
    'write-rules': { kind: 'string', value: 'OUTDIR', help: 'only write the rules the cases need to OUTDIR' },
  },
  'import-acro': {
    project: { kind: 'string', value: 'P', help: 'the project the session belongs to' },
    requester: { kind: 'string', value: 'R', help: 'the researcher' },
    dataset: { kind: 'string', value: 'D', help: 'the dataset the outputs are drawn from' },
    url: { kind: 'string', value: 'URL', help: 'the service (default: AIRLOCK_URL, http://localhost:8080)' },
    token: { kind: 'string', value: 'TOKEN', help: 'a submitter token (default: AIRLOCK_TOKEN)' },
    json: JSON_OPTION,
  },
  'rules lint': {
    floors: FLOORS_OPTION,
    previous: { kind: 'string', value: 'OLD_DIR', help: 'the rule set it replaces (warns when the content changed but `version` did not)' },
    strict: { kind: 'boolean', help: 'warnings fail too' },
    json: JSON_OPTION,
  },
  'rules test': {
    tests: { kind: 'string', value: 'TESTS_DIR', help: 'where the tests are (default: DIR/tests)' },
    'require-coverage': { kind: 'boolean', help: 'fail when a check has no test' },
    json: JSON_OPTION,
  },
  'rules diff': {
    floors: FLOORS_OPTION,
    'fail-on-weaken': { kind: 'boolean', help: 'exit 1 when any parameter weakens protection' },
    'fail-on-change': { kind: 'boolean', help: 'exit 1 when any decision would change (with --replay)' },
    replay: { kind: 'boolean', help: 'replay recorded decisions under both rule sets' },
    ...STORE_OPTIONS,
    project: { kind: 'string', value: 'P', help: 'replay only this project' },
    from: { kind: 'string', value: 'ISO', help: 'replay decisions recorded at or after this time' },
    to: { kind: 'string', value: 'ISO', help: 'replay decisions recorded before this time' },
    json: JSON_OPTION,
  },
  'rules reload': {
    url: { kind: 'string', value: 'URL', help: 'the service (default: AIRLOCK_URL, http://localhost:8080)' },
    token: { kind: 'string', value: 'TOKEN', help: 'an admin token (default: AIRLOCK_TOKEN)' },
    json: JSON_OPTION,
  },
  'audit verify': {
    ...STORE_OPTIONS,
    jwks: { kind: 'string', value: 'FILE|URL', help: 'the key set (default: the store’s own keys)' },
    checkpoint: { kind: 'string', value: 'FILE', help: 'a checkpoint kept elsewhere: prove the log still extends it' },
    'log-key': { kind: 'string', value: 'VKEY', help: 'the log’s verifier key as GET /v1/audit/log-key publishes it (default: the service’s key files)' },
    json: JSON_OPTION,
  },
  'audit checkpoint': { ...STORE_OPTIONS },
  'audit migrate': { ...STORE_OPTIONS, jwks: { kind: 'string', value: 'FILE|URL', help: 'the key set (default: the store’s own keys)' } },
  'audit export': { ...STORE_OPTIONS, 'from-seq': { kind: 'string', value: 'N', help: 'start at record N (default 1)' } },
} as const satisfies Record<string, Record<string, OptionSpec>>;

/** A command path that takes options. */
export type CommandPath = keyof typeof COMMAND_OPTIONS;

/**
 * The parser flags of a command path such as `'check'` or `'audit verify'` (none for a path
 * without options, such as `'serve'`).
 *
 * @example optionsOf('verify') // { jwks: 'string', json: 'boolean' }
 */
export function optionsOf(path: CommandPath | 'serve'): Record<string, FlagKind> {
  const options: Record<string, OptionSpec> = path === 'serve' ? {} : COMMAND_OPTIONS[path];
  return Object.fromEntries(Object.entries(options).map(([name, o]) => [name, o.kind]));
}
