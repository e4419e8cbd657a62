/**
 * The pipeline's two contacts with protection tokens (sdc-rules.md "Suppressed cells"):
 * - before outputs are parsed, `verifyTokens` asks the seal about every table output carrying a
 *   `protection` token, so the parser can mark its suppressed cells' evidence as trusted
 *   (`CellTable.evidenceTrusted`) or not — an invalid token is a verdict, never an error;
 * - after outputs are evaluated, `sealProtected` adds to every protected table version offered
 *   its `resubmit` form (`src/remedies/resubmit-form.ts`), sealed with a fresh token.
 * The seal itself (keys, JWS) lives in `src/signing/protection-token.ts` and is injected by the
 * server: without one (the conformance runner, replay) no form is offered and no token trusted.
 *
 * @example
 * const verdicts = await verifyTokens(req.outputs, deps.protection, scope);
 * sealProtected(evaluated, deps.protection, scope);
 */
import type { ProtectionVerdict } from '../outputs/table/cell-table.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import type { ProtectedTable } from '../remedies/protect-table.js';
import type { ResubmitForm } from '../remedies/resubmit-form.js';
import { resubmitForm } from '../remedies/resubmit-form.js';
import type { EvaluatedOutput } from './evaluate-output.js';

/** Whose request a token is made for, and checked against. */
export interface ProtectionScope {
  project: string;
  dataset: string | null;
}

/** Signs resubmit forms and verifies the tokens outputs carry back. */
export interface ProtectionSeal {
  /** A copy of `form` with its `protection` token and salt. */
  seal(form: ResubmitForm, scope: ProtectionScope): ResubmitForm;
  /** Whether the output's token is airlock's, for exactly its content, in this scope. */
  verify(output: object, scope: ProtectionScope): Promise<ProtectionVerdict>;
}

/** True for a table output that carries a token (or its salt): only those get a verdict. */
function carriesToken(o: Readonly<Record<string, unknown>>): boolean {
  return o.kind === 'table' && (o.protection !== undefined || o.protection_salt !== undefined);
}

/**
 * The verdict on each output's token, by position in the request; outputs without one have
 * none. Without a seal every token is untrusted.
 *
 * @example (await verifyTokens([{ name: 't', kind: 'table', cells, protection: 'x.y.z' }], seal, scope))[0]?.trusted // false
 */
export async function verifyTokens(outputs: readonly Readonly<Record<string, unknown>>[], seal: ProtectionSeal | undefined, scope: ProtectionScope): Promise<(ProtectionVerdict | undefined)[]> {
  return Promise.all(
    outputs.map((o) => {
      if (!carriesToken(o)) return undefined;
      return seal ? seal.verify(o, scope) : { trusted: false, reason: 'this airlock verifies no protection tokens (no signing key)' };
    }),
  );
}

function isProtectedTable(p: unknown): p is ProtectedTable {
  return typeof p === 'object' && p !== null && Array.isArray((p as ProtectedTable).rows);
}

/**
 * Adds a sealed `resubmit` form to each protected table version the decisions offer. A version
 * whose evidence airlock cannot vouch for gets none (see `resubmitForm`).
 *
 * @example sealProtected(evaluated, seal, { project: 'p1', dataset: 'cohort' }); evaluated[0].decision.protected.resubmit.protection
 */
export function sealProtected(evaluated: readonly EvaluatedOutput[], seal: ProtectionSeal | undefined, scope: ProtectionScope): void {
  if (!seal) return;
  for (const e of evaluated) {
    const p = e.decision.protected;
    if (e.decision.kind !== 'table' || !isProtectedTable(p)) continue;
    const form = resubmitForm(e.parsed as CellTable, p, e.decision.name);
    if (form) (p as ProtectedTable & { resubmit?: ResubmitForm }).resubmit = seal.seal(form, scope);
  }
}
