/**
 * `airlock rules diff OLD_DIR NEW_DIR [--replay …]`: what a rule change changes, before it is
 * merged. Without `--replay`, the differing parameters and check lists per project, each
 * marked by its effect on protection (`WEAKENS`, `strengthens`, `neutral`, `unknown`), the
 * moved governance floors, and whatever in NEW is below its floors (the service would refuse
 * it: exit 1). `--fail-on-weaken` exits 1 when any change weakens protection (or may). With
 * `--replay`, every decision in the audit store (SQLite `--data-dir`, or PostgreSQL
 * `--database-url` [`--schema`]) is re-evaluated from its stored evidence under OLD and under
 * NEW, and the decisions whose outcome would change are listed with the checks and cells that
 * make the difference. `--fail-on-change` exits 1 when any would change (for CI).
 *
 * @example npm run airlock -- rules diff rules candidate-rules --replay --data-dir ./data
 */
import { resolve } from 'node:path';
import { NOT_REPLAYABLE, replayDecisions } from '../../governance/replay-decisions.js';
import { allHistoryEntries, replayPopulations } from '../../governance/replay-populations.js';
import { diffRulesets, weakenings } from '../../rules/diff-rulesets.js';
import { inspectRuleset } from '../../rules/load-ruleset.js';
import type { Effect } from '../../rules/protection-direction.js';
import { openCliStore } from '../open-cli-store.js';
import { optionsOf } from '../commands.js';
import { parseArgs, positionals } from '../parse-args.js';


const MARK: Record<Effect, string> = { weakens: 'WEAKENS', strengthens: 'strengthens', neutral: 'neutral', unknown: 'unknown' };

const short = (digest: string) => digest.slice(0, 12);
const show = (v: unknown) => (v === undefined ? '(none)' : Array.isArray(v) ? `[${v.join(', ')}]` : JSON.stringify(v));

export async function run(args: string[]): Promise<number> {
  const a = parseArgs(args, optionsOf('rules diff'));
  const [oldDir, newDir] = positionals(a, ['OLD_DIR', 'NEW_DIR']) as [string, string];
  // Both sides are read whatever their floors say: the diff reports what NEW is below, it does not stop at it.
  const before = inspectRuleset(resolve(oldDir)).ruleset;
  const inspected = inspectRuleset(resolve(newDir), typeof a.floors === 'string' ? { floorsFile: resolve(a.floors) } : {});
  const after = inspected.ruleset;
  const belowFloors = inspected.violations;
  const changes = diffRulesets(before, after);
  const weakening = weakenings(changes);
  const out: string[] = [`rules: ${before.name} ${before.version} (${short(before.digest)}) → ${after.name} ${after.version} (${short(after.digest)})`];
  if (changes.length === 0) out.push('  no differences');
  for (const c of changes) out.push(`  ${MARK[c.effect].padEnd(11)} ${c.scope.padEnd(20)} ${c.path}: ${show(c.before)} → ${show(c.after)}  — ${c.detail}`);
  if (changes.length) out.push(`${weakening.length} of ${changes.length} changes weaken protection or may`);
  for (const v of belowFloors) out.push(`BELOW FLOOR ${v.file}#${v.path}: ${v.message}`);
  if (belowFloors.length) out.push(`${newDir} is below its governance floors (${inspected.floors?.file}): a service would refuse it`);
  const failed = belowFloors.length > 0 || (a['fail-on-weaken'] === true && weakening.length > 0);
  if (!a.replay) {
    process.stdout.write(a.json ? `${JSON.stringify({ changes, below_floor: belowFloors }, null, 2)}\n` : `${out.join('\n')}\n`);
    return failed || (a['fail-on-change'] && changes.length > 0) ? 1 : 0;
  }

  const { store } = await openCliStore(a);
  try {
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const report = await replayDecisions(store.scan(), after, {
      baseline: before,
      project: str(a.project),
      from: str(a.from),
      to: str(a.to),
    });
    // Differencing under the candidate's populations (label mode, from the stored history).
    const populations = replayPopulations(await allHistoryEntries(store), before, after);
    if (a.json) {
      process.stdout.write(`${JSON.stringify({ changes, below_floor: belowFloors, replay: report, populations }, null, 2)}\n`);
    } else {
      out.push(
        `replay (${store.backend}): ${report.scanned} decisions, ${report.fully_replayed} fully replayed; ${report.changed.length} would change outcome`,
      );
      for (const c of report.changed) {
        out.push(`  ${c.decision_id}  ${c.project}  ${c.issued_at}  ${c.before} → ${c.after}${c.recorded !== c.before ? ` (recorded ${c.recorded})` : ''}`);
        for (const o of c.outputs) {
          out.push(`    ${o.name} (${o.kind}): ${o.before} → ${o.after}`);
          for (const f of o.newly_flagged) {
            out.push(`      ${f.check} would ${f.status === 'fail' ? 'fail' : 'need review'}`);
            for (const r of f.reasons) out.push(`        ${r}`);
          }
          for (const f of o.no_longer_flagged) out.push(`      ${f.check} would no longer ${f.status === 'fail' ? 'fail' : 'need review'}`);
        }
        if (c.not_replayed.length) out.push(`    not replayed (no stored evidence): ${c.not_replayed.join(', ')}`);
      }
      for (const n of report.not_replayable) out.push(`not replayable from stored evidence (${n.kind} outputs keep none; their recorded outcome stands): ${n.checks.join(', ')}`);
      if (report.incomplete.length) {
        out.push(`${report.incomplete.length} decisions have outputs without stored evidence (kept at their recorded outcome): ${report.incomplete.map((i) => i.decision_id).join(', ')}`);
      }
      const kept = Object.entries(report.kept_as_recorded);
      if (kept.length) out.push(`kept as recorded, not re-evaluated: ${kept.map(([k, n]) => `${k} (${n} output${n === 1 ? '' : 's'})`).join(', ')}`);
      out.push(`never replayed: ${Object.entries(NOT_REPLAYABLE).map(([kind, why]) => `${kind} outputs (${why})`).join('; ')}`);
      out.push(`differencing (label mode, ${store.backend}): ${populations.length} recorded outputs would change`);
      for (const p of populations) {
        const side = (x: (typeof p)['before']) => `${x.population}${x.fails ? ` fails against ${x.with.join(', ')}` : ' passes'}`;
        out.push(`  ${p.decision_id}  ${p.output} (dataset ${p.dataset}): ${side(p.before)} → ${side(p.after)}`);
      }
      process.stdout.write(`${out.join('\n')}\n`);
    }
    return failed || (a['fail-on-change'] && (report.changed.length > 0 || populations.length > 0)) ? 1 : 0;
  } finally {
    await store.close();
  }
}
