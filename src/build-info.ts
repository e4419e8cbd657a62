/**
 * Which airlock is running: the package version and the git commit it was built from, for
 * `/healthz`, `airlock --version` and bug reports. The commit is `AIRLOCK_COMMIT` (set by the
 * image build, where there is no .git), else the checkout's HEAD, else null. Read once.
 *
 * @example buildInfo() // { version: '0.1.0', commit: '3f2a…' }
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BuildInfo {
  version: string;
  commit: string | null;
}

/** The package root: the nearest folder above this file with a package.json (src/ or dist/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

function gitHead(root: string): string | null {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).trim();
    return /^[0-9a-f]{40,64}$/.test(out) ? out : null;
  } catch {
    return null;
  }
}

let cached: BuildInfo | null = null;

export function buildInfo(env: NodeJS.ProcessEnv = process.env): BuildInfo {
  if (cached) return cached;
  const root = packageRoot();
  const pkg: unknown = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  // Our own package.json, shipped with the code: without a version it is not ours, a bug
  // (a plain Error: this core file sits below src/lib and its invariant helpers).
  if (typeof pkg !== 'object' || pkg === null || !('version' in pkg) || typeof pkg.version !== 'string') throw new Error(`${join(root, 'package.json')} has no version`);
  const fromEnv = env.AIRLOCK_COMMIT?.trim();
  cached = { version: pkg.version, commit: fromEnv || gitHead(root) };
  return cached;
}
