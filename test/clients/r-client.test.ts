/**
 * The R client's testthat suite (clients/r/tests/testthat), run against a real `airlock serve`
 * that the suite starts itself; each `test_that()` is reported here as one test. Needs
 * Debian's r-base-core, r-cran-httr2, r-cran-jsonlite, r-cran-openssl and r-cran-testthat,
 * which `.ci/run` installs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commandOutput, externalSuite, readReport, runCommand } from '../helpers/external-suite.js';
import type { ExternalResult } from '../helpers/external-suite.js';

const RSCRIPT = process.env.AIRLOCK_RSCRIPT ?? 'Rscript';
const DIR = resolve('clients/r');
const TESTS = join(DIR, 'tests', 'testthat');

/** `test-foo.R › description` for every test_that() call in the suite's files. */
function collect(): string[] {
  // The tools must be there: a missing R or package fails the suite, it is never skipped.
  commandOutput(RSCRIPT, ['-e', 'for (p in c("httr2", "jsonlite", "openssl", "testthat", "processx")) loadNamespace(p)'], DIR);
  const ids: string[] = [];
  for (const file of readdirSync(TESTS).filter((f) => /^test-.*\.R$/.test(f)).sort()) {
    for (const m of readFileSync(join(TESTS, file), 'utf8').matchAll(/test_that\("((?:[^"\\]|\\.)*)"/g)) ids.push(`${file} › ${m[1]}`);
  }
  return ids;
}

externalSuite({
  title: 'R client (testthat against airlock serve)',
  install: 'apt-get install r-base-core r-cran-httr2 r-cran-jsonlite r-cran-openssl r-cran-testthat',
  collect,
  async run(reportFile) {
    const r = await runCommand(RSCRIPT, [join(DIR, 'tests', 'run-tests.R'), reportFile], { cwd: DIR, timeoutMs: 900_000 });
    let report: { file: string; test: string; passed: boolean; message: string }[];
    try {
      report = readReport(reportFile);
    } catch {
      throw new Error(`testthat wrote no report (exit ${r.code}):\n${r.output}`);
    }
    return new Map<string, ExternalResult>(report.map((t) => [`${t.file} › ${t.test}`, { passed: t.passed, message: `${t.message}\n${r.output.slice(-3000)}` }]));
  },
});
