/**
 * The configuration table of docs/operations.md, generated from `CONFIG_VARIABLES` so the two cannot drift:
 * `npm run docs:config` prints it as markdown.
 *
 * @example
 * configTable().split('\n')[0]; // '| Variable | Default | Meaning |'
 */
import { pathToFileURL } from 'node:url';
import { CONFIG_VARIABLES } from './config.js';

function shownDefault(value: unknown): string {
  if (value === null || (Array.isArray(value) && value.length === 0)) return '(unset)';
  return `\`${String(value)}\``;
}

/** One markdown row per environment variable: name, default, meaning. */
export function configTable(): string {
  const rows = CONFIG_VARIABLES.map((v) => `| \`${v.env}\` | ${v.shown ?? shownDefault(v.default)} | ${v.doc.replaceAll('|', '\\|')} |`);
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n') + '\n';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.stdout.write(configTable());
