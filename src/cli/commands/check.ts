/**
 * `airlock check FILE.csv --spec SPEC.json`: checks one table offline against the rules, with
 * the same pipeline the service runs (nothing is signed or recorded). Prints a short summary
 * (the outcome, then each finding that is not a pass with its remedy), or with `--json` the
 * decision. Exit 0 release, 1 reject, 3 review; 2 for bad input.
 *
 * @example airlock check examples/data/cohort.csv --spec examples/specs/by-region.json
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Decision } from '../../domain.js';
import { DEFAULT_LIMITS } from '../../limits.js';
import { makeDecision } from '../../pipeline/make-decision.js';
import { loadRuleset } from '../../rules/load-ruleset.js';
import { EXIT } from '../exit-codes.js';
import { optionsOf } from '../command-options.js';
import { parseArgs, positionals, UsageError } from '../parse-args.js';
import { at } from '../../lib/invariant.js';

const EXIT_OF = { release: EXIT.OK, reject: EXIT.REJECT, review: EXIT.REVIEW } as const;

/**
 * A decision as a few lines a person reads: the outcome, then each finding that is not a pass.
 *
 * @example summary(decision) // 'reject: 1 output\n  by_region (table): reject\n    FAIL min_count: …'
 */
export function summary(decision: Decision): string {
  const lines = [`${decision.outcome}: ${decision.outputs.length} output${decision.outputs.length === 1 ? '' : 's'} checked under rules ${decision.ruleset.name} ${decision.ruleset.version}`];
  for (const o of decision.outputs) {
    lines.push(`  ${o.name} (${o.kind}): ${o.outcome}`);
    for (const f of o.findings) {
      if (f.status === 'pass') continue;
      lines.push(`    ${f.status.toUpperCase()} ${f.check}: ${f.message}`);
      if (f.remedy) lines.push(`      fix: ${f.remedy}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function run(args: string[]): Promise<number> {
  const a = parseArgs(args, optionsOf('check'));
  const file = at(positionals(a, ['FILE.csv']), 0);
  if (typeof a.spec !== 'string') throw new UsageError('--spec SPEC.json is required');
  let spec: Record<string, unknown>;
  try {
    spec = JSON.parse(readFileSync(resolve(a.spec), 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`cannot read the spec ${a.spec}: ${(e as Error).message}`);
  }
  delete spec.config;
  const csv = readFileSync(resolve(file), 'utf8');
  const rules = loadRuleset(resolve((a.rules as string | undefined) ?? process.env.AIRLOCK_RULES_DIR ?? './rules'));
  const body = {
    project: (a.project as string | undefined) ?? 'local',
    requester: (a.requester as string | undefined) ?? 'local',
    ...(a.dataset ? { dataset: a.dataset } : {}),
    outputs: [{ name: file, kind: 'table', microdata: { format: 'csv', data: csv }, spec }],
  };
  const { decision } = await makeDecision(body, { ruleset: () => rules, limits: DEFAULT_LIMITS });
  process.stdout.write(a.json ? `${JSON.stringify({ decision }, null, 2)}\n` : summary(decision));
  return EXIT_OF[decision.outcome];
}
