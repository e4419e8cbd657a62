import { describe, expect, it } from 'vitest';
import { formulaCells, isFormulaText } from '../../src/checks/formula-cells.js';
import { MAX_FINDING_ITEMS } from '../../src/checks/item-check.js';
import { fileKind } from '../../src/outputs/file/file-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

const run = (content: string, filename = 'out.csv') => formulaCells.run(parseAs(fileKind, { filename, content_base64: Buffer.from(content).toString('base64') }), params(), ctx);

describe('formula_cells', () => {
  it.each([
    ['=SUM(A1:A9)', true],
    ['+44 20 7946', true],
    ['@cmd', true],
    ['\tx', true],
    ['\rx', true],
    ['-cmd|calc', true],
    ['-', true],
    ['-12', false],
    ['-1.5e3', false],
    ['-.5', false],
    ['12', false],
    ['a=b', false],
  ])('%j is a formula: %s', (text, formula) => {
    expect(isFormulaText(text)).toBe(formula);
  });

  it('passes a clean CSV', () => {
    expect(run('region,count\nnorth,-12\nsouth,15\n')[0]).toMatchObject({ check: 'formula_cells', status: 'pass' });
  });

  it('reviews formula cells, by row and column, without their text', () => {
    const [f] = run('region,count\nnorth,12\n"=HYPERLINK(""http://x"")",15\nsouth,@x\n');
    expect(f.status).toBe('review');
    expect(f.items?.map((i) => i.ref)).toEqual(['row 2, column 1 ("region")', 'row 3, column 2 ("count")']);
    expect(JSON.stringify(f)).not.toContain('HYPERLINK');
  });

  it('reviews a formula in the header', () => {
    const [f] = run('=cmd,b\n1,2\n');
    expect(f.items?.map((i) => i.ref)).toEqual(['header, column 1']);
  });

  it('caps the items listed but counts them all', () => {
    const rows = Array.from({ length: 150 }, () => '=1').join('\n');
    const [f] = run(`a\n${rows}\n`);
    expect(f.items).toHaveLength(MAX_FINDING_ITEMS);
    expect(f.message).toContain('150 cells');
    expect(f.message).toContain(`the first ${MAX_FINDING_ITEMS} of 150 are listed`);
  });

  it('reviews a CSV that cannot be read to the end (an unclosed quote)', () => {
    const [f] = run('a,b\n"1,2\n3,4\n');
    expect(f.status).toBe('review');
    expect(f.items?.[0].reason).toContain('quoted field is not closed');
    expect(f.message).toContain('could not be read to the end');
  });

  it('reads ragged rows rather than giving up on them, so formulas in them are still found', () => {
    const [f] = run('a,b\n1\n=2,3,4\n');
    expect(f.status).toBe('review');
    expect(f.items?.map((i) => i.ref)).toEqual(['row 2, column 1 ("a")']);
  });

  it.each([
    ['TSV', 'results.tsv', 'region\tcount\nnorth\t12\nsouth\t=1+1\n'],
    [';-separated', 'results.csv', 'region;count\nnorth;12,5\nsouth;=1+1\n'],
    ['TSV under another name', 'results.txt', 'region\tcount\tsite\nnorth\t12\tA\nsouth\t@x\tB\n'],
    ['|-separated', 'results.dat', 'region|count\nnorth|12\nsouth|+cmd\n'],
  ])('reviews formula cells in %s', (_what, name, content) => {
    const [f] = run(content, name);
    expect(f.status).toBe('review');
    expect(f.items).toHaveLength(1);
    expect(f.items?.[0]?.ref).toMatch(/^row 2, column 2/);
  });

  it('does not take a decimal comma for a formula in ;-separated text', () => {
    expect(run('a;b\nx;-1,5\n', 'eu.csv')[0]?.status).toBe('pass');
  });

  it('does not apply to files that are not delimited text', () => {
    expect(run('=1', 'notes.txt')).toEqual([]);
    expect(run('%PDF-1.7 =1', 'report.pdf')).toEqual([]);
  });
});
