/**
 * `npm run bench [-- --quick] [-- --json PATH] [-- --only a,b]`: airlock against the tools and
 * limits it is measured by, side by side in one run (see bench/README.md):
 * - large_e2e: a 1M-row CSV decided over HTTP (raw CSV and JSON transports) vs pandas reading
 *   the file and computing the crosstab (`baseline_pandas`);
 * - check_kernel: the check stage on 1M and 10M parsed rows vs a single-pass typed-array loop
 *   (and on 1M rows with a unit column, informative);
 * - small_rps: small decisions under keep-alive load vs a bare express route;
 * - peak_rss: peak memory of a server deciding 1M and 10M rows.
 * - failover (only with `--only failover`; needs PostgreSQL): two replicas under load through
 *   backend terminations and a 10 s database outage.
 * - bounded_work (only with `--only bounded_work`): /healthz and small-decision latency while
 *   the worst requests the default work budget allows run (and, with a 5 s deadline, are cut off).
 * - soak (only with `--only soak`): mixed traffic at half the measured capacity for
 *   `--soak-minutes` (default 30; `--quick`: 1), RSS over time, p99 per route, 5xx count;
 *   `--soak-diagnostics` (figures not comparable: a forced GC per sample) adds each worker
 *   thread's heap to the samples, and `--soak-snapshots DIR` main-thread heap snapshots.
 * Prints a table and, with --json, writes every figure. `--quick` is a smoke run (< 1 minute):
 * fewer repetitions and shorter load phases, the same sizes (without the JSON peak_rss case). Generated data is seeded and
 * cached under os.tmpdir(); every server listens on loopback only.
 *
 * @example npm run bench -- --quick --json out.json
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { generateMicrodata } from './generate-microdata.js';
import type { CheckKernel } from './measure-check-kernel.js';
import { measureCheckKernel } from './measure-check-kernel.js';
import type { Failover } from './measure-failover.js';
import { measureFailover } from './measure-failover.js';
import type { LargeE2e } from './measure-large-e2e.js';
import { measureLargeE2e } from './measure-large-e2e.js';
import type { PeakRss } from './measure-peak-rss.js';
import { measurePeakRss } from './measure-peak-rss.js';
import type { SmallRps } from './measure-small-rps.js';
import type { DifferencingFigures } from './measure-differencing.js';
import { measureDifferencing } from './measure-differencing.js';
import type { ProtectionFigures } from './measure-protection.js';
import { measureProtection } from './measure-protection.js';
import { measureSmallRps } from './measure-small-rps.js';
import type { BoundedWork } from './measure-bounded-work.js';
import { measureBoundedWork } from './measure-bounded-work.js';
import type { Soak } from './measure-soak.js';
import { measureSoak } from './measure-soak.js';
import type { Missing, PandasBaseline } from './run-pandas-baseline.js';
import { runPandasBaseline } from './run-pandas-baseline.js';

/** The targets of issue 7. */
const TARGETS = {
  largeE2eRatio: 1.0,
  checkKernelRatio: 2.0,
  smallRpsRatio: 0.5,
  smallRpsP99Ms: 10,
  peakRssBytes10M: 2.5e9,
  differencingP99Ms: 100,
  differencingBytesPerMembership: 2,
  protectionP99Ms2d: 1000,
  failoverLost: 0,
  failoverResumeMs: 2000,
  boundedWorkP99Ms: 200,
  memoryBudgetMb: 1536,
  soakRssGrowthPct: 10,
  soak5xx: 0,
} as const;

const CASES = ['large_e2e', 'check_kernel', 'small_rps', 'peak_rss'] as const;
/** Cases run only when `--only` names them (failover needs a PostgreSQL server; differencing fills a 10,000-release history, minutes). */
/** bounded_work's open loop: requests per second of each of /healthz and small decisions (≥ 100 samples each, so p99 is not simply the maximum). */
const BOUNDED_WORK_RATE = 8;

