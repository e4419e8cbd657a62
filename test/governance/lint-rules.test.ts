import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLintProblem, lintRules } from '../../src/governance/lint-rules.js';
import { tempDir } from '../helpers/temp-dirs.js';

const base = `name: t\nversion: "1"\nparameters:\n  threshold: 10\n  k: 10\n  l: 2\n  require_known_dataset: true\nchecks:\n  table: [min_count, zeros, nk_dominance]\n`;

function rulesDir(files: Record<string, string>): string {
  const dir = tempDir('lint-');
  mkdirSync(join(dir, 'projects'));
  for (const [name, text] of Object.entries({ 'default.yaml': base, ...files })) writeFileSync(join(dir, name), text);
  return dir;
}

/** The problems as `file-basename#path severity code`, for exact comparison. */
function problems(dir: string): string[] {
  return lintRules(dir).problems.map((p) => `${p.file.split('/').pop()}#${p.path} ${p.severity} ${p.code}`);
}

describe('lintRules: populations', () => {
  it.each([
    ['a dataset in two populations', 'populations:\n  a: [cohort]\n  b: [Cohort]\n', ['default.yaml#/populations/b/0 error population_overlap']],
    ["a dataset one population names and another's pattern matches", 'populations:\n  a: [cohort-2026-01]\n  b: ["cohort-*"]\n', ['default.yaml#/populations/b/0 error population_overlap']],
    ['separate populations', 'populations:\n  a: [cohort, "cohort-v*"]\n  b: [registry]\n', []],
  ])('%s', (_name, populations, expected) => {
    expect(problems(rulesDir({ 'default.yaml': `${base}${populations}` }))).toEqual(expected);
  });

  it('warns when undeclared datasets are accepted (require_known_dataset false)', () => {
    expect(problems(rulesDir({ 'default.yaml': base.replace('require_known_dataset: true', 'require_known_dataset: false') }))).toEqual(['default.yaml#/parameters/require_known_dataset warning unknown_datasets_accepted']);
  });

  it('warns about an override that narrows differencing or drops the dataset requirement', () => {
    expect(problems(rulesDir({ 'projects/a.yaml': 'project: a\nparameters:\n  differencing_scope: project\n  require_dataset: false\n' })).sort()).toEqual([
      'a.yaml#/parameters/differencing_scope warning weaker_override',
      'a.yaml#/parameters/require_dataset warning weaker_override',
    ]);
  });

  it('refuses unit namespaces in a project override: they describe the whole TRE', () => {
    const r = lintRules(rulesDir({ 'projects/a.yaml': 'project: a\nparameters:\n  unit_namespaces: { x: [a] }\n' }));
    expect(r.problems).toEqual([expect.objectContaining({ severity: 'error', path: '/parameters/unit_namespaces', message: expect.stringMatching(/only the default rule file/) })]);
  });

  it('warns about a unit namespace naming an undeclared population', () => {
    // Splitting namespaces cannot be ranked (unordered): also reported as possibly weaker than the reference.
    expect(problems(rulesDir({ 'default.yaml': base.replace('  l: 2\n', '  l: 2\n  unit_namespaces: { reg: [registry] }\n') })).sort()).toEqual([
      'default.yaml#/parameters/unit_namespaces warning weaker_default',
      'default.yaml#/parameters/unit_namespaces/reg/0 warning unknown_population',
    ]);
  });
});

