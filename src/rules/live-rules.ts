/**
 * The rule set in force, reloaded while the service runs: the rules directory is watched
 * (`default.*`, `floors.*` and the files of `projects/`, and a floors file configured
 * elsewhere; debounced so an editor's burst of writes is one reload) and SIGHUP reloads on
 * demand. A set below the governance floors is rejected like an invalid one. A valid set that
 * weakens protection relative to the one in force is swapped in (governance may mean it) and
 * logged as a warning naming each weakening change. A valid new set replaces the old one in a single assignment, so a
 * request sees either the old set or the new one, never a mixture (the pipeline reads
 * `current()` once per request). An invalid set is rejected and logged with its file and path,
 * and the old set stays in force. Readiness and `GET /v1/rulesets/active` read `current()`, so
 * they always show the digest that is live. With a `record` hook (the service's audit chain),
 * every reload that changes the set or is refused is recorded first, and a change the store
 * cannot record does not go into force. Reloads run one at a time, in order.
 *
 * @example
 * const rules = liveRules('./rules', { logger });
 * const app = createApp({ config, ruleset: rules.current, logger });
 * const e = await rules.nextReload((e) => e.changed); // after an edit
 * rules.close();
 */
import type { FSWatcher } from 'node:fs';
import { watch } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { RecordActor, RulesetLoadTrigger } from '../domain.js';
import { AirlockError } from '../errors.js';
import { diffRulesets, weakenings } from './diff-rulesets.js';
import type { Ruleset } from './load-ruleset.js';
import { loadRuleset } from './load-ruleset.js';

/** What started a reload (start-up is the first load, not a reload). */
export type ReloadTrigger = Exclude<RulesetLoadTrigger, 'startup'>;

/**
 * A load as the recorder sees it, before anything goes into force: the set read (null when
 * refused, with `error`), the set in force, and each change that weakens protection.
 */
export interface LoadAttempt {
  trigger: RulesetLoadTrigger;
  /** Who asked, when a caller did (the API); absent: this process. */
  by?: RecordActor;
  next: Ruleset | null;
  previous: Ruleset | null;
  /** `scope: detail` of each weakening change (`diff-rulesets.ts`). */
  weakens: string[];
  error?: AirlockError;
}

/** The outcome of one reload attempt. */
export interface ReloadEvent {
  /** True when the files formed a valid rule set (now active). */
  ok: boolean;
  trigger: ReloadTrigger;
  /** The digest in force after the attempt (the old one when rejected). */
  digest: string;
  /** The digest in force before the attempt. */
  previous: string;
  /** True when a valid set with a different digest was swapped in. */
  changed: boolean;
  /** Why the set was rejected (file and path in `details`). */
  error?: AirlockError;
  /** The id of the audit record of this load, when the `record` hook wrote one. */
  recorded?: string;
}

export interface LiveRules {
  /** The rule set for a new request; a plain function, safe to pass around detached. */
  current: () => Ruleset;
  /** Reloads now (after any reload in progress); `by` names the caller who asked, if one did. */
  reload(trigger?: ReloadTrigger, by?: RecordActor): Promise<ReloadEvent>;
  /** Calls `listener` after every reload attempt; returns a function that unsubscribes. */
  onReload(listener: (e: ReloadEvent) => void): () => void;
  /** The next reload attempt matching `match` (any, by default). */
  nextReload(match?: (e: ReloadEvent) => boolean): Promise<ReloadEvent>;
  /** The last reload attempt, or null before the first. */
  lastReload(): ReloadEvent | null;
  /** Stops watching and listening for the signal. */
  close(): void;
}

export interface LiveRulesOptions {
  logger?: Logger;
  /** Watch the directory for changes (default true). */
  watch?: boolean;
  /** Signal that reloads (default SIGHUP; null for none). */
  signal?: NodeJS.Signals | null;
  /** Quiet time after the last file event before reloading (default 100 ms). */
  debounceMs?: number;
  /** The governance floors file (`AIRLOCK_FLOORS_FILE`); default: `floors.*` in the rules directory. */
  floorsFile?: string | null;
  /**
   * Records a reload that changes the set or is refused (the audit chain: `ruleset-load-record.ts`).
   * A change goes into force only once this resolves; if it rejects, the old set stays.
   */
  record?: (attempt: LoadAttempt) => Promise<{ id: string } | void>;
}

const RULE_FILE = /^(default|floors)\.(ya?ml|json)$/;
const PROJECT_FILE = /\.(ya?ml|json)$/;

/**
 * Loads the rules in `dir` (throwing `RULES_INVALID` when they are invalid: start-up stops)
 * and keeps them current.
 *
 * @example const rules = liveRules(config.rulesDir, { logger }); rules.current().digest
 */
