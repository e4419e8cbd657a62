import { cpSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveRules } from '../../src/rules/live-rules.js';
import { liveRules } from '../../src/rules/live-rules.js';
import { tempDir } from '../helpers/temp-dirs.js';

const open: LiveRules[] = [];
afterEach(() => {
  for (const r of open.splice(0)) r.close();
});

function copyOfRules(): string {
  const dir = tempDir('live-rules-');
  cpSync('rules', dir, { recursive: true });
  return dir;
}

/** Writes a file the way editors do (a temporary file renamed over it), so no half-written file is read. */
function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp~`, text);
  renameSync(`${path}.tmp~`, path);
}

function live(dir: string, opts: Parameters<typeof liveRules>[1] = {}): LiveRules {
  const r = liveRules(dir, { debounceMs: 20, signal: null, ...opts });
  open.push(r);
  return r;
}

describe('liveRules', () => {
  it('swaps in a valid change to a project file', async () => {
    const dir = copyOfRules();
    const rules = live(dir);
    const before = rules.current().digest;
    const reloaded = rules.nextReload((e) => e.changed);
    writeAtomically(join(dir, 'projects', 'example-strict.yaml'), 'project: example-strict\nparameters:\n  threshold: 25\n');
    const e = await reloaded;
    expect(e).toMatchObject({ ok: true, trigger: 'watch', previous: before, changed: true });
    expect(rules.current().digest).toBe(e.digest);
    expect(rules.current().resolve('example-strict').params.threshold).toBe(25);
  });

  it('rejects a broken default file and keeps the old rules, naming the file and path', async () => {
    const dir = copyOfRules();
    const rules = live(dir);
    const before = rules.current();
    const rejected = rules.nextReload((e) => !e.ok);
    writeAtomically(join(dir, 'default.yaml'), 'name: default\nversion: "x"\nparameters:\n  threshold: -3\nchecks: {}\n');
    const e = await rejected;
    expect(e).toMatchObject({ ok: false, digest: before.digest, previous: before.digest, changed: false });
    expect(e.error?.code).toBe('RULES_INVALID');
    expect(e.error?.details.map((d) => d.pointer)).toContainEqual(expect.stringMatching(/default\.yaml#\/parameters\/threshold$/));
    expect(rules.current()).toBe(before);
  });

  it('picks up a new project file once a broken one is fixed', async () => {
    const dir = copyOfRules();
    const rules = live(dir);
    const rejected = rules.nextReload((e) => !e.ok);
    writeAtomically(join(dir, 'projects', 'new.yaml'), 'project: new\nparameters:\n  nk_k: 7\n');
    await rejected;
    expect(rules.current().resolve('new').override).toBeNull();
    const fixed = rules.nextReload((e) => e.changed);
    writeAtomically(join(dir, 'projects', 'new.yaml'), 'project: new\nparameters:\n  nk_k: 0.8\n');
    await fixed;
    expect(rules.current().resolve('new').params.nk_k).toBe(0.8);
  });

  it('reloads on its signal, and reports an unchanged set as unchanged', async () => {
    const dir = copyOfRules();
    const rules = live(dir, { watch: false, signal: 'SIGHUP' });
    const seen: boolean[] = [];
    rules.onReload((e) => seen.push(e.changed));
    // Reloads are asynchronous (queued, and recorded first where a recorder is given).
    let next = rules.nextReload();
    process.emit('SIGHUP');
    await next;
    expect(rules.lastReload()).toMatchObject({ ok: true, trigger: 'signal', changed: false });
    writeFileSync(join(dir, 'projects', 'example-strict.yaml'), 'project: example-strict\nparameters:\n  threshold: 30\n');
    next = rules.nextReload();
    process.emit('SIGHUP');
    await next;
    expect(seen).toEqual([false, true]);
    expect(rules.current().resolve('example-strict').params.threshold).toBe(30);
  });

  it('stops listening for the signal once closed', () => {
    const rules = live(copyOfRules(), { watch: false, signal: 'SIGHUP' });
    const before = process.listenerCount('SIGHUP');
    rules.close();
    expect(process.listenerCount('SIGHUP')).toBe(before - 1);
  });

  it('refuses to start on an invalid rule set', () => {
    const dir = copyOfRules();
    writeFileSync(join(dir, 'default.yaml'), 'name: x\n');
    expect(() => live(dir)).toThrowError(expect.objectContaining({ code: 'RULES_INVALID' }));
  });
});
