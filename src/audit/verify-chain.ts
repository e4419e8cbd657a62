/**
 * Re-checks the whole audit trail without trusting the store: every seq present from 1 with no
 * gaps, every `prev` equal to the previous `hash`, every `hash` recomputed from the record's
 * content (`chain.ts`), every lookup column equal to what the decision says, every signature
 * verified against its decision with the JWKS, and every stored rule set still hashing to the
 * digest the (signed) decisions name. Stops at the first bad record.
 *
 * A chain whose newest records were removed wholesale still verifies; compare `head` with a
 * copy kept elsewhere (an export, a log line) to detect that.
 *
 * @example
 * const r = await verifyAudit(store, publicJwks(ring.verification));
 * // { ok: false, checked: 6, first_bad_seq: 7, reason: 'hash does not match the record content' }
 */
import { createHash } from 'node:crypto';
import { AirlockError } from '../errors.js';
import { canonicalJson } from '../lib/canonical-json.js';
import { verifyDecisionResponse, type JwksLike } from '../signing/verify-decision.js';
import type { AuditStore, IndexColumns, ScannedRecord } from './audit-store.js';
import { GENESIS_PREV, canonicalRecord, chainHash } from './chain.js';
import { openCheckpoint, type Checkpoint } from '../lib/checkpoint-note.js';
import { EMPTY_ROOT, appendLeaves, emptyFrontier, rootOfFrontier, type Frontier } from '../lib/merkle-tree.js';
import type { NoteVerifier } from '../lib/signed-note.js';
import { entryLeaf, logEntryText, parseLogEntry, type CheckpointRow, type LogEntryRow } from './transparency-log.js';

/**
 * What kind of tampering (or loss) a failed verification points to:
 * - `edited`: a record's content no longer matches what was hashed, signed or logged;
 * - `deleted`: a seq is missing from the middle of the chain;
 * - `renumbered`: records were deleted and the later ones moved down to close the gap;
 * - `replaced`: a seq holds a different record than the log says;
 * - `tail_missing`: records a signed checkpoint (the log's own, or one held elsewhere) covers
 *   are gone: the newest records were deleted, or acknowledged commits were lost (a WAL
 *   truncated after a crash);
 * - `forked`: the log no longer extends a checkpoint it signed (records up to its size were
 *   changed or lost and replaced);
 * - `unlogged`: records or log entries without a signature of the log key (written or
 *   rewritten without the key, or the log's tables were altered);
 * - `ruleset_deleted` / `ruleset_edited`: a rule set decisions name is gone from the store or
 *   no longer hashes to its digest;
 * - `checkpoint_invalid`: a checkpoint is not signed by the log key or is for another log.
 */
export type Tampering = 'edited' | 'deleted' | 'renumbered' | 'replaced' | 'tail_missing' | 'forked' | 'unlogged' | 'ruleset_deleted' | 'ruleset_edited' | 'checkpoint_invalid';

/** The result of `verifyAudit` (the body of `GET /v1/audit/verify`). */
export interface AuditVerification {
  ok: boolean;
  /** Records that verified before the first bad one (all of them when `ok`). */
  checked: number;
  first_bad_seq?: number;
  reason?: string;
  /** What the failure points to (see `Tampering`). */
  tampering?: Tampering;
  /** The last good record: anchor it elsewhere to detect truncation later. */
  head?: { seq: number; hash: string };
  /** The transparency log, when it was checked: its size, its newest signed checkpoint, and the held checkpoint it extends. */
  log?: { size: number; checkpoint_size: number | null; extends?: { size: number; root_hash: string } };
}

/** What the transparency log check needs: the log key and, optionally, a checkpoint kept elsewhere. */
export interface LogCheck {
  /** The log key under the log's origin (`parseVerifierKey`, or the service's own key). */
  verifier: NoteVerifier;
  /** A signed checkpoint note kept outside the store: the log must extend it. */
  checkpoint?: string;
}

type Problem = { tampering: Tampering; reason: string };

function columnProblem(r: ScannedRecord): string | null {
  const d = r.decision;
  const expected: IndexColumns = {
    decision_id: d.id,
    project: d.project,
    requester: d.requester,
    outcome: d.outcome,
    dataset: d.dataset ?? null,
    ruleset_digest: d.ruleset?.digest,
  };
  for (const k of Object.keys(expected) as (keyof IndexColumns)[]) {
    if (r.columns[k] !== expected[k]) {
      return `the store's ${k} column (${JSON.stringify(r.columns[k])}) disagrees with the recorded decision (${JSON.stringify(expected[k])})`;
    }
  }
  return null;
}

