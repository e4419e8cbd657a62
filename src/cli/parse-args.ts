/**
 * A small argument parser for the subcommands: positionals plus `--flag value` /
 * `--flag=value` / boolean `--flag`, and `--` ending the options. Unknown flags are usage
 * errors (with the closest known flag), so typos never go unnoticed.
 *
 * @example parseArgs(['f.csv', '--spec', 's.json'], { spec: 'string' }) // { _: ['f.csv'], spec: 's.json' }
 */
import { suggestion } from '../lib/did-you-mean.js';
import { at } from '../lib/invariant.js';

export type FlagKind = 'string' | 'boolean';

export interface ParsedArgs {
  _: string[];
  [flag: string]: string | boolean | string[] | undefined;
}

/**
 * A mistake in how a command was called: `main` prints it with a pointer to `--help` and exits 2.
 *
 * @example throw new UsageError('FILE is required');
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(args: string[], flags: Record<string, FlagKind>): ParsedArgs {
  const out: ParsedArgs = { _: [] };
  for (let i = 0; i < args.length; i++) {
    const a = at(args, i);
    if (a === '--') {
      out._.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      if (a.length > 1 && a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
      out._.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const kind = Object.hasOwn(flags, name) ? flags[name] : undefined;
    if (!kind) throw new UsageError(`unknown option --${name}${suggestion(name, Object.keys(flags)).replace('"', '"--')}`);
    if (kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      out[name] = true;
    } else if (eq >= 0) out[name] = a.slice(eq + 1);
    else if (i + 1 < args.length) out[name] = args[++i];
    else throw new UsageError(`--${name} needs a value`);
  }
  return out;
}

/**
 * The positionals, exactly `names.length` of them, or a usage error naming what is missing.
 *
 * @example const [file] = positionals(a, ['FILE'])
 */
export function positionals(a: ParsedArgs, names: string[]): string[] {
  if (a._.length < names.length) throw new UsageError(`${names.slice(a._.length).join(' ')} ${names.length - a._.length > 1 ? 'are' : 'is'} required`);
  if (a._.length > names.length) throw new UsageError(`unexpected argument ${JSON.stringify(a._[names.length])}`);
  return a._;
}
