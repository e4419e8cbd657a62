/**
 * A tokens file for a test server (`AIRLOCK_TOKENS_FILE`): named tokens with chosen roles and
 * projects, stored as the service expects (SHA-256 only), and the Authorization header of each.
 * The plaintext of token `name` is `tok-<name>`.
 *
 * @example
 * const t = tokensFile({ 'auditor-p1': { roles: ['auditor'], projects: ['p1'] } });
 * const s = await testServer(t.env);
 * await request(s.url).get('/v1/decisions').set(t.auth('auditor-p1'));
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashToken } from '../../src/auth/tokens.js';
import type { Role } from '../../src/domain.js';
import { tempDir } from './temp-dirs.js';

export interface TestToken {
  roles: Role[];
  projects?: string[];
}

export function tokensFile(tokens: Record<string, TestToken>): { env: Record<string, string>; auth(name: string): Record<string, string> } {
  const file = join(tempDir('airlock-tokens-'), 'tokens.json');
  writeFileSync(file, JSON.stringify(Object.entries(tokens).map(([name, t]) => ({ name, sha256: hashToken(`tok-${name}`), ...t }))));
  return {
    env: { AIRLOCK_TOKENS_FILE: file },
    auth: (name) => {
      if (!tokens[name]) throw new Error(`no test token ${name}`);
      return { authorization: `Bearer tok-${name}` };
    },
  };
}
