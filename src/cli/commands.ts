/**
 * The one table of `airlock` commands: what each does, its arguments and options (with their
 * help), and the module that runs it — loaded only when called, so `airlock check` does not
 * pay for the server's start-up. `--help` on any command is printed from this table without
 * loading the command, and each command parses its arguments with the options listed here,
 * so the help can never hide an option. Adding a command or a subcommand is adding an entry.
 * Kept apart from `main.ts`, which runs on import.
 *
 * @example
 * await (await COMMANDS.check.load!()).run(['t.csv', '--spec', 's.json'])
 * parseArgs(args, optionsOf('audit verify'))
 */

import { UsageError, type FlagKind } from './parse-args.js';

/** One option: its kind, the placeholder of its value, and what it does. */
export interface OptionSpec {
  kind: FlagKind;
  value?: string;
  help: string;
}

export interface Command {
  summary: string;
  /** What follows the command's name, e.g. `FILE.csv --spec SPEC.json`. */
  args?: string;
  options?: Record<string, OptionSpec>;
  /** Longer notes for `--help` (exit codes, environment). */
  notes?: string;
  /** Subcommands (`airlock rules lint`); a command has these or `load`. */
  subcommands?: Record<string, Command>;
  load?: () => Promise<{ run(args: string[]): Promise<number> }>;
}

/** Exit codes, the same for every command (documented in docs/cli.md and `airlock --help`). */
export const EXIT = {
  /** Done; the output may be released; the record or signature verified. */
  OK: 0,
  /** Rejected; tampering or a failed check found. */
  REJECT: 1,
  /** A usage or input error: nothing was checked. */
  USAGE: 2,
  /** The decision needs a person's review. */
  REVIEW: 3,
  /** The environment failed: store, key set or configuration unreachable or invalid. */
  ENVIRONMENT: 4,
} as const;

const JSON_OPTION: OptionSpec = { kind: 'boolean', help: 'print the result as JSON (for scripts) instead of a summary' };
const STORE_OPTIONS: Record<string, OptionSpec> = {
  'data-dir': { kind: 'string', value: 'DIR', help: 'the SQLite audit store in DIR (default: AIRLOCK_DATA_DIR, ./data)' },
  'database-url': { kind: 'string', value: 'URL', help: 'the PostgreSQL audit store at URL (default: DATABASE_URL)' },
  schema: { kind: 'string', value: 'S', help: 'its PostgreSQL schema (default: AIRLOCK_DATABASE_SCHEMA)' },
};
const RULES_OPTION: OptionSpec = { kind: 'string', value: 'DIR', help: 'the rule set directory (default: AIRLOCK_RULES_DIR, ./rules)' };
const FLOORS_OPTION: OptionSpec = { kind: 'string', value: 'FILE', help: 'governance floors the rules may not go below' };

