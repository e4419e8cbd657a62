import { describe, expect, it } from 'vitest';
import { plotMinCount } from '../../src/checks/plot-min-count.js';
import { survivalStep } from '../../src/checks/survival-step.js';
import { plotKind } from '../../src/outputs/plot/plot-kind.js';
import { plotRemedy } from '../../src/remedies/plot-remedy.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

describe('plot remedy: the protected version', () => {
  const present = (fields: Record<string, unknown>) => {
    const plot = parseAs(plotKind, fields);
    const findings = [...plotMinCount.run(plot, params(), ctx), ...survivalStep.run(plot, params(), ctx)];
    return plotRemedy.protect(plot, findings, params());
  };

  it('offers merged bins for a failing histogram, in the request shape', () => {
    const out = present({ type: 'histogram', edges_from_data: false, bins: [{ from: 0, to: 5, count: 4 }, { from: 5, to: 10, count: 7 }, { from: 10, to: 15, count: 30 }] });
    expect(out).toEqual({ protected: { type: 'histogram', edges_from_data: false, bins: [{ from: 0, to: 10, count: 11 }, { from: 10, to: 15, count: 30 }] } });
  });

  it('offers merged categories for a failing bar chart', () => {
    const out = present({ type: 'bar', categories: [{ label: 'a', count: 30 }, { label: 'b', count: 3 }, { label: 'c', count: 9 }] });
    expect(out).toEqual({ protected: { type: 'bar', categories: [{ label: 'a', count: 30 }, { label: 'Other', count: 12 }] } });
  });

  it('offers grouped intervals for a failing Kaplan-Meier curve, and they pass', () => {
    const steps = [[1, 40, 1, 9], [2, 30, 4, 3], [3, 23, 6, 0], [4, 17, 5, 2], [5, 10, 4, 4]].map(([time, at_risk, events, censored]) => ({ time, at_risk, events, censored }));
    const out = present({ type: 'kaplan_meier', steps }) as { protected: Record<string, unknown> };
    // events 1 + 4 + 6 reach 10; the last 5 + 4 are too few on their own and join them
    expect(out.protected.steps).toEqual([{ time: 1, at_risk: 40, events: 20, censored: 18 }]);
    const again = parseAs(plotKind, out.protected);
    expect([...plotMinCount.run(again, params(), ctx), ...survivalStep.run(again, params(), ctx)].map((f) => f.status)).toEqual(['pass', 'pass']);
  });

  it('offers nothing when nothing it repairs fails, or when no version passes', () => {
    expect(present({ type: 'histogram', bins: [{ from: 0, to: 5, count: 40 }] })).toEqual({});
    expect(present({ type: 'pie', categories: [{ label: 'a', count: 3 }, { label: 'b', count: 4 }] })).toEqual({});
    expect(present({ type: 'scatter', points: [{ x: 1, y: 1 }] })).toEqual({});
  });
});
