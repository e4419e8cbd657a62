/**
 * `airlock check FILE --spec SPEC.json [--rules DIR] [--project P]`: checks a CSV offline
 * with the same engine as the service and prints the decision (unsigned, unrecorded: it is
 * a preview for researchers, not a release). Exit code 0 release, 1 reject, 3 review.
 *
 * @example npm run airlock -- check table.csv --spec spec.json
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_LIMITS } from '../../limits.js';
import { makeDecision } from '../../pipeline/make-decision.js';
import { loadRuleset } from '../../rules/load-ruleset.js';
import { parseArgs } from '../parse-args.js';

const EXIT: Record<string, number> = { release: 0, reject: 1, review: 3 };

export async function run(args: string[]): Promise<number> {
  const a = parseArgs(args, { spec: 'string', rules: 'string', project: 'string', dataset: 'string', requester: 'string' });
  const file = a._[0];
  if (!file || typeof a.spec !== 'string') {
    process.stderr.write('usage: airlock check FILE.csv --spec SPEC.json [--rules DIR] [--project P] [--dataset D]\n');
    return 2;
  }
  const spec = JSON.parse(readFileSync(resolve(a.spec), 'utf8')) as Record<string, unknown>;
  delete spec.config;
  const rules = loadRuleset(resolve((a.rules as string | undefined) ?? process.env.AIRLOCK_RULES_DIR ?? './rules'));
  const body = {
    project: (a.project as string | undefined) ?? 'local',
    requester: (a.requester as string | undefined) ?? 'local',
    ...(a.dataset ? { dataset: a.dataset } : {}),
    outputs: [{ name: file, kind: 'table', microdata: { format: 'csv', data: readFileSync(resolve(file), 'utf8') }, spec }],
  };
  const { decision } = await makeDecision(body, { ruleset: () => rules, limits: DEFAULT_LIMITS });
  process.stdout.write(`${JSON.stringify({ decision }, null, 2)}\n`);
  return EXIT[decision.outcome];
}
