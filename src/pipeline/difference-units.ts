/**
 * Unit-mode differencing in the decision path (docs/differencing.md "Unit mode"): for every
 * differenced output whose microdata has a unit column,
 * 1. its unit values (already normalised by the parser) become keyed digests, and digests
 *    become dense integers of the population's namespace — known ones from the dictionary, new
 *    ones numbered after the namespace's largest in digest order (so the numbering says nothing
 *    about the order of the rows); the new ones are recorded with the decision;
 * 2. the **coverage rule**: where the population already has released units and fewer than
 *    half of the output's units are among them, `review` ("units do not match this
 *    population's history": a re-keyed identifier column would otherwise escape comparison);
 * 3. it is compared exactly with the request's other outputs that have units, and with every
 *    earlier output of the namespace: first on their keyed samples (the prefilter, for outputs
 *    whose units each fall in one group), then in full for those the sample cannot rule out;
 * 4. its unit form and sketch are sealed for the history.
 * Runs under the namespace lock (`make-decision.ts`), so the dictionary's largest id is stable.
 *
 * @example
 * const r = await unitModeDifferences(evaluated, candidates, { population, rules, history: store, index, keys });
 */
import roaring from 'roaring';
import type { DictionaryAddition } from '../audit/audit-store.js';
import type { Finding } from '../domain.js';
import type { Difference, DifferenceSource, FailedComparison } from '../checks/differencing/findings.js';
import { differencingReview } from '../checks/differencing/findings.js';
import type { UnitDifference, UnitSide } from '../checks/differencing/unit-mode.js';
import { compareUnits, fastPrefilterApplies, isPartition, plausibleFast, sampleTolerance } from '../checks/differencing/unit-mode.js';
import { MAX_PIECE_SIDES, unitPieces } from '../checks/differencing/unit-pieces.js';
import type { DifferencingHistory, HistoryIndex, HistoryOutput } from '../history/history-index.js';
import type { UnitForm, UnitSketch } from '../history/unit-form.js';
import { decodeFull, decodeSketch, encodeUnitForm, membershipOf, sampled, unitFormOf } from '../history/unit-form.js';
import type { UnitKeys } from '../history/unit-keys.js';
import { open, seal, unitDigest } from '../history/unit-keys.js';
import type { EffectiveRules } from '../rules/load-ruleset.js';
import type { PopulationRef } from '../rules/populations.js';
import type { Candidate } from './difference-outputs.js';
import type { EvaluatedOutput } from './evaluate-output.js';
import { fromStore } from './from-store.js';

const { RoaringBitmap32 } = roaring;

/** How many of the population's most recent outputs with units join the search beyond pairs. */
export const RECENT_CONTEXT = 8;

/** Outputs with fewer units than this search beyond pairs in full, without the sampled prefilter (a small output may have no sampled unit). */
export const SMALL_FOR_SAMPLE = 16 * 128;

/** What unit mode found for one output. */
export interface UnitOutcome {
  failures: FailedComparison[];
  compared: DifferenceSource[];
  reviews: Finding[];
  /** The sealed unit form and sketch to record. */
  stored: { full: Uint8Array; sketch: Uint8Array } | null;
}

export interface UnitModeResult {
  byOutput: Map<number, UnitOutcome>;
  /** Units first seen in this request, to record with the decision. */
  dictionary: DictionaryAddition[];
  /** Figures for telemetry and benchmarks. */
  stats: { earlier: number; opened: number };
}

/** Most digest → id entries cached per namespace; beyond it the cache starts again. */
const DICTIONARY_CACHE = 2_000_000;

interface Caches {
  dictionary: Map<string, Map<string, number>>;
  sketches: WeakMap<HistoryOutput, UnitSketch>;
  /** Per population key: its released units, and the entries already in it. */
  populations: Map<string, { bitmap: InstanceType<typeof RoaringBitmap32>; seen: Set<string> }>;
}

const caches = new WeakMap<object, Caches>();

function cachesFor(owner: object): Caches {
  let c = caches.get(owner);
  if (!c) {
    c = { dictionary: new Map(), sketches: new WeakMap(), populations: new Map() };
    caches.set(owner, c);
  }
  return c;
}

