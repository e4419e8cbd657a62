import { describe, expect, it } from 'vitest';
import { labelsWithoutPrototype, nullRecord, ownRecord, recordFrom } from '../../src/lib/null-record.js';
import { parseLabelForms } from '../../src/history/label-form.js';

describe('null-prototype records for labels', () => {
  it('keeps __proto__ as an own key and reads absent prototype names as undefined', () => {
    const r = nullRecord<string>();
    r['__proto__'] = 'a';
    expect(Object.keys(r)).toEqual(['__proto__']);
    expect(JSON.stringify(r)).toBe('{"__proto__":"a"}');
    expect(r.constructor).toBeUndefined();
    expect(r.toString).toBeUndefined();
  });

  it('recordFrom and ownRecord give own keys only, later entries winning', () => {
    const r = recordFrom([['constructor', 'x'], ['__proto__', 'y'], ['constructor', 'z']]);
    expect(Object.entries(r)).toEqual([['constructor', 'z'], ['__proto__', 'y']]);
    const parsed = JSON.parse('{"__proto__":"p","a":"1"}') as Record<string, string>;
    const own = ownRecord(parsed);
    expect(Object.entries(own)).toEqual([['__proto__', 'p'], ['a', '1']]);
    expect(own.hasOwnProperty).toBeUndefined();
  });

  it('stored label forms are read back without prototypes', () => {
    const [form] = parseLabelForms('[{"output":"t","kind":"table","dims":["sex"],"constants":{},"measure":null,"nested":false,"cells":[{"labels":{"__proto__":"x","sex":"f"},"size":3,"count":null,"sum":null}]}]');
    expect(form!.constants.constructor).toBeUndefined();
    expect(form!.constants['__proto__']).toBeUndefined();
    expect(Object.entries(form!.cells[0]!.labels)).toEqual([['__proto__', 'x'], ['sex', 'f']]);
    expect(Array.isArray(form!.dims)).toBe(true);
  });

  it('labelsWithoutPrototype undoes what a structured clone (a worker answer) does to label records', () => {
    const labels = recordFrom([['__proto__', 'north'], ['sex', 'F']]);
    const cloned = structuredClone({ table: { cells: [{ labels, count: 3, ids: new Float64Array(2) }] }, protected: [[{ labels }]] });
    const cell = cloned.table.cells[0]!;
    expect(Object.getPrototypeOf(cell.labels)).toBe(Object.prototype);
    expect((cell.labels as Record<string, unknown>).constructor).toBe(Object);
    labelsWithoutPrototype(cloned);
    expect(Object.getPrototypeOf(cell.labels)).toBeNull();
    expect(Object.getPrototypeOf(cloned.protected[0]![0]!.labels)).toBeNull();
    expect((cell.labels as Record<string, unknown>).constructor).toBeUndefined();
    expect(Object.entries(cell.labels)).toEqual([['__proto__', 'north'], ['sex', 'F']]);
    expect(cell.ids).toBeInstanceOf(Float64Array);
  });
});

