/**
 * Temporary directories for one test file, all removed when the file's tests are done —
 * whether a test, a hook or a helper made them. (Imported during collection, so its
 * `afterAll` belongs to the importing file; vitest isolates files, so each file has its own list.)
 *
 * @example const dir = tempDir('airlock-keys-'); // removed after this file's tests
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];

try {
  afterAll(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });
} catch {
  // Imported outside a test runner (a forked fixture process reusing test helpers): there
  // is no test file to clean up after, and such processes make no directories here.
}

/** A fresh directory under the OS temp dir, removed after the current test file. */
export function tempDir(prefix = 'airlock-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/**
 * A maker of temporary directories with one prefix.
 *
 * @example const tmp = tempDirs('airlock-keys-'); const dir = tmp();
 */
export function tempDirs(prefix: string): () => string {
  return () => tempDir(prefix);
}