/** The ids of the request's digests in the namespace; new ones numbered after the largest, in digest order. */
async function resolveIds(history: DifferencingHistory | null, caches: Caches, namespace: string, digests: Map<string, Buffer>): Promise<{ ids: Map<string, number>; added: DictionaryAddition[] }> {
  let cache = caches.dictionary.get(namespace);
  if (!cache || cache.size > DICTIONARY_CACHE) {
    cache = new Map();
    caches.dictionary.set(namespace, cache);
  }
  const ids = new Map<string, number>();
  const missing: Buffer[] = [];
  for (const [hex, d] of digests) {
    const id = cache.get(hex);
    if (id === undefined) missing.push(d);
    else ids.set(hex, id);
  }
  let maxId = 0;
  if (history) {
    const found = await history.unitIds(namespace, missing);
    maxId = found.maxId;
    for (const [hex, id] of found.ids) {
      const key = Buffer.from(hex, 'hex').toString('latin1');
      ids.set(key, id);
      cache.set(key, id);
    }
  }
  const fresh = [...digests.entries()].filter(([hex]) => !ids.has(hex)).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  const added: DictionaryAddition[] = [];
  for (const [hex, digest] of fresh) {
    const id = ++maxId;
    ids.set(hex, id);
    added.push({ namespace, digest, id });
  }
  return { ids, added };
}

function toDifference(d: UnitDifference): Difference {
  return { layer: d.layer === 'units' ? 'units' : d.layer, labels: d.labels, ...(d.ref ? { ref: d.ref } : {}), mine: d.mine, other: d.other, difference: d.difference, otherSide: d.otherSide, ...(d.measure ? { measure: d.measure } : {}) };
}

function tooLarge(what: string): Finding {
  return differencingReview(`${what} has too many groups and unit patterns to compare by units automatically; an output checker must compare them.`, 'Use fewer groups, or ask an output checker to compare the outputs.');
}

/**
 * Unit mode for the request's candidates (see the module comment); null when no candidate has
 * a unit column or no keys are configured.
 *
 * @example await unitModeDifferences(evaluated, candidates, ctx)
 */
