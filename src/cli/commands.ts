/**
 * The one table of `airlock` commands: what each does, its arguments and options (with their
 * help), and the module that runs it — loaded only when called, so `airlock check` does not
 * pay for the server's start-up. `--help` on any command is printed from this table without
 * loading the command; its options are those each command parses with (`command-options.ts`,
 * apart so that no command imports this table, which loads it), so the help can never hide
 * an option. Adding a command or a subcommand is adding an entry.
 * Kept apart from `main.ts`, which runs on import.
 *
 * @example
 * await (await COMMANDS.check.load!()).run(['t.csv', '--spec', 's.json'])
 */

import { COMMAND_OPTIONS, type OptionSpec } from './command-options.js';
import { UsageError } from './parse-args.js';
import { entry } from '../lib/invariant.js';

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

export const COMMANDS: Record<string, Command> = {
  serve: {
    summary: 'run the HTTP service (what `npm start` runs)',
    notes: 'Configured by environment variables (PORT, AIRLOCK_DATA_DIR, AIRLOCK_RULES_DIR, …: docs/operations.md).\nStops on SIGTERM or SIGINT after draining in-flight requests.',
    load: () => import('./commands/serve.js'),
  },
  check: {
    summary: 'check a CSV table offline against the rules',
    args: 'FILE.csv --spec SPEC.json',
    options: COMMAND_OPTIONS.check,
    notes: 'Exit 0 release, 1 reject, 3 review, 2 bad input.',
    load: () => import('./commands/check.js'),
  },
  verify: {
    summary: 'verify a saved decision and its signature, or a release package, offline',
    args: 'FILE|PACKAGE.zip|-',
    options: COMMAND_OPTIONS.verify,
    notes: 'FILE is a decision as POST /v1/decisions, GET /v1/decisions/{id} or a list item returned it\n(a detached signature is checked against the decision beside it). Exit 0 verified, 1 not,\n2 unreadable input, 4 key set unreachable.',
    load: () => import('./commands/verify.js'),
  },
  conformance: {
    summary: 'run conformance cases against a service (or a throwaway local one)',
    args: 'DIR',
    options: COMMAND_OPTIONS.conformance,
    notes: 'Exit 0 all passed, 1 some failed.',
    load: () => import('./commands/conformance.js'),
  },
  'import-acro': {
    summary: 'import an ACRO/SACRO output folder as one decision',
    args: 'DIR --project P --requester R',
    options: COMMAND_OPTIONS['import-acro'],
    notes: 'Exit 0 release, 1 reject, 3 review, 2 unreadable folder or refused import.',
    load: () => import('./commands/import-acro.js'),
  },
  rules: {
    summary: 'governance tools for rule sets: lint, test, diff, reload',
    subcommands: {
      lint: {
        summary: 'check a rule set for errors and weakenings',
        args: 'DIR',
        options: COMMAND_OPTIONS['rules lint'],
        notes: 'Exit 0 clean, 1 errors (or warnings with --strict), 2 usage.',
        load: async () => ({ run: (await import('./commands/rules.js')).lint }),
      },
      test: {
        summary: 'run the rule set’s own test cases',
        args: 'DIR',
        options: COMMAND_OPTIONS['rules test'],
        notes: 'Exit 0 passed, 1 failed.',
        load: async () => ({ run: (await import('./commands/rules.js')).test }),
      },
      reload: {
        summary: 'make the service load its rule files now, recorded as loaded by your admin token',
        options: COMMAND_OPTIONS['rules reload'],
        notes: 'POST /v1/rulesets/reload: the load is an audit record naming the token. Exit 0 loaded (or unchanged), 1 refused (invalid or below the floors; the old set stays), 2 usage or unreachable, 4 the store could not record it.',
        load: async () => ({ run: (await import('./commands/rules.js')).reload }),
      },
      diff: {
        summary: 'what changes between two rule sets (and, with --replay, to recorded decisions)',
        args: 'OLD_DIR NEW_DIR',
        options: COMMAND_OPTIONS['rules diff'],
        load: () => import('./commands/rules-diff.js'),
      },
    },
  },
  audit: {
    summary: 'the audit trail: verify the chain, export it',
    subcommands: {
      verify: {
        summary: 'recompute every record’s hash, link and signature, and check the transparency log',
        options: COMMAND_OPTIONS['audit verify'],
        notes: 'Exit 0 intact, 1 tampering found (named: edited, renumbered, tail_missing, forked, …), 4 store or key set unreachable.',
        load: async () => ({ run: (await import('./commands/audit.js')).verify }),
      },
      checkpoint: {
        summary: 'print the newest signed checkpoint (keep it outside the store)',
        options: COMMAND_OPTIONS['audit checkpoint'],
        notes: 'Exit 0 printed, 1 the log has no checkpoint yet.',
        load: async () => ({ run: (await import('./commands/audit.js')).checkpoint }),
      },
      migrate: {
        summary: 'bring an existing chain into the transparency log (verifies it first)',
        options: COMMAND_OPTIONS['audit migrate'],
        notes: 'Exit 0 logged, 1 the chain does not verify (nothing logged).',
        load: async () => ({ run: (await import('./commands/audit.js')).migrate }),
      },
      export: {
        summary: 'write the chain as JSON Lines to stdout',
        options: COMMAND_OPTIONS['audit export'],
        load: async () => ({ run: (await import('./commands/audit.js')).exportLines }),
      },
    },
  },
};

/** The command at a path of names, or null. */
export function commandAt(names: string[]): Command | null {
  let table = COMMANDS;
  let found: Command | null = null;
  for (const n of names) {
    found = Object.hasOwn(table, n) ? entry(table, n) : null;
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
