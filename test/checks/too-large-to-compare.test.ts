/**
 * "Too large to compare" is its own error class: a table whose cube exceeds the budget throws
 * `TooLargeToCompareError` (differencing then compares what it can and a checker reviews),
 * while a real RangeError from the same code — a bug — propagates instead of passing for
 * "too large" (the pipeline turns it into CHECK_FAILED: no decision, never a release).
 */
import { describe, expect, it, vi } from 'vitest';
import { AirlockError, TooLargeToCompareError } from '../../src/errors.js';
import { tinyTable } from '../helpers/tiny-table.js';

const fault = vi.hoisted(() => ({ error: null as Error | null }));

vi.mock('../../src/checks/differencing.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/checks/differencing.js')>();
  return {
    ...real,
    prepareTable: (...args: Parameters<typeof real.prepareTable>) => {
      if (fault.error) throw fault.error;
      return real.prepareTable(...args);
    },
  };
});

const { MAX_CUBE_POSITIONS, prepareTable } = await import('../../src/checks/differencing.js');
const { compareLabelForms } = await import('../../src/checks/differencing/label-mode.js');
const { tableLabelForm } = await import('../../src/history/label-form.js');

const spec = { index: 'r', columns: 'c' };
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ r: i % 2 ? 'a' : 'b', c: 'x' }));

describe('TooLargeToCompareError', () => {
  it('is what an oversized cube throws: not a RangeError, not an AirlockError', () => {
    fault.error = null;
    // Three variables of 200 categories: 201³ positions, over the budget.
    const cats = Array.from({ length: 200 }, (_, i) => `k${i}`);
    const cells = cats.map((k, i) => ({ labels: { a: k, b: cats[(i * 7) % 200]!, c: cats[(i * 13) % 200]! }, count: 1 }));
    expect(201 ** 3).toBeGreaterThan(MAX_CUBE_POSITIONS);
    let thrown: unknown;
    try {
      prepareTable({ dims: ['a', 'b', 'c'], cells });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(TooLargeToCompareError);
    expect(thrown).not.toBeInstanceOf(RangeError);
    expect(thrown).not.toBeInstanceOf(AirlockError);
  });

  it('label mode carries on past "too large" but lets a real RangeError through', () => {
    // Fresh forms each time: label mode caches a form's prepared cube.
    const compare = () => compareLabelForms(tableLabelForm('first', tinyTable(rows(30), spec)), tableLabelForm('second', tinyTable(rows(27), spec)), 10);
    fault.error = null;
    expect(compare().length).toBeGreaterThan(0);

    fault.error = new TooLargeToCompareError('cube over budget');
    expect(compare).not.toThrow();

    fault.error = new RangeError('Invalid typed array length: -1');
    expect(compare).toThrow(RangeError);
    fault.error = null;
  });
});

describe('AirlockError', () => {
  it('keeps what went wrong underneath as its cause', () => {
    const underneath = new SyntaxError('Unexpected token');
    const e = new AirlockError('RULES_INVALID', 'rules/default.yaml: not valid YAML', [], { cause: underneath });
    expect(e.cause).toBe(underneath);
    expect(e.code).toBe('RULES_INVALID');
    expect(new AirlockError('INTERNAL').cause).toBeUndefined();
  });
});