export async function unitModeDifferences(
  evaluated: readonly EvaluatedOutput[],
  candidates: readonly Candidate[],
  ctx: { population: PopulationRef; rules: EffectiveRules; history: DifferencingHistory | null; index: HistoryIndex | null; keys: UnitKeys | null },
): Promise<UnitModeResult | null> {
  const withUnits = candidates.filter((c) => membershipOf(evaluated[c.index]!.parsed) !== null);
  if (withUnits.length === 0 || ctx.keys === null) return null;
  const keys = ctx.keys;
  const ns = ctx.population.namespace;
  const threshold = ctx.rules.params.threshold;
  const c = cachesFor(ctx.history ?? keys);
  // 1. Digests and ids.
  const digests = new Map<string, Buffer>();
  const localHex = new Map<number, string[]>();
  const sampledHex = new Set<string>();
  for (const cand of withUnits) {
    const u = membershipOf(evaluated[cand.index]!.parsed)!;
    const hexes = u.values.map((v) => {
      const d = unitDigest(keys, ns, v);
      // Map keys: the digest's bytes as a 16-character string (cheaper than hex).
      const hex = d.toString('latin1');
      if (!digests.has(hex)) {
        digests.set(hex, d);
        if (sampled(d)) sampledHex.add(hex);
      }
      return hex;
    });
    localHex.set(cand.index, hexes);
  }
  const { ids, added } = await fromStore(() => resolveIds(ctx.history, c, ns, digests));
  const sampledIds = new Set<number>();
  for (const hex of sampledHex) sampledIds.add(ids.get(hex)!);
  const forms = new Map<number, UnitForm>();
  for (const cand of withUnits) {
    const idOf = Uint32Array.from(localHex.get(cand.index)!, (hex) => ids.get(hex)!);
    const form = unitFormOf(cand.name, cand.kind, evaluated[cand.index]!.parsed, idOf);
    if (form) forms.set(cand.index, form);
  }
  const byOutput = new Map<number, UnitOutcome>();
  for (const idx of forms.keys()) byOutput.set(idx, { failures: [], compared: [], reviews: [], stored: null });

  // 2. The earlier outputs of the namespace, and the population's released units (coverage rule).
  const earlier = ctx.index ? ctx.index.namespace(ns) : [];
  const sketchOf = (h: HistoryOutput): UnitSketch | null => {
    let s = c.sketches.get(h);
    if (!s && h.sketch) {
      s = decodeSketch(open(keys, h.namespace, h.sketch));
      c.sketches.set(h, s);
    }
    return s ?? null;
  };
  let opened = 0;
  // Full forms are opened one at a time and never kept: the history stays on disk.
  const fullOf = async (h: HistoryOutput): Promise<UnitForm | null> => {
    const s = sketchOf(h);
    if (!s || !ctx.history) return null;
    const [row] = await fromStore(() => ctx.history!.historyUnits([{ seq: h.seq, idx: h.idx }]));
    if (!row) return null;
    opened++;
    return decodeFull(open(keys, h.namespace, row.units), s);
  };
  const populationUnits = await releasedUnits(c, ctx, earlier, fullOf);

  const tolerance = sampleTolerance(threshold);
  for (const [idx, form] of forms) {
    const out = byOutput.get(idx)!;
    const name = evaluated[idx]!.decision.name;
    if (populationUnits && populationUnits.size > 0 && form.ids.length > 0) {
      const known = populationUnits.andCardinality(new RoaringBitmap32(form.ids));
      if (known * 2 < form.ids.length) {
        out.reviews.push(
          differencingReview(
            `units do not match this population's history: ${known} of this output's ${form.ids.length} units are among the units the population has released (fewer than half), so unit-mode comparison with that history cannot be relied on (a re-keyed identifier column would escape it).`,
            'Use the unit identifiers the population is released under, or ask an output checker to compare the outputs.',
          ),
        );
      }
    }
    const failures = new Map<string, FailedComparison>();
    const add = (source: DifferenceSource, diffs: UnitDifference[]) => {
      out.compared.push(source);
      if (diffs.length === 0) return;
      const key = JSON.stringify([source.decision_id ?? null, source.output]);
      const f = failures.get(key) ?? { source, differences: [] };
      f.differences.push(...diffs.map(toDifference));
      failures.set(key, f);
    };
    // The context of the search beyond pairs: this output, the request's others, the earlier ones
    // opened, and the population's latest — first on their samples, in full where that is plausible.
    type ContextSide = { side: UnitSide; sample: UnitSide; source: DifferenceSource | null; history?: HistoryOutput };
    const context: ContextSide[] = [];
    // The latest earlier outputs opened in full (at most the context's size: forms are not hoarded).
    const openedSides: ContextSide[] = [];
    const mineSample = samplePart(form, sampledIds);
    const fast = fastPrefilterApplies(form);
    context.push({ side: form, sample: mineSample, source: null });
    try {
      // The request's other outputs with units.
      for (const [j, other] of forms) {
        if (j === idx) continue;
        add({ output: evaluated[j]!.decision.name }, compareUnits(form, other, threshold));
        context.push({ side: other, sample: samplePart(other, sampledIds), source: { output: evaluated[j]!.decision.name } });
      }
      // Earlier outputs of the namespace: sampled first, in full where the sample cannot rule them out.
      for (const h of earlier) {
        const source: DifferenceSource = { output: h.output, decision_id: h.decision_id, ...(h.status === 'pending' ? { pending: true } : {}) };
        const s = sketchOf(h);
        if (!s) continue;
        const ruledOut = fast && fastPrefilterApplies(s) ? !plausibleFast(mineSample, s, threshold) : isPartition(form) && isPartition(s) && compareUnits(mineSample, s, threshold, tolerance).length === 0;
        if (ruledOut) {
          out.compared.push(source);
          continue;
        }
        const full = await fullOf(h);
        if (!full) continue;
        add(source, compareUnits(form, full, threshold));
        openedSides.push({ side: full, sample: s, source, history: h });
        if (openedSides.length > MAX_PIECE_SIDES) openedSides.shift();
      }
      // The population's most recent outputs join the context first (pieces and intersections span
      // releases): earlier outputs opened in full come after them, most recent first. Taken in
      // history order, unrelated outputs of the namespace (e.g. other tables with margins, which
      // the sample cannot rule out) filled the context and hid P, P−A, P−B from P−A−B−X.
      const recent = earlier.filter((h) => ctx.rules.populations.contains(ctx.population.key, h.dataset)).slice(-RECENT_CONTEXT);
      for (const h of recent) {
        if (context.length >= MAX_PIECE_SIDES) break;
        const wasOpened = openedSides.find((x) => x.history === h);
        if (wasOpened) {
          context.push(wasOpened);
          continue;
        }
        const source: DifferenceSource = { output: h.output, decision_id: h.decision_id, ...(h.status === 'pending' ? { pending: true } : {}) };
        const s = sketchOf(h);
        if (s) context.push({ side: s, sample: s, source, history: h });
      }
      for (const x of openedSides.reverse()) {
        if (context.length >= MAX_PIECE_SIDES) break;
        if (!context.includes(x)) context.push(x);
      }
      if (context.length >= 3) {
        // A small output may be invisible in the sample: then the search runs in full.
        const plausible = form.ids.length < SMALL_FOR_SAMPLE || unitPieces(context.map((x) => x.sample), 0, threshold, tolerance).length > 0;
        if (plausible) {
          for (const x of context) if (x.history && x.side === x.sample) x.side = (await fullOf(x.history)) ?? x.side;
          const sides = context.filter((x) => x.side !== x.sample || x.source === null || !x.history);
          for (const d of unitPieces(sides.map((x) => x.side), 0, threshold)) {
            const name = (i: number) => {
              const s = sides[i]!.source;
              return s === null ? 'this output' : `output "${s.output}"${s.decision_id ? ` (decision ${s.decision_id})` : ''}`;
            };
            const source = sides[d.with]!.source ?? { output: name(d.with) };
            add(source, [{ layer: 'units', group: null, labels: d.labels, ...(d.ref ? { ref: d.ref } : {}), mine: d.mine, other: d.other, difference: d.difference, otherSide: d.describe(name) }]);
          }
        }
      }
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      out.reviews.push(tooLarge(`Output "${name}"`));
    }
    out.failures.push(...failures.values());
    const enc = encodeUnitForm(form, (i) => sampledIds.has(form.ids[i]!));
    out.stored = { full: seal(keys, ns, enc.full), sketch: seal(keys, ns, enc.sketch) };
  }
  return { byOutput, dictionary: added, stats: { earlier: earlier.length, opened } };
}

