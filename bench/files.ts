/**
 * `npx tsx bench/files.ts [--rows N]`: what inspecting a `kind: "file"` output costs, in one
 * run so ratios compare like with like:
 * - profile: a CSV of N rows (5 columns) inspected as a file (type, delimiter, per-column
 *   profile, identifier detectors, formula cells) vs the table CSV reader reading the same
 *   bytes into columns (what a `table` output of that CSV costs to parse);
 * - zipped: the same CSV inside a deflated ZIP (inflate + profile);
 * - bombs: how many bytes each zip-bomb pattern makes airlock inflate before it stops, and how
 *   long that takes, at the default 128 MiB request limit.
 * Prints medians of 5 runs after a warm-up. Data is seeded.
 *
 * @example npx tsx bench/files.ts --rows 1000000
 */
import { parseArgs } from 'node:util';
import { zipSync } from 'fflate';
import { IDENTIFIER_DETECTOR_VALUES } from '../src/lib/identifier-detectors.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { boundsFor, inspectFile } from '../src/outputs/file/inspect-file.js';
import { readCsv } from '../src/outputs/table/csv-reader.js';
import { seededRandom } from '../test/helpers/seeded-random.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const rows = Number(values.rows);
const bounds = boundsFor(DEFAULT_LIMITS, { threshold: 10, detectors: IDENTIFIER_DETECTOR_VALUES });

function csvBytes(n: number): Uint8Array {
  const rng = seededRandom(3);
  const regions = ['north', 'south', 'east', 'west', 'central'];
  const lines = ['region,age_band,sex,count,mean_bmi'];
  for (let i = 0; i < n; i++) {
    lines.push(`${regions[i % 5]},${20 + 10 * Math.floor(rng() * 6)}-${29 + 10 * Math.floor(rng() * 6)},${rng() < 0.5 ? 'F' : 'M'},${Math.floor(rng() * 500)},${(18 + rng() * 20).toFixed(1)}`);
  }
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

function median(run: () => void, times = 5): number {
  run();
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    run();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(times / 2)] ?? Number.NaN;
}

const csv = csvBytes(rows);
const mb = csv.length / 1e6;
const profileMs = median(() => inspectFile(csv, 'table.csv', bounds));
const readerMs = median(() => readCsv(csv, { categories: ['region', 'age_band', 'sex'], numbers: ['count', 'mean_bmi'] }));
const zip = zipSync({ 'table.csv': csv }, { level: 6 });
const zippedMs = median(() => inspectFile(zip, 'table.zip', bounds));
console.log(`csv: ${rows} rows, ${mb.toFixed(1)} MB; zip ${(zip.length / 1e6).toFixed(1)} MB`);
console.log(`profile as file:      ${profileMs.toFixed(0)} ms (${(mb / (profileMs / 1000)).toFixed(0)} MB/s)`);
console.log(`table CSV reader:     ${readerMs.toFixed(0)} ms (${(mb / (readerMs / 1000)).toFixed(0)} MB/s)`);
console.log(`ratio profile/reader: ${(profileMs / readerMs).toFixed(2)}`);
console.log(`zipped (inflate+profile): ${zippedMs.toFixed(0)} ms`);

const zeros = zipSync({ 'zeros.csv': new Uint8Array(1 << 30) }, { level: 9 });
for (const [name, bytes] of [['1 GiB of zeros in one ZIP member', zeros]] as const) {
  let inflated = 0;
  const ms = median(() => {
    inflated = inspectFile(bytes, 'bomb.zip', bounds).inflated;
  }, 3);
  console.log(`bomb (${name}, ${(bytes.length / 1e6).toFixed(1)} MB): inflated ${inflated} bytes before stopping, ${ms.toFixed(0)} ms`);
}