describe('lintRules', () => {
  it('finds nothing wrong with the shipped rules but the warning that undeclared datasets are accepted', () => {
    const r = lintRules('rules');
    expect(r.problems.map((p) => [p.path, p.severity, p.code])).toEqual([['/parameters/require_known_dataset', 'warning', 'unknown_datasets_accepted']]);
    expect(r.files).toEqual(['rules/default.yaml', 'rules/projects/example-strict.yaml']);
  });

  it.each([
    ['broken YAML', { 'default.yaml': 'name: [unclosed' }, ['default.yaml#/ error unreadable']],
    ['a missing required field', { 'default.yaml': base.replace('version: "1"\n', '') }, ['default.yaml#/ error schema']],
    ['an unknown parameter', { 'default.yaml': base.replace('threshold: 10', 'treshold: 10') }, ['default.yaml#/parameters/treshold error unknown_parameter']],
    ['an unknown check id', { 'default.yaml': base.replace('zeros,', 'zeroes,') }, ['default.yaml#/checks/table/1 error unknown_check']],
    ['an unknown output kind', { 'default.yaml': base.replace('table:', 'tables:') }, ['default.yaml#/checks/tables error schema']],
    ['a parameter out of range', { 'default.yaml': base.replace('threshold: 10', 'threshold: 0') }, ['default.yaml#/parameters/threshold error out_of_range']],
    ['a fraction out of range', { 'projects/a.yaml': 'project: a\nparameters:\n  nk_k: 1.5\n' }, ['a.yaml#/parameters/nk_k error out_of_range']],
    ['contradicting parameters (l > k)', { 'projects/a.yaml': 'project: a\nparameters:\n  l: 12\n' }, ['a.yaml#/parameters/l error out_of_range']],
    ['a check for a kind it cannot apply to', { 'default.yaml': base.replace('table: [', 'model: [nk_dominance]\n  table: [') }, ['default.yaml#/checks/model/0 error inapplicable_check']],
    ['a project with two override files', { 'projects/a.yaml': 'project: a\n', 'projects/b.yaml': 'project: a\n' }, ['b.yaml#/project error duplicate_project']],
    ['a model family name under two families', { 'projects/a.yaml': 'project: a\nparameters:\n  model_family_aliases:\n    knn: [KNeighborsClassifier]\n    random_forest: [kneighbors_classifier]\n' }, ['a.yaml#/parameters/model_family_aliases error out_of_range', 'a.yaml#/parameters/model_family_aliases warning weaker_override']],
    ['a misspelt sensitive_attributes', { 'default.yaml': base.replace('threshold: 10', 'threshold: 10\n  sensitive_attribute: [diagnosis]') }, ['default.yaml#/parameters/sensitive_attribute error unknown_parameter']],
    ['an alias table that is not a table of lists', { 'default.yaml': base.replace('threshold: 10', 'threshold: 10\n  model_family_aliases: [knn]') }, ['default.yaml#/parameters/model_family_aliases error out_of_range']],
  ])('reports %s as an error with its path', (_name, files, expected) => {
    expect(problems(rulesDir(files))).toEqual(expected);
  });

  it.each([
    ['a lower threshold', 'threshold: 5', '/parameters/threshold'],
    ['a lower k', 'k: 5', '/parameters/k'],
    ['a lower l', 'l: 1', '/parameters/l'],
    ['a lower dof_threshold', 'dof_threshold: 5', '/parameters/dof_threshold'],
    ['a lower min_samples_leaf', 'min_samples_leaf: 2', '/parameters/min_samples_leaf'],
    ['a higher nk_k', 'nk_k: 0.95', '/parameters/nk_k'],
    ['a lower p', 'p: 0.05', '/parameters/p'],
    ['a higher saturation', 'saturation: 0.5', '/parameters/saturation'],
    ['zeros no longer disclosive', 'zeros_are_disclosive: false', '/parameters/zeros_are_disclosive'],
    ['a blocked extension dropped', 'blocked_extensions: [".svg"]', '/parameters/blocked_extensions'],
    ['a structural zero added', 'structural_zeros: [{ sex: male, pregnant: "yes" }]', '/parameters/structural_zeros'],
    ['an identifier name dropped', 'direct_identifier_columns: [nhs_number]', '/parameters/direct_identifier_columns'],
    ['an identifier detector dropped', 'identifier_detectors: [nhs_number]', '/parameters/identifier_detectors'],
    ['an extension auto-released', 'auto_release_file_extensions: [".png"]', '/parameters/auto_release_file_extensions'],
    ['a format accepted as safe', 'safe_model_formats: [onnx, pmml, json, safetensors, h5]', '/parameters/safe_model_formats'],
    ['a sensitive attribute dropped', 'sensitive_attributes: [diagnosis]', '/parameters/sensitive_attributes'],
    ['a leaf-size hyperparameter added', 'leaf_size_hyperparameters: [min_samples_leaf, minbucket, "min.bucket", nodesize, min_child_samples, min_data_in_leaf, "n.minobsinnode", minInstancesPerNode, min_rows, min_child_weight]', '/parameters/leaf_size_hyperparameters'],
    ['a model family name newly recognised', 'model_family_aliases:\n    clustering: [KMeans]', '/parameters/model_family_aliases'],
    ['a model family name moved to a harmless family', 'model_family_aliases:\n    random_forest: [KNeighborsClassifier]', '/parameters/model_family_aliases'],
  ])('warns about a project override with %s', (_name, param, path) => {
    const r = lintRules(rulesDir({ 'projects/weak.yaml': `project: weak\nparameters:\n  ${param}\n` }));
    expect(r.problems.map((p) => [p.path, p.severity, p.code])).toEqual([[path, 'warning', 'weaker_override']]);
    expect(r.errors).toBe(0);
  });

  it('warns when an override removes a check the default enables for a kind', () => {
    const r = lintRules(rulesDir({ 'projects/weak.yaml': 'project: weak\nchecks:\n  table: [min_count, nk_dominance]\n' }));
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ path: '/checks/table', severity: 'warning', code: 'weaker_override' });
    expect(r.problems[0].message).toContain('removes zeros');
  });

  it('warns when a project no longer requires the unit column the default requires', () => {
    const dir = rulesDir({ 'default.yaml': base.replace('threshold: 10', 'threshold: 10\n  require_unit: true'), 'projects/weak.yaml': 'project: weak\nparameters:\n  require_unit: false\n' });
    expect(problems(dir)).toEqual(['weak.yaml#/parameters/require_unit warning weaker_override']);
  });

  it('does not warn about structural zeros the default already lists, however spelt', () => {
    const dir = rulesDir({
      'default.yaml': base.replace('threshold: 10', 'threshold: 10\n  structural_zeros: [{ sex: male, pregnant: "yes" }]'),
      'projects/same.yaml': 'project: same\nparameters:\n  structural_zeros: [{ Sex: Male, PREGNANT: "Yes " }]\n',
    });
    // The default's own exemption is reported against the reference defaults; the project repeats it: no warning.
    expect(problems(dir)).toEqual(['default.yaml#/parameters/structural_zeros warning weaker_default']);
  });

  it('refuses a malformed structural zero and suggests the name of a misspelt one', () => {
    expect(problems(rulesDir({ 'projects/a.yaml': 'project: a\nparameters:\n  structural_zeros: [{}]\n' }))).toEqual(['a.yaml#/parameters/structural_zeros/0 error out_of_range']);
    const r = lintRules(rulesDir({ 'projects/a.yaml': 'project: a\nparameters:\n  structual_zeros: []\n' }));
    expect(r.problems[0].message).toBe('unknown parameter "structual_zeros" (did you mean "structural_zeros"?)');
  });

  it('does not warn about a stricter override', () => {
    expect(problems(rulesDir({ 'projects/s.yaml': 'project: s\nparameters:\n  threshold: 20\n  nk_k: 0.8\n  p: 0.2\nchecks:\n  table: [min_count, zeros, nk_dominance, rounding]\n' }))).toEqual([]);
  });

  it('reports every bad file, not only the first', () => {
    const r = lintRules(rulesDir({ 'projects/a.yaml': 'project: a\nparameters:\n  threshold: -1\n', 'projects/b.yaml': 'project: b\nparameters:\n  tresh: 1\n' }));
    expect(r.problems.map((p) => p.code)).toEqual(['out_of_range', 'unknown_parameter']);
  });

  it('says which alias moved where', () => {
    const r = lintRules(rulesDir({ 'projects/weak.yaml': 'project: weak\nparameters:\n  model_family_aliases:\n    random_forest: [KNeighborsClassifier]\n' }));
    expect(r.problems[0]!.message).toMatch(/^project weak: model_family_aliases maps "KNeighborsClassifier" to random_forest instead of knn; no longer recognises "DecisionTreeClassifier" as decision_tree, .* and \d+ more \(such models go to review instead of failing; an override replaces the default table\)$/);
  });

  it('names the nearest known parameter for a misspelt new one', () => {
    const r = lintRules(rulesDir({ 'default.yaml': base.replace('threshold: 10', 'threshold: 10\n  model_family_alias: {}') }));
    expect(r.problems[0]!.message).toContain('did you mean "model_family_aliases"');
  });

  it('names the nearest known id for a typo and formats a problem as one line', () => {
    const r = lintRules(rulesDir({ 'default.yaml': base.replace('zeros,', 'zeroes,') }));
    expect(r.problems[0].message).toBe('unknown check id "zeroes" (did you mean "zeros"?)');
    expect(formatLintProblem(r.problems[0])).toMatch(/default\.yaml#\/checks\/table\/1: error unknown_check: unknown check id/);
  });

  it('reports a directory without a default file', () => {
    const dir = tempDir('lint-empty-');
    expect(lintRules(dir).problems.map((p) => p.code)).toEqual(['unreadable']);
  });

  describe('files and identifiers', () => {
    it('suggests the detector a misspelt identifier_detectors entry meant', () => {
      const r = lintRules(rulesDir({ 'projects/a.yaml': 'project: a\nparameters:\n  identifier_detectors: [nhs_numbr, email]\n' }));
      expect(r.problems.map((p) => [p.path, p.code])).toEqual([['/parameters/identifier_detectors/0', 'out_of_range']]);
      expect(r.problems[0]?.message).toContain('did you mean "nhs_number"?');
    });

    it('suggests the parameter a misspelt file parameter meant', () => {
      const r = lintRules(rulesDir({ 'projects/a.yaml': 'project: a\nparameters:\n  auto_release_file_extension: [".png"]\n' }));
      expect(r.problems[0]?.message).toContain('did you mean "auto_release_file_extensions"?');
    });

    it('refuses an extension both blocked and auto-released', () => {
      const r = lintRules(rulesDir({ 'projects/a.yaml': 'project: a\nparameters:\n  auto_release_file_extensions: [".svg"]\n' }));
      expect(r.problems.map((p) => [p.severity, p.code])).toContainEqual(['error', 'out_of_range']);
    });

    it('warns when data-bearing extensions are auto-released, and when files are not sent to a person', () => {
      const csv = lintRules(rulesDir({ 'projects/a.yaml': 'project: a\nparameters:\n  auto_release_file_extensions: [".csv", ".png"]\n' }));
      expect(csv.problems.some((p) => p.message.includes('auto-releasing .csv'))).toBe(true);
      const noReview = lintRules(rulesDir({ 'default.yaml': base.replace('checks:\n', 'checks:\n  file: [file_type]\n') }));
      expect(noReview.problems.map((p) => [p.path, p.severity])).toEqual([['/checks/file', 'warning']]);
    });
  });
});

