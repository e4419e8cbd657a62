/**
 * The `differencing` benchmark (issue 11): a SQLite audit store holding `releases` earlier
 * releases of one population, each a 20-cell table (4 × 5, with every margin: 30 groups) over
 * a random 80–100 % of `units` units with its own variables and its own random assignment of
 * units to cells, recorded through the store's ordinary `append` with sealed unit forms, their
 * sketches, label forms and the unit dictionary. Then, a new release appended before each run
 * (not timed), the differencing step for a new table of the same population is timed:
 * - `unit_ms`: the table with its unit column (unit digests, dictionary, coverage rule,
 *   prefilter over every earlier sketch, full comparison of the plausible ones, label mode,
 *   sealing its own form);
 * - `label_ms`: the same table pre-aggregated (label mode only).
 * Also: bytes stored per release (sealed form + sketch) and per unit-cell membership, and the
 * process's peak RSS (the history stays on disk; only sketches and label forms are in memory).
 *
 * @example const r = await measureDifferencing({ releases: 10_000, units: 100_000, runs: 50 });
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import type { AuditStore, DictionaryAddition, HistoryEntryInput, UnitCoverageRow } from '../src/audit/audit-store.js';
import { openSqliteStore } from '../src/audit/sqlite-store.js';
import type { Decision } from '../src/domain.js';
import type { LabelForm } from '../src/history/label-form.js';
import type { UnitForm, UnitGroup } from '../src/history/unit-form.js';
import { encodeUnitForm, sampled } from '../src/history/unit-form.js';
import { CURRENT_KEYING, MARKER_ID, UNIT_DIGEST_BYTES, keyingMarker, seal, unitDigests, unitKeysOf } from '../src/history/unit-keys.js';
import type { UnitKeying, UnitKeys } from '../src/history/unit-keys.js';
import { membershipFromPairs } from '../src/lib/unit-membership.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { MARGIN_LABEL, cellCount, cellLabels } from '../src/outputs/table/cell-table.js';
import { buildTable } from '../src/outputs/table/build-table.js';
import { readJsonRows } from '../src/outputs/table/json-rows-reader.js';
import { normaliseSpec } from '../src/outputs/table/table-spec.js';
import { differenceOutputs } from '../src/pipeline/difference-outputs.js';
import type { EvaluatedOutput } from '../src/pipeline/evaluate-output.js';
import { evaluateOutput } from '../src/pipeline/evaluate-output.js';
import { loadRuleset } from '../src/rules/load-ruleset.js';
import { seededRandom } from '../test/helpers/seeded-random.js';

export interface DifferencingFigures {
  releases: number;
  units: number;
  fill_seconds: number;
  /** The first request of the process (reads the history index, opens what the coverage snapshots do not cover). */
  cold_ms: number;
  unit_ms: { p50: number; p99: number; max: number; runs: number };
  /** CPU time (user + system, all threads of the process) of the same runs: steadier than wall time on a shared machine. */
  unit_cpu_ms: { p50: number; p99: number; max: number; runs: number };
  label_ms: { p50: number; p99: number; max: number; runs: number };
  /** Of `unit_ms`: keying the new table's units alone (`keying`: 2 = keyed BLAKE3, 1 = HMAC-SHA-256). */
  hash_ms: { p50: number; p99: number; max: number; runs: number };
  keying: UnitKeying;
  /** The same units keyed with HMAC-SHA-256 (version 1), for comparison. */
  hash_v1_ms: { p50: number; p99: number; max: number; runs: number };
  /** Median of earlier outputs opened in full per run (the prefilter could not set them aside). */
  opened_per_run: number;
  bytes_per_release: number;
  bytes_per_membership: number;
  peak_rss_mb: number;
  outcome: string;
}

const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const summary = (xs: number[]) => ({ p50: r3(q(xs, 0.5)), p99: r3(q(xs, 0.99)), max: r3(Math.max(...xs)), runs: xs.length });

const ROWS = 4;
const COLS = 5;

