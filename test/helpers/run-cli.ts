/**
 * Runs the `airlock` CLI from the TypeScript sources in a child process (as `npx tsx
 * src/cli/main.ts …` would) and collects its exit code and output. Asynchronous on purpose: a
 * test server in the same process must keep answering (e.g. the JWKS URL the CLI fetches).
 * The child gets no AIRLOCK_*, DATABASE_URL or NODE_ENV from the test's environment, only `env`.
 *
 * @example
 * const r = await runCli(['audit', 'verify', '--data-dir', s.dataDir]);
 * expect(r.code).toBe(0);
 */
import { spawn } from 'node:child_process';
import { FROM_SOURCE } from './spawn-server.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<CliResult> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AIRLOCK_') && !k.startsWith('OTEL_') && k !== 'DATABASE_URL' && k !== 'NODE_ENV'),
  );
  const child = spawn(process.execPath, [...FROM_SOURCE, ...args], { env: { ...inherited, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdin.end(stdin ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
