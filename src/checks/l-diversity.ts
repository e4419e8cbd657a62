/**
 * `l_diversity` on record-level outputs: for each sensitive column present (listed in the
 * rules' `sensitive_attributes`, or declared by the submitter), every equivalence class of
 * the quasi-identifiers (other than that column) must hold at least `l` distinct values
 * **after normalisation** (`"HIV"` and `"hiv "` are one value: a class that only spells one
 * diagnosis two ways still discloses it). Missing values are not a value: a class whose
 * published values are all one diagnosis (the rest blank) discloses it for everyone whose
 * value is shown; a class with no published value discloses nothing. A record output with no
 * sensitive column gets `review`: attribute disclosure was not checked (sdc-rules.md
 * principle 1). Findings give class numbers, sizes and distinct counts, never the values.
 *
 * @example lDiversity.run(records, DEFAULT_PARAMETERS, ctx)[0].items // [{ ref: 'diagnosis: class#1 (first at row 1)', value: 1, … }]
 */
import type { ItemFinding } from '../domain.js';
import type { EquivalenceClasses } from '../outputs/records/equivalence-classes.js';
import { distinctPerClass } from '../outputs/records/equivalence-classes.js';
import type { RecordsOutput } from '../outputs/records/records-output.js';
import { classRef, listColumns } from '../outputs/records/records-output.js';
import type { CappedItems } from './item-check.js';
import { itemCheck, MAX_FINDING_ITEMS } from './item-check.js';
import { countOf } from './threshold-reasons.js';
import { outOfRange } from '../lib/invariant.js';

/** Per class, whether some record's value of the column is published (`present`) and whether some is missing. */
function presence(classes: EquivalenceClasses, values: Int32Array): { present: Uint8Array; missing: Uint8Array } {
  const present = new Uint8Array(classes.count);
  const missing = new Uint8Array(classes.count);
  for (let i = 0; i < values.length; i++) ((values[i] ?? outOfRange()) >= 0 ? present : missing)[classes.classOf[i] ?? outOfRange()] = 1;
  return { present, missing };
}

function homogeneousClasses(r: RecordsOutput, l: number): CappedItems {
  if (r.sensitive.length === 0) {
    return { items: [{ ref: 'columns', value: null, reason: 'no sensitive attribute: attribute disclosure not checked' }], total: 1 };
  }
  const items: ItemFinding[] = [];
  let total = 0;
  for (const s of r.sensitive) {
    // distinctPerClass counts a missing value as one; a class's non-missing values are that minus one.
    const distinct = distinctPerClass(s.classes, s.values);
    const { present, missing } = presence(s.classes, s.values.codes);
    for (let c = 0; c < s.classes.count; c++) {
      if (!present[c]) continue;
      const values = (distinct[c] ?? outOfRange()) - (missing[c] ? 1 : 0);
      if (values >= l || total++ >= MAX_FINDING_ITEMS) continue;
      items.push({
        ref: `${s.name}: ${classRef(s.classes, c)}`,
        value: values,
        reason: `${countOf(s.classes.sizes[c] ?? outOfRange(), 'record')} with ${countOf(values, 'distinct value')} of ${s.name} < l ${l}`,
      });
    }
  }
  return { items, total };
}

const names = (r: RecordsOutput): string => r.sensitive.map((s) => s.name).join(', ');

export const lDiversity = itemCheck<RecordsOutput>({
  id: 'l_diversity',
  kind: 'records',
  status: (r) => (r.sensitive.length === 0 ? 'review' : 'fail'),
  flag: (r, p) => homogeneousClasses(r, p.l),
  message: (n, r, p) =>
    r.sensitive.length === 0
      ? `No sensitive attribute: attribute disclosure not checked (no column is listed in the rules' sensitive_attributes or declared sensitive; quasi-identifiers: ${listColumns(r.quasiIdentifiers)}).`
      : `${countOf(n, 'equivalence class', 'equivalence classes')} of (${listColumns(r.quasiIdentifiers)}) ${n === 1 ? 'has' : 'have'} fewer than ${p.l} distinct values of ${names(r)}, revealing it for everyone in them.`,
  remedy: (_n, r, p) =>
    r.sensitive.length === 0
      ? 'Declare the sensitive column(s) in `sensitive` so airlock can check them; an output checker must otherwise judge whether a column reveals something about everyone in a group.'
      : `Generalise the quasi-identifiers (${listColumns(r.quasiIdentifiers)}) so classes merge until each holds at least ${p.l} distinct values of ${names(r)}, generalise ${names(r)} itself, or suppress the records of these classes.`,
  passMessage: (r, p) => `Every equivalence class holds at least ${p.l} distinct values of ${names(r)}.`,
});