/** With a deadline, every worst request must end with 503 soon after it (the budget cuts it off; nothing is recorded). */
function endedAtDeadline(b: BoundedWork): boolean {
  return b.deadlineMs === null || b.worst.every((w) => w.status === 503 && w.seconds * 1000 < b.deadlineMs! + 1000);
}

const OPT_IN_CASES = ['failover', 'differencing', 'soak', 'bounded_work', 'protection'] as const;
type CaseName = (typeof CASES)[number] | (typeof OPT_IN_CASES)[number];

interface Report {
  quick: boolean;
  startedAt: string;
  seconds: number;
  machine: { nproc: number; cpu: string; memGb: number; node: string; platform: string; loadavgStart: number[]; loadavgEnd: number[] };
  figures: {
    large_e2e?: LargeE2e & { rows: number; bytes: number; baseline_pandas: PandasBaseline | Missing; ratioCsv: number | null; ratioJson: number | null; met: boolean | null };
    check_kernel?: { sizes: CheckKernel[]; met: boolean };
    small_rps?: SmallRps & { met: boolean };
    peak_rss?: { cases: PeakRss[]; met: boolean };
    differencing?: DifferencingFigures & { met: boolean };
    failover?: Failover & { met: boolean };
    soak?: Soak & { met: boolean };
    bounded_work?: { runs: BoundedWork[]; met: boolean };
    protection?: ProtectionFigures & { met: boolean };
  };
  targets: typeof TARGETS;
}

const ROWS_1M = 1_000_000;
const ROWS_10M = 10_000_000;

function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toPrecision(digits) : String(x);
}

