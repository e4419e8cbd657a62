/**
 * `airlock conformance DIR [--url URL] [--token T]`: runs the conformance cases through the
 * HTTP API. Without --url it starts the service itself on a free port, with a temporary data
 * directory, the default rules and one project override per case with a `config`. With --url
 * the target must already hold those overrides (`--write-rules DIR` writes them).
 * Prints each mismatch and `N passed, M failed`; exits 1 when anything failed.
 *
 * @example npm run conformance -- ../shared/conformance/tables
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../config.js';
import type { ConformanceCase } from '../../conformance/run-conformance.js';
import { caseOverride, readCases, runConformance } from '../../conformance/run-conformance.js';
import { startServer } from '../../server/start-server.js';
import { EXIT } from '../exit-codes.js';
import { optionsOf } from '../command-options.js';
import { parseArgs, positionals } from '../parse-args.js';

/** Copies a rules directory and adds one override file per case that has a `config`. */
export function writeCaseRules(fromDir: string, toDir: string, cases: ConformanceCase[]): void {
  mkdirSync(join(toDir, 'projects'), { recursive: true });
  for (const f of readdirSync(fromDir)) if (/\.(ya?ml|json)$/.test(f)) copyFileSync(join(fromDir, f), join(toDir, f));
  try {
    for (const f of readdirSync(join(fromDir, 'projects'))) if (/\.(ya?ml|json)$/.test(f)) copyFileSync(join(fromDir, 'projects', f), join(toDir, 'projects', f));
  } catch {
    // no project overrides to carry over
  }
  for (const c of cases) {
    const o = caseOverride(c);
    if (o) writeFileSync(join(toDir, 'projects', `${o.project}.json`), JSON.stringify(o, null, 1));
  }
}

export async function run(args: string[]): Promise<number> {
  const a = parseArgs(args, optionsOf('conformance'));
  const [dir] = positionals(a, ['DIR']) as [string];
  const cases = readCases(resolve(dir));
  const rulesDir = resolve((a.rules as string | undefined) ?? process.env.AIRLOCK_RULES_DIR ?? './rules');
  if (a['write-rules']) {
    writeCaseRules(rulesDir, resolve(a['write-rules'] as string), cases);
    process.stdout.write(`wrote rules for ${cases.length} cases to ${a['write-rules']}\n`);
    return 0;
  }
  const log = (line: string) => process.stdout.write(`${line}\n`);
  let url = a.url as string | undefined;
  let token = (a.token as string | undefined) ?? process.env.AIRLOCK_TOKEN;
  let cleanup = async () => {};
  if (!url) {
    const tmp = mkdtempSync(join(tmpdir(), 'airlock-conformance-'));
    writeCaseRules(rulesDir, join(tmp, 'rules'), cases);
    const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', AIRLOCK_DATA_DIR: join(tmp, 'data'), AIRLOCK_RULES_DIR: join(tmp, 'rules'), LOG_LEVEL: 'silent', DATABASE_URL: '', AIRLOCK_TOKENS_FILE: '' });
    // A throwaway server: its dev key and tokens are never needed again, so nothing is printed.
    const server = await startServer(config, { console: () => undefined });
    url = server.url;
    token = token ?? server.devToken?.('submitter');
    cleanup = async () => {
      await server.close();
      rmSync(tmp, { recursive: true, force: true });
    };
  }
  try {
    const r = await runConformance(cases, { url, ...(token === undefined ? {} : { token }), log });
    log(`${r.passed} passed, ${r.failed} failed`);
    return r.failed > 0 ? EXIT.REJECT : EXIT.OK;
  } finally {
    await cleanup();
  }
}
