/**
 * Runs a CLI command module's `run` in this process and collects what it writes to stdout
 * (fast, for the many cases; `run-cli.ts` runs the real binary when a child process matters).
 *
 * @example
 * const { result, stdout } = await captureStdout(() => run(['lint', 'rules']));
 * expect(result).toBe(0);
 */
import { vi } from 'vitest';

export async function captureStdout<T>(fn: () => Promise<T>): Promise<{ result: T; stdout: string }> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    const result = await fn();
    return { result, stdout: out.join('') };
  } finally {
    spy.mockRestore();
  }
}
