#!/usr/bin/env node
/**
 * The `airlock` command: `airlock <subcommand> [args]`. Each subcommand is one module in
 * `commands/` exporting `run(args) → exit code`, loaded only when called so `airlock check`
 * does not pay for the server's start-up.
 *
 * @example npm run airlock -- check data.csv --spec spec.json
 */
import { AirlockError } from '../errors.js';

type Command = { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> };

export const COMMANDS: Record<string, Command> = {
  serve: { summary: 'run the HTTP service (what `npm start` runs)', load: () => import('./commands/serve.js') },
  check: { summary: 'check a CSV offline: airlock check FILE --spec SPEC.json [--rules DIR] [--project P]', load: () => import('./commands/check.js') },
  conformance: { summary: 'run conformance cases: airlock conformance DIR [--url URL]', load: () => import('./commands/conformance.js') },
  rules: { summary: 'governance tools: airlock rules lint DIR | test DIR | diff OLD NEW --replay', load: () => import('./commands/rules.js') },
  verify: { summary: 'verify a saved decision offline: airlock verify FILE [--jwks FILE|URL]', load: () => import('./commands/verify.js') },
  audit: { summary: 'audit trail: airlock audit verify [--data-dir D | --database-url U] [--jwks J] | export [--from-seq N]', load: () => import('./commands/audit.js') },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`);
  return `usage: airlock <command> [args]\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`airlock: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  try {
    return await (await cmd.load()).run(args);
  } catch (e) {
    if (e instanceof AirlockError) {
      process.stderr.write(`airlock ${name}: ${e.code}: ${e.message}\n`);
      for (const d of e.details) process.stderr.write(`  ${d.pointer ?? ''} ${d.message}\n`);
      return 1;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`airlock: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
