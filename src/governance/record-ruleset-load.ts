/**
 * Every rule-set load becomes a record of the audit chain (issue 13, "each rule-set change
 * becomes a log entry naming who loaded it"): kind `ruleset`, signed like a decision, so it is
 * a leaf of the transparency log, covered by checkpoints, inclusion proofs, witnesses and
 * `airlock audit verify` like every other record, and its rule set's content is stored by
 * digest even before any decision is made under it.
 *
 * The record's document is decision-shaped (so every reader, verifier and export takes it as
 * it is): `ruleset` is the set in force after the load, `outcome` is `release` when the new set
 * went into force and `reject` when it was refused (the previous set stays), `project` is empty
 * (a rule set belongs to no project: auditors limited to projects do not see it), `requester`
 * and `submitted_by` name the loader, and `ruleset_load` says who (`RulesetLoader`), how
 * (`trigger`), the previous digest, the floors outcome, the `rules lint` report of the
 * directory and each change that weakens protection.
 *
 * Who loaded it: through the API, the authenticated caller; at start-up and on a file or
 * signal reload, this process — OS user, host, pid and the operator configured as
 * `AIRLOCK_RULES_OPERATOR` (the OS user alone rarely names a person: services run as `airlock`).
 *
 * @example
 * const record = rulesetLoadRecorder({ store, key, rulesDir, floorsFile, operator: 'governance@tre' });
 * const rules = liveRules(rulesDir, { record: async (a) => void (await record(a)) });
 * await record({ trigger: 'startup', next: rules.current(), previous: null, weakens: [] });
 */
import { hostname, userInfo } from 'node:os';
import type { AuditStore, StoredRecord } from '../audit/audit-store.js';
import type { Decision, RulesetLoad, RulesetLoader } from '../domain.js';
import { RECORD_KINDS } from '../domain.js';
import { AirlockError } from '../errors.js';
import { normalise } from '../lib/normalise.js';
import { isBelowFloors } from '../rules/floors.js';
import { lintRules } from './lint-rules.js';
import type { LoadAttempt } from '../rules/live-rules.js';
import { signDecision } from '../signing/sign-decision.js';
import type { SigningKey } from '../signing/signing-keys.js';
import { uuidV7 } from '../lib/uuid-v7.js';

/** At most this many lint problems are named in a record (the counts are always complete). */
export const MAX_LINT_PROBLEMS = 100;

/**
 * This process as the loader of rule sets it reads itself (start-up, file watch, SIGHUP).
 *
 * @example processLoader('governance@tre').name // 'governance@tre'
 */
export function processLoader(operator: string | null): RulesetLoader {
  let osUser: string;
  try {
    osUser = userInfo().username;
  } catch {
    // A container user without a passwd entry: the uid is all there is.
    osUser = `uid:${process.getuid?.() ?? 'unknown'}`;
  }
  const host = hostname();
  const name = operator ?? `${osUser}@${host}`;
  return { kind: 'process', id: normalise(name), name, os_user: osUser, host, pid: process.pid, operator };
}

export interface RulesetLoadRecorderDeps {
  store: Pick<AuditStore, 'append' | 'get' | 'list'>;
  key: Pick<SigningKey, 'kid' | 'privateKey'>;
  rulesDir: string;
  floorsFile: string | null;
  /** `AIRLOCK_RULES_OPERATOR`: named with the process as the loader of start-up and file reloads. */
  operator?: string | null;
  now?: () => Date;
}

/**
 * The digest in force according to the store: the set named by its newest `ruleset` record
 * (null when it holds none), so a start-up names what the last run had loaded.
 *
 * @example await lastRecordedDigest(store) // 'ab12…' or null
 */
export async function lastRecordedDigest(store: Pick<AuditStore, 'list'>): Promise<string | null> {
  const page = await store.list({ kind: RECORD_KINDS.ruleset }, { limit: 1 });
  return page.items[0]?.decision.ruleset.digest ?? null;
}

/**
 * A function that records one load (see the module comment) and resolves with the stored
 * record once it is durable; `STORE_UNAVAILABLE` when it is not.
 *
 * @example const stored = await rulesetLoadRecorder(deps)({ trigger: 'api', by, next, previous, weakens: [] });
 */
export function rulesetLoadRecorder(deps: RulesetLoadRecorderDeps): (attempt: LoadAttempt) => Promise<StoredRecord> {
  const now = deps.now ?? (() => new Date());
  return async (attempt) => {
    const inForce = attempt.error || !attempt.next ? attempt.previous : attempt.next;
    if (!inForce) throw new AirlockError('RULES_INVALID', attempt.error?.message ?? 'no rule set was loaded');
    const by = attempt.by ?? processLoader(deps.operator ?? null);
    const previous = attempt.trigger === 'startup' ? await lastRecordedDigest(deps.store) : (attempt.previous?.digest ?? null);
    const lint = lintRules(deps.rulesDir, deps.floorsFile ? { floorsFile: deps.floorsFile } : {});
    const refusedBy = attempt.error !== undefined && isBelowFloors(attempt.error) ? attempt.error : undefined;
    const floorsRefused = refusedBy !== undefined;
    const load: RulesetLoad = {
      trigger: attempt.trigger,
      by,
      previous,
      activated: !attempt.error,
      source: { rules_dir: deps.rulesDir, floors_file: deps.floorsFile },
      floors: { status: floorsRefused ? 'refused' : attempt.error ? 'not_checked' : 'passed', problems: refusedBy ? refusedBy.details.map((d) => ({ ...(d.pointer ? { pointer: d.pointer } : {}), message: d.message })) : [] },
      lint: {
        errors: lint.errors,
        warnings: lint.warnings,
        problems: lint.problems.slice(0, MAX_LINT_PROBLEMS).map((p) => ({ severity: p.severity, file: p.file, path: p.path, message: p.message })),
      },
      weakens: attempt.weakens,
      ...(attempt.error ? { error: { code: attempt.error.code, message: attempt.error.message } } : {}),
    };
    const at = now();
    const doc: Decision = {
      id: uuidV7(at.getTime()),
      issued_at: at.toISOString(),
      outcome: attempt.error ? 'reject' : 'release',
      project: '',
      requester: by.name,
      dataset: null,
      ruleset: { name: inForce.name, version: inForce.version, digest: inForce.digest },
      outputs: [],
      ruleset_load: load,
    };
    const signature = await signDecision(doc, deps.key);
    await deps.store.append({ decision: doc, signature, kid: deps.key.kid, submittedBy: by.name, released: [], kind: RECORD_KINDS.ruleset, references: null, ruleset: { digest: inForce.digest, content: inForce.content } });
    const stored = await deps.store.get(doc.id);
    if (!stored) throw new AirlockError('STORE_UNAVAILABLE', 'the rule-set load record cannot be read back');
    return stored;
  };
}
