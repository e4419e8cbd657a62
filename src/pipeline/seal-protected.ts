/**
 * The pipeline's two contacts with protection tokens (sdc-rules.md "Suppressed cells"):
 * - before outputs are parsed, `verifyTokens` asks the seal about every table output carrying a
 *   `protection` token, so the parser can mark its suppressed cells' evidence as trusted
 *   (`CellTable.evidenceTrusted`) or not — an invalid token is a verdict, never an error;
 * - after outputs are evaluated, `sealProtected` makes for every protected table version offered
 *   its `resubmit` form (`src/remedies/resubmit-form.ts`), sealed with a fresh token.
 *
 * Where the forms go: into the HTTP answer beside the decision (`resubmit`, by output name),
 * never into the decision itself. The decision is signed, recorded in the audit log, exported
 * and put into release packages that leave the TRE, and a form holds the evidence of its
 * suppressed cells, which is never published. The decision's protected version names the token
 * it was offered with (`protected.protection`: kid, jti, expiry — nothing of the evidence), so
 * the record still says what was offered. A form needs no signature of the decision's: its own
 * token vouches for it.
 *
 * The seal itself (keys, JWS) lives in `src/pipeline/protection-token.ts` and is injected by the
 * server: without one (the conformance runner, replay) no form is offered and no token trusted.
 *
 * @example
 * const verdicts = await verifyTokens(req.outputs, deps.protection, scope);
 * const resubmit = await sealProtected(evaluated, deps.protection, scope); // { by_age: { name, kind, cells, protection, … } }
 */
import type { ProtectionVerdict } from '../outputs/table/cell-table.js';
import type { ProtectedTable } from '../remedies/protect-table.js';
import type { ResubmitForm } from '../remedies/resubmit-form.js';
import { resubmitForm } from '../remedies/resubmit-form.js';
import type { EvaluatedOutput } from './evaluate-output.js';

/** Whose request a token is made for, and checked against. */
export interface ProtectionScope {
  project: string;
  dataset: string | null;
}

/** What the decision records of a token it offered: never anything of the evidence. */
export interface IssuedToken {
  kid: string;
  jti: string;
  /** ISO 8601. */
  expires_at: string;
}

/** Signs resubmit forms and verifies the tokens outputs carry back. */
export interface ProtectionSeal {
  /** A copy of `form` with its `protection` token and salt, and what the decision records of the token. */
  seal(form: ResubmitForm, scope: ProtectionScope): Promise<{ form: ResubmitForm; issued: IssuedToken }>;
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
    outputs.map(async (o) => {
      if (!carriesToken(o)) return undefined;
      return seal ? seal.verify(o, scope) : { trusted: false, reason: 'this airlock verifies no protection tokens (no signing key)' };
    }),
  );
}

/**
 * Whether a decision's `protected` extra is a protected table version on offer (not null).
 *
 * @example isProtectedTable(decision.protected) // true when a version is offered
 */
export function isProtectedTable(p: unknown): p is ProtectedTable {
  return typeof p === 'object' && p !== null && Array.isArray((p as ProtectedTable).rows);
}

/**
 * The sealed `resubmit` form of each protected table version the decisions offer, by output
 * name; each such protected version is marked with the token it was offered with. A version
 * whose evidence airlock cannot vouch for gets none (see `resubmitForm`).
 *
 * @example (await sealProtected(evaluated, seal, { project: 'p1', dataset: 'cohort' })).by_age.protection // 'eyJ…'
 */
export async function sealProtected(evaluated: readonly EvaluatedOutput[], seal: ProtectionSeal | undefined, scope: ProtectionScope): Promise<Record<string, ResubmitForm>> {
  const forms: Record<string, ResubmitForm> = {};
  if (!seal) return forms;
  for (const e of evaluated) {
    const p = e.decision.protected;
    if (e.kind !== 'table' || !isProtectedTable(p)) continue;
    const form = await resubmitForm(e.parsed, p, e.decision.name);
    if (!form) continue;
    const sealed = await seal.seal(form, scope);
    forms[e.decision.name] = sealed.form;
    (p as ProtectedTable & { protection?: IssuedToken }).protection = sealed.issued;
  }
  return forms;
}
