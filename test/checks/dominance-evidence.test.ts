import { describe, expect, it } from 'vitest';
import { dominanceEvidence } from '../../src/checks/dominance-evidence.js';
import { nkDominance } from '../../src/checks/nk-dominance.js';
import { tableFromCells } from '../../src/outputs/table/table-from-cells.js';
import { ctx, params } from '../helpers/tiny-table.js';

describe('dominance_evidence (pre-aggregated magnitude tables)', () => {
  it.each([
    ['no top', { labels: { s: 'A' }, count: 20, sum: 100 }, 'review'],
    ['top too short', { labels: { s: 'A' }, count: 20, sum: 100, top: [30] }, 'review'],
    ['negative without sum_abs', { labels: { s: 'A' }, count: 20, sum: 100, top: [30, 20], negative: true }, 'review'],
    ['complete', { labels: { s: 'A' }, count: 20, sum: 100, top: [30, 20] }, 'pass'],
    ['one contributor, all known', { labels: { s: 'A' }, count: 1, sum: 100, top: [100] }, 'pass'],
  ])('%s → %s', (_n, cell, status) => {
    const t = tableFromCells({ statistic: 'sum', cells: [cell] }, 2, '/outputs/0');
    expect(dominanceEvidence.run(t, params(), ctx)[0].status).toBe(status);
  });

  it('never lets a cell without evidence pass dominance silently', () => {
    const t = tableFromCells({ statistic: 'sum', cells: [{ labels: { s: 'A' }, count: 20, sum: 100 }] }, 2, '/o');
    expect(nkDominance.run(t, params(), ctx)[0].status).toBe('pass');
    expect(dominanceEvidence.run(t, params(), ctx)[0].status).toBe('review');
  });
});
