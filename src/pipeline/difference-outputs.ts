/**
 * The differencing step (sdc-rules.md "Differencing"; docs/differencing.md), run once every
 * output is evaluated and before `decide`. Every table, plot and summary for whose kind the
 * rule set enables `differencing`:
 *
 * 1. belongs to the **population** of the request's dataset (`populations:` in the rules); a
 *    request without a dataset gets `review` ("no dataset: differencing could not be checked")
 *    unless `require_dataset` is false (then only the request's own outputs are compared), as
 *    does an undeclared dataset when `require_known_dataset` is true, and a dataset two
 *    populations claim;
 * 2. is compared in **label mode** with the request's other outputs and with every earlier
 *    output of its population (released or awaiting review) across the TRE, or within the
 *    project when `differencing_scope` is `project` (`src/checks/differencing/label-mode.ts`);
 * 3. and, where its microdata has a unit column, in **unit mode** with every earlier output of
 *    its unit namespace (`src/checks/differencing/unit-mode.ts`), after the coverage rule.
 *
 * Findings are appended to the output's findings and its outcome can only get worse; an
 * exception request covers them as it covers others. What the output would add to the
 * history (its label form, its encrypted unit form, new units of the dictionary) is attached
 * as `history` for the recorder. A store failure is `STORE_UNAVAILABLE` (503), never a release.
 *
 * `only` (an index) gives findings to that output alone, the others serving only as what it is
 * compared with: how `difference-protected.ts` vets a protected version before it is offered.
 *
 * @example
 * const evaluated = await differenceOutputs(outputs, { project: 'p1', dataset: 'cohort', rules }, { history: store });
 */
import type { DictionaryAddition } from '../audit/audit-store.js';
import type { Finding, OutputDecision, OutputKind } from '../domain.js';
import { outcomeOfStatuses, worstOutcome } from '../domain.js';
import { AirlockError } from '../errors.js';
import { at, got, invariant } from '../lib/invariant.js';
import type { Difference, DifferenceSource, FailedComparison } from '../checks/differencing/findings.js';
import { differencingFindings, differencingReview, sourceKey } from '../checks/differencing/findings.js';
import { compareLabelForms, piecesDifferences } from '../checks/differencing/label-mode.js';
import type { LabelForm } from '../history/label-form.js';
import { labelFormsOf } from '../history/label-form.js';
import type { DifferencingHistory } from '../history/history-index.js';
import { historyIndexFor } from '../history/history-index.js';
import type { UnitKeys } from '../history/unit-keys.js';
import type { EffectiveRules } from '../rules/load-ruleset.js';
import type { PopulationRef } from '../rules/populations.js';
import type { ExceptionRequest } from './apply-exception.js';
import { applyException } from './apply-exception.js';
import { withSpan } from '../telemetry/with-span.js';
import type { EvaluatedOutput } from './evaluate-output.js';
import { fromStore } from './from-store.js';
import { recheckUnits, unitModeDifferences } from './difference-units.js';

/** The kinds differencing applies to. */
export const DIFFERENCED_KINDS: readonly OutputKind[] = ['table', 'plot', 'summary'];

/** What an output adds to the differencing history once recorded (released, or awaiting review). */
export interface OutputHistory {
  dataset: string;
  population: string;
  namespace: string;
  forms: LabelForm[];
  /** The encrypted unit form and its sketch, or null without a unit column. */
  units: Uint8Array | null;
  sketch: Uint8Array | null;
  /** Units of the request first seen now (on the request's first output with units). */
  dictionary: DictionaryAddition[];
}

/** What the step needs besides the outputs. */
export interface DifferencingDeps {
  /** The release history (the audit store). Without it, only the request's own outputs are compared. */
  history?: DifferencingHistory;
  /** The keys of unit mode (HMAC, encryption, sampling). Without them unit columns are compared by labels only. */
  unitKeys?: UnitKeys;
}

/** A candidate of the request: one evaluated output differencing applies to. */
export interface Candidate {
  index: number;
  name: string;
  kind: OutputKind;
  forms: LabelForm[];
}

