#!/usr/bin/env node
/**
 * The `airlock` command: `airlock <command> [subcommand] [args]`, dispatched from the one table
 * in `commands.ts`. Conventions (as `gh`, `kubectl`): `--help`/`-h` on every command prints its
 * help to stdout and exits 0 without running anything; `--version`; usage errors go to stderr
 * with exit 2; the exit codes are the same for every command (`EXIT`): 0 ok/release,
 * 1 reject/tampering found, 2 usage or input error, 3 review, 4 environment.
 *
 * @example npm run airlock -- check data.csv --spec spec.json
 */
import { AirlockError } from '../errors.js';
import { suggestion } from '../lib/did-you-mean.js';
import { COMMANDS, type Command } from './commands.js';
import { EXIT } from './exit-codes.js';
import { helpText, version } from './help.js';
import { UsageError } from './parse-args.js';
import { entry, invariant } from '../lib/invariant.js';

export { COMMANDS };

const isHelp = (a: string | undefined) => a === '--help' || a === '-h';

/** `--help` among the arguments, before a `--` that ends the options. */
function asksHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some(isHelp);
}

function usageError(path: string[], message: string): number {
  const name = ['airlock', ...path].join(' ');
  process.stderr.write(`${name}: ${message}\nRun '${name} --help' for usage.\n`);
  return EXIT.USAGE;
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-V' || first === 'version') {
    process.stdout.write(`${version()}\n`);
    return EXIT.OK;
  }
  if (first === undefined) {
    process.stderr.write(helpText([], null));
    return EXIT.USAGE;
  }
  if (isHelp(first) || first === 'help') {
    const path = rest.filter((a) => !isHelp(a));
    let c: Command | null = null;
    let table = COMMANDS;
    for (const n of path) {
      c = Object.hasOwn(table, n) ? entry(table, n) : null;
      if (!c) return usageError([], `unknown command "${path.join(' ')}"`);
      table = c.subcommands ?? {};
    }
    process.stdout.write(helpText(path, c));
    return EXIT.OK;
  }
  const path = [first];
  let cmd: Command | undefined = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (!cmd) return usageError([], `unknown command "${first}"${suggestion(first, Object.keys(COMMANDS))}`);
  let args = rest;
  while (cmd.subcommands) {
    const [sub, ...after] = args;
    if (isHelp(sub)) {
      process.stdout.write(helpText(path, cmd));
      return EXIT.OK;
    }
    if (sub === undefined) return usageError(path, `a subcommand is required: ${Object.keys(cmd.subcommands).join(', ')}`);
    const next: Command | undefined = Object.hasOwn(cmd.subcommands, sub) ? cmd.subcommands[sub] : undefined;
    if (!next) return usageError(path, `unknown subcommand "${sub}"${suggestion(sub, Object.keys(cmd.subcommands))} (one of ${Object.keys(cmd.subcommands).join(', ')})`);
    path.push(sub);
    cmd = next;
    args = after;
  }
  if (asksHelp(args)) {
    process.stdout.write(helpText(path, cmd));
    return EXIT.OK;
  }
  try {
    invariant(cmd.load, 'a command without subcommands loads its module');
    return await (await cmd.load()).run(args);
  } catch (e) {
    return failure(path, e);
  }
}

/** How a command's error is reported, and its exit code. */
function failure(path: string[], e: unknown): number {
  const name = ['airlock', ...path].join(' ');
  if (e instanceof UsageError) return usageError(path, e.message);
  if (e instanceof AirlockError) {
    process.stderr.write(`${name}: ${e.code}: ${e.message}\n`);
    for (const d of e.details) process.stderr.write(`  ${d.pointer ?? ''} ${d.message}\n`);
    // A 4xx is the input's fault; anything else (configuration, store, key set) the environment's.
    return e.status < 500 ? EXIT.USAGE : EXIT.ENVIRONMENT;
  }
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES' || e instanceof SyntaxError) {
    process.stderr.write(`${name}: ${(e as Error).message}\n`);
    return EXIT.USAGE;
  }
  process.stderr.write(`${name}: internal error: ${(e as Partial<Error> | null | undefined)?.stack ?? String(e)}\n`);
  return EXIT.ENVIRONMENT;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`airlock: ${(e as Partial<Error> | null | undefined)?.stack ?? String(e)}\n`);
    process.exitCode = EXIT.ENVIRONMENT;
  },
);
