/**
 * The R client as a package, checked the way CRAN checks one: `R CMD build` then `R CMD check`
 * (DESCRIPTION, NAMESPACE and imports, code analysis, every exported function documented with a
 * \usage matching its code, the examples run). Its testthat suite runs separately, against a
 * real server (r-client.test.ts, through `testthat::test_local`), so the check skips tests.
 * Needs Debian's r-base-core and the packages the DESCRIPTION imports (`.ci/run` installs them).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { runCommand } from '../helpers/external-suite.js';
import { tempDir } from '../helpers/temp-dirs.js';

const R = process.env.AIRLOCK_R ?? 'R';

it('R CMD check passes with no error, warning or note', async () => {
  const dir = tempDir('airlock-r-check-');
  const version = /^Version:\s*(\S+)/m.exec(readFileSync(resolve('clients/r/DESCRIPTION'), 'utf8'))![1];
  const build = await runCommand(R, ['CMD', 'build', '--no-build-vignettes', '--no-manual', resolve('clients/r')], { cwd: dir, timeoutMs: 300_000 });
  expect(build.code, build.output).toBe(0);
  // Suggests (testthat, processx, withr) are for the suite that runs elsewhere; CRAN is unreachable.
  const check = await runCommand(R, ['CMD', 'check', '--no-manual', '--no-tests', `airlock_${version}.tar.gz`], { cwd: dir, env: { _R_CHECK_FORCE_SUGGESTS_: 'false' }, timeoutMs: 600_000 });
  const log = readFileSync(join(dir, 'airlock.Rcheck', '00check.log'), 'utf8');
  expect(check.code, log).toBe(0);
  expect(log, log).toMatch(/^Status: OK$/m);
}, 900_000);
