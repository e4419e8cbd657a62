/**
 * The team's shared reference material (`../shared` beside the worktree: conformance cases,
 * fixtures, sdc-rules.md). Tests that need it look it up lazily through here and skip, with a
 * message saying why, when it is absent — a checkout without it still runs the rest.
 *
 * @example
 * const dir = sharedPath('conformance/tables');
 * describe.skipIf(dir === null)(withSharedNote('conformance', dir), () => { … });
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SHARED = resolve(import.meta.dirname, '..', '..', '..', 'shared');

/** The absolute path of `sub` inside ../shared, or null when it is not there. */
export function sharedPath(sub: string): string | null {
  const p = join(SHARED, sub);
  return existsSync(p) ? p : null;
}

/** A suite title that says, when `path` is null, that the suite was skipped and why. */
export function withSharedNote(title: string, path: string | null): string {
  return path === null ? `${title} — SKIPPED: ${SHARED} is absent (the team's shared reference material)` : title;
}
