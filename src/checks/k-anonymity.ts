/**
 * `k_anonymity` on record-level outputs: every combination of quasi-identifier values — the
 * quasi-identifiers being every column except governance's sensitive attributes — must occur
 * at least `k` times (equal passes), on values **as published**: `"North"` and `"north "`
 * are two classes, because a reader of the file sees two (normalising would merge them and
 * make the check weaker, sdc-rules.md principle 3). A failing finding lists the small classes by
 * number, size and first row, never their values, and its remedy names the quasi-identifier
 * whose generalisation helps most: the one whose removal leaves the fewest records in
 * classes smaller than `k`.
 *
 * @example kAnonymity.run(records, { ...DEFAULT_PARAMETERS, k: 5 }, ctx)[0].items // [{ ref: 'class#2 (first at row 4)', value: 3, … }]
 */
import { equivalenceClasses, rowsInSmallClasses } from '../outputs/records/equivalence-classes.js';
import type { RecordsOutput } from '../outputs/records/records-output.js';
import { classRef, listColumns } from '../outputs/records/records-output.js';
import type { CappedItems } from './item-check.js';
import { itemCheck, MAX_FINDING_ITEMS } from './item-check.js';
import { countOf } from './threshold-reasons.js';
import { at, outOfRange } from '../lib/invariant.js';

/**
 * Most row × column visits the remedy's search may cost (it regroups the rows once per
 * quasi-identifier, over all the others): beyond it, the remedy names the quasi-identifier
 * with the most distinct values instead, which costs one pass over the dictionaries.
 */
const GAIN_BUDGET = 50_000_000;

/**
 * For each quasi-identifier, the rows left in classes smaller than `k` without it; the best
 * (fewest) first. When that would cost more than `GAIN_BUDGET`, only the quasi-identifier
 * with the most distinct values, with `rowsAtRisk` null (not computed).
 *
 * @example generalisationGain(records, 10) // [{ column: 'postcode', rowsAtRisk: 2 }, …]
 */
export function generalisationGain(r: RecordsOutput, k: number): { column: string; rowsAtRisk: number | null }[] {
  const q = r.qiColumns.length;
  if (q < 2) return [];
  if (q * (q - 1) * r.nRows > GAIN_BUDGET) {
    let best = 0;
    r.qiColumns.forEach((c, j) => c.dict.length > at(r.qiColumns, best).dict.length && (best = j));
    return [{ column: at(r.quasiIdentifiers, best), rowsAtRisk: null }];
  }
  return r.quasiIdentifiers
    .map((column, j) => ({ column, rowsAtRisk: rowsInSmallClasses(equivalenceClasses(r.qiColumns.filter((_, i) => i !== j), r.nRows), k) }))
    .sort((a, b) => a.rowsAtRisk - b.rowsAtRisk);
}

/**
 * The classes smaller than `k`, smallest first: all are counted, but only the first
 * `MAX_FINDING_ITEMS` are described, so a file of a million unique rows stays cheap.
 */
function smallClasses(r: RecordsOutput, k: number): CappedItems {
  const { sizes, count } = r.classes;
  const perSize = new Int32Array(k);
  let total = 0;
  for (let c = 0; c < count; c++) {
    const size = sizes[c] ?? outOfRange();
    if (size < k) {
      total++;
      perSize[size] = (perSize[size] ?? outOfRange()) + 1;
    }
  }
  // The size at which the listed classes run out: all smaller ones are listed, some of it.
  let cutoff = 0;
  for (let seen = 0; cutoff < k && seen + (perSize[cutoff] ?? outOfRange()) < MAX_FINDING_ITEMS; cutoff++) seen += perSize[cutoff] ?? outOfRange();
  const picked: number[] = [];
  let atCutoff = MAX_FINDING_ITEMS;
  for (let s = 0; s < cutoff; s++) atCutoff -= perSize[s] ?? outOfRange();
  for (let c = 0; c < count; c++) {
    const size = sizes[c] ?? outOfRange();
    if (size < cutoff) picked.push(c);
    else if (size === cutoff && cutoff < k && atCutoff > 0) (picked.push(c), atCutoff--);
  }
  picked.sort((a, b) => (sizes[a] ?? outOfRange()) - (sizes[b] ?? outOfRange()) || a - b);
  const qis = listColumns(r.quasiIdentifiers);
  const items = picked.map((c) => {
    const size = sizes[c] ?? outOfRange();
    return {
      ref: classRef(r.classes, c),
      value: size,
      reason: `${size === 1 ? '1 record has its own' : `${size} records share one`} combination of (${qis}); k = ${k}`,
    };
  });
  return { items, total };
}

export const kAnonymity = itemCheck<RecordsOutput>({
  id: 'k_anonymity',
  kind: 'records',
  status: 'fail',
  flag: (r, p) => smallClasses(r, p.k),
  message: (n, r, p) => {
    const rows = rowsInSmallClasses(r.classes, p.k);
    const why = r.identifyingSensitive.length
      ? ` ${r.identifyingSensitive.join(', ')} ${r.identifyingSensitive.length === 1 ? 'is' : 'are'} listed as sensitive but most of ${r.identifyingSensitive.length === 1 ? 'its' : 'their'} values single out one record, so ${r.identifyingSensitive.length === 1 ? 'it counts' : 'they count'} as quasi-identifiers too.`
      : '';
    return `${countOf(n, 'combination')} of (${listColumns(r.quasiIdentifiers)}) ${n === 1 ? 'occurs' : 'occur'} fewer than ${p.k} times (${countOf(rows, 'record')} in them, of ${r.nRows}).${why}`;
  },
  remedy: (_n, r, p) => {
    const rows = rowsInSmallClasses(r.classes, p.k);
    const suppress = `or suppress the ${countOf(rows, 'record')} in classes smaller than ${p.k}`;
    const [best] = generalisationGain(r, p.k);
    if (!best) return `Generalise ${r.quasiIdentifiers[0]} (coarser categories, e.g. wider bands or fewer digits), ${suppress}.`;
    if (best.rowsAtRisk === null) return `Generalise ${best.column} first (it has the most distinct values; coarser categories, e.g. wider bands or fewer digits), or drop columns that need not be released, ${suppress}.`;
    return `Generalise ${best.column} first (coarser categories, e.g. wider bands or fewer digits): without it, ${countOf(best.rowsAtRisk, 'record')} would remain in classes smaller than ${p.k} instead of ${rows}; ${suppress}.`;
  },
  passMessage: (r, p) => `Every combination of (${listColumns(r.quasiIdentifiers)}) occurs at least ${p.k} times.`,
});
