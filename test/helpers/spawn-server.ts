/**
 * airlock as a real child process (`airlock serve`), for tests that need what only a process
 * has: signals, exit codes, start-up from the environment, the built `dist/` entry point, or
 * several instances at once. It listens on a free port (PORT=0) and reports the port in its
 * "airlock listening" log line, which is how the test learns it.
 *
 * @example
 * const p = await spawnServer({ AIRLOCK_DATA_DIR: dir });
 * await fetch(`${p.url}/healthz`);
 * const { code } = await p.stop('SIGTERM'); // 0
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hashToken } from '../../src/auth/tokens.js';
import { ensureDevSigningKey } from '../../src/signing/signing-keys.js';
import { PG_URL, dropSchema } from './pg-schema.js';

/** Runs the TypeScript sources (no build needed). */
export const FROM_SOURCE = ['--import', 'tsx', resolve('src/cli/main.ts')];

export interface SpawnedServer {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything written to stdout so far (JSON log lines, console exporter output). */
  stdout(): string;
  stderr(): string;
  /** Sends the signal and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the exit code and signal when the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  /** Node arguments before `serve` (default: the TypeScript sources through tsx). */
  entry?: string[];
  /** Resolve as soon as the process exits instead of waiting for it to listen. */
  expectExit?: boolean;
}

/** Environment for a quiet test instance; OpenTelemetry exporters off unless the test says otherwise. */
const BASE_ENV = { PORT: '0', HOST: '127.0.0.1', AIRLOCK_RULES_DIR: resolve('rules'), LOG_LEVEL: 'info', OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };

export function spawnServer(env: Record<string, string>, opts: SpawnOptions = {}): Promise<SpawnedServer> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_') && !k.startsWith('AIRLOCK_') && k !== 'DATABASE_URL' && k !== 'NODE_ENV'));
  const child = spawn(process.execPath, [...(opts.entry ?? FROM_SOURCE), 'serve'], { env: { ...inherited, ...BASE_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const server = (port: number): SpawnedServer => ({
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  });
  return new Promise((resolvePromise, reject) => {
    const onData = () => {
      const m = /"port":(\d+)[^\n]*"msg":"airlock listening"/.exec(out);
      if (!m) return;
      child.stdout!.off('data', onData);
      resolvePromise(server(Number(m[1])));
    };
    if (!opts.expectExit) child.stdout!.on('data', onData);
    void exited.then(({ code, signal }) => {
      if (opts.expectExit) resolvePromise(server(0));
      else reject(new Error(`airlock exited before listening (code ${code}, signal ${signal})\nstdout:\n${out}\nstderr:\n${err}`));
    });
  });
}

/**
 * Writes a tokens file with one submitter+auditor token into `dir`; returns the environment
 * naming it and the Authorization header that uses it.
 */
export function tokenFor(dir: string): { env: Record<string, string>; auth: Record<string, string> } {
  const token = `test_${randomBytes(18).toString('base64url')}`;
  const file = join(dir, 'tokens.json');
  writeFileSync(file, JSON.stringify([{ name: 'test-client', sha256: hashToken(token), roles: ['submitter', 'auditor'] }]));
  return { env: { AIRLOCK_TOKENS_FILE: file }, auth: { authorization: `Bearer ${token}` } };
}

/** Replicas started by `startReplicas`, with the header their shared token needs. */
export interface Replicas {
  servers: SpawnedServer[];
  auth: Record<string, string>;
  /** Stops every replica, drops the schema and removes the temporary directories. */
  stop(): Promise<void>;
}

/**
 * Starts `n` `airlock serve` processes that share one PostgreSQL schema, one signing key and
 * one tokens file, as replicas behind a load balancer would (started together, so the schema
 * migration races as it would in production).
 *
 * `opts.databaseUrl` puts them on another database than the test one (a test that takes its
 * database away must not disturb the others); `opts.env` adds settings.
 *
 * @example const r = await startReplicas(2, uniqueSchema('replicas')); await r.stop();
 */
export async function startReplicas(n: number, schema: string, opts: { databaseUrl?: string; env?: Record<string, string> } = {}): Promise<Replicas> {
  const databaseUrl = opts.databaseUrl ?? PG_URL;
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'airlock-replica-'));
    dirs.push(d);
    return d;
  };
  const shared = tmp();
  const { path: keyFile } = await ensureDevSigningKey(shared);
  const tokens = tokenFor(shared);
  // One unit key for all replicas, as one signing key: they share one history.
  const unitKeyFile = join(shared, 'unit-key');
  writeFileSync(unitKeyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  const env = () => ({ AIRLOCK_DATA_DIR: tmp(), DATABASE_URL: databaseUrl, AIRLOCK_DATABASE_SCHEMA: schema, AIRLOCK_SIGNING_KEY_FILE: keyFile, AIRLOCK_UNIT_KEY_FILE: unitKeyFile, AIRLOCK_RATE_LIMIT: '0', ...tokens.env, ...opts.env });
  const servers = await Promise.all(Array.from({ length: n }, () => spawnServer(env())));
  return {
    servers,
    auth: tokens.auth,
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
      await dropSchema(schema, databaseUrl);
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
