import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run as runDiff } from '../../src/cli/commands/rules-diff.js';
import { runSubcommand } from '../../src/cli/commands.js';
import { captureStdout } from '../helpers/capture-stdout.js';
import { tempDir } from '../helpers/temp-dirs.js';

const rules = (args: string[]) => captureStdout(() => runSubcommand('rules', args));

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
    const dir = tempDir('cli-rule-tests-');
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
    const dir = tempDir('cli-lint-');
    writeFileSync(join(dir, 'default.yaml'), 'name: t\nversion: "1"\nparameters: { threshold: 10 }\nchecks: { table: [min_count] }\n');
    expect((await rules(['lint', dir])).result).toBe(0);
    writeFileSync(join(dir, 'default.yaml'), 'name: t\nversion: "1"\nparameters: { threshold: 10 }\nchecks: { model: [zeros] }\n');
    const r = await rules(['lint', dir]);
    expect(r.result).toBe(1);
    expect(r.stdout).toMatch(/default\.yaml#\/checks\/model\/0: error inapplicable_check/);
  });

  it('lint --strict fails on warnings', async () => {
    const dir = tempDir('cli-lint-');
    writeFileSync(join(dir, 'default.yaml'), 'name: t\nversion: "1"\nparameters: { threshold: 10 }\nchecks: { table: [min_count] }\n');
    mkdirSync(join(dir, 'projects'));
    writeFileSync(join(dir, 'projects', 'w.yaml'), 'project: w\nparameters: { threshold: 5 }\n');
    expect((await rules(['lint', dir])).result).toBe(0);
    expect((await rules(['lint', dir, '--strict'])).result).toBe(1);
  });
});

describe('airlock rules: weakening and floors (issue 13)', () => {
  /** A copy of the shipped rules with `default.yaml`'s threshold and blocked extensions set, and extra files. */
  function shipped(threshold: number, blocked: string, files: Record<string, string> = {}): string {
    const dir = tempDir('cli-weaken-');
    cpSync('rules', dir, { recursive: true });
    const def = join(dir, 'default.yaml');
    writeFileSync(def, readFileSync(def, 'utf8').replace(/^ {2}threshold: 10$/m, `  threshold: ${threshold}`).replace(/^ {2}blocked_extensions: .*$/m, `  blocked_extensions: ${blocked}`));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }
  const diff = (args: string[]) => captureStdout(() => runDiff(args));

  it('lint names a weakened default.yaml (threshold: 1, blocked_extensions: []) and fails it with --strict', async () => {
    const dir = shipped(1, '[]');
    const r = await rules(['lint', dir]);
    expect(r.result).toBe(0);
    expect(r.stdout).toMatch(/default\.yaml#\/parameters\/threshold: warning weaker_default: threshold 10 → 1/);
    expect(r.stdout).toMatch(/default\.yaml#\/parameters\/blocked_extensions: warning weaker_default: blocked_extensions drops \.svg, \.gph, \.pkl, \.pickle, \.joblib/);
    expect((await rules(['lint', dir, '--strict'])).result).toBe(1);
  });

  it('lint --previous names what weakened since the previous set; --floors makes a floor an error', async () => {
    const dir = shipped(8, '[".pkl"]');
    const r = await rules(['lint', dir, '--previous', 'rules']);
    expect(r.stdout).toMatch(/warning weakened: default: threshold 10 → 8/);
    const floors = join(tempDir('cli-floors-'), 'floors.yaml');
    writeFileSync(floors, 'parameters:\n  threshold: 10\n');
    const f = await rules(['lint', dir, '--floors', floors]);
    expect(f.result).toBe(1);
    expect(f.stdout).toMatch(/default\.yaml#\/parameters\/threshold: error below_floor: threshold 8 is below the floor 10/);
  });

  it('diff marks each change by its effect; --fail-on-weaken gates CI on it', async () => {
    const weaker = shipped(8, '[".svg", ".gph", ".pkl", ".pickle", ".joblib", ".pt", ".pth", ".rds", ".rdata", ".dta", ".sav", ".exe"]');
    const r = await diff(['rules', weaker]);
    expect(r.result).toBe(0);
    expect(r.stdout).toMatch(/^ {2}WEAKENS +default +parameters\.threshold: 10 → 8 {2}— threshold 10 → 8 \(higher is stricter\)$/m);
    expect(r.stdout).toMatch(/^ {2}strengthens +default +parameters\.blocked_extensions: \[.*\] {2}— blocked_extensions adds \.exe$/m);
    expect(r.stdout).toMatch(/^1 of 2 changes weaken protection or may$/m);
    expect((await diff(['rules', weaker, '--fail-on-weaken'])).result).toBe(1);
    expect((await diff([weaker, 'rules', '--fail-on-weaken'])).result).toBe(1);
    const stricter = shipped(12, '[".svg", ".gph", ".pkl", ".pickle", ".joblib", ".pt", ".pth", ".rds", ".rdata", ".dta", ".sav"]');
    expect((await diff(['rules', stricter, '--fail-on-weaken'])).result).toBe(0);
  });

  it('diff exits 1 when the new set is below its floors, naming each violation', async () => {
    const dir = shipped(8, '[".pkl"]', { 'floors.yaml': 'parameters:\n  threshold: 10\n  blocked_extensions: [".pkl", ".joblib"]\n' });
    const r = await diff(['rules', dir, '--json']);
    expect(r.result).toBe(1);
    const out = JSON.parse(r.stdout) as { below_floor: { path: string }[]; changes: { scope: string; path: string; effect: string }[] };
    expect(out.below_floor.map((v) => v.path)).toEqual(['/parameters/threshold', '/parameters/blocked_extensions']);
    expect(out.changes.filter((c) => c.scope === 'floors').map((c) => [c.path, c.effect])).toEqual([
      ['parameters.threshold', 'strengthens'],
      ['parameters.blocked_extensions', 'strengthens'],
    ]);
  });
});
