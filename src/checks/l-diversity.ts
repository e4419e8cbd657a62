/**
 * `l_diversity` on record-level outputs that name a sensitive column: every equivalence
 * class must hold at least `l` distinct sensitive values (a missing value counts as one); a
 * class with a single value discloses it for everyone in the class. Findings give class
 * numbers, sizes and distinct counts, never the values.
 *
 * @example lDiversity.run(records, DEFAULT_PARAMETERS, ctx)[0].items // [{ ref: 'class#1 (first at row 1)', value: 1, … }]
 */
import type { ItemFinding } from '../domain.js';
import { distinctPerClass } from '../outputs/records/equivalence-classes.js';
import type { RecordsOutput } from '../outputs/records/records-output.js';
import { classRef } from '../outputs/records/records-output.js';
import type { CappedItems } from './item-check.js';
import { itemCheck, MAX_FINDING_ITEMS } from './item-check.js';
import { countOf } from './threshold-reasons.js';

function homogeneousClasses(r: RecordsOutput, l: number): CappedItems | null {
  if (r.sensitiveColumn === null) return null;
  const distinct = distinctPerClass(r.classes, r.sensitiveColumn);
  const items: ItemFinding[] = [];
  let total = 0;
  for (let c = 0; c < r.classes.count; c++) {
    if (distinct[c] >= l || total++ >= MAX_FINDING_ITEMS) continue;
    items.push({
      ref: classRef(r, c),
      value: distinct[c],
      reason: `${countOf(r.classes.sizes[c], 'record')} with ${countOf(distinct[c], 'distinct value')} of ${r.sensitive} < l ${l}`,
    });
  }
  return { items, total };
}

export const lDiversity = itemCheck<RecordsOutput>({
  id: 'l_diversity',
  kind: 'records',
  status: 'fail',
  flag: (r, p) => homogeneousClasses(r, p.l),
  message: (n, r, p) =>
    `${countOf(n, 'equivalence class', 'equivalence classes')} of (${r.quasiIdentifiers.join(', ')}) ${n === 1 ? 'has' : 'have'} fewer than ${p.l} distinct values of ${r.sensitive}, revealing it for everyone in them.`,
  remedy: (_n, r, p) =>
    `Generalise the quasi-identifiers (${r.quasiIdentifiers.join(', ')}) so classes merge until each holds at least ${p.l} distinct values of ${r.sensitive}, generalise ${r.sensitive} itself, or suppress the records of these classes.`,
  passMessage: (r, p) => `Every equivalence class holds at least ${p.l} distinct values of ${r.sensitive}.`,
});
