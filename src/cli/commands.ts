/**
 * The subcommands of `airlock`, each loaded only when called (so `airlock check` does not pay
 * for the server's start-up). Kept apart from `main.ts`, which runs on import.
 *
 * @example await (await COMMANDS.check.load()).run(['t.csv', '--spec', 's.json'])
 */

export type Command = { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> };

export const COMMANDS: Record<string, Command> = {
  serve: { summary: 'run the HTTP service (what `npm start` runs)', load: () => import('./commands/serve.js') },
  check: { summary: 'check a CSV offline: airlock check FILE --spec SPEC.json [--rules DIR] [--project P]', load: () => import('./commands/check.js') },
  conformance: { summary: 'run conformance cases: airlock conformance DIR [--url URL]', load: () => import('./commands/conformance.js') },
  rules: { summary: 'governance tools: airlock rules lint DIR | test DIR | diff OLD NEW --replay', load: () => import('./commands/rules.js') },
  verify: { summary: 'verify a saved decision offline: airlock verify FILE [--jwks FILE|URL]', load: () => import('./commands/verify.js') },
  audit: { summary: 'audit trail: airlock audit verify [--data-dir D | --database-url U] [--jwks J] [--checkpoint F] | export [--from-seq N] | checkpoint | migrate', load: () => import('./commands/audit.js') },
};

