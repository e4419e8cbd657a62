/**
 * The last two steps of the path: sign the decision (Ed25519 compact JWS over its canonical
 * JSON) and append it, with the released tables' cells, to the audit chain. It resolves only
 * once the store has durably committed; if the store fails, the caller gets
 * `STORE_UNAVAILABLE` and no decision leaves the service.
 *
 * @example
 * const finalize = decisionRecorder({ key: ring.signing, store, logger });
 * const { signature, audit } = await finalize(decision, evaluated, ruleset, { submittedBy: 'tre-portal', traceId: null });
 */
import type { Logger } from 'pino';
import type { AuditStore, CanonicalMembers, DictionaryAddition, HistoryEntryInput, OutputEvidence } from '../audit/audit-store.js';
import type { PublishedCell, ReleasedTable } from '../lib/published-table.js';
import type { Decision } from '../domain.js';
import { AirlockError } from '../errors.js';
import type { Ruleset } from '../rules/load-ruleset.js';
import { canonicalDecision, signCanonicalDecision } from '../signing/sign-decision.js';
import { canonicalJsonSliced } from '../lib/canonical-json-sliced.js';
import { loopSlicer } from '../lib/yield-to-loop.js';
import type { SigningKey } from '../signing/signing-keys.js';
import { currentTraceId } from '../telemetry/trace-context.js';
import { withSpan } from '../telemetry/with-span.js';
import { populationTotal } from '../outputs/table/published-table.js';
import type { EvaluatedOutput } from './evaluate-output.js';
import type { OutputHistory } from './difference-outputs.js';
import type { ReservedOutput } from '../history/history-index.js';
import type { LabelForm } from '../history/label-form.js';
import type { FinalizeMeta, Finalized } from './make-decision.js';

/**
 * The tables a decision releases, for later differencing: only outputs whose own outcome is
 * `release`, and only when the request names its dataset (without one there is no population
 * to difference against).
 */
export function releasedTables(decision: Decision, evaluated: readonly EvaluatedOutput[]): ReleasedTable[] {
  if (decision.dataset === null) return [];
  const out: ReleasedTable[] = [];
  for (const e of evaluated) {
    if (e.kind !== 'table' || e.decision.outcome !== 'release' || !e.releasable) continue;
    const r = e.releasable;
    out.push({ output: e.decision.name, dataset: decision.dataset, dims: r.dims, statistic: r.statistic, cells: r.cells, total: r.total });
  }
  return out;
}

/**
 * The tables a human review releases: the outputs of the original decision that were not
 * released automatically, read back from the signed decision's computed tables, so that later
 * requests are differenced against them exactly as against automatic releases.
 *
 * @example releasedOnReview(original) // [{ output: 'by_sex', dataset: 'cohort', dims: ['sex'], … }]
 */
export function releasedOnReview(decision: Decision): ReleasedTable[] {
  if (decision.dataset === null) return [];
  const out: ReleasedTable[] = [];
  for (const o of decision.outputs) {
    const t = o.table as { statistic?: string; index?: string[]; columns?: string[]; cells?: PublishedCell[] } | undefined;
    if (o.kind !== 'table' || o.outcome === 'release' || !t?.cells || !t.statistic) continue;
    const dims = [...(t.index ?? []), ...(t.columns ?? [])].sort();
    out.push({ output: o.name, dataset: decision.dataset, dims, statistic: t.statistic, cells: t.cells, total: populationTotal({ dims, cells: t.cells }) });
  }
  return out;
}

/**
 * What the decision adds to the differencing history: every differenced output released
 * (`released`) or awaiting review (`pending`, compared with until a checker settles it); a
 * rejected output adds nothing. With them, the units the request's outputs first brought into
 * their namespace's dictionary.
 *
 * @example historyOf(decision, evaluated).history.map((h) => h.status) // ['released', 'pending']
 */
export function historyOf(evaluated: readonly EvaluatedOutput[]): { history: HistoryEntryInput[]; dictionary: DictionaryAddition[] } {
  const dictionary = evaluated.flatMap((e) => e.history?.dictionary ?? []);
  const history = entering(evaluated).map(({ e, h }): HistoryEntryInput => ({
    output: e.decision.name,
    kind: e.decision.kind,
    status: statusOf(e),
    dataset: h.dataset,
    population: h.population,
    namespace: h.namespace,
    form: h.forms,
    units: h.units,
    sketch: h.sketch,
  }));
  return { history, dictionary };
}

/**
 * The history entries the decision's record will add, as the history index holds them, for
 * `HistoryIndex.reserve` (same outputs, same order, same forms as `historyOf`; `stored`: each
 * output's forms as the store will read them back, by output name).
 *
 * @example historyIndexFor(store).reserve(reservationOf(decision, evaluated))
 */
export function reservationOf(decision: Pick<Decision, 'id' | 'project'>, evaluated: readonly EvaluatedOutput[], stored?: ReadonlyMap<string, LabelForm[]>): ReservedOutput[] {
  return entering(evaluated).map(({ e, h }, idx) => ({
    idx,
    decision_id: decision.id,
    project: decision.project,
    output: e.decision.name,
    kind: e.decision.kind,
    status: statusOf(e),
    dataset: h.dataset,
    namespace: h.namespace,
    // As the store will read them back, when made already (`storedLabelForms`).
    forms: stored?.get(e.decision.name) ?? h.forms,
  }));
}

/** The differenced outputs that enter the history — released or awaiting review — in record order. */
function entering(evaluated: readonly EvaluatedOutput[]): { e: EvaluatedOutput; h: OutputHistory }[] {
  return evaluated.flatMap((e) => (e.history && e.decision.outcome !== 'reject' ? [{ e, h: e.history }] : []));
}

