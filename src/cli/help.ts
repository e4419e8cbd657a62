/**
 * The help texts of `airlock` and its commands, printed by `--help` and collected in
 * docs/cli.md (`npm run docs:cli`), all from the one command table.
 *
 * @example helpText(['rules', 'lint'], commandAt(['rules', 'lint']))
 */
import { buildInfo } from '../build-info.js';
import { COMMANDS, type Command } from './commands.js';

/** The exit codes, as every help and docs/cli.md state them. */
export const EXIT_CODES = 'exit codes: 0 ok/release, 1 reject or tampering found, 2 usage or input error, 3 review, 4 environment (store, key set, configuration)';

/** `airlock 0.1.0 (abc123…)`. */
export function version(): string {
  const { version, commit } = buildInfo();
  return `airlock ${version}${commit ? ` (${commit.slice(0, 12)})` : ''}`;
}

function optionLines(c: Command): string[] {
  const rows: [string, string][] = Object.entries(c.options ?? {}).map(([name, o]) => [`--${name}${o.value ? ` ${o.value}` : ''}`, o.help]);
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.map(([l, h]) => `  ${l.padEnd(width)}  ${h}`);
}

/** The help of `airlock` (no path) or of a command path such as ['rules', 'lint']. */
export function helpText(path: string[], c: Command | null): string {
  if (!c) {
    const rows = Object.entries(COMMANDS).map(([name, cmd]) => [cmd.subcommands ? `${name} ${Object.keys(cmd.subcommands).join('|')}` : name, cmd.summary] as const);
    const width = Math.max(...rows.map(([l]) => l.length));
    return [
      `${version()}: disclosure control for research outputs leaving a Trusted Research Environment`,
      '',
      'usage: airlock <command> [options]',
      '',
      'commands:',
      ...rows.map(([l, s]) => `  ${l.padEnd(width)}  ${s}`),
      '',
      'options:',
      '  -h, --help  show help (also: airlock <command> --help)',
      '  --version   show the version',
      '',
      EXIT_CODES,
      '',
    ].join('\n');
  }
  const name = `airlock ${path.join(' ')}`;
  if (c.subcommands) {
    const rows = Object.entries(c.subcommands);
    const width = Math.max(...rows.map(([n]) => n.length));
    return [`${name}: ${c.summary}`, '', `usage: ${name} <subcommand> [options]`, '', 'subcommands:', ...rows.map(([n, s]) => `  ${n.padEnd(width)}  ${s.summary}`), '', `Run '${name} <subcommand> --help' for its options.`, ''].join('\n');
  }
  return [`${name}: ${c.summary}`, '', `usage: ${name}${c.args ? ` ${c.args}` : ''}${c.options ? ' [options]' : ''}`, '', 'options:', ...optionLines(c), ...(c.notes ? ['', c.notes] : []), ''].join('\n');
}

