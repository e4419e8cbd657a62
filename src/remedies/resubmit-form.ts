/**
 * The `resubmit` form of a protected table (sdc-rules.md "Remedies and protection"): an output
 * object a new request can carry as it is — pre-aggregated cells with their evidence, the
 * released ones with their (possibly rounded) values, the suppressed ones `suppressed: true`
 * with their evidence and no value. airlock then seals it with a `protection` token
 * (`src/pipeline/protection-token.ts`) so that, submitted back, the evidence of its suppressed
 * cells is trusted.
 *
 * The form is only offered when every piece of evidence in it is airlock's own or was checked
 * against a published value: a table that arrived with suppressed cells whose evidence was a
 * claim (no verified token) gets no form, or the token would launder that claim into trusted
 * evidence.
 *
 * @example
 * const form = await resubmitForm(t, protectTable(t, failing), 'by_region');
 * form?.cells.find((c) => c.suppressed); // { labels, count: 3, suppressed: true }
 */
import { at } from '../lib/invariant.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import { cellCount } from '../outputs/table/cell-table.js';
import { cellEvidence, tableShape } from '../outputs/table/table-evidence.js';
import type { CellInput, CellsTableInput } from '../outputs/table/table-from-cells.js';
import { loopSlicer } from '../lib/yield-to-loop.js';
import type { ProtectedTable } from './protect-table.js';

/**
 * A protected table as an output of a new request (`kind: table` with `cells`). `protection`
 * and `protection_salt` are added when airlock seals it.
 *
 * @example { name: 'by_region', kind: 'table', statistic: 'frequency', index: ['region'], columns: ['sex'], cells: [...] }
 */
export interface ResubmitForm extends CellsTableInput {
  name: string;
  kind: 'table';
  /** airlock's compact JWS over the form's content (see `protectedContent`). */
  protection?: string;
  /** The random salt of the token's digest, so the token alone discloses nothing of the evidence. */
  protection_salt?: string;
}

/** The fields of a form that the protection token covers: everything the checks read. */
export const PROTECTED_FIELDS = ['kind', 'statistic', 'index', 'columns', 'measure', 'unit', 'cells'] as const;

/**
 * The content a protection token covers: the form's checked fields as they are (no name — a
 * renamed output is the same table — no exception, no token).
 *
 * @example protectedContent({ name: 't', kind: 'table', cells }) // { kind: 'table', cells }
 */
export function protectedContent(output: object): Record<string, unknown> {
  const fields = output as Readonly<Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const k of PROTECTED_FIELDS) if (fields[k] !== undefined) out[k] = fields[k];
  return out;
}

/**
 * The resubmit form of protected version `p` of `t`, or null when airlock cannot vouch for the
 * evidence of every suppressed cell (`t` arrived with suppressed cells and no trusted token).
 * A released cell carries its value and its evidence; a suppressed cell its full evidence and
 * no value. A rounded version gets no form (see below). Made in short slices with the event
 * loop let in between: a form of 40,000 cells must not hold it in one piece (issue 13).
 *
 * @example (await resubmitForm(t, p, 'by_age'))?.cells.length === cellCount(t) // true
 */
export async function resubmitForm(t: CellTable, p: ProtectedTable, name: string): Promise<ResubmitForm | null> {
  // A rounded version's counts are not its cells' evidence (margins no longer add up, small
  // rounded counts fail min_count): resubmitting one is not supported (yet): no form.
  if (p.rounding) return null;
  const n = cellCount(t);
  for (let c = 0; c < n; c++) if (t.suppressed[c] && !t.evidenceTrusted) return null;
  const cells: CellInput[] = new Array(n);
  const slicer = loopSlicer();
  for (let c = 0; c < n; c++) {
    const { value: _published, ...evidence } = cellEvidence(t, c);
    // `p` is a version of `t`: one row per cell of it, in cell order.
    const row = at(p.rows, c);
    cells[c] = row.suppressed ? { ...evidence, suppressed: true } : { ...evidence, value: row.value };
    if (c % 256 === 255) await slicer.pause();
  }
  return { name, kind: 'table', ...tableShape(t), cells };
}
