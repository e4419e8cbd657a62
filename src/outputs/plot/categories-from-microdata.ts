/**
 * Bars or pie slices computed from microdata: `spec.index` (the category column), optional
 * `spec.unit`. Categories are the labels as published (`"North"` and `"north "` are two
 * bars, as a chart drawn from the data would show them); rows with no category fall in no
 * bar. Declared categories pick which bars are plotted (matched by label, else by the one
 * label equal after normalisation) and their counts must equal the computed ones; without
 * declared categories every observed category is plotted, in label order.
 *
 * @example
 * categoriesFromMicrodata(spec, microdata, null, ctx) // { categories: [{ label: 'F', count: 61 }, …], units }
 */
import { at, outOfRange } from '../../lib/invariant.js';
import { normalise } from '../../lib/normalise.js';
import type { UnitMembership } from '../../lib/unit-membership.js';
import { declaredCount } from '../declared-evidence.js';
import type { ParseContext } from '../output-kind.js';
import type { Fields } from '../read-fields.js';
import { invalid } from '../read-fields.js';
import type { MicrodataInput } from '../table/table-kind.js';
import { categories as categoryColumn, groupCounts, readUnitRows } from '../unit-rows.js';
import type { CategoryCount } from './plot-output.js';

export interface DeclaredCategories {
  categories: CategoryCount[];
  pointer: string;
}

const collator = new Intl.Collator('en', { numeric: true });

/** The data's category code for a declared label: the same label, else the one equal after normalisation; −1 when absent. */
function codeOf(dict: readonly string[], label: string, pointer: string): number {
  const exact = dict.indexOf(label);
  if (exact >= 0) return exact;
  const n = normalise(label);
  const same: number[] = [];
  dict.forEach((d, i) => normalise(d) === n && same.push(i));
  if (same.length > 1) invalid('PLOT_INVALID', pointer, `"${label}" matches ${same.length} differently written categories of the microdata; use the label exactly as it is written there`);
  return same[0] ?? -1;
}

/** Computes the bars; `PLOT_INVALID` for a declared count that disagrees or two labels naming one category. */
export function categoriesFromMicrodata(
  spec: Fields,
  microdata: MicrodataInput,
  declared: DeclaredCategories | null,
  ctx: ParseContext,
): { categories: CategoryCount[]; units: UnitMembership | null } {
  const index = spec.string('index');
  const unit = spec.optString('unit') ?? null;
  const rows = readUnitRows(microdata, { categories: [index], numbers: [] }, unit, ctx, 'PLOT_INVALID', spec.at('unit'));
  const col = categoryColumn(rows, index);
  // code → position among the plotted categories (−1: not plotted)
  const position = new Int32Array(col.dict.length).fill(-1);
  let labels: string[];
  if (declared) {
    labels = declared.categories.map((c) => c.label);
    declared.categories.forEach((c, i) => {
      const pointer = `${declared.pointer}/${i}/label`;
      const code = codeOf(col.dict, c.label, pointer);
      if (code < 0) return;
      const earlier = position[code] ?? outOfRange();
      if (earlier >= 0) invalid('PLOT_INVALID', pointer, `"${c.label}" names the same category of the microdata as "${at(labels, earlier)}"`);
      position[code] = i;
    });
  } else {
    const seen = new Uint8Array(col.dict.length);
    for (const c of col.codes) if (c >= 0) seen[c] = 1;
    const codes = col.dict.map((_, c) => c).filter((c) => seen[c]);
    codes.sort((a, b) => collator.compare(at(col.dict, a), at(col.dict, b)));
    codes.forEach((c, i) => (position[c] = i));
    labels = codes.map((c) => at(col.dict, c));
  }
  if (labels.length > ctx.limits.maxCells) invalid('PLOT_INVALID', spec.at('index'), `${labels.length} categories, more than the configured limit of ${ctx.limits.maxCells}`);
  const { counts, units } = groupCounts(
    rows,
    labels.length,
    (r, add) => {
      const c = col.codes[r] ?? outOfRange();
      if (c < 0) return;
      const p = position[c] ?? outOfRange();
      if (p >= 0) add(p);
    },
    ctx.limits.maxRows,
    'PLOT_INVALID',
    spec.pointer,
  );
  if (declared) {
    declared.categories.forEach((c, i) => declaredCount('PLOT_INVALID', `${declared.pointer}/${i}/count`, `categories[${i}] "${c.label}" count`, c.count, at(counts, i)));
  }
  return { categories: labels.map((label, i) => ({ label, count: at(counts, i) })), units };
}
