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
import { TooLargeToCompareError } from '../errors.js';
import roaring from 'roaring';
import type { DictionaryAddition } from '../audit/audit-store.js';
import type { Finding } from '../domain.js';
import type { Difference, DifferenceSource, FailedComparison } from '../checks/differencing/findings.js';
import { differencingReview, sourceKey } from '../checks/differencing/findings.js';
import type { UnitDifference, UnitSide } from '../checks/differencing/unit-mode.js';
import { AirlockError } from '../errors.js';
import { compareUnits, fastPrefilterApplies, isPartition, plausibleFast, sampleTolerance } from '../checks/differencing/unit-mode.js';
import { MAX_PIECE_SIDES, unitPieces } from '../checks/differencing/unit-pieces.js';
import type { RankedSample } from '../checks/differencing/unit-prefilter.js';
import { SampleRanks, maskable, plausibleRanked, probe, rankedSample } from '../checks/differencing/unit-prefilter.js';
import type { DifferencingHistory, HistoryIndex, HistoryOutput } from '../history/history-index.js';
import type { UnitForm, UnitSketch } from '../history/unit-form.js';
import { decodeFull, decodeSketch, decodeUniverse, encodeUnitForm, membershipOf, sampledAt, unitFormOf } from '../history/unit-form.js';
import type { UnitKeys } from '../history/unit-keys.js';
import type { UnitKeying } from '../history/unit-keys.js';
import { CURRENT_KEYING, MARKER_ID, UNIT_DIGEST_BYTES, keyingMarker, open, seal, unitDigests } from '../history/unit-keys.js';
import type { EffectiveRules } from '../rules/load-ruleset.js';
import type { PopulationRef } from '../rules/populations.js';
import type { Candidate } from './difference-outputs.js';
import type { EvaluatedOutput } from './evaluate-output.js';
import { fromStore } from './from-store.js';
import { at, got, outOfRange } from '../lib/invariant.js';
import { UnitCoverage } from './unit-coverage.js';

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
  /** Per namespace, the units its datasets have released (the coverage rule). */
  coverage: Map<string, UnitCoverage>;
  /** Per namespace, its keying once the store has settled it (it never changes after). */
  keying: Map<string, UnitKeying>;
  /** Recently opened full forms, by `seq:idx` (stored forms never change: nothing to invalidate). */
  full: FormCache;
  /** Per namespace, the dense ranks of its sampled units, and each earlier sketch in rank form (null: the mask form does not apply). */
  ranks: Map<string, SampleRanks>;
  ranked: WeakMap<HistoryOutput, RankedSample | null>;
}

/** Bytes of decoded full forms kept (about 80 forms of 100,000 units). */
export const FULL_FORM_CACHE_BYTES = 64 * 2 ** 20;

/**
 * A least-recently-used cache of decoded full forms, bounded by their bytes. The population's
 * most recent outputs are opened by nearly every request (the search beyond pairs, the
 * coverage rule): kept decoded, they cost no read, decryption or decoding. Entries are keyed by
 * their place in the append-only store, so another process appending cannot make one stale.
 */
export class FormCache {
  private readonly forms = new Map<string, UnitForm>();
  private bytes = 0;
  constructor(private readonly limit = FULL_FORM_CACHE_BYTES) {}

  get(key: string): UnitForm | undefined {
    const f = this.forms.get(key);
    if (f) {
      this.forms.delete(key);
      this.forms.set(key, f);
    }
    return f;
  }

  set(key: string, form: UnitForm): void {
    const size = form.ids.byteLength + form.pattern.byteLength;
    if (size > this.limit || this.forms.has(key)) return;
    this.forms.set(key, form);
    this.bytes += size;
    for (const [k, f] of this.forms) {
      if (this.bytes <= this.limit) break;
      this.forms.delete(k);
      this.bytes -= f.ids.byteLength + f.pattern.byteLength;
    }
  }

  get size(): number {
    return this.forms.size;
  }
}

const caches = new WeakMap<object, Caches>();

function cachesFor(owner: object): Caches {
  let c = caches.get(owner);
  if (!c) {
    c = { dictionary: new Map(), sketches: new WeakMap(), coverage: new Map(), keying: new Map(), full: new FormCache(), ranks: new Map(), ranked: new WeakMap() };
    caches.set(owner, c);
  }
  return c;
}