export function liveRules(dir: string, opts: LiveRulesOptions = {}): LiveRules {
  const load = () => loadRuleset(dir, { floorsFile: opts.floorsFile ?? null });
  let active = load();
  let last: ReloadEvent | null = null;
  const listeners = new Set<(e: ReloadEvent) => void>();
  const watchers: FSWatcher[] = [];
  let projectsWatcher: FSWatcher | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const log = opts.logger;
  const debounceMs = opts.debounceMs ?? 100;

  /** Settles the attempt: remembered, logged by the caller, and told to the listeners. */
  const settle = (event: ReloadEvent): ReloadEvent => {
    last = event;
    for (const l of [...listeners]) l(event);
    return event;
  };

  const reloadNow = async (trigger: ReloadTrigger, by: RecordActor | undefined): Promise<ReloadEvent> => {
    const before = active;
    const previous = before.digest;
    let next: Ruleset | null = null;
    let error: AirlockError | undefined;
    try {
      next = load();
    } catch (e) {
      error = e instanceof AirlockError ? e : new AirlockError('RULES_INVALID', (e as Error).message);
    }
    const changed = next !== null && next.digest !== previous;
    const weakens = next && changed ? weakenings(diffRulesets(before, next)).map((c) => `${c.scope}: ${c.detail}`) : [];
    // A change (or a refusal) goes into force only once its load is durably recorded: an
    // unrecorded set never decides anything (fail closed), the old one stays.
    let recorded: string | undefined;
    if (opts.record && (error || changed)) {
      try {
        recorded = (await opts.record({ trigger, ...(by ? { by } : {}), next: error ? null : next, previous: before, weakens, ...(error ? { error } : {}) }))?.id;
      } catch (e) {
        const unrecorded = e instanceof AirlockError ? e : new AirlockError('STORE_UNAVAILABLE', (e as Error).message);
        log?.error({ rules: dir, trigger, ruleset: previous, attempted: next?.digest ?? null, code: unrecorded.code }, `rule-set load not recorded, keeping ${previous.slice(0, 12)}: ${unrecorded.message}`);
        return settle({ ok: false, trigger, digest: previous, previous, changed: false, error: error ?? unrecorded });
      }
    }
    if (error || !next) {
      const refused = error ?? new AirlockError('RULES_INVALID', 'no rule set');
      log?.error({ rules: dir, trigger, ruleset: previous, code: refused.code, problems: refused.details }, `rule set rejected, keeping ${previous.slice(0, 12)}: ${refused.message}`);
      return settle({ ok: false, trigger, digest: previous, previous, changed: false, error: refused, ...(recorded ? { recorded } : {}) });
    }
    active = next;
    if (weakens.length) log?.warn({ rules: dir, trigger, ruleset: next.digest, previous, version: next.version, weakens }, `rule set reloaded; it weakens protection: ${weakens.join('; ')}`);
    else if (changed) log?.info({ rules: dir, trigger, ruleset: next.digest, previous, version: next.version }, 'rule set reloaded');
    else log?.debug({ rules: dir, trigger, ruleset: next.digest }, 'rule set unchanged');
    return settle({ ok: true, trigger, digest: next.digest, previous, changed, ...(recorded ? { recorded } : {}) });
  };

  // One reload at a time, in order: each is recorded against the set the one before it left.
  let queue: Promise<unknown> = Promise.resolve();
  const reload = (trigger: ReloadTrigger = 'manual', by?: RecordActor): Promise<ReloadEvent> => {
    const run = queue.then(() => reloadNow(trigger, by));
    queue = run.catch(() => undefined);
    return run;
  };

  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (!closed) void reload('watch');
    }, debounceMs);
  };

  const watchProjects = () => {
    if (projectsWatcher) return;
    try {
      // Not recursive: the loader reads only the top level of projects/, and Node 20's recursive
      // watcher on Linux misses files replaced by rename (how editors save).
      projectsWatcher = watch(join(dir, 'projects'), { persistent: false }, (_type, name) => {
        if (name === null || PROJECT_FILE.test(String(name))) schedule();
      });
      projectsWatcher.on('error', (e) => {
        log?.warn({ rules: dir, err: e.message }, 'stopped watching the projects directory');
        projectsWatcher?.close();
        projectsWatcher = null;
      });
      watchers.push(projectsWatcher);
    } catch {
      // No projects directory yet: the directory watcher attaches one when it appears.
    }
  };

  if (opts.watch !== false) {
    try {
      const top = watch(dir, { persistent: false }, (_type, name) => {
        const n = name === null ? null : String(name);
        if (n === 'projects') {
          watchProjects();
          schedule();
        } else if (n === null || RULE_FILE.test(n)) schedule();
      });
      top.on('error', (e) => log?.warn({ rules: dir, err: e.message }, 'stopped watching the rules directory; SIGHUP still reloads'));
      watchers.push(top);
    } catch (e) {
      log?.warn({ rules: dir, err: (e as Error).message }, 'cannot watch the rules directory; SIGHUP still reloads');
    }
    watchProjects();
    const floors = opts.floorsFile ? resolve(opts.floorsFile) : null;
    if (floors && dirname(floors) !== resolve(dir)) {
      try {
        const w = watch(dirname(floors), { persistent: false }, (_type, name) => {
          if (name === null || String(name) === basename(floors)) schedule();
        });
        w.on('error', (e) => log?.warn({ floors, err: e.message }, 'stopped watching the floors file; SIGHUP still reloads'));
        watchers.push(w);
      } catch (e) {
        log?.warn({ floors, err: (e as Error).message }, 'cannot watch the floors file; SIGHUP still reloads');
      }
    }
  }

  const onSignal = () => {
    void reload('signal');
  };
  const signal = opts.signal === undefined ? 'SIGHUP' : opts.signal;
  if (signal) process.on(signal, onSignal);

  return {
    current: () => active,
    reload,
    onReload(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    nextReload(match = () => true) {
      return new Promise((resolve) => {
        const l = (e: ReloadEvent) => {
          if (!match(e)) return;
          listeners.delete(l);
          resolve(e);
        };
        listeners.add(l);
      });
    },
    lastReload: () => last,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
      watchers.length = 0;
      if (signal) process.off(signal, onSignal);
    },
  };
}
