/**
 * The registry of remedies: output kind → the remedy that offers its protected version.
 * Kinds with no remedy (models, summaries, records, files) are released, reviewed or rejected
 * as they are.
 *
 * @example outputRemedy('table')?.protect(t, findings, params) // { protected: { suppressed: [...], … } }
 */
import type { OutputKind } from '../domain.js';
import type { OutputRemedy } from './output-remedy.js';
import { plotRemedy } from './plot-remedy.js';
import { tableRemedy } from './table-remedy.js';

const REMEDIES: Partial<Record<OutputKind, OutputRemedy<unknown>>> = {
  table: tableRemedy as OutputRemedy<unknown>,
  plot: plotRemedy as OutputRemedy<unknown>,
};

/** The remedy for a kind, or undefined when the kind has none. */
export function outputRemedy(kind: OutputKind): OutputRemedy<unknown> | undefined {
  return REMEDIES[kind];
}
