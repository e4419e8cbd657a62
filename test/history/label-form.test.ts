/**
 * Stored label forms read back in slices (`parseLabelFormsSliced`, what the history index uses)
 * are exactly what `parseLabelForms` reads: prototype-free, interned label records included.
 */
import { describe, expect, it } from 'vitest';
import { parseLabelForms, parseLabelFormsSliced, storedLabelForms } from '../../src/history/label-form.js';
import { canonicalJson } from '../../src/lib/canonical-json.js';

describe('parseLabelFormsSliced', () => {
  it('reads a large stored form, hostile labels included, exactly as parseLabelForms does', async () => {
    const cells = Array.from({ length: 1500 }, (_, i) => ({ labels: Object.fromEntries([['__proto__', `p${i % 7}`], ['constructor', 'c'], ['r', `r${i}`]]), size: 1, count: i, sum: null, ...(i % 3 === 0 ? { ref: i } : {}) }));
    const text = JSON.stringify([{ output: 't', kind: 'table', dims: ['__proto__', 'constructor', 'r'], constants: { toString: 'x' }, measure: null, nested: false, cells }, { output: 's', kind: 'summary', dims: [], constants: {}, measure: 'age', nested: false, cells: [] }]);
    const sliced = await parseLabelFormsSliced(text);
    expect(sliced).toEqual(parseLabelForms(text));
    expect(sliced[0]!.cells).toHaveLength(1500);
    expect(Object.getPrototypeOf(sliced[0]!.cells[5]!.labels)).toBeNull();
    expect(sliced[0]!.cells[5]!.labels['__proto__']).toBe('p5');
    expect(sliced[0]!.constants.toString).toBe('x');
    expect('ref' in sliced[0]!.cells[1]!).toBe(false);
  });
});

describe('storedLabelForms', () => {
  it('makes the forms exactly as the store reads them back, labels in canonical order and shared', async () => {
    const labels = (i: number) => Object.fromEntries([['z', `z${i % 3}`], ['__proto__', 'p'], ['10', 'ten'], ['a', `a${i}`]]) as Record<string, string>;
    const forms = [{ output: 't', kind: 'table', dims: ['z', '__proto__', '10', 'a'], constants: Object.fromEntries([['toString', 'x'], ['b', 'y']]) as Record<string, string>, measure: null, nested: false, cells: Array.from({ length: 900 }, (_, i) => ({ labels: labels(i), size: 1, count: i, sum: null, ...(i % 2 ? { ref: i } : {}) })) }];
    const made = await storedLabelForms(forms as never);
    const read = parseLabelForms(canonicalJson(forms));
    expect(made).toEqual(read);
    expect(Object.keys(made[0]!.cells[4]!.labels)).toEqual(Object.keys(read[0]!.cells[4]!.labels));
    expect(Object.getPrototypeOf(made[0]!.constants)).toBeNull();
    // Interned like the parsed ones: the same record for the same label set.
    expect(made[0]!.cells[4]!.labels).toBe(read[0]!.cells[4]!.labels);
  });
});
