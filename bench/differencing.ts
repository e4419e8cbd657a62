/**
 * `npm run bench:differencing [-- --tables 10000] [-- --json PATH]`: the latency of the
 * differencing step (`differenceOutputs`) for one table against a SQLite audit store holding
 * 10,000 earlier released tables of the same project, dataset and dimension variables.
 *
 * The store is filled through its ordinary `append` with signed decisions, one released table
 * each: region (4) × sex (2) with margins, 15 cells, counts drawn from a seeded generator
 * 10 to 200 records off the new table's in every cell; one in ten earlier tables lacks a region
 * (the comparison then collapses to the common categories), and three are within a few records
 * of the new table (so the step also builds failing findings, as it would in real use). A second dataset gets 2,000 more releases the
 * lookups must skip.
 *
 * Figures (milliseconds):
 * - `warm`: the step as a server runs it, each time after one more release was appended (not
 *   timed): the history index reads what is new since its last lookup (one indexed query per
 *   dimension set, plus one for totals) and compares against every earlier table in memory;
 * - `cold`: the first lookup of a fresh index (a restart): every earlier table is read from the
 *   store, parsed and prepared;
 * - `store_only`: for reference, `store.releasedTables` alone (what re-reading the history on
 *   every request would cost before any comparison).
 *
 * @example npm run bench:differencing -- --json differencing.json
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { AuditStore, ReleasedTable } from '../src/audit/audit-store.js';
import { openSqliteStore } from '../src/audit/sqlite-store.js';
import type { Decision } from '../src/domain.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { differenceOutputs } from '../src/pipeline/difference-outputs.js';
import { evaluateOutput } from '../src/pipeline/evaluate-output.js';
import type { DifferencingHistory } from '../src/pipeline/history-index.js';
import { loadRuleset } from '../src/rules/load-ruleset.js';
import { signDecision } from '../src/signing/sign-decision.js';
import { ensureDevSigningKey } from '../src/signing/signing-keys.js';
import { random } from './stats.js';

const { values: args } = parseArgs({
  options: { tables: { type: 'string', default: '10000' }, runs: { type: 'string', default: '300' }, json: { type: 'string' } },
});
const TABLES = Number(args.tables);
const RUNS = Number(args.runs);
const COLD_RUNS = 10;
const NOISE = 2000;
const REGIONS = ['east', 'north', 'south', 'west'];
const SEXES = ['F', 'M'];

/** A region × sex frequency table with margins, from interior counts by "region|sex". */
function cellsOf(counts: Map<string, number>, regions: string[]): ReleasedTable['cells'] {
  const cells: ReleasedTable['cells'] = [];
  let grand = 0;
  const bySex = new Map<string, number>();
  for (const r of regions) {
    let row = 0;
    for (const s of SEXES) {
      const n = counts.get(`${r}|${s}`)!;
      cells.push({ labels: { region: r, sex: s }, count: n, value: n });
      row += n;
      bySex.set(s, (bySex.get(s) ?? 0) + n);
    }
    cells.push({ labels: { region: r, sex: 'All' }, count: row, value: row });
    grand += row;
  }
  for (const s of SEXES) cells.push({ labels: { region: 'All', sex: s }, count: bySex.get(s)!, value: bySex.get(s)! });
  cells.push({ labels: { region: 'All', sex: 'All' }, count: grand, value: grand });
  return cells;
}

/** The table the benchmark request submits. */
const MINE = new Map(REGIONS.flatMap((r, i) => SEXES.map((s, j) => [`${r}|${s}`, 200 + 37 * i + 11 * j] as const)));

function earlierTable(i: number, rnd: () => number, dataset: string): ReleasedTable {
  const close = i % Math.max(1, Math.floor(TABLES / 3)) === 7;
  const regions = !close && i % 10 === 3 ? REGIONS.slice(1) : REGIONS;
  const counts = new Map<string, number>();
  // Others differ in every cell by 10 to 200 records, all on one side (so no margin cancels out to a small difference).
  const side = rnd() < 0.5 ? -1 : 1;
  for (const r of regions) {
    for (const s of SEXES) {
      const mine = MINE.get(`${r}|${s}`)!;
      const n = close ? mine - (r === 'north' && s === 'F' ? 3 : 0) : mine + side * (10 + Math.floor(rnd() * 190));
      counts.set(`${r}|${s}`, n);
    }
  }
  const cells = cellsOf(counts, regions);
  return { output: 'by-region-sex', dataset, dims: ['region', 'sex'], statistic: 'frequency', cells, total: cells[cells.length - 1]!.count };
}

