import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authenticate } from '../../src/auth/authenticate.js';
import { DEV_TOKENS_FILE, hashToken, loadTokens, parseTokens, resolveTokens } from '../../src/auth/tokens.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const tmp = tempDirs('airlock-tokens-');
const H = hashToken('t1');

describe('parseTokens', () => {
  it('reads YAML and JSON alike, lower-casing hashes', () => {
    const yaml = `- name: ci\n  sha256: ${H.toUpperCase()}\n  roles: [submitter]\n  projects: [p1]\n`;
    const json = JSON.stringify([{ name: 'ci', sha256: H, roles: ['submitter'], projects: ['p1'] }]);
    expect(parseTokens(yaml, 'y')).toEqual([{ name: 'ci', sha256: H, roles: ['submitter'], projects: ['p1'] }]);
    expect(parseTokens(json, 'j')).toEqual(parseTokens(yaml, 'y'));
  });

  it.each<[string, unknown]>([
    ['not a list', { name: 'x' }],
    ['a missing hash', [{ name: 'x', roles: ['admin'] }]],
    ['a short hash', [{ name: 'x', sha256: 'abc', roles: ['admin'] }]],
    ['an unknown role', [{ name: 'x', sha256: H, roles: ['root'] }]],
    ['no roles', [{ name: 'x', sha256: H, roles: [] }]],
    ['an empty project list', [{ name: 'x', sha256: H, roles: ['auditor'], projects: [] }]],
    ['a plaintext token field', [{ name: 'x', sha256: H, roles: ['auditor'], token: 't1' }]],
    ['duplicate names', [{ name: 'x', sha256: H, roles: ['auditor'] }, { name: 'x', sha256: hashToken('t2'), roles: ['auditor'] }]],
    ['duplicate hashes', [{ name: 'x', sha256: H, roles: ['auditor'] }, { name: 'y', sha256: H, roles: ['admin'] }]],
  ])('refuses %s with CONFIG_INVALID', (_, data) => {
    expect(() => parseTokens(JSON.stringify(data), 'tokens.json')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('refuses text that is not YAML', () => {
    expect(() => parseTokens('- [unclosed', 'bad.yaml')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('resolveTokens', () => {
  it('loads the configured file', async () => {
    const file = join(tmp(), 'tokens.yaml');
    writeFileSync(file, `- { name: ops, sha256: "${H}", roles: [admin] }\n`);
    expect(await resolveTokens({ tokensFile: file, dataDir: tmp(), production: true })).toEqual({
      tokens: [{ name: 'ops', sha256: H, roles: ['admin'] }],
      path: file,
      dev: false,
    });
  });

  it('refuses a missing configured file', async () => {
    await expect(loadTokens(join(tmp(), 'absent.yaml'))).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('refuses to run in production without a tokens file', async () => {
    await expect(resolveTokens({ dataDir: tmp(), production: true })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('creates dev tokens once (mode 0600, hashes only) and shows their plaintext only then', async () => {
    const dataDir = join(tmp(), 'data');
    const first = await resolveTokens({ dataDir, production: false });
    expect(first.dev).toBe(true);
    const shown = [...first.notice!.matchAll(/airlock_dev_[A-Za-z0-9_-]+/g)].map((m) => m[0]);
    expect(shown).toHaveLength(5);
    const file = join(dataDir, DEV_TOKENS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    for (const t of shown) expect(readFileSync(file, 'utf8')).not.toContain(t);
    // Every printed token authenticates, with the role its name says.
    const roles = shown.map((t) => authenticate(`Bearer ${t}`, first.tokens).name);
    expect(roles).toEqual(['dev-submitter', 'dev-auditor', 'dev-admin', 'dev-checker', 'dev-all']);
    expect(first.devTokens!.map((t) => t.token)).toEqual(shown);
    expect(first.devTokens![0]!.roles).toEqual(['submitter']);
    const second = await resolveTokens({ dataDir, production: false });
    expect(second.tokens).toEqual(first.tokens);
    expect(second.notice).not.toMatch(/airlock_dev_/);
    expect(second.devTokens).toBeUndefined();
  });
});
