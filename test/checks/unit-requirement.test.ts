import { describe, expect, it } from 'vitest';
import { plotMinCount } from '../../src/checks/plot-min-count.js';
import { summaryMinCount } from '../../src/checks/summary-min-count.js';
import { plotKind } from '../../src/outputs/plot/plot-kind.js';
import { summaryKind } from '../../src/outputs/summary/summary-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

const microdata = { format: 'csv', data: `pid,age\n${Array.from({ length: 30 }, (_, i) => `p${i},${20 + i}`).join('\n')}\n` };
const required = params({ require_unit: true });
const statuses = (found: { status: string }[]) => found.map((f) => f.status);

describe('require_unit on plots and summaries', () => {
  const hist = (spec: Record<string, unknown>) => parseAs(plotKind, { type: 'histogram', microdata, spec: { values: 'age', edges: [0, 35, 60], ...spec } });

  it('a plot from microdata without a unit column fails min_count', () => {
    expect(statuses(plotMinCount.run(hist({}), required, ctx))).toEqual(['fail']);
  });

  it('a plot from microdata with a unit column passes', () => {
    expect(statuses(plotMinCount.run(hist({ unit: 'pid' }), required, ctx))).toEqual(['pass']);
  });

  it('a declared plot needs review: its counts may be rows', () => {
    const declared = parseAs(plotKind, { type: 'bar', categories: [{ label: 'a', count: 30 }] });
    expect(statuses(plotMinCount.run(declared, required, ctx))).toEqual(['review']);
  });

  it('small counts still fail beside it', () => {
    const declared = parseAs(plotKind, { type: 'bar', categories: [{ label: 'a', count: 3 }] });
    expect(statuses(plotMinCount.run(declared, required, ctx))).toEqual(['fail', 'review']);
  });

  it('summaries: fail from microdata without a unit, pass with one, review when declared', () => {
    const s = (spec: Record<string, unknown>) => parseAs(summaryKind, { microdata, spec: { values: 'age', ...spec }, statistics: [{ name: 'age', statistic: 'mean' }] });
    expect(statuses(summaryMinCount.run(s({}), required, ctx))).toEqual(['fail']);
    expect(statuses(summaryMinCount.run(s({ unit: 'pid' }), required, ctx))).toEqual(['pass']);
    const declared = parseAs(summaryKind, { statistics: [{ name: 'age', statistic: 'mean', n: 30, value: 34.5 }] });
    expect(statuses(summaryMinCount.run(declared, required, ctx))).toEqual(['review']);
  });

  it('off by default', () => {
    expect(statuses(plotMinCount.run(hist({}), params(), ctx))).toEqual(['pass']);
  });
});
