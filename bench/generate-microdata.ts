/**
 * Seeded synthetic microdata for the benchmarks: two categorical columns (`region`, 20 levels,
 * and `band`, 10 levels, both unevenly used) and one skewed measure (`income`, log-normal with
 * a heavy tail, so some cells are dominated), written as CSV under os.tmpdir(); in memory
 * optionally a unit column (`person`) for the unit-mode kernel figure. The same seed
 * gives the same bytes, so airlock and the pandas baseline read identical files.
 *
 * @example
 * const file = await generateMicrodata({ rows: 1_000_000, seed: 7 });
 * file.path; // /tmp/airlock-bench-v1-1000000-7.csv
 */
import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Column, Columnar } from '../src/outputs/table/columnar.js';
import { seededRandom } from '../test/helpers/seeded-random.js';

export interface MicrodataFile {
  path: string;
  rows: number;
  bytes: number;
}

export const REGIONS = 20;
export const BANDS = 10;

/** Bumped whenever the rows change, so a cached file from an older generator is not reused. */
const FORMAT_VERSION = 1;
const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
export const REGION_LABELS = Array.from({ length: REGIONS }, (_, i) => `region_${pad(i + 1)}`);
export const BAND_LABELS = Array.from({ length: BANDS }, (_, i) => `band_${i}`);

/** One microdata row: level indices and the measure. */
export interface MicrodataRow {
  region: number;
  band: number;
  income: number;
}

/**
 * Draws the next row into `row` (reused, so generating 10M rows allocates nothing).
 *
 * @example const row = { region: 0, band: 0, income: 0 }; drawRow(seededRandom(1), row);
 */
export function drawRow(random: () => number, row: MicrodataRow): void {
  // Powers skew the levels' frequencies: low levels are common, high ones rare.
  row.region = Math.floor(random() ** 2 * REGIONS);
  row.band = Math.floor(random() ** 1.5 * BANDS);
  // Log-normal (Box–Muller) with a rare 100x tail, so some contributions dominate.
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  // Cents, as the CSV writes them, so the columnar and CSV forms hold the same numbers.
  row.income = Math.round(Math.exp(10 + 1.2 * z) * (random() < 0.0005 ? 100 : 1) * 100) / 100;
}

/**
 * The same rows as `generateMicrodata` writes, straight into columns (for the check-stage
 * benchmark, which starts from parsed data).
 *
 * @example const data = generateColumnar({ rows: 1000, seed: 1 }); data.nRows; // 1000
 */
export function generateColumnar(opts: { rows: number; seed: number; units?: number }): Columnar {
  const random = seededRandom(opts.seed);
  const region = new Int32Array(opts.rows);
  const band = new Int32Array(opts.rows);
  const income = new Float64Array(opts.rows);
  const row: MicrodataRow = { region: 0, band: 0, income: 0 };
  for (let i = 0; i < opts.rows; i++) {
    drawRow(random, row);
    region[i] = row.region;
    band[i] = row.band;
    income[i] = row.income;
  }
  const columns = new Map<string, Column>([
    ['region', { type: 'category', codes: region, dict: [...REGION_LABELS] }],
    ['band', { type: 'category', codes: band, dict: [...BAND_LABELS] }],
    ['income', { type: 'number', values: income }],
  ]);
  if (opts.units !== undefined) columns.set('person', personColumn(opts.rows, opts.units, opts.seed));
  return { nRows: opts.rows, columns };
}

/**
 * A unit column (`person`): `units` people (about rows ÷ units rows each), drawn from a PRNG of
 * its own so the other columns are the same rows with or without it.
 *
 * @example personColumn(10, 3, 1).dict // ['person_0', 'person_1', 'person_2']
 */
export function personColumn(rows: number, units: number, seed: number): Column {
  const random = seededRandom(seed ^ 0x5eed);
  const codes = new Int32Array(rows);
  for (let i = 0; i < rows; i++) codes[i] = Math.floor(random() * units);
  return { type: 'category', codes, dict: Array.from({ length: units }, (_, k) => `person_${k}`) };
}

/**
 * Writes (or reuses, when already generated) the CSV for `rows` rows and `seed`.
 *
 * @example await generateMicrodata({ rows: 1000, seed: 1, dir: '/tmp' })
 */
export async function generateMicrodata(opts: { rows: number; seed: number; dir?: string }): Promise<MicrodataFile> {
  const path = join(opts.dir ?? tmpdir(), `airlock-bench-v${FORMAT_VERSION}-${opts.rows}-${opts.seed}.csv`);
  if (existsSync(path)) return { path, rows: opts.rows, bytes: statSync(path).size };
  const tmp = `${path}.${process.pid}.part`;
  const out = createWriteStream(tmp);
  const random = seededRandom(opts.seed);
  const row: MicrodataRow = { region: 0, band: 0, income: 0 };
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write('region,band,income\n');
  const BATCH = 10_000;
  for (let done = 0; done < opts.rows; done += BATCH) {
    let s = '';
    const n = Math.min(BATCH, opts.rows - done);
    for (let i = 0; i < n; i++) {
      drawRow(random, row);
      s += `${REGION_LABELS[row.region]},${BAND_LABELS[row.band]},${row.income.toFixed(2)}\n`;
    }
    await write(s);
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  renameSync(tmp, path);
  return { path, rows: opts.rows, bytes: statSync(path).size };
}
