/**
 * A Kaplan-Meier series computed from microdata: one row per subject with `spec.time` (time
 * to the event or to censoring) and `spec.event` (1/true: the event; 0/false: censored),
 * optional `spec.unit` (then each unit must have one row). The reported times are the
 * declared steps' times, else `spec.times`, else every distinct event time (the curve's
 * drops). At reported time tᵢ: `at_risk` = subjects with time ≥ tᵢ; `events` and
 * `censored` = subjects with the event / censored in [tᵢ, tᵢ₊₁) (after the last reported
 * time: all who remain), so at_risk − events − censored is the next step's at_risk. With
 * reported times at every event time this is the usual risk table; with fewer times, a
 * step's events are those of its interval. Declared steps must equal the computed ones.
 *
 * @example
 * survivalFromMicrodata(spec, microdata, null, ctx) // { steps: [{ time: 3, atRisk: 120, events: 12, censored: 4 }, …], units }
 */
import { at, outOfRange } from '../../lib/invariant.js';
import { normalise } from '../../lib/normalise.js';
import { lastAtMost } from '../../lib/sorted-search.js';
import type { UnitMembership } from '../../lib/unit-membership.js';
import { declaredCount } from '../declared-evidence.js';
import type { ParseContext } from '../output-kind.js';
import type { Fields } from '../read-fields.js';
import { increasingNumbers, invalid } from '../read-fields.js';
import type { MicrodataInput } from '../table/table-kind.js';
import { categories, groupCounts, numbers, readUnitRows } from '../unit-rows.js';
import type { SurvivalStep } from './plot-output.js';

const EVENT = new Set(['1', '1.0', 'true', 't', 'yes', 'y']);
const CENSORED = new Set(['0', '0.0', 'false', 'f', 'no', 'n']);

export interface DeclaredSteps {
  steps: SurvivalStep[];
  pointer: string;
}

/** Whether each row is an event (1) or censored (0), from the event column's labels. */
function eventFlags(dict: readonly string[], codes: Int32Array, pointer: string): Uint8Array {
  const meaning = Uint8Array.from(dict, (label) => {
    const n = normalise(label);
    if (EVENT.has(n)) return 1;
    if (CENSORED.has(n)) return 0;
    return invalid('PLOT_INVALID', pointer, `the event column holds "${label}"; it must be 1/0 or true/false (recode R's 1/2 status as 0/1)`);
  });
  const flags = new Uint8Array(codes.length);
  for (let r = 0; r < codes.length; r++) {
    const c = codes[r] ?? outOfRange();
    if (c < 0) invalid('PLOT_INVALID', pointer, `row ${r + 1} has no event status`);
    flags[r] = meaning[c] ?? outOfRange();
  }
  return flags;
}

/** The reported times: declared, else spec.times, else the distinct event times. */
function reportedTimes(spec: Fields, declared: DeclaredSteps | null, times: Float64Array, events: Uint8Array, maxSteps: number): number[] {
  if (declared) return declared.steps.map((s) => s.time);
  const given = spec.optArray('times');
  if (given !== undefined) {
    if (given.length === 0) invalid('PLOT_INVALID', spec.at('times'), 'must not be empty');
    if (given.length > maxSteps) invalid('PLOT_INVALID', spec.at('times'), `has ${given.length} times, more than the configured limit of ${maxSteps}`);
    return increasingNumbers(given, spec.at('times'), 'times', 'PLOT_INVALID', 'SURVIVAL_INCONSISTENT');
  }
  const distinct = [...new Set(Array.from(times).filter((_, r) => events[r] === 1))].sort((a, b) => a - b);
  if (distinct.length === 0) invalid('PLOT_INVALID', spec.at('event'), 'the microdata has no events: there is no curve to check');
  if (distinct.length > maxSteps) invalid('PLOT_INVALID', spec.at('times'), `${distinct.length} distinct event times, more than the configured limit of ${maxSteps}; report fewer times in spec.times`);
  return distinct;
}

