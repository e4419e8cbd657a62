/**
 * Linked tables (sdc-rules.md "Remedies and protection"): other outputs of the same
 * population — in the request or in the release history — over a subset of a table's
 * variables are sets of its margins, so each of their published cells is one more equation
 * for the attacker: the sum of the table's interior cells that fall in that cell equals the
 * published number (an interval, for a sum printed to some precision).
 *
 * Matched in label mode (normalised variable names and labels, `LabelForm`):
 * - the other output's variables must all be variables of the table (a table over fewer
 *   variables is a set of its margins; a form over no variable is a population total);
 * - its categories of each shared variable must be the table's, else it is skipped (a table
 *   with other categories cannot be placed on this one's cells in label mode — unit mode
 *   could; left open);
 * - a constant dimension dropped from the form (`year = 2024`) restricts it to that category
 *   when the table has the variable, and must equal the table's own constant otherwise;
 * - frequency tables take the group sizes; magnitude tables the sums of the same measure;
 *   count tables the contributors of the same measure.
 * Suppressed cells are not in a label form (never published), so they add nothing.
 *
 * @example
 * const { rows, used } = linkedConstraints(threeWay, [twoWayForm]);
 * rows[0]; // { cols: [interior cells of region A, sex F], coef: [1, …], lo: 43, hi: 43 }
 */
import type { LpRow } from '../lib/lp-bounds.js';
import { got } from '../lib/invariant.js';
import { normalise } from '../lib/normalise.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import { cellCount, cellLabels, isMarginCell, MARGIN_LABEL } from '../outputs/table/cell-table.js';
import type { LabelForm } from '../history/label-form.js';

/** The most linked equations one audit takes (beyond it, forms are skipped and say so). */
export const MAX_LINKED_ROWS = 20_000;

/** Constraints, and which forms gave them or were skipped (with why). */
export interface LinkedConstraints {
  rows: LpRow[];
  used: string[];
  skipped: { output: string; reason: string }[];
}

/** A label that sums its variable out: `All` as label forms keep it, and "" beside it on a two-variable axis. */
const summedOut = (l: string | undefined): boolean => l === undefined || l === MARGIN_LABEL || l === '';

/**
 * The equations other published outputs put on a table's interior cells.
 *
 * @example linkedConstraints(t, forms).used // ['by_region_sex']
 */
export function linkedConstraints(t: CellTable, forms: readonly LabelForm[]): LinkedConstraints {
  // Nothing to link with (a request's only table, no history): skip indexing every cell, which
  // holds the event loop for a large table and finds nothing (issue 13).
  if (forms.length === 0) return { rows: [], used: [], skipped: [] };
  const n = cellCount(t);
  // The table's interior cells with normalised labels, and its categories per variable.
  const interior: { cell: number; labels: Record<string, string> }[] = [];
  const categories = new Map<string, Set<string>>();
  for (let c = 0; c < n; c++) {
    if (isMarginCell(t, c)) continue;
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(cellLabels(t, c))) {
      const nk = normalise(k);
      const nv = normalise(v);
      labels[nk] = nv;
      let set = categories.get(nk);
      if (!set) categories.set(nk, (set = new Set()));
      set.add(nv);
    }
    interior.push({ cell: c, labels });
  }
  const magnitude = t.statistic === 'sum' || t.statistic === 'mean';
  const measure = t.measure === null || t.anonymousMeasure ? null : normalise(t.measure);
  const out: LinkedConstraints = { rows: [], used: [], skipped: [] };
  for (const form of forms) {
    const skip = (reason: string): void => void out.skipped.push({ output: form.output, reason });
    if (form.nested) continue;
    const missing = form.dims.filter((d) => !categories.has(d));
    if (missing.length) {
      skip(`its variables ${missing.join(', ')} are not the table's`);
      continue;
    }
    // Constants: a restriction to one category of a table variable, or the same constant as the table.
    const filter: Record<string, string> = {};
    let constantsOk = true;
    for (const [d, v] of Object.entries(form.constants)) {
      const cats = categories.get(d);
      if (cats && cats.has(v)) filter[d] = v;
      else constantsOk = false;
    }
    if (!constantsOk) {
      skip('it is restricted to a category the table does not have');
      continue;
    }
    // Same categories on every shared variable (else its cells cannot be placed on this table's).
    const differ = form.dims.find((d) => {
      const seen = new Set(form.cells.flatMap((c) => { const v = c.labels[d]; return v === undefined || summedOut(v) ? [] : [v]; }));
      // Every dim is one of the table's variables: the forms with others were skipped above.
      const mine = got(categories, d);
      return seen.size !== mine.size || [...seen].some((v) => !mine.has(v));
    });
    if (differ !== undefined) {
      skip(`its categories of ${differ} differ from the table's (label mode cannot place them)`);
      continue;
    }
    const value = (cell: LabelForm['cells'][number]): [number, number] | null => {
      if (!magnitude && t.statistic === 'frequency') return cell.size === null ? null : [cell.size, cell.size];
      if (form.measure === null || form.measure !== measure) return null;
      if (magnitude) return cell.sum;
      return cell.count === null ? null : [cell.count, cell.count];
    };
    const before = out.rows.length;
    for (const cell of form.cells) {
      const v = value(cell);
      if (v === null) continue;
      const cols = interior
        .filter((x) => {
          for (const [d, l] of Object.entries(filter)) if (x.labels[d] !== l) return false;
          for (const d of form.dims) {
            const l = cell.labels[d];
            // `All` (and "" beside it on a two-variable axis) sums the variable out.
            if (!summedOut(l) && x.labels[d] !== l) return false;
          }
          return true;
        })
        .map((x) => x.cell);
      if (cols.length === 0) continue;
      out.rows.push({ cols, coef: cols.map(() => 1), lo: v[0], hi: v[1] });
    }
    if (out.rows.length > MAX_LINKED_ROWS) {
      out.rows.length = before;
      skip(`more than ${MAX_LINKED_ROWS} linked equations`);
      continue;
    }
    if (out.rows.length > before) out.used.push(form.output);
    else skip(form.measure !== measure ? 'it publishes another measure' : 'no published cell constrains the table');
  }
  return out;
}
