/**
 * The history keeps every output's label form in memory for the process's life, so what one
 * form costs is what the process grows by per output (the soak benchmark's RSS growth). Stored
 * forms are read back with their label sets shared (`LabelInterner`), in a table that never
 * holds more than its limit.
 */
import { describe, expect, it } from 'vitest';
import { LabelInterner } from '../../src/history/label-interner.js';
import { historyIndex } from '../../src/history/history-index.js';
import type { DifferencingHistory } from '../../src/history/history-index.js';
import { parseLabelForms, tableLabelForm } from '../../src/history/label-form.js';
import type { HistoryEntryRow } from '../../src/audit/audit-store.js';
import type { PopulationIndex } from '../../src/rules/populations.js';
import { canonicalJson } from '../../src/lib/canonical-json.js';
import { tinyTable } from '../helpers/tiny-table.js';

/** An 8 × 5 table of sums (the soak's large CSV output, from fewer rows). */
function incomeForm(shift: number) {
  const rows = Array.from({ length: 400 }, (_, i) => ({ region: `r${i % 8}`, band: `b${(i >> 3) % 5}`, income: 10_000 + ((i * 37 + shift) % 900) }));
  return tableLabelForm('large', tinyTable(rows, { index: 'region', columns: 'band', values: 'income', aggfunc: 'sum' }));
}

/** Distinct label records among the cells of `forms`. */
function labelRecords(forms: readonly { cells: readonly { labels: object }[] }[]): number {
  return new Set(forms.flatMap((f) => f.cells.map((c) => c.labels))).size;
}

describe('label sets shared among stored forms', () => {
  it('never holds more than its limit, however many distinct sets pass', () => {
    const labels = new LabelInterner(100);
    for (let i = 0; i < 1000; i++) {
      labels.shared({ region: `r${i}`, band: `b${i % 7}` });
      expect(labels.size).toBeLessThanOrEqual(100);
    }
    // Past the limit it starts again: a set seen since is still shared.
    expect(labels.shared({ region: 'r999', band: 'b5' })).toBe(labels.shared({ region: 'r999', band: 'b5' }));
  });

  it('gives equal sets one frozen, prototype-free record', () => {
    const labels = new LabelInterner();
    const a = labels.shared(JSON.parse('{"__proto__":"x","sex":"f"}') as Record<string, string>);
    const b = labels.shared(JSON.parse('{"__proto__":"x","sex":"f"}') as Record<string, string>);
    expect(a).toBe(b);
    expect(Object.getPrototypeOf(a)).toBeNull();
    expect(Object.entries(a)).toEqual([['__proto__', 'x'], ['sex', 'f']]);
    expect(a.constructor).toBeUndefined();
    expect(Object.isFrozen(a)).toBe(true);
    expect(() => ((a as Record<string, string>).sex = 'm')).toThrow(TypeError);
    expect(labels.shared({ sex: 'm' })).not.toBe(a);
  });

  it('reads stored forms back as they were written', () => {
    const forms = [incomeForm(0), { ...incomeForm(1), output: 'other', cells: incomeForm(1).cells.map((c, i) => (i === 0 ? { ...c, ref: 'first' } : c)) }];
    const back = parseLabelForms(canonicalJson(forms));
    expect(back).toEqual(forms);
    expect(back[1]!.cells[0]!.ref).toBe('first');
    expect('ref' in back[1]!.cells[1]!).toBe(false);
  });

  it('a history of 500 outputs of one table layout holds one label record per cell of the layout', async () => {
    // Ten tables of one layout, different sums: stored ones never share objects, only text.
    const stored = Array.from({ length: 10 }, (_, i) => canonicalJson([incomeForm(i)]));
    const rows: HistoryEntryRow[] = Array.from({ length: 500 }, (_, i) => ({
      seq: i + 1,
      idx: 0,
      output: 'large',
      kind: 'table',
      status: 'released',
      dataset: 'soak-large',
      population: 'soak-large',
      namespace: 'default',
      form: stored[i % 10]!,
      has_units: false,
      sketch: null,
      decision_id: `d${i}`,
      project: 'p',
    }));
    const source: DifferencingHistory = {
      historyEntries: async ({ afterSeq, limit }) => rows.filter((r) => r.seq > afterSeq).slice(0, limit),
      settledReviews: async () => [],
      historyUnits: async () => [],
      unitIds: async () => ({ ids: new Map(), maxId: 0 }),
    };
    const index = historyIndex(source);
    await index.refresh();
    const populations: PopulationIndex = { resolve: () => ({ key: 'soak-large' }) as unknown as ReturnType<PopulationIndex['resolve']>, names: () => ['soak-large'], contains: () => true };
    const forms = index.population({ key: 'soak-large', populations, project: null }).map((o) => o.forms[0]!);
    expect(forms).toHaveLength(500);
    const cells = incomeForm(0).cells.length;
    expect(cells).toBe(8 * 5);
    expect(labelRecords(forms)).toBe(cells);
  });
});