describe('lintRules: weakening (issue 13)', () => {
  it.each([
    ['threshold: 1', 'threshold: 10', '/parameters/threshold', /threshold 10 → 1 \(higher is stricter\): less strict than airlock's reference default/],
    ['blocked_extensions: []', 'threshold: 10', '/parameters/blocked_extensions', /blocked_extensions drops \.svg, \.gph, \.pkl, \.pickle, \.joblib/],
    ['zeros_are_disclosive: false', 'threshold: 10', '/parameters/zeros_are_disclosive', /turned off/],
  ])('warns when default.yaml itself is weakened: %s', (param, replaced, path, message) => {
    const r = lintRules(rulesDir({ 'default.yaml': base.replace(replaced, param === 'threshold: 1' ? param : `${replaced}\n  ${param}`) }));
    expect(r.problems.map((p) => [p.path, p.severity, p.code])).toEqual([[path, 'warning', 'weaker_default']]);
    expect(r.problems[0]!.message).toMatch(message);
  });

  it('does not warn about a default stricter than the reference', () => {
    expect(problems(rulesDir({ 'default.yaml': base.replace('threshold: 10', 'threshold: 15\n  blocked_extensions: [".svg", ".gph", ".pkl", ".pickle", ".joblib", ".pt", ".pth", ".rds", ".rdata", ".dta", ".sav", ".exe"]') }))).toEqual([]);
  });

  it('reports values below a floor as errors, and the floors file among the files read', () => {
    const r = lintRules(rulesDir({ 'floors.yaml': 'parameters:\n  threshold: 12\nchecks:\n  table: [min_count, nk_dominance]\n', 'projects/weak.yaml': 'project: weak\nchecks:\n  table: [min_count]\n' }));
    expect(r.problems.filter((p) => p.code === 'below_floor').map((p) => `${p.file.split('/').pop()}#${p.path}`)).toEqual(['default.yaml#/parameters/threshold', 'weak.yaml#/checks/table']);
    expect(r.errors).toBe(2);
    expect(r.files.map((f) => f.split('/').pop())).toEqual(['default.yaml', 'weak.yaml', 'floors.yaml']);
  });

  it('reports a floors file that is not valid with its file and path', () => {
    expect(problems(rulesDir({ 'floors.yaml': 'parameters:\n  treshold: 10\n  nk_k: 2\n' }))).toEqual(['floors.yaml#/parameters/treshold error unknown_parameter', 'floors.yaml#/parameters/nk_k error out_of_range']);
  });

  describe('against the previous rule set', () => {
    const previous = () => rulesDir({ 'projects/a.yaml': 'project: a\nparameters:\n  threshold: 20\n', 'floors.yaml': 'parameters:\n  threshold: 10\n' });

    it('names every change that weakens, in the file that makes it', () => {
      const next = rulesDir({
        'default.yaml': base.replace('checks:\n  table: [min_count, zeros, nk_dominance]', 'checks:\n  table: [min_count, nk_dominance]').replace('l: 2', 'l: 2\n  zeros_are_disclosive: false'),
        'projects/a.yaml': 'project: a\nparameters:\n  threshold: 12\n',
        'floors.yaml': 'parameters:\n  threshold: 8\n',
      });
      const r = lintRules(next, { previous: previous() });
      const weakened = r.problems.filter((p) => p.code === 'weakened').map((p) => `${p.file.split('/').pop()}#${p.path}: ${p.message}`);
      expect(weakened).toEqual([
        'default.yaml#/parameters/zeros_are_disclosive: default: zeros_are_disclosive true → false (turned off) — weaker than the previous rule set',
        'default.yaml#/checks/table: default: checks.table drops zeros (each entry adds protection) — weaker than the previous rule set',
        'a.yaml#/parameters/threshold: project:a: threshold 20 → 12 (higher is stricter) — weaker than the previous rule set',
        'floors.yaml#/parameters/threshold: floors: threshold 10 → 8 (higher is stricter) — weaker than the previous rule set',
      ]);
      expect(r.errors).toBe(0);
    });

    it('says nothing when every change strengthens', () => {
      const next = rulesDir({ 'projects/a.yaml': 'project: a\nparameters:\n  threshold: 25\n', 'floors.yaml': 'parameters:\n  threshold: 10\n' });
      expect(lintRules(next, { previous: previous() }).problems.filter((p) => p.code !== 'version_unchanged')).toEqual([]);
    });

    it('warns when the content changed but version did not, and not once version is raised or nothing changed', () => {
      const next = (version: string) => rulesDir({ 'default.yaml': base.replace(/^version: .*$/m, `version: ${version}`), 'projects/a.yaml': 'project: a\nparameters:\n  threshold: 25\n', 'floors.yaml': 'parameters:\n  threshold: 10\n' });
      const old = previous();
      const same = lintRules(next(/^version: (.*)$/m.exec(base)![1]!), { previous: old }).problems.filter((p) => p.code === 'version_unchanged');
      expect(same).toHaveLength(1);
      expect(same[0]!.severity).toBe('warning');
      expect(same[0]!.path).toBe('/version');
      expect(same[0]!.message).toMatch(/the rules changed \(digest \w{12} → \w{12}\) but version is still ".*": raise it/);
      expect(lintRules(next('99.0'), { previous: old }).problems.filter((p) => p.code === 'version_unchanged')).toEqual([]);
      expect(lintRules(old, { previous: previous() }).problems).toEqual([]);
    });

    it('names a removed project override as weakening what it made stricter', () => {
      const next = rulesDir({ 'floors.yaml': 'parameters:\n  threshold: 10\n' });
      const r = lintRules(next, { previous: previous() });
      expect(r.problems.filter((p) => p.code !== 'version_unchanged').map((p) => p.message)).toEqual(['project:a: threshold 20 → 10 (higher is stricter) — weaker than the previous rule set']);
      expect(r.problems[0]!.file).toMatch(/override of a removed/);
    });
  });
});
