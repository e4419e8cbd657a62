/**
 * Runs a test suite written in another language (the Python and R clients' suites, each of
 * which starts its own real `airlock serve`) and reports every one of its tests as a vitest
 * test, so `npm test` counts and names them and a failure shows the suite's own message.
 *
 * The suite's test names are collected synchronously when the file is loaded (vitest needs
 * them to register tests); the suite runs once, in `beforeAll`, and writes a JSON report of
 * each test's result. A test missing from the report, skipped, or failed fails here; a suite
 * whose tools are not installed fails with what to install — it is never skipped.
 *
 * @example
 * externalSuite({ title: 'python client', collect: () => ['tests/test_a.py::test_x'], run: async (report) => { … } });
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/** One test's result as the suite reported it. */
export interface ExternalResult {
  passed: boolean;
  message: string;
}

export interface ExternalSuite {
  title: string;
  /** The suite's test ids, collected synchronously; throws when the tools are missing. */
  collect(): string[];
  /** Runs the whole suite, writing its report to `reportFile`; resolves with the results by id. */
  run(reportFile: string): Promise<Map<string, ExternalResult>>;
  /** What to install when `collect` fails. */
  install: string;
}

/** Runs a command to completion, keeping its output (for the failure message). */
export function runCommand(cmd: string, args: string[], opts: { cwd: string; env?: Record<string, string>; timeoutMs: number }): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (c: Buffer) => {
      output = (output + c.toString('utf8')).slice(-200_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Synchronous command output (for collection at load time). */
export function commandOutput(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
}

/** Registers the suite's tests with vitest. */
export function externalSuite(suite: ExternalSuite): void {
  describe(suite.title, () => {
    let ids: string[];
    try {
      ids = suite.collect();
    } catch (e) {
      it('has its tools installed', () => {
        expect.fail(`${suite.title}: cannot collect the tests (${(e as Error).message.split('\n')[0]}). Install: ${suite.install} (.ci/run does).`);
      });
      return;
    }
    let results = new Map<string, ExternalResult>();
    let runOutput = '';
    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'airlock-external-'));
      try {
        results = await suite.run(join(dir, 'report.json'));
      } catch (e) {
        runOutput = (e as Error).message;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 900_000);
    it('collects tests', () => {
      expect(ids.length).toBeGreaterThan(0);
    });
    for (const id of ids) {
      it(id, () => {
        const r = results.get(id);
        if (!r) expect.fail(`${id}: no result reported${runOutput ? `\n${runOutput.slice(-4000)}` : ''}`);
        expect(r.passed, r.message).toBe(true);
      });
    }
  });
}

/** Reads a JSON report file written by a suite. */
export function readReport<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
