import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMETERS, PARAMETERS_SCHEMA } from '../../src/rules/parameters.js';
import { compareList, compareParameter, directionOf, PARAMETER_DIRECTIONS } from '../../src/rules/protection-direction.js';

describe('the protection-direction table', () => {
  it('gives every parameter a rule file may set a direction (adding a parameter needs its line)', () => {
    for (const name of new Set([...Object.keys(DEFAULT_PARAMETERS), ...Object.keys(PARAMETERS_SCHEMA.properties)])) {
      expect([name, Object.hasOwn(PARAMETER_DIRECTIONS, name)]).toEqual([name, true]);
    }
  });

  it('ranks every list parameter as protective or exemption, except the unrankable aliases', () => {
    for (const [name, value] of Object.entries(DEFAULT_PARAMETERS)) {
      if (Array.isArray(value)) expect([name, ['protective', 'exemption'].includes(directionOf(name).kind)]).toEqual([name, true]);
    }
  });
});

describe('compareParameter', () => {
  it.each([
    ['threshold', 10, 1, 'weakens'],
    ['threshold', 10, 20, 'strengthens'],
    ['k', 10, 5, 'weakens'],
    ['round_base', 5, 10, 'strengthens'],
    ['nk_k', 0.9, 0.95, 'weakens'],
    ['saturation', 0.33, 0.1, 'strengthens'],
    ['zeros_are_disclosive', true, false, 'weakens'],
    ['require_dataset', true, false, 'weakens'],
    ['require_known_dataset', false, true, 'strengthens'],
    ['differencing_scope', 'tre', 'project', 'weakens'],
    ['differencing_scope', 'project', 'tre', 'strengthens'],
    ['differencing_scope', 'tre', 'galaxy', 'unknown'],
    ['blocked_extensions', ['.svg', '.pkl'], [], 'weakens'],
    ['blocked_extensions', ['.pkl'], ['.PKL'], 'neutral'],
    ['blocked_extensions', ['.pkl'], ['.pkl', '.rds'], 'strengthens'],
    ['sensitive_attributes', ['diagnosis', 'hiv_status'], ['Diagnosis'], 'weakens'],
    ['safe_model_formats', ['onnx'], ['onnx', 'pickle'], 'weakens'],
    ['auto_release_file_extensions', [], ['.csv'], 'weakens'],
    ['auto_release_file_extensions', ['.csv', '.txt'], ['.txt'], 'strengthens'],
    ['structural_zeros', [{ sex: 'M', pregnant: 'yes' }], [{ Sex: 'm ', pregnant: 'YES' }], 'neutral'],
    ['structural_zeros', [], [{ sex: 'M', pregnant: 'yes' }], 'weakens'],
    ['model_family_aliases', { rf: 'random_forest' }, { rf: 'ols' }, 'unknown'],
    ['a_parameter_from_the_future', 1, 2, 'unknown'],
  ])('%s %j → %j %s', (name, before, after, effect) => {
    expect(compareParameter(name, before, after).effect).toBe(effect);
  });

  it('says what weakened and why, in words', () => {
    expect(compareParameter('threshold', 10, 1).detail).toBe('threshold 10 → 1 (higher is stricter)');
    expect(compareParameter('blocked_extensions', ['.svg', '.pkl'], ['.svg', '.rds']).detail).toBe('blocked_extensions drops .pkl (each entry adds protection); also adds .rds');
    expect(compareList('checks.table', 'protective', ['min_count', 'zeros'], ['zeros'])).toMatchObject({ effect: 'weakens', entries: ['min_count'] });
  });
});
