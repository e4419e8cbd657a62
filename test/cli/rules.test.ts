import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/commands/rules.js';

let out: string[];
beforeEach(() => {
  out = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

describe('airlock rules (CI gate on the shipped rules)', () => {
  it('lint exits 0 on the shipped rules', async () => {
    expect(await run(['lint', 'rules'])).toBe(0);
    expect(out.join('')).toMatch(/0 errors, 0 warnings/);
  });

  it('test exits 0 on the shipped rules and prints the tally', async () => {
    expect(await run(['test', 'rules'])).toBe(0);
    expect(out.join('')).toMatch(/^\d+ passed, 0 failed$/m);
  });

  it('test exits 1 when an expectation is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-rule-tests-'));
    writeFileSync(
      join(dir, 'wrong.yaml'),
      'tests:\n  - name: wrongly expected release\n    output: { kind: table, cells: [{ labels: { a: x }, count: 2 }] }\n    expect: { outcome: release, failing: [] }\n',
    );
    expect(await run(['test', 'rules', '--tests', dir])).toBe(1);
    expect(out.join('')).toMatch(/FAIL .*wrong\.yaml#\/tests\/0 wrongly expected release/);
    expect(out.join('')).toMatch(/^0 passed, 1 failed$/m);
  });

  it('lint exits 1 on an error and, with --strict, on a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-lint-'));
    writeFileSync(join(dir, 'default.yaml'), 'name: t\nversion: "1"\nparameters: { threshold: 10 }\nchecks: { table: [min_count] }\n');
    expect(await run(['lint', dir])).toBe(0);
    writeFileSync(join(dir, 'default.yaml'), 'name: t\nversion: "1"\nparameters: { threshold: 10 }\nchecks: { model: [zeros] }\n');
    expect(await run(['lint', dir])).toBe(1);
    expect(out.join('')).toMatch(/default\.yaml#\/checks\/model\/0: error inapplicable_check/);
  });

  it('lint --strict fails on warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-lint-'));
    writeFileSync(join(dir, 'default.yaml'), 'name: t\nversion: "1"\nparameters: { threshold: 10 }\nchecks: { table: [min_count] }\n');
    mkdirSync(join(dir, 'projects'));
    writeFileSync(join(dir, 'projects', 'w.yaml'), 'project: w\nparameters: { threshold: 5 }\n');
    expect(await run(['lint', dir])).toBe(0);
    expect(await run(['lint', dir, '--strict'])).toBe(1);
  });
});
