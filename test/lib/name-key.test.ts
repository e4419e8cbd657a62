import { describe, expect, it } from 'vitest';
import { nameKey, nameKeys } from '../../src/lib/name-key.js';

describe('nameKey', () => {
  it.each([
    ['ICD-10', 'icd_10'],
    ['Cause of Death', 'cause_of_death'],
    ['min.bucket', 'minbucket'],
    ['KNeighborsClassifier', 'kneighbors_classifier'],
    ['ＨＩＶ　Status', 'hiv_status'],
    ['STRASSE', 'straße'],
  ])('%s and %s meet', (a, b) => {
    expect(nameKey(a)).toBe(nameKey(b));
  });

  it.each([
    ['diagnosis', 'diagnosis_code'],
    ['e1071::svm', 'svm'],
    ['c5.0', 'c50x'],
  ])('%s and %s stay apart', (a, b) => {
    expect(nameKey(a)).not.toBe(nameKey(b));
  });

  it('keeps letters and digits of every script', () => {
    expect(nameKey('Диагноз-1')).toBe('диагноз1');
    expect(nameKeys(['a-b', 'A B']).size).toBe(1);
  });
});