/** The 30 groups of a 4 × 5 table over atoms `row * COLS + col`: cells and every margin. */
function cubeGroups(a: string, b: string): UnitGroup[] {
  const out: UnitGroup[] = [];
  for (let r = 0; r <= ROWS; r++) {
    for (let c = 0; c <= COLS; c++) {
      const atoms: number[] = [];
      for (let i = 0; i < ROWS; i++) for (let j = 0; j < COLS; j++) if ((r === ROWS || r === i) && (c === COLS || c === j)) atoms.push(i * COLS + j);
      out.push({ atoms, labels: { [a]: r === ROWS ? MARGIN_LABEL : `r${r}`, [b]: c === COLS ? MARGIN_LABEL : `c${c}` } });
    }
  }
  return out;
}

/** An earlier release: its unit form (over namespace ids 1…units) and label form. */
function release(i: number, units: number, rnd: () => number): { form: UnitForm; label: LabelForm } {
  const a = `v${i}a`;
  const b = `v${i}b`;
  const keep = 0.8 + 0.2 * rnd();
  const ids: number[] = [];
  const pattern: number[] = [];
  for (let u = 1; u <= units; u++) {
    if (rnd() >= keep) continue;
    ids.push(u);
    pattern.push(Math.floor(rnd() * ROWS * COLS));
  }
  const groups = cubeGroups(a, b);
  const perAtom = new Array<number>(ROWS * COLS).fill(0);
  for (const p of pattern) perAtom[p]!++;
  const sizes = groups.map((g) => g.atoms.reduce((s, x) => s + perAtom[x]!, 0));
  const form: UnitForm = {
    atoms: ROWS * COLS,
    patterns: Array.from({ length: ROWS * COLS }, (_, k) => ({ m: [k], c: [] })),
    groups,
    measures: new Array(ROWS * COLS).fill(null),
    sums: new Array(ROWS * COLS).fill(null),
    sizes,
    csizes: sizes.map(() => 0),
    total: ids.length,
    ids: Uint32Array.from(ids),
    pattern: Uint32Array.from(pattern),
  };
  const label: LabelForm = {
    output: 't',
    kind: 'table',
    dims: [a, b].sort(),
    constants: {},
    measure: null,
    nested: false,
    cells: groups.map((g, k) => ({ labels: g.labels!, size: sizes[k]!, count: null, sum: null })),
  };
  return { form, label };
}

/** What a kept store directory (`storeDir`) remembers between runs, so a history is filled once. */
interface KeptState {
  secret: string;
  releases: number;
  units: number;
  /** Releases appended so far (fill and runs). */
  appended: number;
  /** The namespace's keying (absent: filled before version 2). */
  keying?: UnitKeying;
}

const STATE_FILE = 'bench-differencing.json';

