/**
 * Issue 15 item 1: the CLI conventions of a well-kept tool, for every command in the table:
 * `--help`/`-h` prints help to stdout and exits 0 without running anything (`serve --help`
 * must not start a server); `--version`; usage errors go to stderr with exit 2 and a pointer to
 * `--help`; the exit codes are distinct (0 ok/release, 1 reject, 2 usage/input, 3 review,
 * 4 environment); `--json` where output is data.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, type Command } from '../../src/cli/commands.js';
import { runCli } from '../helpers/run-cli.js';

/** Every command path in the table: ['serve'], ['rules'], ['rules', 'lint'], … */
function paths(table: Record<string, Command>, prefix: string[] = []): string[][] {
  return Object.entries(table).flatMap(([name, c]) => [[...prefix, name], ...(c.subcommands ? paths(c.subcommands, [...prefix, name]) : [])]);
}
const ALL = paths(COMMANDS);

describe('--help on every command', () => {
  it.each(ALL.map((p) => [p.join(' '), p] as const))('airlock %s --help', async (_label, path) => {
    // A port that is taken would make a server that did start fail loudly; an unset data dir would be created.
    const dataDir = mkdtempSync(join(tmpdir(), 'airlock-help-'));
    const [long, short] = await Promise.all([runCli([...path, '--help'], { AIRLOCK_DATA_DIR: join(dataDir, 'never'), PORT: '1' }), runCli([...path, '-h'])]);
    for (const r of [long, short]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(`airlock ${path.join(' ')}`);
      expect(r.stdout).toMatch(/usage: /);
    }
    expect(short.stdout).toBe(long.stdout);
    // Every option the command parses is in its help.
    let c: Command | undefined = COMMANDS[path[0]!];
    for (const n of path.slice(1)) c = c?.subcommands?.[n];
    for (const option of Object.keys(c?.options ?? {})) expect(long.stdout).toContain(`--${option}`);
    for (const sub of Object.keys(c?.subcommands ?? {})) expect(long.stdout).toContain(sub);
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(dataDir, 'never'))).toBe(false);
  }, 60_000);
});

describe('conventions', () => {
  it('airlock --help and --version exit 0 on stdout; no command is a usage error on stderr', async () => {
    const [help, version, none] = await Promise.all([runCli(['--help']), runCli(['--version']), runCli([])]);
    expect(help.code).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(help.stdout).toContain(name);
    expect(help.stdout).toContain('exit codes: 0 ok/release, 1 reject or tampering found, 2 usage or input error, 3 review, 4 environment');
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^airlock \d+\.\d+\.\d+/);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('usage: airlock');
  }, 60_000);
  it('usage errors go to stderr with exit 2, a did-you-mean and a pointer to --help', async () => {
    const [unknown, option, sub, missing] = await Promise.all([
      runCli(['chek']),
      runCli(['verify', 'x.json', '--jwsk', 'k.json']),
      runCli(['rules', 'lnt', 'rules']),
      runCli(['check', '--spec', 'spec.json']),
    ]);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toContain('did you mean "check"?');
    expect(option).toMatchObject({ code: 2, stdout: '' });
    expect(option.stderr).toContain('unknown option --jwsk; did you mean "--jwks"?');
    expect(option.stderr).toContain("Run 'airlock verify --help' for usage.");
    expect(sub).toMatchObject({ code: 2, stdout: '' });
    expect(sub.stderr).toContain('did you mean "lint"?');
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toContain('FILE.csv is required');
  }, 60_000);
  it('check: exit 0 release, 1 reject, 2 missing file, with a summary or --json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-check-'));
    const big = ['region,sex', ...Array.from({ length: 60 }, (_, i) => `${i % 2 ? 'north' : 'south'},${i % 3 ? 'F' : 'M'}`)].join('\n');
    const small = 'region,sex\nnorth,F\nnorth,M\nsouth,F\n';
    writeFileSync(join(dir, 'big.csv'), `${big}\n`);
    writeFileSync(join(dir, 'small.csv'), small);
    writeFileSync(join(dir, 'spec.json'), JSON.stringify({ index: ['region'], columns: ['sex'] }));
    const spec = join(dir, 'spec.json');
    const [released, rejected, json, missing] = await Promise.all([
      runCli(['check', join(dir, 'big.csv'), '--spec', spec, '--dataset', 'd1']),
      runCli(['check', join(dir, 'small.csv'), '--spec', spec, '--dataset', 'd2']),
      runCli(['check', join(dir, 'small.csv'), '--spec', spec, '--dataset', 'd3', '--json']),
      runCli(['check', join(dir, 'nope.csv'), '--spec', spec]),
    ]);
    expect(released.code, released.stderr + released.stdout).toBe(0);
    expect(released.stdout).toMatch(/^release: 1 output/);
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toMatch(/^reject: /);
    expect(rejected.stdout).toMatch(/FAIL min_count: .*\n\s+fix: /);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).decision.outcome).toBe('reject');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.csv');
  }, 60_000);
  it('verify: 2 for an unreadable file, 4 for an unreachable key set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-verify-'));
    writeFileSync(join(dir, 'd.json'), '{"decision":{},"signature":"a.b.c"}');
    const [unreadable, noKeys] = await Promise.all([runCli(['verify', join(dir, 'missing.json')]), runCli(['verify', join(dir, 'd.json'), '--jwks', 'http://127.0.0.1:1/jwks.json'])]);
    expect(unreadable.code).toBe(2);
    expect(noKeys.code).toBe(4);
    expect(noKeys.stderr).toContain('CONFIG_INVALID');
  }, 60_000);
});