function table(report: Report): string {
  const rows: string[][] = [['figure', 'airlock', 'baseline', 'ratio', 'target', 'met']];
  const met = (m: boolean | null) => (m === null ? 'n/a' : m ? 'yes' : 'NO');
  const f = report.figures;
  if (f.large_e2e) {
    const e = f.large_e2e;
    const b = e.baseline_pandas;
    const base = 'totalS' in b ? `pandas ${fmt(b.totalS)} s (read ${fmt(b.readS)} + crosstab ${fmt(b.crosstabS)})` : `missing: ${b.missing}`;
    rows.push([`large_e2e csv (${e.rows / 1e6}M rows)`, `${fmt(e.csv.medianS)} s`, base, e.ratioCsv === null ? '-' : fmt(e.ratioCsv), `<= ${TARGETS.largeE2eRatio}`, met(e.met)]);
    rows.push([`large_e2e json (${e.rows / 1e6}M rows)`, `${fmt(e.json.medianS)} s`, 'same', e.ratioJson === null ? '-' : fmt(e.ratioJson), '(informative)', '']);
  }
  for (const k of f.check_kernel?.sizes ?? []) {
    rows.push([
      k.units === null ? `check_kernel (${k.rows / 1e6}M rows)` : `check_kernel unit column (${k.rows / 1e6}M rows, ${fmt(k.units / 1e3)}k units)`,
      `${fmt(k.stageS * 1000)} ms, ${fmt(k.stageRowsPerS / 1e6)} M rows/s`,
      `${fmt(k.baselineS * 1000)} ms, ${fmt(k.baselineRowsPerS / 1e6)} M rows/s`,
      fmt(k.ratio),
      k.units === null ? `<= ${TARGETS.checkKernelRatio}` : '(informative)',
      k.units === null ? met(k.ratio <= TARGETS.checkKernelRatio) : '',
    ]);
  }
  if (f.small_rps) {
    const s = f.small_rps;
    rows.push([
      `small_rps (${s.cells} cells, ${s.connections} conns)`,
      `${fmt(s.airlock.max.rps, 4)} req/s`,
      `bare express ${fmt(s.bare.max.rps, 4)} req/s`,
      fmt(s.ratio),
      `>= ${TARGETS.smallRpsRatio}`,
      met(s.ratio >= TARGETS.smallRpsRatio),
    ]);
    rows.push([
      `small_rps latency @ ${fmt(s.airlock.halfRate.rps, 4)} req/s`,
      `p50 ${fmt(s.airlock.halfRate.p50Ms)} ms, p99 ${fmt(s.airlock.halfRate.p99Ms)} ms`,
      `bare p50 ${fmt(s.bare.halfRate.p50Ms)}, p99 ${fmt(s.bare.halfRate.p99Ms)} ms`,
      '',
      `p99 < ${TARGETS.smallRpsP99Ms} ms`,
      met(s.airlock.halfRate.p99Ms < TARGETS.smallRpsP99Ms),
    ]);
  }
  for (const p of f.peak_rss?.cases ?? []) {
    const ten = p.rows >= ROWS_10M;
    rows.push([`peak_rss ${p.transport} (${p.rows / 1e6}M rows, ${fmt(p.bytes / 1e6)} MB)`, `${fmt(p.peakMb, 4)} MiB`, `idle ${fmt(p.idleMb, 3)} MiB`, '', ten ? `< ${TARGETS.peakRssBytes10M / 1e9} GB` : '', ten ? met(p.peakMb * 1024 * 1024 < TARGETS.peakRssBytes10M) : '']);
  }
  if (f.differencing) {
    const d = f.differencing;
    rows.push([`differencing unit mode (${d.releases} releases × ${d.units / 1000}k units)`, `p50 ${fmt(d.unit_ms.p50)} ms, p99 ${fmt(d.unit_ms.p99)} ms`, '', '', `p99 < ${TARGETS.differencingP99Ms} ms`, met(d.unit_ms.p99 < TARGETS.differencingP99Ms)]);
    rows.push(['  of which keying 100k units (HMAC)', `p50 ${fmt(d.hash_ms.p50)} ms`, '', '', '', '']);
    rows.push([`differencing label mode (${d.releases} releases)`, `p50 ${fmt(d.label_ms.p50)} ms, p99 ${fmt(d.label_ms.p99)} ms`, '', '', '(informative)', '']);
    rows.push(['differencing storage', `${fmt(d.bytes_per_membership)} B per unit-cell membership, ${fmt(d.bytes_per_release / 1000)} kB per release`, '', '', `< ${TARGETS.differencingBytesPerMembership} B`, met(d.bytes_per_membership < TARGETS.differencingBytesPerMembership)]);
    rows.push(['differencing peak RSS', `${d.peak_rss_mb} MiB`, '', '', '(informative)', '']);
  }
  if (f.failover) {
    const o = f.failover;
    rows.push([
      `failover (2 replicas, ${o.terminations} terminations, ${fmt(o.outageMs / 1000)} s outage)`,
      `${o.acknowledged} acknowledged, ${o.lost} lost, ${o.unavailable} × 503, ${Object.values(o.unexpected).reduce((a, b) => a + b, 0)} other`,
      '',
      '',
      `lost = ${TARGETS.failoverLost}, no exit, chain verifies`,
      met(o.met),
    ]);
    rows.push([`failover: resume after the outage`, `${o.resumeMs.map((m) => `${m} ms`).join(', ')}`, '', '', `< ${TARGETS.failoverResumeMs} ms`, met(o.resumeMs.length > 0 && o.resumeMs.every((m) => m < TARGETS.failoverResumeMs))]);
  }
  for (const b of f.bounded_work?.runs ?? []) {
    const how = b.deadlineMs ? `deadline ${b.deadlineMs / 1000} s` : 'no deadline';
    rows.push([`bounded_work (${b.worst.length} × ${b.cells / 1000}k-cell ${b.worstKind === 'passing' ? 'release' : 'protection'}, ${how})`, b.worst.map((w) => `${w.status} in ${fmt(w.seconds)} s`).join(', '), '', '', `peak RSS < ${TARGETS.memoryBudgetMb} MiB`, `${b.peakRssMb} MiB ${met(b.peakRssMb < TARGETS.memoryBudgetMb)}`]);
    if (b.deadlineMs) rows.push([`  worst requests end at the deadline`, b.worst.map((w) => `${w.status} in ${fmt(w.seconds)} s`).join(', '), '', '', `503 within deadline + 1 s`, met(endedAtDeadline(b))]);
    const longest = (bs: { ms: number }[]) => bs.reduce((m, x) => Math.max(m, x.ms), 0);
    rows.push([`  longest event-loop block, server / load generator`, `${longest(b.serverBlocks)} ms / ${longest(b.clientBlocks)} ms`, '', `${b.serverBlocks.length} blocks ≥ 50 ms`, '(informative)', '']);
    for (const [name, l] of [['healthz', b.healthz], ['small decisions', b.small]] as const) {
      rows.push([`  ${name} meanwhile (${b.rate}/s, ${l.requests})`, `p50 ${fmt(l.p50Ms)} ms, p99 ${fmt(l.p99Ms)} ms, max ${fmt(l.maxMs)} ms`, '', `${l.non2xx} non-2xx`, `p99 < ${TARGETS.boundedWorkP99Ms} ms`, met(l.p99Ms < TARGETS.boundedWorkP99Ms && l.non2xx === 0)]);
    }
  }
  if (f.soak) {
    const k = f.soak;
    rows.push([`soak (${fmt(k.durationS / 60)} min at ${fmt(k.rateRps)} of ${fmt(k.capacityRps)} req/s)`, `RSS ${k.rss[0]?.mb} → ${k.rss.at(-1)?.mb} MiB, peak ${k.peakRssMb} MiB`, '', `growth ${fmt(k.rssGrowthPct)} %`, `<= ${TARGETS.soakRssGrowthPct} % after ${k.warmupS} s`, met(k.rssGrowthPct <= TARGETS.soakRssGrowthPct)]);
    rows.push([`  soak RSS curve (median per tenth)`, k.rssCurve.map((c) => `${Math.round(c.toS / 60)}m ${c.mb}`).join(', '), '', '', '(informative)', '']);
    const warm = k.rss.filter((s) => s.tS >= k.warmupS);
    rows.push([`  soak main-thread JS heap after the warm-up`, `${warm[0]?.heapMb} → ${warm.at(-1)?.heapMb} MiB used, ${warm[0]?.threads} → ${warm.at(-1)?.threads} threads`, '', '', '(informative)', '']);
    for (const [route, r] of Object.entries(k.routes)) rows.push([`  soak ${route} (${r.requests} requests)`, `p50 ${fmt(r.p50Ms)} ms, p99 ${fmt(r.p99Ms)} ms, max ${fmt(r.maxMs)} ms`, '', `${r.status5xx} × 5xx, ${r.errors} other${r.errors ? ` (${Object.entries(r.statuses).map(([st, n]) => `${n} × ${st}`).join(', ')})` : ''}`, `0 × 5xx`, met(r.status5xx === 0)]);
  }
  if (f.protection) {
    for (const x of f.protection.shapes) {
      const target = x.shape.startsWith('20x10') ? `p99 < ${TARGETS.protectionP99Ms2d} ms` : '(informative)';
      rows.push([`protection ${x.shape} (${x.tables} tables, ${x.refused} refused)`, `p50 ${fmt(x.ms.p50)} ms, p99 ${fmt(x.ms.p99)} ms`, `loss ${fmt(x.loss.lpCells)} cells / ${fmt(100 * x.loss.lpShare)}%`, `greedy ${fmt(x.loss.greedyCells)} cells / ${fmt(100 * x.loss.greedyShare)}%, ${x.greedyWeak} weak`, target, x.shape.startsWith('20x10') ? met(x.ms.p99 < TARGETS.protectionP99Ms2d) : '']);
    }
    const sv = f.protection.solvers;
    rows.push([`LP solvers (${sv.lps} LPs, same audits)`, `HiGHS ${fmt(sv.highsMs)} ms`, `glpk.js ${fmt(sv.glpkMs)} ms`, `glpk/HiGHS ${fmt(sv.ratio)}x`, '(informative)', '']);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, json: { type: 'string' }, only: { type: 'string' }, 'soak-minutes': { type: 'string' }, 'soak-diagnostics': { type: 'boolean', default: false }, 'soak-snapshots': { type: 'string' } } });
  const quick = values.quick ?? false;
  const only = new Set((values.only ?? CASES.join(',')).split(',') as CaseName[]);
  const unknown = [...only].filter((c) => !(CASES as readonly string[]).includes(c) && !(OPT_IN_CASES as readonly string[]).includes(c));
  if (unknown.length) throw new Error(`unknown case ${unknown.join(', ')}; cases: ${[...CASES, ...OPT_IN_CASES].join(', ')}`);
  const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
  const started = performance.now();
  const report: Report = {
    quick,
    startedAt: new Date().toISOString(),
    seconds: 0,
    machine: { nproc: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', memGb: Math.round(totalmem() / 1024 ** 3), node: process.version, platform: `${process.platform} ${process.arch}`, loadavgStart: loadavg(), loadavgEnd: [] },
    figures: {},
    targets: TARGETS,
  };

  const needs1M = only.has('large_e2e') || only.has('peak_rss');
  log('generating data (seeded, cached in the temp directory)');
  const file1M = needs1M ? await generateMicrodata({ rows: ROWS_1M, seed: 7 }) : null;
  const file10M = only.has('peak_rss') ? await generateMicrodata({ rows: ROWS_10M, seed: 7 }) : null;

  if (only.has('large_e2e') && file1M) {
    log('large_e2e: pandas baseline');
    const runs = quick ? 3 : 7;
    const baseline = await runPandasBaseline(file1M, runs);
    log('large_e2e: airlock over HTTP');
    const e2e = await measureLargeE2e(file1M, { runs, warmups: quick ? 1 : 3 });
    const ratio = (s: number) => ('totalS' in baseline ? s / baseline.totalS : null);
    const ratioCsv = ratio(e2e.csv.medianS);
    report.figures.large_e2e = { rows: file1M.rows, bytes: file1M.bytes, ...e2e, baseline_pandas: baseline, ratioCsv, ratioJson: ratio(e2e.json.medianS), met: ratioCsv === null ? null : ratioCsv <= TARGETS.largeE2eRatio };
  }
  if (only.has('check_kernel')) {
    log('check_kernel');
    const sizes = [measureCheckKernel(ROWS_1M, quick ? 7 : 21), measureCheckKernel(ROWS_10M, quick ? 3 : 11)];
    // The same rows with a unit column: about four rows per person.
    sizes.push(measureCheckKernel(ROWS_1M, quick ? 7 : 21, { units: ROWS_1M / 4 }));
    report.figures.check_kernel = { sizes, met: sizes.filter((k) => k.units === null).every((k) => k.ratio <= TARGETS.checkKernelRatio) };
  }
  if (only.has('small_rps')) {
    log('small_rps');
    const s = await measureSmallRps({ durationMs: quick ? 1200 : 10_000, connections: 16 });
    report.figures.small_rps = { ...s, met: s.ratio >= TARGETS.smallRpsRatio && s.airlock.halfRate.p99Ms < TARGETS.smallRpsP99Ms && s.airlock.max.errors === 0 };
  }
  if (only.has('peak_rss') && file1M && file10M) {
    log('peak_rss');
    const cases = [await measurePeakRss(file1M, 'csv')];
    // The JSON transport's 1M-row figure is informative: the full run only.
    if (!quick) cases.push(await measurePeakRss(file1M, 'json'));
    cases.push(await measurePeakRss(file10M, 'csv'));
    const ten = cases.filter((c) => c.rows >= ROWS_10M);
    report.figures.peak_rss = { cases, met: ten.every((c) => c.peakMb * 1024 * 1024 < TARGETS.peakRssBytes10M) };
  }

  if (only.has('differencing')) {
    log('differencing');
    const d = await measureDifferencing({ releases: quick ? 1000 : 10_000, units: 100_000, runs: quick ? 10 : 50, log });
    report.figures.differencing = { ...d, met: d.unit_ms.p99 < TARGETS.differencingP99Ms && d.bytes_per_membership < TARGETS.differencingBytesPerMembership };
  }
  if (only.has('protection')) {
    log('protection');
    const pr = await measureProtection({ tables: quick ? 40 : 200, log });
    report.figures.protection = { ...pr, met: pr.shapes.filter((x) => x.shape.startsWith('20x10')).every((x) => x.ms.p99 < TARGETS.protectionP99Ms2d) };
  }
  if (only.has('failover')) {
    log('failover');
    const o = await measureFailover({ quick, log });
    const resumed = o.resumeMs.length === 2 && o.resumeMs.every((m) => m < TARGETS.failoverResumeMs);
    report.figures.failover = { ...o, met: o.lost === TARGETS.failoverLost && o.aborted === null && o.alive.every(Boolean) && o.verify.every((v) => v.ok) && Object.keys(o.unexpected).length === 0 && resumed };
  }

  if (only.has('bounded_work')) {
    log('bounded_work');
    // The deadline run's deadline is shorter than the worst request, so it shows the request cut off (503, nothing recorded).
    const runs = [
      await measureBoundedWork({ worst: quick ? 1 : 3, rate: BOUNDED_WORK_RATE, deadlineMs: null, slowMs: TARGETS.boundedWorkP99Ms, log }),
      await measureBoundedWork({ worst: quick ? 1 : 3, rate: BOUNDED_WORK_RATE, deadlineMs: null, slowMs: TARGETS.boundedWorkP99Ms, passing: true, log }),
      await measureBoundedWork({ worst: quick ? 1 : 6, rate: BOUNDED_WORK_RATE, deadlineMs: 2000, slowMs: TARGETS.boundedWorkP99Ms, log }),
    ];
    report.figures.bounded_work = { runs, met: runs.every((b) => b.peakRssMb < TARGETS.memoryBudgetMb && endedAtDeadline(b) && [b.healthz, b.small].every((l) => l.p99Ms < TARGETS.boundedWorkP99Ms && l.non2xx === 0)) };
  }
  if (only.has('soak')) {
    log('soak');
    const minutes = Number(values['soak-minutes'] ?? (quick ? 1 : 30));
    if (!(minutes > 0)) throw new Error(`--soak-minutes must be a positive number, not ${values['soak-minutes']}`);
    const snapshotDir = values['soak-snapshots'];
    const diagnostics = values['soak-diagnostics'] || snapshotDir !== undefined ? { ...(snapshotDir === undefined ? {} : { snapshotDir }) } : undefined;
    const k = await measureSoak({ durationMs: minutes * 60_000, capacityMs: quick ? 5000 : 20_000, sampleMs: minutes <= 5 ? 5000 : 10_000, ...(diagnostics ? { diagnostics } : {}), log });
    report.figures.soak = { ...k, met: k.rssGrowthPct <= TARGETS.soakRssGrowthPct && k.status5xx === TARGETS.soak5xx };
  }

  report.machine.loadavgEnd = loadavg();
  report.seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${table(report)}\n\n${report.machine.nproc} x ${report.machine.cpu}, node ${report.machine.node}, load average ${report.machine.loadavgStart.map((l) => l.toFixed(1)).join(' ')} → ${report.machine.loadavgEnd.map((l) => l.toFixed(1)).join(' ')}; ${report.seconds.toFixed(1)} s${quick ? ' (quick)' : ''}\n`);
  if (values.json) {
    writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
    log(`wrote ${values.json}`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