async function recordProblem(r: ScannedRecord, expectedSeq: number, prev: string, jwks: JwksLike): Promise<Problem | null> {
  const edited = (reason: string): Problem => ({ tampering: 'edited', reason });
  if (r.seq !== expectedSeq) {
    return r.seq > expectedSeq
      ? { tampering: 'deleted', reason: `seq ${expectedSeq} is missing (the next record is seq ${r.seq})` }
      : edited(`seq ${r.seq} is out of order`);
  }
  if (r.prev !== prev) return edited(expectedSeq === 1 ? 'prev of the first record is not the genesis value' : `prev does not match the hash of seq ${expectedSeq - 1}`);
  let canonical: string;
  try {
    canonical = canonicalRecord(r);
  } catch (e) {
    return edited(`the record cannot be canonicalised: ${(e as Error).message}`);
  }
  if (chainHash(r.prev, canonical) !== r.hash) return edited('hash does not match the record content');
  const columns = columnProblem(r);
  if (columns) return edited(columns);
  const sig = await verifyDecisionResponse({ decision: r.decision, signature: r.signature }, jwks);
  if (!sig.ok) return edited(`signature check failed (${sig.field}): ${sig.reason}`);
  if (sig.kid !== r.kid) return edited(`the record's kid ${r.kid} is not the signature's kid ${sig.kid}`);
  return null;
}

/** A problem with the rule set a record names, checked once per digest; with the log checked, a missing one is a deletion. */
async function rulesetProblem(store: Pick<AuditStore, 'getRuleset'>, r: ScannedRecord, seen: Set<string>, required: boolean): Promise<Problem | null> {
  const digest: unknown = r.decision.ruleset?.digest;
  if (typeof digest !== 'string' || seen.has(digest)) return null;
  seen.add(digest);
  const content = await store.getRuleset(digest);
  if (content === null) {
    // Every decision record stores the rule set it was made under (the first one per digest);
    // without a transparency log, older chains are not held to that.
    return required ? { tampering: 'ruleset_deleted', reason: `the rule set ${digest} that seq ${r.seq} was decided under is missing from the store (deleted)` } : null;
  }
  const actual = createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
  return actual === digest ? null : { tampering: 'ruleset_edited', reason: `the stored rule set ${digest} no longer hashes to its digest (${actual})` };
}

/** How far ahead a record that is not where the log put it is looked for (renumbering). */
const RENUMBER_LOOKAHEAD = 1000;
/** Log entries and checkpoints are read this many at a time. */
const LOG_PAGE = 500;

type LogStore = Pick<AuditStore, 'logEntries' | 'checkpoints'>;

/** Reads log entries a page at a time, in seq order. */
class EntryPager {
  private page = new Map<number, LogEntryRow>();
  private upTo = 0;
  constructor(private readonly store: LogStore) {}
  async get(seq: number): Promise<LogEntryRow | undefined> {
    if (seq > this.upTo || !this.page.size || seq < Math.min(...this.page.keys())) {
      const rows = await this.store.logEntries({ fromSeq: seq, toSeq: seq + LOG_PAGE - 1 });
      this.page = new Map(rows.map((e) => [e.seq, e]));
      this.upTo = seq + LOG_PAGE - 1;
    }
    return this.page.get(seq);
  }
}

const signedBy = (v: NoteVerifier, e: LogEntryRow): boolean => e.signature !== null && v.verify(Buffer.from(e.entry, 'utf8'), Buffer.from(e.signature, 'base64'));

/** Whether the record at its seq is the one the log's signed entry names; if not, what happened. */
async function entryProblem(store: LogStore, v: NoteVerifier, r: ScannedRecord, expected: string, e: LogEntryRow | undefined): Promise<Problem | null> {
  if (!e) return { tampering: 'unlogged', reason: `seq ${r.seq} has no transparency log entry (written without the log, or its log entry was deleted)` };
  const genuine = signedBy(v, e);
  if (e.entry === expected) return genuine ? null : { tampering: 'unlogged', reason: `the log entry of seq ${r.seq} is not signed by the log key` };
  const logged = genuine ? parseLogEntry(e.entry) : null;
  if (!logged || logged.seq !== r.seq) return { tampering: 'unlogged', reason: `the log entry stored for seq ${r.seq} was rewritten without the log key` };
  const what = `seq ${r.seq} (${r.kind} ${r.decision.id})`;
  if (logged.decision_id === r.decision.id && logged.kind === r.kind) {
    return { tampering: 'edited', reason: `${what} was changed after it was logged: its content, hashes recomputed, no longer matches the signed log entry (logged hash ${logged.hash}, now ${r.hash})` };
  }
  const ahead = await store.logEntries({ fromSeq: r.seq + 1, toSeq: r.seq + RENUMBER_LOOKAHEAD });
  for (const a of ahead) {
    const f = signedBy(v, a) ? parseLogEntry(a.entry) : null;
    if (f && f.decision_id === r.decision.id && f.kind === r.kind) {
      const d = f.seq - r.seq;
      return {
        tampering: 'renumbered',
        reason: `the record now at seq ${r.seq} (${r.kind} ${r.decision.id}) was logged as seq ${f.seq}: ${d} record(s) before it were deleted and the later ones renumbered (the log has ${logged.kind} ${logged.decision_id} at seq ${r.seq})`,
      };
    }
  }
  return { tampering: 'replaced', reason: `${what} is not what the log holds at that seq (${logged.kind} ${logged.decision_id})` };
}