const statusOf = (e: EvaluatedOutput): 'released' | 'pending' => (e.decision.outcome === 'release' ? 'released' : 'pending');

/**
 * What the store keeps of every output (any outcome) so rule changes can be replayed later:
 * cell-level aggregates from the kind's `evidence` hook, never microdata.
 */
export function replayEvidence(evaluated: readonly EvaluatedOutput[]): OutputEvidence[] {
  return evaluated.filter((e) => e.evidence !== null).map((e) => ({ output: e.decision.name, kind: e.decision.kind, evidence: e.evidence }));
}

export interface RecorderDeps {
  key: Pick<SigningKey, 'kid' | 'privateKey'>;
  store: AuditStore;
  logger: Logger;
  /**
   * Keeps a decision's submitted outputs for checkers to preview (`src/review/review-outputs.ts`);
   * runs before the record is appended, so a decision needing review never lacks them. A failure
   * withholds the decision (STORE_UNAVAILABLE).
   */
  keepForReview?(decision: Decision, outputs: readonly unknown[]): Promise<void>;
}

/** The canonical bytes each decision was signed over, while the decision lives (see `signedBytesOf`). */
const signedBytes = new WeakMap<Decision, Uint8Array>();

/**
 * The bytes `decision` was signed over by a recorder of this process: its canonical JSON, made
 * once. The answer to the request writes them as they are (`src/server/idempotency.ts`), so
 * what is sent is what was signed and recorded, and a 5 MB decision is not serialised a third
 * time. Undefined for a decision this process did not record.
 *
 * @example signedBytesOf(res.decision)?.length
 */
export function signedBytesOf(decision: Decision): Uint8Array | undefined {
  return signedBytes.get(decision);
}

/**
 * The record's large members as canonical bytes (`AppendInput.canonical`), made here in slices
 * so the store's writer — which every other append waits for — only splices and hashes them.
 * Undefined when one cannot be canonicalised: the store then refuses the record as it always
 * has, and the decision is withheld.
 */
async function canonicalMembers(decision: Uint8Array, evidence: OutputEvidence[], released: readonly ReleasedTable[], history: readonly HistoryEntryInput[]): Promise<CanonicalMembers | undefined> {
  try {
    const bytesOf = async <T>(items: readonly T[], member: (item: T) => unknown): Promise<Uint8Array[]> => {
      const out: Uint8Array[] = [];
      for (const item of items) out.push(await canonicalJsonSliced(member(item)));
      return out;
    };
    return {
      decision,
      evidence: evidence.length ? await canonicalJsonSliced(evidence) : null,
      releasedCells: await bytesOf(released, (t) => t.cells),
      forms: await bytesOf(history, (h) => h.form),
    };
  } catch {
    return undefined;
  }
}

export function decisionRecorder(deps: RecorderDeps) {
  return async (decision: Decision, evaluated: EvaluatedOutput[], ruleset: Ruleset, meta: FinalizeMeta): Promise<Finalized> => {
    const pace = loopSlicer();
    // The canonical bytes are made once (in slices): signed here, then written and hashed by the store as they are.
    const canonical = await withSpan('airlock.sign', { 'airlock.signing.kid': deps.key.kid }, async () => {
      const bytes = await canonicalDecision(decision);
      return { bytes, signature: await signCanonicalDecision(bytes, deps.key) };
    });
    const signature = canonical.signature;
    signedBytes.set(decision, canonical.bytes);
    const evidence = replayEvidence(evaluated);
    const released = releasedTables(decision, evaluated);
    const { history, dictionary } = historyOf(evaluated);
    const members = await canonicalMembers(canonical.bytes, evidence, released, history);
    // Signing a large decision holds the thread; let waiting requests in before the append does again.
    await pace.pause();
    const traceId = meta.traceId ?? currentTraceId() ?? null;
    let audit;
    try {
      if (deps.keepForReview && decision.outcome === 'review' && meta.outputs) await deps.keepForReview(decision, meta.outputs);
      audit = await deps.store.append({
        decision,
        signature,
        kid: deps.key.kid,
        submittedBy: meta.submittedBy,
        released,
        traceId,
        ruleset: { digest: ruleset.digest, content: ruleset.content },
        evidence,
        ...(members ? { canonical: members } : {}),
        history,
        dictionary,
        ...(meta.idempotency ? { idempotency: meta.idempotency } : {}),
      });
    } catch (e) {
      // A retry that lost the race for its key: the route answers with the winner's decision.
      if (e instanceof AirlockError && e.code === 'IDEMPOTENCY_KEY_REUSED') throw e;
      deps.logger.error({ decision: decision.id, code: e instanceof AirlockError ? e.code : 'INTERNAL' }, 'audit append failed; decision withheld');
      throw e instanceof AirlockError && e.code !== 'INTERNAL' ? e : new AirlockError('STORE_UNAVAILABLE');
    }
    // One structured line per decision: ids, outcome and failing check ids, never cells.
    deps.logger.info(
      {
        decision: decision.id,
        outcome: decision.outcome,
        project: decision.project,
        requester: decision.requester,
        ruleset: decision.ruleset.digest,
        failing: [...new Set(decision.outputs.flatMap((o) => o.findings.filter((f) => f.status !== 'pass').map((f) => f.check)))],
        seq: audit.seq,
        submitted_by: meta.submittedBy,
        trace_id: traceId,
      },
      'decision recorded',
    );
    return { signature, audit };
  };
}
