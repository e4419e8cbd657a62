/**
 * How a remedy plugs into the pipeline: after an output kind has parsed an output and the
 * checks have found what fails, its remedy offers a protected version (a suppressed table,
 * merged plot bins). Kept apart from the output kind so the parse layer never reaches up
 * into checks or remedies: the pipeline composes parse → checks → remedies.
 *
 * @example
 * export const plotRemedy: OutputRemedy<PlotOutput> = { kind: 'plot', protect };
 */
import type { Finding, OutputKind } from '../domain.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import type { Parameters } from '../rules/parameters.js';
import type { PrimaryCells, ProtectedTable, ProtectOptions } from './protect-table.js';

/** The heavy stages a remedy may hand off (see `ProtectionRunner`), with the request's budget. */
export interface RemedyWork {
  /** Throws `WORK_BUDGET_EXCEEDED` when a table of this many cells is too large to protect. */
  beforeProtection(cells: number): void;
  /** `protectTable`, off the event loop and cancelled at the request's deadline. */
  protect(t: CellTable, failing: PrimaryCells, opts: ProtectOptions): Promise<ProtectedTable>;
}

export interface OutputRemedy<P> {
  kind: OutputKind;
  /** Fields for the output's decision (`protected`, `protection_refused`); none when nothing it repairs failed. */
  protect(parsed: P, findings: Finding[], params: Parameters): Record<string, unknown>;
  /**
   * `protect`, with its heavy work (protecting a table) done through `work` (a worker pool,
   * bounded by the request's budget and deadline). Remedies without heavy work leave it out
   * and `protect` is used.
   */
  protectWith?(parsed: P, findings: Finding[], params: Parameters, work: RemedyWork): Promise<Record<string, unknown>>;
}