/** Computes the steps; throws `PLOT_INVALID` for unusable rows, `SURVIVAL_INCONSISTENT` for declared steps that disagree. */
export function survivalFromMicrodata(
  spec: Fields,
  microdata: MicrodataInput,
  declared: DeclaredSteps | null,
  ctx: ParseContext,
): { steps: SurvivalStep[]; units: UnitMembership | null } {
  const time = spec.string('time');
  const event = spec.string('event');
  const unit = spec.optString('unit') ?? null;
  const rows = readUnitRows(microdata, { categories: [event], numbers: [time] }, unit, ctx, 'PLOT_INVALID', spec.at('unit'));
  const ts = numbers(rows, time);
  for (let r = 0; r < rows.nRows; r++) if (Number.isNaN(ts[r] ?? outOfRange())) invalid('PLOT_INVALID', spec.at('time'), `row ${r + 1} has no time`);
  const eventColumn = categories(rows, event);
  const ev = eventFlags(eventColumn.dict, eventColumn.codes, spec.at('event'));
  if (rows.unit) {
    const firstRow = new Int32Array(rows.unit.values.length).fill(-1);
    for (let r = 0; r < rows.nRows; r++) {
      const u = rows.unit.of[r] ?? outOfRange();
      const first = firstRow[u] ?? outOfRange();
      if (first >= 0) invalid('PLOT_INVALID', spec.at('unit'), `rows ${first + 1} and ${r + 1} belong to one unit: a survival curve needs one row per unit`);
      firstRow[u] = r;
    }
  }
  const times = reportedTimes(spec, declared, ts, ev, ctx.limits.maxCells);
  const nSteps = times.length;
  const events = new Array<number>(nSteps).fill(0);
  const censored = new Array<number>(nSteps).fill(0);
  const stepOfRow = new Int32Array(rows.nRows);
  for (let r = 0; r < rows.nRows; r++) {
    const s = lastAtMost(times, ts[r] ?? outOfRange());
    stepOfRow[r] = s;
    if (s < 0) continue;
    if (ev[r]) events[s] = (events[s] ?? outOfRange()) + 1;
    else censored[s] = (censored[s] ?? outOfRange()) + 1;
  }
  // The risk set at step i: every subject whose interval is i or later (one row per subject).
  const atRisk = new Array<number>(nSteps).fill(0);
  for (let i = nSteps - 1, sum = 0; i >= 0; i--) atRisk[i] = sum += (events[i] ?? outOfRange()) + (censored[i] ?? outOfRange());
  // Their units, for differencing; nested sets, so bounded by the row limit in total.
  const units = rows.unit
    ? groupCounts(
        rows,
        nSteps,
        (r, add) => {
          const last = stepOfRow[r] ?? outOfRange();
          for (let s = 0; s <= last; s++) add(s);
        },
        ctx.limits.maxRows,
        'PLOT_INVALID',
        spec.pointer,
      ).units
    : null;
  const steps = times.map((t, i) => ({ time: t, atRisk: at(atRisk, i), events: at(events, i), censored: at(censored, i) }));
  if (declared) {
    // The reported times are the declared steps' own, so there is one computed step for each.
    declared.steps.forEach((d, i) => {
      const c = at(steps, i);
      const pointer = `${declared.pointer}/${i}`;
      const what = `steps[${i}] (time ${d.time})`;
      declaredCount('SURVIVAL_INCONSISTENT', `${pointer}/at_risk`, `${what} at_risk`, d.atRisk, c.atRisk);
      declaredCount('SURVIVAL_INCONSISTENT', `${pointer}/events`, `${what} events`, d.events, c.events);
      declaredCount('SURVIVAL_INCONSISTENT', `${pointer}/censored`, `${what} censored`, d.censored, c.censored);
    });
  }
  return { steps, units };
}