const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const round = (ms: number) => Math.round(ms * 1000) / 1000;
const summary = (xs: number[]) => ({ median: round(q(xs, 0.5)), p99: round(q(xs, 0.99)), max: round(Math.max(...xs)), n: xs.length });

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'airlock-bench-diff-'));
  const keyDir = mkdtempSync(join(tmpdir(), 'airlock-bench-diff-key-'));
  let store: AuditStore | null = null;
  try {
    const key = (await ensureDevSigningKey(keyDir)).key;
    store = await openSqliteStore({ dataDir });
    const rules = loadRuleset('rules');
    const rnd = random(42);
    let seq = 0;
    const append = async (table: ReleasedTable) => {
      seq++;
      const decision: Decision = {
        id: `bench-${seq}`,
        issued_at: new Date().toISOString(),
        outcome: 'release',
        project: 'p1',
        requester: 'bench',
        dataset: table.dataset,
        ruleset: { name: rules.name, version: rules.version, digest: rules.digest },
        outputs: [{ name: table.output, kind: 'table', sha256: 'b'.repeat(64), outcome: 'release', findings: [] }],
      };
      await store!.append({ decision, signature: await signDecision(decision, key), kid: key.kid, submittedBy: 'bench', released: [table] });
    };
    const t0 = performance.now();
    for (let i = 0; i < TABLES; i++) {
      await append(earlierTable(i, rnd, 'cohort'));
      if (i % Math.max(1, Math.floor(TABLES / NOISE)) === 0) await append(earlierTable(i, rnd, 'other-extract'));
    }
    const fillS = (performance.now() - t0) / 1000;

    // The request's table, evaluated as the pipeline does (parsed, checked, releasable).
    const raw = { name: 'by-region-sex', kind: 'table' as const, cells: cellsOf(MINE, REGIONS).map(({ labels, count }) => ({ labels, count })) };
    const resolved = rules.resolve('p1');
    const evaluated = [evaluateOutput(raw, '/outputs/0', resolved, DEFAULT_LIMITS, { project: 'p1', dataset: 'cohort' })];
    const ctx = { project: 'p1', dataset: 'cohort', rules: resolved };
    const s = store;
    // A new wrapper object is a new source: its index starts empty (as after a restart).
    const freshSource = (): DifferencingHistory => ({ releasedTables: (x) => s.releasedTables(x), releasedTotals: (x) => s.releasedTotals(x) });

    const cold: number[] = [];
    let findings = 0;
    for (let i = 0; i < COLD_RUNS; i++) {
      const source = freshSource();
      const c0 = performance.now();
      const out = await differenceOutputs(evaluated, ctx, source);
      cold.push(performance.now() - c0);
      findings = out[0]!.decision.findings.filter((f) => f.check === 'differencing').length;
    }

    // The warm source also times its store reads, to split the step into reading and comparing.
    let reading = 0;
    const timed = async <T>(read: () => Promise<T>): Promise<T> => {
      const r0 = performance.now();
      try {
        return await read();
      } finally {
        reading += performance.now() - r0;
      }
    };
    const warmSource: DifferencingHistory = { releasedTables: (x) => timed(() => s.releasedTables(x)), releasedTotals: (x) => timed(() => s.releasedTotals(x)) };
    await differenceOutputs(evaluated, ctx, warmSource);
    const warm: number[] = [];
    const warmStore: number[] = [];
    let outcome = '';
    for (let i = 0; i < RUNS; i++) {
      await append(earlierTable(TABLES + i, rnd, 'cohort'));
      reading = 0;
      const w0 = performance.now();
      const out = await differenceOutputs(evaluated, ctx, warmSource);
      warm.push(performance.now() - w0);
      warmStore.push(reading);
      outcome = out[0]!.decision.outcome;
      findings = out[0]!.decision.findings.filter((f) => f.check === 'differencing').length;
    }

    const storeOnly: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      const r0 = performance.now();
      await s.releasedTables({ project: 'p1', dataset: 'cohort', dims: ['region', 'sex'] });
      storeOnly.push(performance.now() - r0);
    }

    const report = {
      earlier_tables: TABLES,
      other_dataset_tables: seq - TABLES - RUNS,
      cells_per_table: 15,
      fill_seconds: Math.round(fillS * 10) / 10,
      outcome,
      differencing_findings: findings,
      warm_ms: summary(warm),
      warm_store_reads_ms: summary(warmStore),
      cold_ms: summary(cold),
      store_only_ms: summary(storeOnly),
      machine: { cpu: cpus()[0]?.model ?? 'unknown', nproc: cpus().length, node: process.version },
    };
    console.log(
      [
        `differencing against ${TABLES} earlier releases of one project/dataset/dimension set (${report.other_dataset_tables} more of another dataset), SQLite, filled in ${report.fill_seconds} s`,
        `  outcome ${outcome}, ${findings} failing differencing findings (3 earlier tables a few records off; tables lacking a region can have close totals)`,
        `  warm (a new release appended before each run): median ${report.warm_ms.median} ms, p99 ${report.warm_ms.p99} ms, max ${report.warm_ms.max} ms (${RUNS} runs)`,
        `    of which store reads of what is new: median ${report.warm_store_reads_ms.median} ms, p99 ${report.warm_store_reads_ms.p99} ms`,
        `  cold (fresh index, every earlier table read and prepared): median ${report.cold_ms.median} ms, p99 ${report.cold_ms.p99} ms (${COLD_RUNS} runs)`,
        `  for reference, store.releasedTables alone: median ${report.store_only_ms.median} ms`,
      ].join('\n'),
    );
    if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(keyDir, { recursive: true, force: true });
  }
}

await main();
