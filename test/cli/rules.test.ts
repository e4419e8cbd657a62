import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/rules.js';
import { captureStdout } from '../helpers/capture-stdout.js';

const rules = (args: string[]) => captureStdout(() => run(args));

describe('airlock rules (CI gate on the shipped rules)', () => {
  it('lint exits 0 on the shipped rules', async () => {
    const r = await rules(['lint', 'rules']);
    expect(r.result).toBe(0);
    expect(r.stdout).toMatch(/0 errors, 1 warning/);
  });

  it('test exits 0 on the shipped rules, every check exercised, and prints the tally', async () => {
    const r = await rules(['test', 'rules', '--require-coverage']);
    expect(r.result).toBe(0);
    expect(r.stdout).toMatch(/^\d+ passed, 0 failed$/m);
  });

  it('test exits 1 when an expectation is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-rule-tests-'));
    writeFileSync(
      join(dir, 'wrong.yaml'),
      'tests:\n  - name: wrongly expected release\n    output: { kind: table, cells: [{ labels: { a: x }, count: 2 }] }\n    expect: { outcome: release, failing: [] }\n',
    );
    const r = await rules(['test', 'rules', '--tests', dir]);
    expect(r.result).toBe(1);
    expect(r.stdout).toMatch(/FAIL .*wrong\.yaml#\/tests\/0 wrongly expected release/);
    expect(r.stdout).toMatch(/^0 passed, 1 failed$/m);
  });

  it('lint exits 1 on an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-lint-'));
    writeFileSync(join(dir, 'default.yaml'), 'name: t\nversion: "1"\nparameters: { threshold: 10 }\nchecks: { table: [min_count] }\n');
    expect((await rules(['lint', dir])).result).toBe(0);
    writeFileSync(join(dir, 'default.yaml'), 'name: t\nversion: "1"\nparameters: { threshold: 10 }\nchecks: { model: [zeros] }\n');
    const r = await rules(['lint', dir]);
    expect(r.result).toBe(1);
    expect(r.stdout).toMatch(/default\.yaml#\/checks\/model\/0: error inapplicable_check/);
  });

  it('lint --strict fails on warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-lint-'));
    writeFileSync(join(dir, 'default.yaml'), 'name: t\nversion: "1"\nparameters: { threshold: 10 }\nchecks: { table: [min_count] }\n');
    mkdirSync(join(dir, 'projects'));
    writeFileSync(join(dir, 'projects', 'w.yaml'), 'project: w\nparameters: { threshold: 5 }\n');
    expect((await rules(['lint', dir])).result).toBe(0);
    expect((await rules(['lint', dir, '--strict'])).result).toBe(1);
  });
});
