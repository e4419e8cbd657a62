/**
 * Issue 15, the newcomer's path, run exactly as README.md and examples/README.md tell it: every
 * `sh` block of those pages (after the one that starts the service) runs in bash against a
 * real server, with curl, jq and the `airlock` CLI, and must print what the page shows. A first
 * decision is released; a table is rejected with the cell and the remedy named and a protected
 * version airlock audited; its `resubmit` form sent back is released; every signature verifies
 * with `airlock verify` and the published JWKS (as a file and as a URL); a decision changed
 * after signing does not.
 *
 * What a page shows as output: `# …` lines of a block are lines its commands print (`…`
 * stands for anything), and a `json` block right after a block is exactly what it prints.
 * The blocks run in a scratch directory holding `examples/` and `rules/` (as the repository root
 * does), so the files they write never land in the checkout; `npm run airlock --` there runs
 * what package.json's `airlock` script runs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lexer, type Tokens } from 'marked';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDecisionResponse } from '../src/signing/verify-decision.js';
import { runCli } from './helpers/run-cli.js';
import { testServer, type TestServer } from './helpers/test-server.js';

interface Block {
  /** The heading the block sits under. */
  section: string;
  code: string;
  /** The `json` block that follows it, if any: its exact output. */
  output?: string;
}

/** The `sh` blocks of a page, by section, after the one that starts the service. */
function shellBlocks(page: string): Block[] {
  const blocks: Block[] = [];
  let section = '';
  const tokens = Lexer.lex(readFileSync(page, 'utf8'));
  tokens.forEach((t, i) => {
    if (t.type === 'heading') section = (t as Tokens.Heading).text;
    if (t.type !== 'code' || (t as Tokens.Code).lang !== 'sh') return;
    const next = tokens.slice(i + 1).find((n) => n.type !== 'space' && n.type !== 'paragraph');
    const output = next?.type === 'code' && (next as Tokens.Code).lang === 'json' ? (next as Tokens.Code).text : undefined;
    blocks.push({ section, code: (t as Tokens.Code).text, ...(output ? { output } : {}) });
  });
  return blocks.filter((b) => !b.code.includes('npm start'));
}

/** The `# …` lines of a block: lines its commands must print, `…` matching anything. */
function shownLines(code: string): RegExp[] {
  return code
    .split('\n')
    .filter((l) => l.startsWith('# '))
    .map((l) => new RegExp(`^${l.slice(2).trim().split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
}

const REPO = resolve('.');
const TSX = fileURLToPath(import.meta.resolve('tsx'));
const scratch = mkdtempSync(join(tmpdir(), 'airlock-newcomer-'));
symlinkSync(join(REPO, 'examples'), join(scratch, 'examples'));
symlinkSync(join(REPO, 'rules'), join(scratch, 'rules'));

/** Runs one block in bash (stopping at the first failing command) with the reader's TOKEN. */
function runBlock(code: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = [
    'set -eo pipefail',
    // `npm run airlock -- ARGS` is package.json's script, `node --import tsx src/cli/main.ts ARGS`, run here.
    `npm() { [ "$1 $2 $3" = "run airlock --" ] || { echo "unexpected: npm $*" >&2; return 127; }; shift 3; "${process.execPath}" --import "${TSX}" "${join(REPO, 'src/cli/main.ts')}" "$@"; }`,
    code.replace(/^TOKEN=.*$/m, ''), // the page's placeholder; the real token comes from the environment
  ].join('\n');
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AIRLOCK_') && !k.startsWith('OTEL_') && k !== 'DATABASE_URL' && k !== 'NODE_ENV'));
  const child = spawn('bash', ['-c', script], { cwd: scratch, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (exit) => done({ code: exit, stdout, stderr }));
  });
}

let s: TestServer;
beforeAll(async () => {
  s = await testServer({ AIRLOCK_RATE_LIMIT: '0' });
});
afterAll(async () => {
  await s.close();
});

/** A page's blocks, run in order against the server as a reader at localhost:8080 would. */
async function followPage(page: string, exitCodes: Record<string, number> = {}): Promise<void> {
  const blocks = shellBlocks(page);
  expect(blocks.length).toBeGreaterThan(0);
  const env = { TOKEN: s.devToken!('submitter')! };
  for (const block of blocks) {
    const r = await runBlock(block.code.replaceAll('localhost:8080', new URL(s.url).host), env);
    const where = `${page} § ${block.section}\n${block.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
    expect(r.code, where).toBe(exitCodes[block.section] ?? 0);
    const printed = r.stdout.split('\n').map((l) => l.trim());
    for (const line of shownLines(block.code)) expect(printed.some((p) => line.test(p)), `${where}\nexpected a line matching ${line}`).toBe(true);
    if (block.output) expect(JSON.parse(r.stdout), where).toEqual(JSON.parse(block.output));
  }
}

describe('the newcomer’s path', () => {
  it('README.md: the first example prints what the README shows', async () => {
    await followPage('README.md');
  }, 120_000);

  it('examples/README.md: first decision → rejected table → protected version released → signatures verified', async () => {
    await followPage('examples/README.md', { 'Offline, without the service': 1 });

    // What the commands saved, checked once more from the test's side.
    const saved = (name: string) => JSON.parse(readFileSync(join(scratch, name), 'utf8'));
    const jwks = saved('jwks.json');
    const rejected = saved('rejected.json');
    const output = rejected.decision.outputs[0];
    const failing = output.findings.find((f: { check: string; status: string }) => f.check === 'min_count' && f.status === 'fail');
    expect(failing.cells.map((c: { labels: Record<string, string> }) => c.labels)).toEqual([{ region: 'east', sex: 'M' }]);
    expect(failing.remedy).not.toBe('');
    expect(output.protected.rechecked).toBe(true);
    const fixed = saved('fixed.json');
    expect(fixed.decision.outcome).toBe('release');
    expect(fixed.decision.outputs[0].findings.find((f: { check: string }) => f.check === 'suppression_audit').status).toBe('pass');
    for (const name of ['first.json', 'rejected.json', 'fixed.json']) expect(await verifyDecisionResponse(saved(name), jwks)).toMatchObject({ ok: true });

    // A decision changed after signing is caught, naming the field.
    writeFileSync(join(scratch, 'forged.json'), JSON.stringify({ ...rejected, decision: { ...rejected.decision, outcome: 'release' } }));
    const forged = await runCli(['verify', join(scratch, 'forged.json'), '--jwks', join(scratch, 'jwks.json')]);
    expect(forged.code).toBe(1);
    expect(forged.stdout + forged.stderr).toContain('/decision/outcome');
  }, 240_000);

  it('runs what package.json says `npm run airlock` runs', () => {
    expect(JSON.parse(readFileSync('package.json', 'utf8')).scripts.airlock).toBe('node --import tsx src/cli/main.ts');
  });

  it('the requests embed the example data, and `airlock check` reads the spec step 2 sends', () => {
    const csv = readFileSync('examples/data/clinic-visits.csv', 'utf8');
    const request = (name: string) => JSON.parse(readFileSync(join('examples', 'requests', name), 'utf8'));
    for (const name of ['01-first-decision.json', '02-rejected-table.json']) expect(request(name).outputs[0].microdata.data).toBe(csv);
    expect(JSON.parse(readFileSync('examples/data/region-by-sex.spec.json', 'utf8'))).toEqual(request('02-rejected-table.json').outputs[0].spec);
  });
});
