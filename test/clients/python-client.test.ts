/**
 * The Python client's pytest suite (clients/python/tests), run against a real `airlock serve`
 * that the suite starts itself; each pytest test is reported here as one test. Debian's
 * Python is used (`/usr/bin/python3`, or AIRLOCK_PYTHON) because the suite needs Debian's
 * pytest, pandas, requests, cryptography and statsmodels, which `.ci/run` installs.
 */
import { resolve } from 'node:path';
import { commandOutput, externalSuite, readReport, runCommand } from '../helpers/external-suite.js';
import type { ExternalResult } from '../helpers/external-suite.js';

const PYTHON = process.env.AIRLOCK_PYTHON ?? '/usr/bin/python3';
const DIR = resolve('clients/python');

externalSuite({
  title: 'Python client (pytest against airlock serve)',
  install: 'apt-get install python3-pytest python3-pandas python3-requests python3-cryptography python3-statsmodels',
  collect: () =>
    commandOutput(PYTHON, ['-m', 'pytest', '--collect-only', '-q', '-p', 'no:cacheprovider'], DIR)
      .split('\n')
      .filter((l) => l.includes('::')),
  async run(reportFile) {
    const r = await runCommand(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], {
      cwd: DIR,
      env: { AIRLOCK_PYTEST_REPORT: reportFile, PYTHONDONTWRITEBYTECODE: '1' },
      timeoutMs: 900_000,
    });
    let report: Record<string, { outcome: string; message: string }>;
    try {
      report = readReport(reportFile);
    } catch {
      throw new Error(`pytest wrote no report (exit ${r.code}):\n${r.output}`);
    }
    return new Map<string, ExternalResult>(Object.entries(report).map(([id, v]) => [id, { passed: v.outcome === 'passed', message: v.message }]));
  },
});