function applicable(e: { decision: { kind: OutputKind } }, rules: EffectiveRules): boolean {
  return DIFFERENCED_KINDS.includes(e.decision.kind) && (rules.checks[e.decision.kind] ?? []).includes('differencing');
}

/** Whether the step applies to this request at all (some output is differenced). */
export function differencingApplies(evaluated: readonly { decision: { kind: OutputKind } }[], rules: EffectiveRules): boolean {
  return evaluated.some((e) => applicable(e, rules));
}

/**
 * The population of a request's dataset, or the review finding that says why there is none to
 * compare with (null dataset and `require_dataset: false` → null population, no finding).
 */
export function populationOf(dataset: string | null, rules: EffectiveRules): { population: PopulationRef | null; review: Finding | null } {
  if (dataset === null) {
    if (!rules.params.require_dataset) return { population: null, review: null };
    return {
      population: null,
      review: differencingReview(
        'no dataset: differencing could not be checked. Without the dataset the output is drawn from, it cannot be compared with earlier releases of that population.',
        'Submit the request with its `dataset`, as the platform attests it.',
      ),
    };
  }
  const p = rules.populations.resolve(dataset);
  if (p.status === 'ambiguous') {
    return {
      population: null,
      review: differencingReview(
        `dataset "${dataset}" is claimed by populations ${p.populations.join(' and ')}: differencing cannot tell which releases to compare with.`,
        'Governance must place the dataset in one population (rules lint reports the overlap); an output checker must compare the outputs meanwhile.',
      ),
    };
  }
  if (p.status === 'undeclared' && rules.params.require_known_dataset) {
    return {
      population: null,
      review: differencingReview(
        `dataset "${dataset}" is not declared in any population, and governance requires declared datasets: differencing could not be checked.`,
        'Ask governance to declare the dataset in the rules (`populations:`), or submit it under its declared dataset name.',
      ),
    };
  }
  return { population: p, review: null };
}


/** Failed comparisons of one output, merged per source. */
export class Failures {
  private readonly bySource = new Map<string, FailedComparison>();
  /** Sources compared (whether they failed or not). */
  readonly compared = new Set<string>();

  static key(source: DifferenceSource): string {
    return sourceKey(source);
  }

  saw(source: DifferenceSource): void {
    this.compared.add(Failures.key(source));
  }

  add(source: DifferenceSource, differences: readonly Difference[]): void {
    this.saw(source);
    if (differences.length === 0) return;
    const key = Failures.key(source);
    let f = this.bySource.get(key);
    if (!f) {
      f = { source, differences: [] };
      this.bySource.set(key, f);
    }
    f.differences.push(...differences);
  }

  list(): FailedComparison[] {
    return [...this.bySource.values()];
  }
}