export const COMMANDS: Record<string, Command> = {
  serve: {
    summary: 'run the HTTP service (what `npm start` runs)',
    notes: 'Configured by environment variables (PORT, AIRLOCK_DATA_DIR, AIRLOCK_RULES_DIR, …: docs/operations.md).\nStops on SIGTERM or SIGINT after draining in-flight requests.',
    load: () => import('./commands/serve.js'),
  },
  check: {
    summary: 'check a CSV table offline against the rules',
    args: 'FILE.csv --spec SPEC.json',
    options: {
      spec: { kind: 'string', value: 'SPEC.json', help: 'the table spec (index, columns, values, aggfunc, …) as JSON' },
      rules: RULES_OPTION,
      project: { kind: 'string', value: 'P', help: 'the project whose rule overrides apply (default: local)' },
      dataset: { kind: 'string', value: 'D', help: 'the dataset the table is drawn from' },
      requester: { kind: 'string', value: 'R', help: 'the researcher asking (default: local)' },
      json: JSON_OPTION,
    },
    notes: 'Exit 0 release, 1 reject, 3 review, 2 bad input.',
    load: () => import('./commands/check.js'),
  },
  verify: {
    summary: 'verify a saved decision and its signature, or a release package, offline',
    args: 'FILE|PACKAGE.zip|-',
    options: {
      jwks: { kind: 'string', value: 'FILE|URL', help: 'the key set (default: http://localhost:8080/.well-known/jwks.json)' },
      json: JSON_OPTION,
    },
    notes: 'FILE is a decision as POST /v1/decisions, GET /v1/decisions/{id} or a list item returned it\n(a detached signature is checked against the decision beside it). Exit 0 verified, 1 not,\n2 unreadable input, 4 key set unreachable.',
    load: () => import('./commands/verify.js'),
  },
  conformance: {
    summary: 'run conformance cases against a service (or a throwaway local one)',
    args: 'DIR',
    options: {
      url: { kind: 'string', value: 'URL', help: 'the service to test (default: start one locally)' },
      token: { kind: 'string', value: 'TOKEN', help: 'a submitter token (default: AIRLOCK_TOKEN, or the local dev token)' },
      rules: RULES_OPTION,
      'write-rules': { kind: 'string', value: 'OUTDIR', help: 'only write the rules the cases need to OUTDIR' },
    },
    notes: 'Exit 0 all passed, 1 some failed.',
    load: () => import('./commands/conformance.js'),
  },
  'import-acro': {
    summary: 'import an ACRO/SACRO output folder as one decision',
    args: 'DIR --project P --requester R',
    options: {
      project: { kind: 'string', value: 'P', help: 'the project the session belongs to' },
      requester: { kind: 'string', value: 'R', help: 'the researcher' },
      dataset: { kind: 'string', value: 'D', help: 'the dataset the outputs are drawn from' },
      url: { kind: 'string', value: 'URL', help: 'the service (default: AIRLOCK_URL, http://localhost:8080)' },
      token: { kind: 'string', value: 'TOKEN', help: 'a submitter token (default: AIRLOCK_TOKEN)' },
      json: JSON_OPTION,
    },
    notes: 'Exit 0 release, 1 reject, 3 review, 2 unreadable folder or refused import.',
    load: () => import('./commands/import-acro.js'),
  },
  rules: {
    summary: 'governance tools for rule sets: lint, test, diff, reload',
    subcommands: {
      lint: {
        summary: 'check a rule set for errors and weakenings',
        args: 'DIR',
        options: {
          floors: FLOORS_OPTION,
          previous: { kind: 'string', value: 'OLD_DIR', help: 'the rule set it replaces (warns when the content changed but `version` did not)' },
          strict: { kind: 'boolean', help: 'warnings fail too' },
          json: JSON_OPTION,
        },
        notes: 'Exit 0 clean, 1 errors (or warnings with --strict), 2 usage.',
        load: async () => ({ run: (await import('./commands/rules.js')).lint }),
      },
      test: {
        summary: 'run the rule set’s own test cases',
        args: 'DIR',
        options: {
          tests: { kind: 'string', value: 'TESTS_DIR', help: 'where the tests are (default: DIR/tests)' },
          'require-coverage': { kind: 'boolean', help: 'fail when a check has no test' },
          json: JSON_OPTION,
        },
        notes: 'Exit 0 passed, 1 failed.',
        load: async () => ({ run: (await import('./commands/rules.js')).test }),
      },
      reload: {
        summary: 'make the service load its rule files now, recorded as loaded by your admin token',
        options: {
          url: { kind: 'string', value: 'URL', help: 'the service (default: AIRLOCK_URL, http://localhost:8080)' },
          token: { kind: 'string', value: 'TOKEN', help: 'an admin token (default: AIRLOCK_TOKEN)' },
          json: JSON_OPTION,
        },
        notes: 'POST /v1/rulesets/reload: the load is an audit record naming the token. Exit 0 loaded (or unchanged), 1 refused (invalid or below the floors; the old set stays), 2 usage or unreachable, 4 the store could not record it.',
        load: async () => ({ run: (await import('./commands/rules.js')).reload }),
      },
      diff: {
        summary: 'what changes between two rule sets (and, with --replay, to recorded decisions)',
        args: 'OLD_DIR NEW_DIR',
        options: {
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
        load: () => import('./commands/rules-diff.js'),
      },
    },
  },
  audit: {
    summary: 'the audit trail: verify the chain, export it',
    subcommands: {
      verify: {
        summary: 'recompute every record’s hash, link and signature, and check the transparency log',
        options: {
          ...STORE_OPTIONS,
          jwks: { kind: 'string', value: 'FILE|URL', help: 'the key set (default: the store’s own keys)' },
          checkpoint: { kind: 'string', value: 'FILE', help: 'a checkpoint kept elsewhere: prove the log still extends it' },
          'log-key': { kind: 'string', value: 'VKEY', help: 'the log’s verifier key as GET /v1/audit/log-key publishes it (default: the service’s key files)' },
          json: JSON_OPTION,
        },
        notes: 'Exit 0 intact, 1 tampering found (named: edited, renumbered, tail_missing, forked, …), 4 store or key set unreachable.',
        load: async () => ({ run: (await import('./commands/audit.js')).verify }),
      },
      checkpoint: {
        summary: 'print the newest signed checkpoint (keep it outside the store)',
        options: { ...STORE_OPTIONS },
        notes: 'Exit 0 printed, 1 the log has no checkpoint yet.',
        load: async () => ({ run: (await import('./commands/audit.js')).checkpoint }),
      },
      migrate: {
        summary: 'bring an existing chain into the transparency log (verifies it first)',
        options: { ...STORE_OPTIONS, jwks: { kind: 'string', value: 'FILE|URL', help: 'the key set (default: the store’s own keys)' } },
        notes: 'Exit 0 logged, 1 the chain does not verify (nothing logged).',
        load: async () => ({ run: (await import('./commands/audit.js')).migrate }),
      },
      export: {
        summary: 'write the chain as JSON Lines to stdout',
        options: { ...STORE_OPTIONS, 'from-seq': { kind: 'string', value: 'N', help: 'start at record N (default 1)' } },
        load: async () => ({ run: (await import('./commands/audit.js')).exportLines }),
      },
    },
  },
};

/**
 * The parser flags of a command path such as `'check'` or `'audit verify'`.
 *
 * @example optionsOf('verify') // { jwks: 'string', json: 'boolean' }
 */
export function optionsOf(path: string): Record<string, FlagKind> {
  const c = commandAt(path.split(' '));
  if (!c) throw new Error(`no command ${path}`);
  return Object.fromEntries(Object.entries(c.options ?? {}).map(([name, o]) => [name, o.kind]));
}

/** The command at a path of names, or null. */
export function commandAt(names: string[]): Command | null {
  let table = COMMANDS;
  let found: Command | null = null;
  for (const n of names) {
    found = Object.hasOwn(table, n) ? table[n]! : null;
    if (!found) return null;
    table = found.subcommands ?? {};
  }
  return found;
}

/**
 * Runs a subcommand of `command` from its arguments (`['verify', '--json']`): what `main` does
 * after finding the command, for callers that hold a command's arguments (tests, scripts).
 *
 * @example await runSubcommand('audit', ['verify', '--data-dir', dir])
 */
export async function runSubcommand(command: string, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const names = Object.keys(COMMANDS[command]?.subcommands ?? {});
  const c = sub === undefined ? null : commandAt([command, sub]);
  if (!c?.load) throw new UsageError(sub === undefined ? `a subcommand is required: ${names.join(', ')}` : `unknown subcommand "${sub}" (one of ${names.join(', ')})`);
  return (await c.load()).run(rest);
}