/**
 * The keying of a namespace (`UnitKeying`): version 2 when its dictionary holds the marker,
 * version 1 when it holds units but no marker (created before version 2), and for an empty
 * namespace the current version, with the marker to record alongside its first units.
 */
async function keyingOf(history: DifferencingHistory | null, caches: Caches, keys: UnitKeys, namespace: string): Promise<{ keying: UnitKeying; marker: DictionaryAddition | null }> {
  const known = caches.keying.get(namespace);
  if (known) return { keying: known, marker: null };
  if (!history) return { keying: CURRENT_KEYING, marker: null };
  const digest = await keyingMarker(keys, namespace);
  const found = await history.unitIds(namespace, [digest]);
  const markerId = found.ids.get(digest.toString('hex'));
  if (markerId !== undefined && markerId !== MARKER_ID) throw new AirlockError('INTERNAL', `the unit dictionary of namespace "${namespace}" holds its keying marker under id ${markerId}`);
  const keying: UnitKeying | null = markerId === MARKER_ID ? 2 : found.maxId > 0 ? 1 : null;
  if (keying !== null) {
    caches.keying.set(namespace, keying);
    return { keying, marker: null };
  }
  return { keying: CURRENT_KEYING, marker: CURRENT_KEYING === 2 ? { namespace, digest, id: MARKER_ID } : null };
}

/**
 * The ids of the request's digests (by slot: `keys[slot]`, bytes `digestOf(slot)`) in the
 * namespace; new ones numbered after the largest, in digest order.
 */
