import { describe, expect, it } from 'vitest';
import { publishableCsv } from '../../../src/outputs/table/publishable-csv.js';
import { formulaCells } from '../../../src/checks/formula-cells.js';
import { fileKind } from '../../../src/outputs/file/file-kind.js';
import { parseAs } from '../../helpers/parse-output.js';
import { cellByLabels, ctx, params, repeat, tinyTable } from '../../helpers/tiny-table.js';

describe('publishableCsv', () => {
  it('pivots the cells wide with blanks for suppressed cells', () => {
    const t = tinyTable([...repeat(2, { r: 'a', c: 'x' }), ...repeat(3, { r: 'a', c: 'y' }), ...repeat(4, { r: 'b', c: 'x' })], { index: 'r', columns: 'c' });
    const values: (number | null)[] = Array.from(t.value);
    values[cellByLabels(t, 'a|x')] = null;
    expect(publishableCsv(t, values)).toBe('r,x,y\na,,3\nb,4,0\n');
  });

  it('joins two column variables and keeps margins', () => {
    const t = tinyTable([{ r: 'a', s: 'F', y: '2021' }, { r: 'b', s: 'M', y: '2022' }], { index: 'r', columns: ['s', 'y'], margins: true });
    const lines = publishableCsv(t, Array.from(t.value)).trim().split('\n');
    expect(lines[0]).toBe('r,F / 2021,F / 2022,M / 2021,M / 2022,All');
    expect(lines.at(-1)).toBe('All,1,0,0,1,2');
  });
});

describe('publishableCsv with labels a spreadsheet would run', () => {
  const hostile = ['=1+2', '@SUM(A1)', '+', '-', '\tTAB', '\rCR', '-2x'];

  it('writes every formula-like label, variable name and column key as quoted text with a leading quote', () => {
    const rows = hostile.flatMap((r, i) => repeat(12, { '=v': r, c: i % 2 ? '+c' : 'ok' }));
    const t = tinyTable(rows, { index: '=v', columns: 'c' });
    const csv = publishableCsv(t, Array.from(t.value));
    expect(csv.split('\n')[0]).toBe(`"'=v","'+c",ok`);
    for (const label of hostile) expect(csv).toContain(`"'${label}"`);
    // No line starts with a formula character once the quotes are read.
    expect(csv).not.toMatch(/(^|,)[=+@-][^0-9]/m);
  });

  it('writes a CSV that formula_cells, reading it as a submitted file, finds clean', () => {
    const rows = hostile.flatMap((r) => repeat(12, { '@x': r, c: '=c' }));
    const t = tinyTable(rows, { index: '@x', columns: 'c' });
    const csv = publishableCsv(t, Array.from(t.value));
    const [finding] = formulaCells.run(parseAs(fileKind, { filename: 'protected.csv', content_base64: Buffer.from(csv).toString('base64') }), params(), ctx);
    expect(finding).toMatchObject({ check: 'formula_cells', status: 'pass' });
  });
});