/** The output a summary statistic's form belongs to (`name#i` → `name`). */
function outputOfForm(form: LabelForm): string {
  return form.kind === 'summary' ? form.output.replace(/#\d+$/, '') : form.output;
}

/** Label-mode comparison of one candidate's forms with other forms (of one source). */
function compareForms(mine: readonly LabelForm[], theirs: readonly LabelForm[], threshold: number): Difference[] {
  const out: Difference[] = [];
  for (const a of mine) {
    for (const b of theirs) {
      if (a === b) continue;
      for (const d of compareLabelForms(a, b, threshold)) out.push({ ...d });
    }
  }
  return out;
}

/** A label form with where it comes from: an output of this request (`candidate`) or an earlier one. */
interface PlacedForm {
  form: LabelForm;
  source: DifferenceSource;
  /** The request's candidate it belongs to, or null for an earlier output. */
  candidate: number | null;
}

/** Most combinations of pieces tried per target and variable. */
const MAX_PIECE_COMBINATIONS = 256;
/** Most earlier outputs taken as targets of pieces the request adds to (the most recent). */
const MAX_EARLIER_TARGETS = 256;
/** Most earlier outputs per value of a fixed variable taken as pieces (the most recent). */
const MAX_PIECES_PER_VALUE = 16;

/**
 * Disjoint pieces in label mode: outputs fixing different values of one constant variable,
 * summed, against an output that does not fix it (`piecesDifferences`), with at least one of
 * them from this request. Failures are added to every candidate involved.
 */
function pieceFailures(placed: readonly PlacedForm[], threshold: number, failures: Map<number, Failures>): void {
  const byVar = new Map<string, Map<string, PlacedForm[]>>();
  for (const p of placed) {
    for (const [v, c] of Object.entries(p.form.constants)) {
      let values = byVar.get(v);
      if (!values) byVar.set(v, (values = new Map()));
      let group = values.get(c);
      if (!group) values.set(c, (group = []));
      group.push(p);
    }
  }
  const sameOthers = (a: LabelForm, b: LabelForm, v: string) => {
    const keys = new Set([...Object.keys(a.constants), ...Object.keys(b.constants)]);
    keys.delete(v);
    return [...keys].every((k) => a.constants[k] === b.constants[k]);
  };
  // Variables some output of this request fixes: only they can give an old target a new piece.
  const newVars = new Set(placed.filter((p) => p.candidate !== null).flatMap((p) => Object.keys(p.form.constants)));
  for (const [v, values] of byVar) {
    if (values.size < 2) continue;
    // Per value, the request's outputs and the most recent earlier ones (bounded work per request).
    const groups = [...values.values()].map((g) => [...g.filter((p) => p.candidate !== null), ...g.filter((p) => p.candidate === null).slice(-MAX_PIECES_PER_VALUE)]);
    // Targets: the request's outputs, and (for a variable the request fixes) the most recent earlier ones.
    const earlierTargets = newVars.has(v) ? placed.filter((p) => p.candidate === null).slice(-MAX_EARLIER_TARGETS) : [];
    for (const target of [...placed.filter((p) => p.candidate !== null), ...earlierTargets]) {
      if (target.form.dims.includes(v) || target.form.constants[v] !== undefined) continue;
      const eligible = groups.map((g) => g.filter((p) => sameOthers(target.form, p.form, v) && Failures.key(p.source) !== Failures.key(target.source))).filter((g) => g.length > 0);
      if (eligible.length < 2) continue;
      let tried = 0;
      const choose = (from: number, chosen: PlacedForm[]): void => {
        if (tried >= MAX_PIECE_COMBINATIONS) return;
        if (chosen.length >= 2 && (target.candidate !== null || chosen.some((p) => p.candidate !== null))) {
          tried++;
          const diffs = piecesDifferences(target.form, chosen.map((p) => p.form), threshold);
          if (diffs.length > 0) {
            const names = chosen.map((p) => `"${p.source.output}"${p.source.decision_id ? ` (decision ${p.source.decision_id})` : ''}`).join(' + ');
            const involved = [target, ...chosen];
            for (const me of involved) {
              if (me.candidate === null) continue;
              const other = me === target ? chosen.find((p) => p.candidate !== target.candidate) ?? at(chosen, 0) : target;
              const fixed = `${v} fixed to different values`;
              const mine =
                me === target
                  ? diffs.map((d) => ({ ...d, otherSide: `the sum of the disjoint outputs ${names} (${fixed})` }))
                  : diffs.map((d) => ({ ...d, mine: d.other, other: d.mine, difference: -d.difference, otherSide: `output "${target.source.output}"${target.source.decision_id ? ` (decision ${target.source.decision_id})` : ''}, against the sum of the disjoint outputs ${names} (${fixed})` }));
              failures.get(me.candidate)?.add(other.source, mine);
            }
          }
        }
        if (chosen.length === 4) return;
        for (let g = from; g < eligible.length; g++) for (const p of at(eligible, g)) choose(g + 1, [...chosen, p]);
      };
      choose(0, []);
    }
  }
}

/** The output's decision with differencing findings added: outcome only ever gets worse; an exception request covers them too. */
function withFindings(decision: OutputDecision, found: Finding[], exception: ExceptionRequest | undefined): OutputDecision {
  if (found.length === 0) return decision;
  const added = exception ? applyException({ ...decision, findings: found }, exception).findings : found;
  return { ...decision, findings: [...decision.findings, ...added], outcome: worstOutcome([decision.outcome, outcomeOfStatuses(added.map((f) => f.status))]) };
}

/**
 * Adds differencing findings to the request's outputs (see the module comment). Returns new
 * objects; the input is not changed.
 *
 * @example (await differenceOutputs(outputs, { project: 'p1', dataset: 'cohort', rules }, { history: store }))[0].decision.outcome // 'reject'
 */
export async function differenceOutputs(
  evaluated: readonly EvaluatedOutput[],
  ctx: { project: string; dataset: string | null; rules: EffectiveRules },
  deps: DifferencingDeps = {},
  opts: { only?: number } = {},
): Promise<EvaluatedOutput[]> {
  const out = [...evaluated];
  const candidates: Candidate[] = [];
  for (const [index, e] of evaluated.entries()) {
    if (!applicable(e, ctx.rules)) continue;
    candidates.push({ index, name: e.decision.name, kind: e.decision.kind, forms: await labelFormsOf(e.decision.name, e) });
  }
  // With `only`, the other outputs are compared with but get no findings (a protected version is vetted alone).
  const vetted = (c: Candidate) => opts.only === undefined || c.index === opts.only;
  if (candidates.length === 0) return out;
  const { population, review } = populationOf(ctx.dataset, ctx.rules);
  if (review) {
    for (const c of candidates.filter(vetted)) {
      const e = at(out, c.index);
      out[c.index] = { ...e, decision: withFindings(e.decision, [review], e.decision.exception) };
    }
    return out;
  }
  return withSpan('airlock.check.differencing', { 'airlock.check.id': 'differencing' }, async (span) => {
    const threshold = ctx.rules.params.threshold;
    const index = deps.history && population ? historyIndexFor(deps.history) : null;
    if (index) await fromStore(() => index.refresh());
    const earlier = index && population ? index.population({ key: population.key, populations: ctx.rules.populations, project: ctx.rules.params.differencing_scope === 'project' ? ctx.project : null }) : [];
    const units = population ? await unitModeDifferences(evaluated, candidates, { population, rules: ctx.rules, history: deps.history ?? null, index, keys: deps.unitKeys ?? null }) : null;
    let failing = 0;
    const failuresOf = new Map(candidates.map((c) => [c.index, new Failures()]));
    const placed: PlacedForm[] = [
      ...candidates.flatMap((c) => c.forms.map((form) => ({ form, source: { output: c.name }, candidate: c.index }))),
      ...earlier.flatMap((h) => {
        const source: DifferenceSource = { output: h.output, decision_id: h.decision_id, ...(h.status === 'pending' ? { pending: true } : {}) };
        return h.forms.map((form) => ({ form, source, candidate: null }));
      }),
    ];
    pieceFailures(placed, threshold, failuresOf);
    for (const c of candidates) {
      if (!vetted(c)) continue;
      const failures = got(failuresOf, c.index);
      const found: Finding[] = [];
      try {
        for (const o of candidates) {
          if (o === c) continue;
          failures.add({ output: o.name }, compareForms(c.forms, o.forms, threshold));
        }
        // Statistics of one summary are compared with each other too (two means of one measure over different n).
        if (c.kind === 'summary' && c.forms.length > 1) {
          for (const a of c.forms) {
            const d = compareForms([a], c.forms.filter((b) => b !== a), threshold);
            if (d.length) failures.add({ output: c.name }, d);
          }
        }
        for (const h of earlier) failures.add({ output: h.output, decision_id: h.decision_id, ...(h.status === 'pending' ? { pending: true } : {}) }, compareForms(c.forms, h.forms, threshold));
        const u = units?.byOutput.get(c.index);
        if (u) {
          for (const f of u.failures) failures.add(f.source, f.differences);
          for (const s of u.compared) failures.saw(s);
          found.push(...u.reviews);
        }
      } catch (e) {
        if (e instanceof AirlockError) throw e;
        throw new AirlockError('CHECK_FAILED', `check differencing could not evaluate output "${c.name}"; no decision was made`, [], { cause: e });
      }
      found.unshift(...differencingFindings(c.kind === 'table', failures.compared.size, failures.list(), { population: population?.name ?? '(this request)', threshold, units: units?.byOutput.has(c.index) ?? false }));
      if (found.some((f) => f.status === 'fail')) failing++;
      const e = at(out, c.index);
      let history: OutputHistory | undefined;
      if (population) {
        invariant(ctx.dataset !== null, 'a population is only ever resolved from a dataset (populationOf)');
        history = { dataset: ctx.dataset, population: population.key, namespace: population.namespace, forms: c.forms, units: units?.byOutput.get(c.index)?.stored?.full ?? null, sketch: units?.byOutput.get(c.index)?.stored?.sketch ?? null, dictionary: [] };
      }
      out[c.index] = { ...e, decision: withFindings(e.decision, found, e.decision.exception), ...(history ? { history } : {}) };
    }
    // New units are recorded once, with the request's first output that carries any.
    if (units && units.dictionary.length > 0) {
      for (const c of candidates) {
        const e = at(out, c.index);
        if (!e.history?.units) continue;
        out[c.index] = { ...e, history: { ...e.history, dictionary: units.dictionary } };
        break;
      }
    }
    span.setAttributes({ 'airlock.differencing.outputs': candidates.length, 'airlock.differencing.earlier': earlier.length, 'airlock.differencing.failing': failing });
    return out;
  });
}

/**
 * The key requests serialise on, in this process and across replicas: the unit namespace of
 * the request's population (which covers the population: every population is in exactly one
 * namespace, and unit mode compares across the namespace), or null when nothing is compared
 * with the history.
 *
 * @example differencingLockKey('cohort-v2', rules) // 'ns:default'
 */
export function differencingLockKey(dataset: string | null, rules: EffectiveRules): string | null {
  const { population } = populationOf(dataset, rules);
  return population ? `ns:${population.namespace}` : null;
}

export { outputOfForm };

/** An output of an earlier decision that awaits review, as the history holds it. */
export interface PendingOutput {
  seq: number;
  idx: number;
  output: string;
  kind: OutputKind;
  dataset: string;
  namespace: string;
  population: string;
  forms: LabelForm[];
  /** Sealed unit form and sketch, when it has units. */
  units: Uint8Array | null;
  sketch: Uint8Array | null;
}

/**
 * Differencing again, when a checker releases outputs that awaited review (sdc-rules.md: "compared
 * again when a checker releases them"): each output's stored forms against the history as it
 * is now, without the decision's own pending entries. Returns the findings per output name
 * (fail closed: any `fail` means the release must not happen).
 *
 * @example const findings = await recheckDifferencing('d-1', pending, { project: 'p1', rules }, { history: store, unitKeys });
 */
export async function recheckDifferencing(
  decisionId: string,
  pending: readonly PendingOutput[],
  ctx: { project: string; rules: EffectiveRules },
  deps: DifferencingDeps,
): Promise<Map<string, Finding[]>> {
  const out = new Map<string, Finding[]>();
  if (!deps.history || pending.length === 0) return out;
  const index = historyIndexFor(deps.history);
  await fromStore(() => index.refresh());
  const threshold = ctx.rules.params.threshold;
  for (const p of pending) {
    const population = ctx.rules.populations.resolve(p.dataset);
    if (population.status === 'ambiguous') {
      out.set(p.output, [differencingReview(`dataset "${p.dataset}" is claimed by populations ${population.populations.join(' and ')}: differencing could not be checked again.`, 'Governance must place the dataset in one population.')]);
      continue;
    }
    const earlier = index
      .population({ key: population.key, populations: ctx.rules.populations, project: ctx.rules.params.differencing_scope === 'project' ? ctx.project : null })
      .filter((h) => h.decision_id !== decisionId);
    const failures = new Failures();
    for (const h of earlier) failures.add({ output: h.output, decision_id: h.decision_id, ...(h.status === 'pending' ? { pending: true } : {}) }, compareForms(p.forms, h.forms, threshold));
    const found: Finding[] = [];
    if (p.units && p.sketch && deps.unitKeys) {
      const u = await recheckUnits(p, decisionId, earlier.length ? index.namespace(p.namespace) : index.namespace(p.namespace), threshold, deps);
      for (const f of u.failures) failures.add(f.source, f.differences);
      found.push(...u.reviews);
    }
    found.unshift(...differencingFindings(p.kind === 'table', failures.compared.size, failures.list(), { population: population.name, threshold, units: p.units !== null }));
    out.set(p.output, found);
  }
  return out;
}