/** The log side of the verification: follows the records, checks entries, stored checkpoints and the held one. */
class LogWalk {
  private frontier: Frontier = emptyFrontier();
  size = 0;
  private readonly entries: EntryPager;
  private stored: CheckpointRow[] = [];
  private storedAfter = 0;
  private storedDone = false;
  lastStored: number | null = null;
  held: Checkpoint | null = null;
  heldRoot: Buffer | null = null;

  constructor(
    private readonly store: LogStore,
    private readonly check: LogCheck,
  ) {
    this.entries = new EntryPager(store);
  }

  /** Opens the held checkpoint; a problem when it is not the log's. */
  openHeld(): Problem | null {
    if (!this.check.checkpoint) return null;
    try {
      this.held = openCheckpoint(this.check.checkpoint, this.check.verifier);
    } catch (e) {
      return { tampering: 'checkpoint_invalid', reason: `the held checkpoint is not one of this log's: ${(e as Error).message}` };
    }
    if (this.held.size === 0) this.heldRoot = EMPTY_ROOT;
    return null;
  }

  private async nextStored(): Promise<CheckpointRow | undefined> {
    if (this.stored.length === 0 && !this.storedDone) {
      this.stored = await this.store.checkpoints({ afterSize: this.storedAfter, limit: LOG_PAGE });
      if (this.stored.length < LOG_PAGE) this.storedDone = true;
      const last = this.stored[this.stored.length - 1];
      if (last) this.storedAfter = last.size;
    }
    return this.stored[0];
  }

  private checkpointProblem(c: CheckpointRow): Problem | null {
    try {
      openCheckpoint(c.note, this.check.verifier);
      return null;
    } catch (e) {
      return { tampering: 'checkpoint_invalid', reason: `the stored checkpoint of size ${c.size} is not signed by the log key: ${(e as Error).message}` };
    }
  }

  /** Adds the record's leaf; checks its entry and any stored checkpoint of the new size. */
  async add(r: ScannedRecord): Promise<Problem | null> {
    const expected = logEntryText({ seq: r.seq, kind: r.kind, decision_id: r.decision.id, hash: r.hash });
    const problem = await entryProblem(this.store, this.check.verifier, r, expected, await this.entries.get(r.seq));
    if (problem) return problem;
    const grown = appendLeaves(this.frontier, this.size, [entryLeaf(expected)]);
    this.frontier = grown.frontier;
    this.size = grown.size;
    const root = rootOfFrontier(this.frontier);
    for (let c = await this.nextStored(); c && c.size <= this.size; c = await this.nextStored()) {
      this.stored.shift();
      const bad = this.checkpointProblem(c);
      if (bad) return bad;
      if (c.size === this.size && !Buffer.from(c.root).equals(root)) {
        return { tampering: 'forked', reason: `the log's signed checkpoint of size ${c.size} does not match the records up to seq ${c.size}: a record was changed, removed or renumbered` };
      }
      this.lastStored = c.size;
    }
    if (this.held?.size === this.size) this.heldRoot = root;
    return null;
  }

