/**
 * `airlock rules lint|test|diff`: the governance team's tools for changing rules safely.
 * - `lint DIR [--floors FILE] [--previous OLD_DIR] [--strict] [--json]`: every problem in every
 *   rule file (and the floors file), with file and path — values below a governance floor are
 *   errors; a default weaker than the reference defaults, and with `--previous` every change
 *   that weakens protection, are warnings; exit 1 on any error (on any warning too with
 *   `--strict`).
 * - `test DIR [--tests TESTS_DIR] [--require-coverage] [--json]`: run `DIR/tests/*.yaml`
 *   through the engine; prints `N passed, M failed`; exit 1 on any failure (or, with
 *   `--require-coverage`, when a registered check is exercised by no test).
 * - `diff OLD NEW --replay [--data-dir D | --database-url URL] [...]`: see `rules-diff.ts`.
 *
 * @example npm run airlock -- rules lint rules && npm run airlock -- rules test rules
 */
import { resolve } from 'node:path';
import { formatLintProblem, lintRules } from '../../governance/lint-rules.js';
import { runRuleTests } from '../../governance/test-rules.js';
import { EXIT, optionsOf, runSubcommand } from '../commands.js';
import { parseArgs, positionals } from '../parse-args.js';

/** `airlock rules lint DIR`. */
export async function lint(args: string[]): Promise<number> {
  const a = parseArgs(args, optionsOf('rules lint'));
  const [dir] = positionals(a, ['DIR']) as [string];
  const report = lintRules(resolve(dir), {
    ...(typeof a.floors === 'string' ? { floorsFile: resolve(a.floors) } : {}),
    ...(typeof a.previous === 'string' ? { previous: resolve(a.previous) } : {}),
  });
  if (a.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    for (const p of report.problems) process.stdout.write(`${formatLintProblem(p)}\n`);
    process.stdout.write(`${report.files.length} files, ${report.errors} errors, ${report.warnings} warnings\n`);
  }
  return report.errors > 0 || (a.strict && report.warnings > 0) ? EXIT.REJECT : EXIT.OK;
}

/** `airlock rules test DIR`. */
export async function test(args: string[]): Promise<number> {
  const a = parseArgs(args, optionsOf('rules test'));
  const [dir] = positionals(a, ['DIR']) as [string];
  const report = await runRuleTests(resolve(dir), typeof a.tests === 'string' ? resolve(a.tests) : undefined);
  if (a.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    for (const r of report.results) {
      if (r.passed) continue;
      process.stdout.write(`FAIL ${r.file}#${r.path} ${r.name}\n`);
      for (const p of r.problems) process.stdout.write(`  ${p}\n`);
    }
    if (report.uncovered.length) process.stdout.write(`checks no test exercises: ${report.uncovered.join(', ')}\n`);
    process.stdout.write(`${report.passed} passed, ${report.failed} failed\n`);
  }
  return report.failed > 0 || (a['require-coverage'] && report.uncovered.length > 0) ? EXIT.REJECT : EXIT.OK;
}

/** `airlock rules <subcommand> …` (the subcommands are in the command table). */
export function run(args: string[]): Promise<number> {
  return runSubcommand('rules', args);
}
