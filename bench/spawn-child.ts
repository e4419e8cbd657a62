/**
 * Bench children: TypeScript entry points run in their own Node process (through tsx, as
 * `npm run bench` runs), talking to the parent over IPC. Servers under test and the load
 * generator live in separate processes so neither's CPU or memory pollutes the other's, and a
 * child's peak RSS is that of the case it ran alone.
 *
 * @example
 * const child = await spawnChild('bench/server-child.ts', ['airlock']);
 * const ready = await child.next<{ url: string }>('ready');
 * await child.stop();
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_DIR = dirname(BENCH_DIR);

/** A message from or to a child: `type` says what it is. */
export interface ChildMessage {
  type: string;
  [field: string]: unknown;
}

export interface BenchChild {
  process: ChildProcess;
  send(message: ChildMessage): void;
  /** The next message of `type` (rejects if the child exits first). */
  next<T extends object>(type: string): Promise<T & ChildMessage>;
  /** Asks the child to stop, and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `file` (relative to the repository) under tsx with an IPC channel.
 *
 * @example const lg = await spawnChild('bench/load-generator.ts');
 */
export function spawnChild(file: string, args: string[] = [], nodeFlags: string[] = []): BenchChild {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', join(REPO_DIR, file), ...args], {
    cwd: REPO_DIR,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, NODE_ENV: 'development' },
  });
  // Start-up banners (dev keys, dev tokens) would clutter the report: stderr is shown only
  // when the child fails.
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (s: string) => {
    stderr = (stderr + s).slice(-20_000);
  });
  const inbox: ChildMessage[] = [];
  const waiting: { type: string; resolve(m: ChildMessage): void; reject(e: Error): void }[] = [];
  let exited: Error | null = null;
  child.on('message', (m: ChildMessage) => {
    const w = waiting.findIndex((x) => x.type === m.type);
    if (w >= 0) waiting.splice(w, 1)[0].resolve(m);
    else inbox.push(m);
  });
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = new Error(`${file} exited (${signal ?? code})`);
      if (code !== 0 && signal === null) process.stderr.write(`${file} failed:\n${stderr}\n`);
      for (const w of waiting.splice(0)) w.reject(exited);
      resolve();
    });
  });
  return {
    process: child,
    send: (message) => child.send(message),
    next<T extends object>(type: string) {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0] as T & ChildMessage);
      if (exited) return Promise.reject(exited);
      return new Promise<T & ChildMessage>((resolve, reject) => waiting.push({ type, resolve: resolve as (m: ChildMessage) => void, reject }));
    },
    async stop() {
      if (!exited && child.connected) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/**
 * In a child: answers the parent's messages with `handle`'s result; `stop` ends the process
 * after `onStop`.
 *
 * @example serveParent({ usage: () => ({ type: 'usage', maxRssKb: process.resourceUsage().maxRSS }) });
 */
export function serveParent(handlers: Record<string, (m: ChildMessage) => Promise<ChildMessage> | ChildMessage>, onStop: () => Promise<void> = async () => {}): void {
  process.on('message', (m: ChildMessage) => {
    if (m.type === 'stop') {
      onStop().finally(() => process.exit(0));
      return;
    }
    const handle = handlers[m.type];
    if (!handle) return;
    Promise.resolve(handle(m)).then(
      (reply) => process.send?.(reply),
      (e: unknown) => process.send?.({ type: 'error', message: String((e as Error)?.message ?? e) }),
    );
  });
  // An orphaned child (the bench was interrupted) must not keep a port or a core busy.
  process.on('disconnect', () => process.exit(0));
}
