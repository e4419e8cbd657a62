import { describe, expect, it } from 'vitest';
import { publishableCsv } from '../../../src/outputs/table/publishable-csv.js';
import { cellByLabels, repeat, tinyTable } from '../../helpers/tiny-table.js';

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