  /**
   * After the last record: what signed checkpoints say should still be there. `newest` reads
   * the store's newest seq now: checkpoints and entries past the records verified are only
   * evidence of deletion when no record backs them any more (appends made while verifying are
   * not).
   */
  async end(newest: () => Promise<number>): Promise<{ seq: number; problem: Problem } | null> {
    const m = this.size;
    if (this.held) {
      if (this.held.size > m) {
        return {
          seq: m + 1,
          problem: { tampering: 'tail_missing', reason: `the held checkpoint covers ${this.held.size} records but the log has ${m}: records ${m + 1}…${this.held.size} were deleted, or acknowledged commits were lost (e.g. a truncated WAL)` },
        };
      }
      if (!this.heldRoot || !this.heldRoot.equals(this.held.root)) {
        return {
          seq: 1,
          problem: { tampering: 'forked', reason: `the log does not extend the held checkpoint of size ${this.held.size}: records up to seq ${this.held.size} were changed, removed, renumbered or lost and replaced` },
        };
      }
    }
    // Checkpoints signed after the pages read so far (appends made meanwhile) are looked for too.
    this.storedDone = false;
    const beyond = await this.nextStored();
    if (beyond && beyond.size > m) {
      const bad = this.checkpointProblem(beyond);
      if (bad) return { seq: m + 1, problem: bad };
      if ((await newest()) < beyond.size) {
        return { seq: m + 1, problem: { tampering: 'tail_missing', reason: `the log's own signed checkpoint covers ${beyond.size} records but only ${m} remain: records ${m + 1}…${beyond.size} were deleted, or acknowledged commits were lost (e.g. a truncated WAL)` } };
      }
    }
    const orphan = (await this.store.logEntries({ fromSeq: m + 1, toSeq: m + 1 }))[0];
    if (orphan && (await newest()) <= m) return { seq: m + 1, problem: { tampering: 'tail_missing', reason: `seq ${m + 1} is in the transparency log but its record is gone: the newest records were deleted` } };
    if (m > 0 && (this.lastStored ?? 0) < m) {
      return { seq: (this.lastStored ?? 0) + 1, problem: { tampering: 'unlogged', reason: `records ${(this.lastStored ?? 0) + 1}…${m} are not covered by a checkpoint signed with the log key` } };
    }
    return null;
  }
}

/** The newest record's seq (0 for an empty store). */
async function newestSeq(store: Pick<AuditStore, 'list'>): Promise<number> {
  return (await store.list({}, { limit: 1 })).items[0]?.seq ?? 0;
}

/**
 * Verifies the chain, every signature and every stored rule set; with `log`, also the
 * transparency log: every record's signed log entry, every stored signed checkpoint against
 * the tree rebuilt from the records, that the newest records are covered by one, and that the
 * log extends a checkpoint held elsewhere. Throws `STORE_UNAVAILABLE` when the store cannot be
 * read (no verdict either way); a record that cannot even be parsed is reported as bad.
 *
 * @example (await verifyAudit(store, jwks, { verifier: logKey.verifier, checkpoint: held })).ok // true
 */
export async function verifyAudit(store: Pick<AuditStore, 'scan' | 'getRuleset'> & Partial<LogStore & Pick<AuditStore, 'list'>>, jwks: JwksLike, log?: LogCheck): Promise<AuditVerification> {
  let checked = 0;
  let prev = GENESIS_PREV;
  let head: { seq: number; hash: string } | undefined;
  const digests = new Set<string>();
  const walk = log && store.logEntries && store.checkpoints && store.list ? new LogWalk(store as LogStore, log) : null;
  const summary = (): Pick<AuditVerification, 'log'> =>
    walk ? { log: { size: walk.size, checkpoint_size: walk.lastStored, ...(walk.held && walk.heldRoot?.equals(walk.held.root) ? { extends: { size: walk.held.size, root_hash: walk.held.root.toString('base64') } } : {}) } } : {};
  const bad = (seq: number, p: Problem): AuditVerification => ({ ok: false, checked, first_bad_seq: seq, reason: p.reason, tampering: p.tampering, ...(head ? { head } : {}), ...summary() });
  const held = walk?.openHeld();
  if (held) return bad(1, held);
  try {
    // With the log: the records present now (and all a held checkpoint covers). Appends made
    // while verifying are left to the next run, so a log that grows is never seen as cut short.
    const bound = walk ? Math.max(await newestSeq(store as Pick<AuditStore, 'list'>), walk.held?.size ?? 0) : Infinity;
    for await (const r of store.scan(1)) {
      if (r.seq > bound) break;
      const problem = (await recordProblem(r, checked + 1, prev, jwks)) ?? (walk ? await walk.add(r) : null) ?? (await rulesetProblem(store, r, digests, walk !== null));
      if (problem) return bad(r.seq > checked + 1 ? checked + 1 : r.seq, problem);
      checked++;
      prev = r.hash;
      head = { seq: r.seq, hash: r.hash };
    }
    const end = walk ? await walk.end(() => newestSeq(store as Pick<AuditStore, 'list'>)) : null;
    if (end) return bad(end.seq, end.problem);
  } catch (e) {
    if (e instanceof AirlockError && e.code === 'STORE_UNAVAILABLE') throw e;
    return bad(checked + 1, { tampering: 'edited', reason: (e as Error).message });
  }
  return { ok: true, checked, ...(head ? { head } : {}), ...summary() };
}
