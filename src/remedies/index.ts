/**
 * The registry of remedies: output kind → the remedy that offers its protected version, typed
 * per kind (a kind's remedy takes what that kind's `parse` returns). Kinds with no remedy
 * (models, summaries, records, files) are released, reviewed or rejected as they are.
 *
 * @example outputRemedy('table')?.protect(t, findings, params) // { protected: { suppressed: [...], … } }
 */
import type { OutputKind } from '../domain.js';
import type { ParsedOf } from '../outputs/index.js';
import type { OutputRemedy } from './output-remedy.js';
import { plotRemedy } from './plot-remedy.js';
import { tableRemedy } from './table-remedy.js';

// A mapped type over the kinds, so code generic in the kind hands a remedy its own kind's parsed form.
const REMEDIES: { [K in OutputKind]?: OutputRemedy<ParsedOf<K>> } = {
  table: tableRemedy,
  plot: plotRemedy,
};

/** The remedy for a kind, or undefined when the kind has none. */
export function outputRemedy<K extends OutputKind>(kind: K): OutputRemedy<ParsedOf<K>> | undefined {
  // Own keys only, as in the output-kind registry: `constructor` is no kind and has no remedy.
  return Object.hasOwn(REMEDIES, kind) ? REMEDIES[kind] : undefined;
}
