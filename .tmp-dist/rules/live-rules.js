import { watch } from 'node:fs';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import { loadRuleset } from './load-ruleset.js';
const RULE_FILE = /^default\.(ya?ml|json)$/;
const PROJECT_FILE = /\.(ya?ml|json)$/;
/**
 * Loads the rules in `dir` (throwing `RULES_INVALID` when they are invalid: start-up stops)
 * and keeps them current.
 *
 * @example const rules = liveRules(config.rulesDir, { logger }); rules.current().digest
 */
export function liveRules(dir, opts = {}) {
    let active = loadRuleset(dir);
    let last = null;
    const listeners = new Set();
    const watchers = [];
    let projectsWatcher = null;
    let timer = null;
    let closed = false;
    const log = opts.logger;
    const debounceMs = opts.debounceMs ?? 100;
    const reload = (trigger = 'manual') => {
        const previous = active.digest;
        let event;
        try {
            const next = loadRuleset(dir);
            active = next;
            event = { ok: true, trigger, digest: next.digest, previous, changed: next.digest !== previous };
            if (event.changed)
                log?.info({ rules: dir, trigger, ruleset: next.digest, previous, version: next.version }, 'rule set reloaded');
            else
                log?.debug({ rules: dir, trigger, ruleset: next.digest }, 'rule set unchanged');
        }
        catch (e) {
            const error = e instanceof AirlockError ? e : new AirlockError('RULES_INVALID', e.message);
            event = { ok: false, trigger, digest: previous, previous, changed: false, error };
            log?.error({ rules: dir, trigger, ruleset: previous, code: error.code, problems: error.details }, `rule set rejected, keeping ${previous.slice(0, 12)}: ${error.message}`);
        }
        last = event;
        for (const l of [...listeners])
            l(event);
        return event;
    };
    const schedule = () => {
        if (closed)
            return;
        if (timer)
            clearTimeout(timer);
        timer = setTimeout(() => {
            timer = null;
            if (!closed)
                reload('watch');
        }, debounceMs);
    };
    const watchProjects = () => {
        if (projectsWatcher)
            return;
        try {
            projectsWatcher = watch(join(dir, 'projects'), { recursive: true, persistent: false }, (_type, name) => {
                if (name === null || PROJECT_FILE.test(String(name)))
                    schedule();
            });
            projectsWatcher.on('error', (e) => {
                log?.warn({ rules: dir, err: e.message }, 'stopped watching the projects directory');
                projectsWatcher?.close();
                projectsWatcher = null;
            });
            watchers.push(projectsWatcher);
        }
        catch {
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
                }
                else if (n === null || RULE_FILE.test(n))
                    schedule();
            });
            top.on('error', (e) => log?.warn({ rules: dir, err: e.message }, 'stopped watching the rules directory; SIGHUP still reloads'));
            watchers.push(top);
        }
        catch (e) {
            log?.warn({ rules: dir, err: e.message }, 'cannot watch the rules directory; SIGHUP still reloads');
        }
        watchProjects();
    }
    const onSignal = () => {
        reload('signal');
    };
    const signal = opts.signal === undefined ? 'SIGHUP' : opts.signal;
    if (signal)
        process.on(signal, onSignal);
    return {
        current: () => active,
        reload,
        onReload(listener) {
            listeners.add(listener);
            return () => listeners.delete(listener);
        },
        nextReload(match = () => true) {
            return new Promise((resolve) => {
                const l = (e) => {
                    if (!match(e))
                        return;
                    listeners.delete(l);
                    resolve(e);
                };
                listeners.add(l);
            });
        },
        lastReload: () => last,
        close() {
            closed = true;
            if (timer)
                clearTimeout(timer);
            for (const w of watchers)
                w.close();
            watchers.length = 0;
            if (signal)
                process.off(signal, onSignal);
        },
    };
}
//# sourceMappingURL=live-rules.js.map