/**
 * `npm run bench:kinds [-- --rows 1000000] [-- --runs 7] [-- --json PATH]`: the cost of
 * deciding record extracts, plots and summaries from microdata (parse, every default check,
 * presentation — `evaluateOutput`, as the service runs it) against the cost of deciding a
 * frequency table over the same rows, the path whose speed the main bench holds to pandas.
 * Each kind's figure is the median of paired ratios (kind run ÷ the table run right after it),
 * so load from elsewhere on a shared machine hits both halves of a pair.
 *
 * Data: seeded, in memory, CSV text: `pid` (rows / 3 distinct units, so most units have
 * several rows), `region` (20 levels), `band` (10), `sex` (2), `age` (uniform 18–95, one
 * decimal), `time` (1–400) and `event` (0/1), `diagnosis` (12 levels).
 *
 * Cases:
 * - `records`: an extract of region, band, sex and diagnosis (every column read, k-anonymity on
 *   three quasi-identifiers, l-diversity on diagnosis);
 * - `histogram_unit`: age in 8 bins, counted as distinct units (with their memberships);
 * - `box_unit`: age quartiles and n in distinct units;
 * - `km`: a Kaplan-Meier curve of one row per subject at every event time (400 times);
 * - `summary_unit`: mean, sd, median, 5th and 95th percentiles of age, n in distinct units.
 * The baseline is `region × band` frequency table from the same CSV text.
 *
 * @example npm run bench:kinds -- --rows 1000000 --json kinds.json
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { evaluateOutput } from '../src/pipeline/evaluate-output.js';
import type { RawOutput } from '../src/outputs/output-kind.js';
import { loadRuleset } from '../src/rules/load-ruleset.js';
import { seededRandom } from '../test/helpers/seeded-random.js';
import { median } from './stats.js';

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '7' }, json: { type: 'string' } } });
const ROWS = Number(args.rows);
const RUNS = Number(args.runs);

function generate(rows: number, unique: boolean): string {
  const rnd = seededRandom(20261129);
  const out: string[] = ['pid,region,band,sex,age,time,event,diagnosis'];
  for (let i = 0; i < rows; i++) {
    const pid = unique ? i : Math.floor(rnd() * (rows / 3));
    out.push(`P${pid},r${Math.floor(rnd() * 20)},b${Math.floor(rnd() * 10)},${rnd() < 0.5 ? 'F' : 'M'},${(18 + rnd() * 77).toFixed(1)},${1 + Math.floor(rnd() * 400)},${rnd() < 0.6 ? 1 : 0},D${Math.floor(rnd() * 12)}`);
  }
  return `${out.join('\n')}\n`;
}

const rules = loadRuleset('rules').resolve('bench');
const limits = { ...DEFAULT_LIMITS, maxRows: Math.max(DEFAULT_LIMITS.maxRows, ROWS) };

function time(raw: RawOutput): number {
  const t0 = performance.now();
  evaluateOutput(raw, '/outputs/0', rules, limits, { project: 'bench', dataset: null });
  return (performance.now() - t0) / 1000;
}

const shared = generate(ROWS, false);
const subjects = generate(ROWS, true);
const csv = (data: string) => ({ format: 'csv', data });
const baseline: RawOutput = { name: 't', kind: 'table', microdata: csv(shared), spec: { index: 'region', columns: 'band' } };
const cases: Record<string, RawOutput> = {
  records: { name: 'r', kind: 'records', microdata: csv(shared.split('\n').map((l) => l.split(',').filter((_, j) => j === 1 || j === 2 || j === 3 || j === 7).join(',')).join('\n')) },
  histogram_unit: { name: 'h', kind: 'plot', type: 'histogram', edges_from_data: false, microdata: csv(shared), spec: { unit: 'pid', values: 'age', edges: [10, 20, 30, 40, 50, 60, 70, 80, 100] } },
  box_unit: { name: 'b', kind: 'plot', type: 'box', microdata: csv(shared), spec: { unit: 'pid', values: 'age' }, whisker_low: 22, whisker_high: 90, outliers: [] },
  km: { name: 'k', kind: 'plot', type: 'kaplan_meier', microdata: csv(subjects), spec: { time: 'time', event: 'event' } },
  summary_unit: {
    name: 's',
    kind: 'summary',
    microdata: csv(shared),
    spec: { unit: 'pid', values: 'age' },
    statistics: [
      { name: 'age', statistic: 'mean' },
      { name: 'age', statistic: 'sd' },
      { name: 'age', statistic: 'median' },
      { name: 'age', statistic: 'percentile', p: 5 },
      { name: 'age', statistic: 'percentile', p: 95 },
    ],
  },
};

const results: Record<string, { medianS: number; baselineS: number; ratio: number }> = {};
for (const [name, raw] of Object.entries(cases)) {
  time(raw);
  time(baseline);
  const ks: number[] = [];
  const bs: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const k = time(raw);
    const b = time(baseline);
    ks.push(k);
    bs.push(b);
    ratios.push(k / b);
  }
  results[name] = { medianS: median(ks), baselineS: median(bs), ratio: median(ratios) };
}

const lines = [`kinds from microdata, ${ROWS} rows, ${RUNS} paired runs (${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version})`, 'case             airlock      table (region × band)   ratio'];
for (const [name, r] of Object.entries(results)) lines.push(`${name.padEnd(16)} ${(r.medianS * 1000).toFixed(0).padStart(7)} ms   ${(r.baselineS * 1000).toFixed(0).padStart(7)} ms              ${r.ratio.toFixed(2)}`);
process.stdout.write(`${lines.join('\n')}\n`);
if (args.json) writeFileSync(args.json, JSON.stringify({ rows: ROWS, runs: RUNS, results }, null, 2));
