import { describe, expect, it } from 'vitest';
import { openApiDocument, schemaValidator, type SchemaName } from '../../src/api/openapi.js';

interface Components {
  examples: Record<string, { value: unknown }>;
  schemas: Record<string, { examples?: unknown[] }>;
}
const components = openApiDocument().components as Components;

describe('openapi.yaml examples validate against their own schemas', () => {
  it.each(Object.entries(components.examples))('request example %s', (_name, example) => {
    expect(() => schemaValidator('DecisionRequest')(example.value)).not.toThrow();
  });

  const withExamples = Object.entries(components.schemas).filter(([, s]) => Array.isArray(s.examples));
  it.each(withExamples.flatMap(([name, s]) => (s.examples ?? []).map((e, i) => [`${name} #${i}`, name, e] as const)))('schema example %s', (_label, name, example) => {
    expect(() => schemaValidator(name as SchemaName)(example)).not.toThrow();
  });
});

describe('the output schemas take microdata for plots and summaries, and refuse half of it', () => {
  const validate = schemaValidator('Output');
  const microdata = { format: 'csv', data: 'pid,age\nP1,30\n' };

  it.each([
    ['a histogram from microdata', { name: 'h', kind: 'plot', type: 'histogram', microdata, spec: { unit: 'pid', values: 'age', edges: [0, 50, 100] } }],
    ['a box plot from microdata', { name: 'b', kind: 'plot', type: 'box', microdata, spec: { values: 'age' }, whisker_low: 20, whisker_high: 60, outliers: [] }],
    ['a Kaplan-Meier curve from microdata', { name: 'k', kind: 'plot', type: 'kaplan_meier', microdata, spec: { time: 't', event: 'e' } }],
    ['a summary from microdata without n or value', { name: 's', kind: 'summary', microdata, spec: { values: 'age' }, statistics: [{ name: 'age', statistic: 'median' }] }],
    ['a record extract without quasi_identifiers', { name: 'r', kind: 'records', microdata }],
    ['a regression term with its n and an NA standard error', { name: 'm', kind: 'model', family: 'glm', n_obs: 100, n_params: 2, converged: true, coefficients: [{ term: 'x', estimate: 1, std_error: 'NA', n: 40 }] }],
  ])('accepts %s', (_what, output) => {
    expect(() => validate(output)).not.toThrow();
  });

  it.each([
    ['a plot spec without microdata', { name: 'h', kind: 'plot', type: 'histogram', bins: [{ from: 0, to: 1, count: 12 }], spec: { values: 'age' } }],
    ['plot microdata without a spec', { name: 'h', kind: 'plot', type: 'histogram', microdata }],
    ['a declared summary without n', { name: 's', kind: 'summary', statistics: [{ name: 'age', statistic: 'mean', value: 3 }] }],
    ['a box plot without microdata or quartiles', { name: 'b', kind: 'plot', type: 'box', whisker_low: 20, whisker_high: 60, outliers: [] }],
    ['an unknown plot spec field', { name: 'h', kind: 'plot', type: 'histogram', microdata, spec: { values: 'age', bins: 3 } }],
    ['separation flags on a trained model', { name: 'm', kind: 'model', family: 'rf', n_train: 100, format: 'onnx', converged: false }],
  ])('refuses %s', (_what, output) => {
    expect(() => validate(output)).toThrow();
  });
});
