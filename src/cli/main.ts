#!/usr/bin/env node
/**
 * The `airlock` command: `airlock <subcommand> [args]`. Each subcommand is one module in
 * `commands/` exporting `run(args) → exit code`, loaded only when called so `airlock check`
 * does not pay for the server's start-up.
 *
 * @example npm run airlock -- check data.csv --spec spec.json
 */
import { AirlockError } from '../errors.js';

import { COMMANDS } from './commands.js';

export { COMMANDS };

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
