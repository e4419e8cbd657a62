/**
 * Governance floors (issue 13, finding 6; sdc-rules.md "Governance floors"): a rule set or a
 * project override below a floor is refused at load, a live reload below one keeps the rules
 * in force (and says why), and the service does not start on rules below their floors.
 */
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { AirlockError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import type { LiveRules } from '../../src/rules/live-rules.js';
import { liveRules } from '../../src/rules/live-rules.js';
import { diffRulesets } from '../../src/rules/diff-rulesets.js';
import { floorViolations } from '../../src/rules/floors.js';
import { inspectRuleset, loadRuleset, rulesetFromContent } from '../../src/rules/load-ruleset.js';
import { startServer } from '../../src/server/start-server.js';
import { tempDir } from '../helpers/temp-dirs.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A copy of the shipped rules with `files` written over it (`floors.yaml`, `default.yaml` edits, overrides). */
function rulesWith(files: Record<string, string> = {}): string {
  const dir = tempDir('floors-');
  dirs.push(dir);
  cpSync('rules', dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The shipped default.yaml with one line replaced. */
const defaultWith = (from: RegExp, to: string) => readFileSync('rules/default.yaml', 'utf8').replace(from, to);

const FLOORS = `owner: Data Governance Board
approved: "2026-11-29"
parameters:
  threshold: 10
  nk_k: 0.9
  zeros_are_disclosive: true
  blocked_extensions: [".pkl", ".pickle", ".joblib"]
  safe_model_formats: [onnx, pmml, json, safetensors]
checks:
  table: [min_count, nk_dominance, differencing]
`;

/** The RULES_INVALID a load throws, as `file#path` pointers. */
function refusal(load: () => unknown): string[] {
  try {
    load();
  } catch (e) {
    expect(e).toBeInstanceOf(AirlockError);
    expect((e as AirlockError).code).toBe('RULES_INVALID');
    return (e as AirlockError).details.map((d) => {
      const [file, path] = d.pointer!.split('#');
      return path === undefined ? basename(file!) : `${basename(file!)}#${path}`;
    });
  }
  throw new Error('the rule set loaded');
}

describe('floors at load', () => {
  it('loads rules at or above every floor, and the digest covers the floors', () => {
    const dir = rulesWith({ 'floors.yaml': FLOORS });
    const r = loadRuleset(dir);
    expect(r.content.floors).toMatchObject({ owner: 'Data Governance Board', parameters: { threshold: 10 } });
    expect(r.digest).not.toBe(loadRuleset('rules').digest);
    expect(inspectRuleset(dir).violations).toEqual([]);
  });

  it.each([
    ['a default threshold of 1', { 'default.yaml': defaultWith(/^ {2}threshold: 10$/m, '  threshold: 1') }, ['default.yaml#/parameters/threshold']],
    ['no blocked extensions at all', { 'default.yaml': defaultWith(/^ {2}blocked_extensions: .*$/m, '  blocked_extensions: []') }, ['default.yaml#/parameters/blocked_extensions']],
    ['a looser dominance limit', { 'default.yaml': defaultWith(/^ {2}nk_k: .*$/m, '  nk_k: 0.99') }, ['default.yaml#/parameters/nk_k']],
    ['zeros no longer disclosive', { 'default.yaml': defaultWith(/^ {2}zeros_are_disclosive: true$/m, '  zeros_are_disclosive: false') }, ['default.yaml#/parameters/zeros_are_disclosive']],
    ['a format accepted as safe beyond the floor', { 'default.yaml': defaultWith(/^ {2}safe_model_formats: .*$/m, '  safe_model_formats: [onnx, rds]') }, ['default.yaml#/parameters/safe_model_formats']],
    ['a required check disabled', { 'default.yaml': defaultWith(/^ {2}table: \[min_count, /m, '  table: [') }, ['default.yaml#/checks/table']],
    ['a project override with a lower threshold', { 'projects/weak.yaml': 'project: weak\nparameters:\n  threshold: 3\n' }, ['weak.yaml#/parameters/threshold']],
    ['a project override dropping a blocked extension', { 'projects/weak.yaml': 'project: weak\nparameters:\n  blocked_extensions: [".pkl", ".joblib"]\n' }, ['weak.yaml#/parameters/blocked_extensions']],
    ['a project override dropping a required check', { 'projects/weak.yaml': 'project: weak\nchecks:\n  table: [min_count, differencing]\n' }, ['weak.yaml#/checks/table']],
  ])('refuses %s, naming the file and path', (_name, files, pointers) => {
    expect(refusal(() => loadRuleset(rulesWith({ 'floors.yaml': FLOORS, ...files })))).toEqual(pointers);
  });

  it('refuses a default that leaves a parameter to a built-in default below the floor', () => {
    const dir = rulesWith({ 'floors.yaml': 'parameters:\n  min_samples_leaf: 8\n', 'default.yaml': defaultWith(/^ {2}min_samples_leaf: 5\n/m, '') });
    const err = (() => {
      try {
        loadRuleset(dir);
      } catch (e) {
        return e as AirlockError;
      }
      return null;
    })();
    expect(err?.details[0]).toMatchObject({ pointer: expect.stringMatching(/default\.yaml#\/parameters\/min_samples_leaf$/), message: expect.stringMatching(/min_samples_leaf 5 is below the floor 8 .*built-in default/) });
  });

  it('names every violation at once', () => {
    const dir = rulesWith({ 'floors.yaml': FLOORS, 'default.yaml': defaultWith(/^ {2}threshold: 10$/m, '  threshold: 1'), 'projects/weak.yaml': 'project: weak\nparameters:\n  nk_k: 0.95\n' });
    expect(refusal(() => loadRuleset(dir))).toEqual(['default.yaml#/parameters/threshold', 'weak.yaml#/parameters/nk_k']);
  });

  it.each([
    ['an unknown parameter', 'parameters:\n  treshold: 10\n', '#/parameters'],
    ['a value of the wrong type', 'parameters:\n  threshold: ten\n', '#/parameters/threshold'],
    ['an unknown check', 'checks:\n  table: [min_cnt]\n', '#/checks/table/0'],
    ['an unknown top-level key', 'floor:\n  threshold: 10\n', '#/'],
  ])('refuses a floors file with %s', (_name, text, pointer) => {
    const pointers = refusal(() => loadRuleset(rulesWith({ 'floors.yaml': text })));
    expect(pointers[0]).toBe(`floors.yaml${pointer}`);
  });

  it('reads floors from a configured file outside the rules directory, and refuses one that is missing', () => {
    const elsewhere = tempDir('floors-elsewhere-');
    dirs.push(elsewhere);
    writeFileSync(join(elsewhere, 'risk-appetite.yaml'), 'parameters:\n  threshold: 15\n');
    expect(refusal(() => loadRuleset('rules', { floorsFile: join(elsewhere, 'risk-appetite.yaml') }))).toEqual(['default.yaml#/parameters/threshold']);
    expect(refusal(() => loadRuleset('rules', { floorsFile: join(elsewhere, 'gone.yaml') }))).toEqual(['gone.yaml']);
  });

  it('does not start a service on rules below their floors', async () => {
    const dir = rulesWith({ 'floors.yaml': 'parameters:\n  threshold: 25\n' });
    const dataDir = tempDir('floors-data-');
    dirs.push(dataDir);
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', AIRLOCK_DATA_DIR: dataDir, AIRLOCK_RULES_DIR: dir, LOG_LEVEL: 'silent' });
    await expect(startServer(config, { console: () => undefined })).rejects.toMatchObject({ code: 'RULES_INVALID', message: expect.stringMatching(/below the governance floors/) });
  });
});

describe('floors on live reload', () => {
  const open: LiveRules[] = [];
  afterEach(() => {
    for (const r of open.splice(0)) r.close();
  });

  /** Live rules whose log lines are collected. */
  function live(dir: string): { rules: LiveRules; lines: { level: number; msg: string; weakens?: string[] }[] } {
    const lines: { level: number; msg: string; weakens?: string[] }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    const rules = liveRules(dir, { debounceMs: 20, signal: null, logger: createLogger('info', sink) });
    open.push(rules);
    return { rules, lines };
  }

  const writeAtomically = (path: string, text: string) => {
    writeFileSync(`${path}.tmp~`, text);
    renameSync(`${path}.tmp~`, path);
  };

  it('keeps the rules in force when an edit goes below a floor, and logs why', async () => {
    const dir = rulesWith({ 'floors.yaml': FLOORS });
    const { rules, lines } = live(dir);
    const before = rules.current();
    const rejected = rules.nextReload((e) => !e.ok);
    writeAtomically(join(dir, 'default.yaml'), defaultWith(/^ {2}threshold: 10$/m, '  threshold: 1'));
    const e = await rejected;
    expect(e.error?.code).toBe('RULES_INVALID');
    expect(e.error?.details.map((d) => d.pointer)).toEqual([expect.stringMatching(/default\.yaml#\/parameters\/threshold$/)]);
    expect(rules.current()).toBe(before);
    expect(lines.find((l) => l.level === 50)?.msg).toMatch(/rule set rejected, keeping .*below the governance floors.*threshold 1 is below the floor 10/);
  });

  it('keeps the rules in force when the floors are raised above them', async () => {
    const dir = rulesWith({ 'floors.yaml': FLOORS });
    const { rules } = live(dir);
    const before = rules.current();
    const rejected = rules.nextReload((e) => !e.ok);
    writeAtomically(join(dir, 'floors.yaml'), FLOORS.replace('threshold: 10', 'threshold: 30'));
    expect((await rejected).error?.message).toMatch(/threshold 10 is below the floor 30/);
    expect(rules.current()).toBe(before);
  });

  it('swaps in a weaker set that is still above the floors, with a warning naming each weakening', async () => {
    const dir = rulesWith({ 'floors.yaml': FLOORS });
    mkdirSync(join(dir, 'projects'), { recursive: true });
    const { rules, lines } = live(dir);
    const changed = rules.nextReload((e) => e.changed);
    writeAtomically(join(dir, 'projects', 'example-strict.yaml'), 'project: example-strict\nparameters:\n  threshold: 12\n');
    await changed;
    expect(rules.current().resolve('example-strict').params.threshold).toBe(12);
    const warning = lines.find((l) => l.level === 40);
    expect(warning?.weakens).toEqual(['project:example-strict: threshold 20 → 12 (higher is stricter)']);
  });
});

describe('the shipped rules', () => {
  it('have no floors file, so nothing changes for a deployment that adds none', () => {
    expect(loadRuleset(resolve('rules')).content.floors).toBeUndefined();
  });
});

describe("per-project overrides of other work's parameters (require_dataset, differencing_scope)", () => {
  // These parameters arrive with the populations work; the floors and diffs read them through
  // the direction table alone, so they are exercised here on content objects.
  const shipped = loadRuleset(resolve('rules')).content;
  const override = (parameters: Record<string, unknown>) => ({ ...shipped, projects: [{ project: 'p1', parameters: parameters as never }] });
  const floors = { file: 'floors.yaml', content: { parameters: { require_dataset: true, differencing_scope: 'tre' } as never } };
  const files = { default: 'default.yaml', projects: new Map([['p1', 'projects/p1.yaml']]) };

  it('finds a project turning require_dataset off, or narrowing differencing to the project, below the floors', () => {
    const withDefaults = { ...shipped, default: { ...shipped.default, parameters: { ...shipped.default.parameters, require_dataset: true, differencing_scope: 'tre' } as never } };
    expect(floorViolations(floors, { ...withDefaults, projects: override({ require_dataset: false, differencing_scope: 'project' }).projects }, files).map((v) => `${v.file}#${v.path}`)).toEqual([
      'projects/p1.yaml#/parameters/require_dataset',
      'projects/p1.yaml#/parameters/differencing_scope',
    ]);
    expect(floorViolations(floors, { ...withDefaults, projects: override({ require_dataset: true }).projects }, files)).toEqual([]);
  });

  it('rules diff names those overrides as weakening', () => {
    const before = rulesetFromContent(override({ require_dataset: true, differencing_scope: 'tre' }));
    const after = rulesetFromContent(override({ require_dataset: false, differencing_scope: 'project' }));
    expect(diffRulesets(before, after).map((c) => [c.scope, c.path, c.effect]).sort()).toEqual([
      ['project:p1', 'parameters.differencing_scope', 'weakens'],
      ['project:p1', 'parameters.require_dataset', 'weakens'],
    ]);
  });
});
