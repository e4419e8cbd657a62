/**
 * How an output kind plugs into the pipeline: a parser from the submitted JSON to a typed,
 * normalised form that checks read, a presenter that adds what airlock computed to the
 * output's decision (the computed table, for tables), and what the audit store keeps. It is
 * the parse layer: it never reaches into checks or remedies (a protected version is the
 * remedy's, `remedies/output-remedy.ts`); the pipeline composes parse → checks → remedies.
 *
 * @example
 * export const tableKind: OutputKindModule<CellTable> = { kind: 'table', parse, present };
 */
import type { CheckId, OutputKind } from '../domain.js';
import type { Parameters } from '../rules/parameters.js';
import type { Limits } from '../limits.js';
import type { ProtectionVerdict } from './table/cell-table.js';

/** One output as submitted (already validated against openapi.yaml). */
export interface RawOutput {
  name: string;
  kind: OutputKind;
  [field: string]: unknown;
}

/** What a parser may use besides the output itself. */
export interface ParseContext {
  limits: Limits;
  /** The parameters in force for this request's project (e.g. how many top contributions to keep). */
  params: Parameters;
  /** JSON pointer of the output in the request (`/outputs/2`), for error details. */
  pointer: string;
  /** The verdict on the `protection` token the output carries (tables), verified before parsing; absent without one. */
  protection?: ProtectionVerdict;
}

export interface OutputKindModule<P> {
  kind: OutputKind;
  /**
   * Parses and semantically validates the output; throws AirlockError (4xx codes) for bad
   * input, with `ctx.pointer` in its details.
   */
  parse(raw: RawOutput, ctx: ParseContext): P;
  /** What airlock computed, for the output's decision (e.g. `table`, `computed`); may be none. */
  present?(parsed: P): Record<string, unknown>;
  /**
   * What the audit store keeps of a released output so later requests can be compared with
   * it (differencing). Only released outputs' content is kept; others keep digests only.
   */
  releasable?(parsed: P): unknown;
  /**
   * What the audit store keeps of every output of this kind, whatever its outcome, so a rule
   * change can be replayed against past decisions (`airlock rules diff --replay`): aggregates
   * the checks read, in the kind's own submission form so replay re-parses it; never
   * microdata. Kinds without it cannot be replayed.
   */
  evidence?(parsed: P): unknown;
  /**
   * The checks replay cannot re-evaluate from this kept evidence (what decided them — e.g.
   * microdata confirming a declared exemption — is not kept): their recorded findings stand.
   */
  keptOnReplay?(evidence: unknown): readonly CheckId[];
}