/** The sampled part of a form (its units in the keyed sample), with its full metadata. */
function samplePart(form: UnitForm, sampledIds: Set<number>): UnitSide {
  const keep: number[] = [];
  for (let i = 0; i < form.ids.length; i++) if (sampledIds.has(form.ids[i]!)) keep.push(i);
  return { ...form, ids: Uint32Array.from(keep, (i) => form.ids[i]!), pattern: Uint32Array.from(keep, (i) => form.pattern[i]!) };
}

/** The units the population has released (its released entries' universes), kept up to date in memory. */
async function releasedUnits(
  c: Caches,
  ctx: { population: PopulationRef; rules: EffectiveRules; index: HistoryIndex | null },
  earlier: readonly HistoryOutput[],
  fullOf: (h: HistoryOutput) => Promise<UnitForm | null>,
): Promise<InstanceType<typeof RoaringBitmap32> | null> {
  if (!ctx.index) return null;
  let p = c.populations.get(ctx.population.key);
  if (!p) {
    p = { bitmap: new RoaringBitmap32(), seen: new Set() };
    c.populations.set(ctx.population.key, p);
  }
  for (const h of earlier) {
    if (h.status !== 'released' || !ctx.rules.populations.contains(ctx.population.key, h.dataset)) continue;
    const key = `${h.seq}:${h.idx}`;
    if (p.seen.has(key)) continue;
    const f = await fullOf(h);
    if (f) p.bitmap.addMany(f.ids);
    p.seen.add(key);
  }
  return p.bitmap;
}


/**
 * Unit mode again for an output that awaited review (see `recheckDifferencing`): its sealed
 * form against every earlier output of its namespace except those of its own decision.
 *
 * @example await recheckUnits(pending, 'd-1', index.namespace('default'), 10, { history: store, unitKeys })
 */
export async function recheckUnits(
  p: { output: string; namespace: string; units: Uint8Array | null; sketch: Uint8Array | null },
  decisionId: string,
  namespaceHistory: readonly HistoryOutput[],
  threshold: number,
  deps: { history?: DifferencingHistory; unitKeys?: UnitKeys },
): Promise<{ failures: FailedComparison[]; reviews: Finding[] }> {
  const keys = deps.unitKeys;
  if (!keys || !p.units || !p.sketch) return { failures: [], reviews: [] };
  const c = cachesFor(deps.history ?? keys);
  const mineSketch = decodeSketch(open(keys, p.namespace, p.sketch));
  const form = decodeFull(open(keys, p.namespace, p.units), mineSketch);
  const sampledIds = new Set(mineSketch.ids);
  const mineSample = samplePart(form, sampledIds);
  const tolerance = sampleTolerance(threshold);
  const failures: FailedComparison[] = [];
  try {
    for (const h of namespaceHistory) {
      if (h.decision_id === decisionId || !h.sketch) continue;
      let s = c.sketches.get(h);
      if (!s) {
        s = decodeSketch(open(keys, h.namespace, h.sketch));
        c.sketches.set(h, s);
      }
      if (isPartition(form) && isPartition(s) && compareUnits(mineSample, s, threshold, tolerance).length === 0) continue;
      const [row] = deps.history ? await fromStore(() => deps.history!.historyUnits([{ seq: h.seq, idx: h.idx }])) : [];
      if (!row) continue;
      const diffs = compareUnits(form, decodeFull(open(keys, h.namespace, row.units), s), threshold);
      if (diffs.length) failures.push({ source: { output: h.output, decision_id: h.decision_id, ...(h.status === 'pending' ? { pending: true } : {}) }, differences: diffs.map(toDifference) });
    }
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return { failures, reviews: [tooLarge(`Output "${p.output}"`)] };
  }
  return { failures, reviews: [] };
}