async function resolveIds(
  history: DifferencingHistory | null,
  caches: Caches,
  namespace: string,
  keys: readonly string[],
  digestOf: (slot: number) => Buffer,
): Promise<{ ids: Uint32Array; added: DictionaryAddition[] }> {
  let cache = caches.dictionary.get(namespace);
  if (!cache || cache.size > DICTIONARY_CACHE) {
    cache = new Map();
    caches.dictionary.set(namespace, cache);
  }
  // Unit ids start at 1: 0 is "not known yet".
  const ids = new Uint32Array(keys.length);
  const missing: number[] = [];
  for (let slot = 0; slot < keys.length; slot++) {
    const id = cache.get(at(keys, slot));
    if (id === undefined) missing.push(slot);
    else ids[slot] = id;
  }
  let maxId = 0;
  if (history) {
    const found = await history.unitIds(namespace, missing.map(digestOf));
    maxId = found.maxId;
    for (const slot of missing) {
      const id = found.ids.get(digestOf(slot).toString('hex'));
      if (id === undefined) continue;
      ids[slot] = id;
      cache.set(at(keys, slot), id);
    }
  }
  const fresh = missing.filter((slot) => ids[slot] === 0).sort((x, y) => {
    const a = at(keys, x);
    const b = at(keys, y);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const added: DictionaryAddition[] = [];
  for (const slot of fresh) {
    const id = ++maxId;
    ids[slot] = id;
    added.push({ namespace, digest: Buffer.from(digestOf(slot)), id });
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
  const withUnits = candidates.flatMap((cand) => {
    const e = at(evaluated, cand.index);
    const units = membershipOf(e);
    return units ? [{ cand, e, units }] : [];
  });
  if (withUnits.length === 0 || ctx.keys === null) return null;
  const keys = ctx.keys;
  const ns = ctx.population.namespace;
  const threshold = ctx.rules.params.threshold;
  const c = cachesFor(ctx.history ?? keys);
  // 1. Digests (under the namespace's keying) and ids.
  const { keying, marker } = await fromStore(() => keyingOf(ctx.history, c, keys, ns));
  // Each distinct digest of the request is a slot: its bytes stay in the batch they were hashed
  // into (no object per unit); Map keys are the 16 bytes as a latin1 string (cheaper than hex).
  const slotOf = new Map<string, number>();
  const slotKeys: string[] = [];
  const slotBatch: Buffer[] = [];
  const slotOffset: number[] = [];
  const sampledSlots: number[] = [];
  const localSlots = new Map<number, Uint32Array>();
  for (const { cand, units: u } of withUnits) {
    const all = await unitDigests(keys, ns, u.values, keying);
    const local = new Uint32Array(u.values.length);
    for (let i = 0; i < local.length; i++) {
      const off = i * UNIT_DIGEST_BYTES;
      const key = all.toString('latin1', off, off + UNIT_DIGEST_BYTES);
      let slot = slotOf.get(key);
      if (slot === undefined) {
        slot = slotKeys.length;
        slotOf.set(key, slot);
        slotKeys.push(key);
        slotBatch.push(all);
        slotOffset.push(off);
        if (sampledAt(all, off + UNIT_DIGEST_BYTES)) sampledSlots.push(slot);
      }
      local[i] = slot;
    }
    localSlots.set(cand.index, local);
  }
  const digestOf = (slot: number) => {
    const off = slotOffset[slot] ?? outOfRange();
    return at(slotBatch, slot).subarray(off, off + UNIT_DIGEST_BYTES);
  };
  const resolved = await fromStore(() => resolveIds(ctx.history, c, ns, slotKeys, digestOf));
  const idOfSlot = resolved.ids;
  const added = marker ? [marker, ...resolved.added] : resolved.added;
  const sampledIds = new Set<number>();
  for (const slot of sampledSlots) sampledIds.add(idOfSlot[slot] ?? outOfRange());
  const forms = new Map<number, UnitForm>();
  for (const { cand, e } of withUnits) {
    const local = got(localSlots, cand.index);
    const idOf = new Uint32Array(local.length);
    for (let i = 0; i < local.length; i++) idOf[i] = idOfSlot[local[i] ?? outOfRange()] ?? outOfRange();
    const form = unitFormOf(cand.name, e, idOf);
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
  // Full forms are read one at a time; the most recently used stay decoded in a bounded cache.
  const rawOf = async (h: HistoryOutput): Promise<Buffer | null> => {
    const history = ctx.history;
    if (!history) return null;
    const [row] = await fromStore(() => history.historyUnits([{ seq: h.seq, idx: h.idx }]));
    if (!row) return null;
    opened++;
    return open(keys, h.namespace, row.units);
  };
  const fullOf = async (h: HistoryOutput): Promise<UnitForm | null> => {
    const key = `${h.seq}:${h.idx}`;
    const hit = c.full.get(key);
    if (hit) return hit;
    const s = sketchOf(h);
    if (!s) return null;
    const raw = await rawOf(h);
    if (!raw) return null;
    const form = decodeFull(raw, s);
    c.full.set(key, form);
    return form;
  };
  const universeOf = async (h: HistoryOutput): Promise<InstanceType<typeof RoaringBitmap32> | null> => {
    const hit = c.full.get(`${h.seq}:${h.idx}`);
    if (hit) return new RoaringBitmap32(hit.ids);
    if (!h.sketch) return null;
    const raw = await rawOf(h);
    return raw ? decodeUniverse(raw) : null;
  };
  const populationUnits = await releasedUnits(c, ctx, earlier, fullOf, universeOf, keys);

  const tolerance = sampleTolerance(threshold);
  for (const [idx, form] of forms) {
    const out = got(byOutput, idx);
    const name = at(evaluated, idx).decision.name;
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
      const key = sourceKey(source);
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
    // The common case's prefilter in rank and mask form (`unit-prefilter.ts`): a lookup table of this output's sample.
    let ranks = c.ranks.get(ns);
    if (!ranks) c.ranks.set(ns, (ranks = new SampleRanks()));
    const mineProbe = maskable(mineSample) ? probe(mineSample, ranks) : null;
    const rankedOf = (h: HistoryOutput, s: UnitSketch): RankedSample | null => {
      let r = c.ranked.get(h);
      if (r === undefined) {
        r = maskable(s) ? rankedSample(s, ranks) : null;
        c.ranked.set(h, r);
      }
      return r;
    };
    context.push({ side: form, sample: mineSample, source: null });
    try {
      // The request's other outputs with units.
      for (const [j, other] of forms) {
        if (j === idx) continue;
        const source = { output: at(evaluated, j).decision.name };
        add(source, compareUnits(form, other, threshold));
        context.push({ side: other, sample: samplePart(other, sampledIds), source });
      }
      // Earlier outputs of the namespace: sampled first, in full where the sample cannot rule them out.
      for (const h of earlier) {
        const source: DifferenceSource = { output: h.output, decision_id: h.decision_id, ...(h.status === 'pending' ? { pending: true } : {}) };
        const s = sketchOf(h);
        if (!s) continue;
        const ranked = mineProbe ? rankedOf(h, s) : null;
        const ruledOut = mineProbe && ranked
          ? !plausibleRanked(mineProbe, ranked, threshold)
          : fast && fastPrefilterApplies(s)
            ? !plausibleFast(mineSample, s, threshold)
            : isPartition(form) && isPartition(s) && compareUnits(mineSample, s, threshold, tolerance).length === 0;
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
      const inContext = new Set(context.map((x) => (x.source ? sourceKey(x.source) : '')));
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
        if (!s || inContext.has(sourceKey(source))) continue;
        context.push({ side: s, sample: s, source, history: h });
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
              const s = at(sides, i).source;
              return s === null ? 'this output' : `output "${s.output}"${s.decision_id ? ` (decision ${s.decision_id})` : ''}`;
            };
            const source = at(sides, d.with).source ?? { output: name(d.with) };
            add(source, [{ layer: 'units', group: null, labels: d.labels, ...(d.ref ? { ref: d.ref } : {}), mine: d.mine, other: d.other, difference: d.difference, otherSide: d.describe(name) }]);
          }
        }
      }
    } catch (e) {
      if (!(e instanceof TooLargeToCompareError)) throw e;
      out.reviews.push(tooLarge(`Output "${name}"`));
    }
    out.failures.push(...failures.values());
    const enc = encodeUnitForm(form, (i) => sampledIds.has(form.ids[i] ?? outOfRange()));
    out.stored = { full: seal(keys, ns, enc.full), sketch: seal(keys, ns, enc.sketch) };
  }
  return { byOutput, dictionary: added, stats: { earlier: earlier.length, opened } };
}

/** The sampled part of a form (its units in the keyed sample), with its full metadata. */
function samplePart(form: UnitForm, sampledIds: Set<number>): UnitSide {
  const keep: number[] = [];
  for (let i = 0; i < form.ids.length; i++) if (sampledIds.has(form.ids[i] ?? outOfRange())) keep.push(i);
  return { ...form, ids: Uint32Array.from(keep, (i) => form.ids[i] ?? outOfRange()), pattern: Uint32Array.from(keep, (i) => form.pattern[i] ?? outOfRange()) };
}

/**
 * The units the population has released (`unit-coverage.ts`), brought up to date. The
 * population's most recent entries are opened in full (and so cached: the search beyond pairs
 * reads them next); older ones (a cold start past the saved snapshots) only as far as their
 * universe.
 */
async function releasedUnits(
  c: Caches,
  ctx: { population: PopulationRef; rules: EffectiveRules; index: HistoryIndex | null; history: DifferencingHistory | null },
  earlier: readonly HistoryOutput[],
  fullOf: (h: HistoryOutput) => Promise<UnitForm | null>,
  universeOf: (h: HistoryOutput) => Promise<InstanceType<typeof RoaringBitmap32> | null>,
  keys: UnitKeys,
): Promise<InstanceType<typeof RoaringBitmap32> | null> {
  if (!ctx.index) return null;
  const ns = ctx.population.namespace;
  let cov = c.coverage.get(ns);
  if (!cov) c.coverage.set(ns, (cov = new UnitCoverage(ns)));
  const contains = (dataset: string) => ctx.rules.populations.contains(ctx.population.key, dataset);
  const recent = new Set(earlier.filter((h) => contains(h.dataset)).slice(-RECENT_CONTEXT));
  await cov.update(earlier, contains, {
    history: ctx.history,
    keys,
    fold: async (h) => {
      if (!recent.has(h)) return universeOf(h);
      const f = await fullOf(h);
      return f ? new RoaringBitmap32(f.ids) : null;
    },
  });
  return cov.population(contains) ?? new RoaringBitmap32();
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
  const { unitKeys: keys, history } = deps;
  if (!keys || !p.units || !p.sketch) return { failures: [], reviews: [] };
  const c = cachesFor(deps.history ?? keys);
  const mineSketch = decodeSketch(open(keys, p.namespace, p.sketch));
  // (A recheck runs once per review: its reads are not cached.)
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
      const [row] = history ? await fromStore(() => history.historyUnits([{ seq: h.seq, idx: h.idx }])) : [];
      if (!row) continue;
      const diffs = compareUnits(form, decodeFull(open(keys, h.namespace, row.units), s), threshold);
      if (diffs.length) failures.push({ source: { output: h.output, decision_id: h.decision_id, ...(h.status === 'pending' ? { pending: true } : {}) }, differences: diffs.map(toDifference) });
    }
  } catch (e) {
    if (!(e instanceof TooLargeToCompareError)) throw e;
    return { failures, reviews: [tooLarge(`Output "${p.output}"`)] };
  }
  return { failures, reviews: [] };
}
