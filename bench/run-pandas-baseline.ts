/**
 * `baseline_pandas`: runs bench/baseline_pandas.py on the same file with Debian's python3
 * (`/usr/bin/python3`, where `apt-get install python3-pandas` puts pandas; another
 * interpreter can be named with AIRLOCK_BENCH_PYTHON). Missing python or pandas is reported,
 * not fatal: the figure is then `missing` with the reason.
 *
 * @example const b = await runPandasBaseline(file, 5); if ('totalS' in b) b.totalS;
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { MicrodataFile } from './generate-microdata.js';
import { BENCH_DIR } from './spawn-child.js';

const run = promisify(execFile);

export interface PandasBaseline {
  python: string;
  pandas: string;
  readS: number;
  crosstabS: number;
  totalS: number;
}

export interface Missing {
  missing: string;
}

/**
 * Medians of `runs` pandas runs (after one warm-up) on `file`, or why there are none.
 *
 * @example const b = await runPandasBaseline(file, 7); 'missing' in b ? b.missing : b.totalS;
 */
export async function runPandasBaseline(file: MicrodataFile, runs: number): Promise<PandasBaseline | Missing> {
  const python = process.env.AIRLOCK_BENCH_PYTHON ?? '/usr/bin/python3';
  try {
    const { stdout } = await run(python, [join(BENCH_DIR, 'baseline_pandas.py'), file.path, '--runs', String(runs)], { maxBuffer: 1 << 20 });
    const r = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { pandas: string; read_s: number; crosstab_s: number; total_s: number };
    return { python, pandas: r.pandas, readS: r.read_s, crosstabS: r.crosstab_s, totalS: r.total_s };
  } catch (e) {
    const err = e as { code?: string; stderr?: string; message: string };
    if (err.code === 'ENOENT') return { missing: `${python} not found` };
    if (/No module named .?pandas/.test(err.stderr ?? '')) return { missing: `pandas not installed for ${python} (apt-get install -y python3-pandas)` };
    return { missing: `baseline failed: ${(err.stderr ?? err.message).trim().split('\n').pop()}` };
  }
}