export async function measureDifferencing(opts: { releases: number; units: number; runs: number; log?: (s: string) => void; storeDir?: string; profile?: string }): Promise<DifferencingFigures> {
  const log = opts.log ?? (() => undefined);
  // A kept store (for profiling and repeated runs): filled on first use, reused while its size matches.
  let kept: KeptState | null = null;
  if (opts.storeDir) {
    mkdirSync(opts.storeDir, { recursive: true });
    const path = join(opts.storeDir, STATE_FILE);
    const old = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as KeptState) : null;
    if (old && old.releases === opts.releases && old.units === opts.units) kept = old;
    else {
      rmSync(opts.storeDir, { recursive: true, force: true });
      mkdirSync(opts.storeDir, { recursive: true });
    }
  }
  const dataDir = opts.storeDir ?? mkdtempSync(join(tmpdir(), 'airlock-bench-differencing-'));
  let store: AuditStore | null = null;
  let peak = 0;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  try {
    store = await openSqliteStore({ dataDir });
    const secret = kept ? Buffer.from(kept.secret, 'hex') : randomBytes(32);
    const keys: UnitKeys = unitKeysOf(secret, 'bench');
    const ns = 'default';
    const dataset = 'bench-cohort';
    const population = 'd:bench-cohort';
    const rules = loadRuleset('rules');
    const ruleset = { name: rules.name, version: rules.version, digest: rules.digest };
    // The namespace's units: values u1…uN, numbered in digest order as the dictionary does,
    // keyed as a namespace created now (with its keying marker).
    const keying: UnitKeying = kept ? (kept.keying ?? 1) : CURRENT_KEYING;
    const values = Array.from({ length: opts.units }, (_, i) => `u${i + 1}`);
    const allDigests = await unitDigests(keys, ns, values, keying);
    const digests = values.map((_, i) => allDigests.subarray(i * UNIT_DIGEST_BYTES, (i + 1) * UNIT_DIGEST_BYTES));
    const order = digests.map((d, i) => ({ hex: d.toString('hex'), i })).sort((x, y) => (x.hex < y.hex ? -1 : x.hex > y.hex ? 1 : 0));
    const idOfValue = new Uint32Array(opts.units);
    order.forEach((o, k) => (idOfValue[o.i] = k + 1));
    const sampledIds = new Set<number>();
    digests.forEach((d, i) => sampled(d) && sampledIds.add(idOfValue[i]!));
    const dictionary: DictionaryAddition[] = order.map((o, k) => ({ namespace: ns, digest: digests[o.i]!, id: k + 1 }));
    if (keying === 2) dictionary.unshift({ namespace: ns, digest: await keyingMarker(keys, ns), id: MARKER_ID });

    let seq = kept?.appended ?? 0;
    let bytes = 0;
    let memberships = 0;
    const rnd = seededRandom(42 + seq);
    const append = async (i: number, withDictionary = false) => {
      const { form, label } = release(i, opts.units, rnd);
      const enc = encodeUnitForm(form, (k) => sampledIds.has(form.ids[k]!));
      const units = seal(keys, ns, enc.full);
      const sketch = seal(keys, ns, enc.sketch);
      bytes += units.length + sketch.length;
      memberships += form.ids.length;
      seq++;
      const decision: Decision = {
        id: `bench-${seq}`,
        issued_at: new Date().toISOString(),
        outcome: 'release',
        project: 'p1',
        requester: 'bench',
        dataset,
        ruleset,
        outputs: [{ name: 't', kind: 'table', sha256: 'b'.repeat(64), outcome: 'release', findings: [] }],
      };
      const history: HistoryEntryInput[] = [{ output: 't', kind: 'table', status: 'released', dataset, population, namespace: ns, form: [label], units, sketch }];
      await store!.append({ decision, signature: 'bench', kid: 'bench', submittedBy: 'bench', released: [], history, ...(withDictionary ? { dictionary } : {}) });
    };
    const t0 = performance.now();
    for (let i = 0; i < (kept ? 0 : opts.releases); i++) {
      await append(i, i === 0);
      if (i % 1000 === 999) {
        sample();
        log(`differencing: ${i + 1} releases recorded`);
      }
    }
    const fillS = (performance.now() - t0) / 1000;
    const keep = () => opts.storeDir && writeFileSync(join(opts.storeDir, STATE_FILE), JSON.stringify({ secret: secret.toString('hex'), releases: opts.releases, units: opts.units, appended: seq, keying } satisfies KeptState));
    keep();

    // The new table: 4 × 5 over every unit, one row per unit, its own variables.
    const rows: Record<string, string>[] = [];
    const pick = seededRandom(7);
    for (let u = 0; u < opts.units; u++) rows.push({ pid: `u${u + 1}`, x: `a${Math.floor(pick() * ROWS)}`, y: `b${Math.floor(pick() * COLS)}` });
    const spec = normaliseSpec({ index: 'x', columns: 'y', margins: true }, '/spec');
    const table = buildTable(readJsonRows(rows, { categories: ['x', 'y'], numbers: [] }), spec, { topK: 2, maxCells: 1000 });
    const cellOf = new Map<string, number>();
    for (let c = 0; c < cellCount(table); c++) {
      const l = cellLabels(table, c);
      cellOf.set(`${l.x}|${l.y}`, c);
    }
    const g: number[] = [];
    const u: number[] = [];
    rows.forEach((r, i) => {
      for (const key of [`${r.x}|${r.y}`, `${r.x}|${MARGIN_LABEL}`, `${MARGIN_LABEL}|${r.y}`, `${MARGIN_LABEL}|${MARGIN_LABEL}`]) {
        g.push(cellOf.get(key)!);
        u.push(i);
      }
    });
    const parsed = Object.assign(table, { units: membershipFromPairs(Uint32Array.from(g), Uint32Array.from(u), cellCount(table), rows.map((r) => r.pid!), 'pid') });
    const resolved = rules.resolve('p1');
    const withUnits: EvaluatedOutput = {
      kind: 'table',
      decision: { name: 'new', kind: 'table', sha256: '0'.repeat(64), outcome: 'release', findings: [{ check: 'min_count', status: 'pass', message: 'ok', remedy: '' }] },
      parsed,
      releasable: null,
      evidence: null,
    };
    const cells = Array.from({ length: cellCount(table) }, (_, c) => ({ labels: cellLabels(table, c), count: table.count[c]! }));
    const labelOnly = evaluateOutput({ name: 'new', kind: 'table', cells }, '/outputs/0', resolved, DEFAULT_LIMITS, { project: 'p1', dataset });
    const ctx = { project: 'p1', dataset, rules: resolved };
    // The store as the history, counting the unit forms opened in full (the prefilter could not set them aside).
    let opened = 0;
    const s = store;
    const history = {
      historyEntries: (x: { afterSeq: number; limit: number }) => s.historyEntries(x),
      settledReviews: (x: { afterSeq: number }) => s.settledReviews(x),
      historyUnits: (k: readonly { seq: number; idx: number }[]) => ((opened += k.length), s.historyUnits(k)),
      unitIds: (ns: string, d: readonly Uint8Array[]) => s.unitIds(ns, d),
      unitCoverage: (ns: string) => s.unitCoverage(ns),
      saveUnitCoverage: (row: UnitCoverageRow) => s.saveUnitCoverage(row),
    };
    const deps = { history, unitKeys: keys };
    // Warm-up: the first lookup reads every earlier entry and opens every sketch once.
    const c0 = performance.now();
    const openedBefore = opened;
    await differenceOutputs([withUnits], ctx, deps);
    const coldMs = performance.now() - c0;
    log(`differencing: cold ${coldMs.toFixed(0)} ms, ${opened - openedBefore} unit forms opened`);
    sample();

    // A CPU profile of the timed runs only (after the warm-up), for `--profile PATH`.
    const session = opts.profile ? new Session() : null;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const openedPerRun: number[] = [];
    const unitMs: number[] = [];
    const unitCpuMs: number[] = [];
    const labelMs: number[] = [];
    const hashMs: number[] = [];
    const hashV1Ms: number[] = [];
    const pids = rows.map((r) => r.pid!);
    let outcome = '';
    for (let i = 0; i < opts.runs; i++) {
      await append(opts.releases + i);
      const before = opened;
      const cpu0 = process.cpuUsage();
      const u0 = performance.now();
      const out = await differenceOutputs([withUnits], ctx, deps);
      unitMs.push(performance.now() - u0);
      const cpu = process.cpuUsage(cpu0);
      unitCpuMs.push((cpu.user + cpu.system) / 1000);
      openedPerRun.push(opened - before);
      outcome = out[0]!.decision.outcome;
      const l0 = performance.now();
      await differenceOutputs([labelOnly], ctx, deps);
      labelMs.push(performance.now() - l0);
      const h0 = performance.now();
      await unitDigests(keys, ns, pids, keying);
      hashMs.push(performance.now() - h0);
      const h1 = performance.now();
      await unitDigests(keys, ns, pids, 1);
      hashV1Ms.push(performance.now() - h1);
      sample();
    }
    keep();
    if (session && opts.profile) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(opts.profile, JSON.stringify(profile));
      session.disconnect();
    }
    return {
      releases: opts.releases,
      units: opts.units,
      fill_seconds: Math.round(fillS * 10) / 10,
      cold_ms: Math.round(coldMs),
      unit_ms: summary(unitMs),
      unit_cpu_ms: summary(unitCpuMs),
      label_ms: summary(labelMs),
      hash_ms: summary(hashMs),
      keying,
      hash_v1_ms: summary(hashV1Ms),
      opened_per_run: q(openedPerRun, 0.5),
      bytes_per_release: Math.round(bytes / (kept ? opts.runs : seq)),
      bytes_per_membership: r3(bytes / memberships),
      peak_rss_mb: Math.round(Math.max(peak, process.resourceUsage().maxRSS * 1024) / 1024 / 1024),
      outcome,
    };
  } finally {
    await store?.close();
    if (!opts.storeDir) rmSync(dataDir, { recursive: true, force: true });
  }
}
