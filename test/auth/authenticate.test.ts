import { describe, expect, it } from 'vitest';
import { authenticate } from '../../src/auth/authenticate.js';
import { hashToken, type TokenEntry } from '../../src/auth/tokens.js';

const tokens: TokenEntry[] = [
  { name: 'sub-p1', sha256: hashToken('tok-sub-p1'), roles: ['submitter'], projects: ['p1'] },
  { name: 'auditor-all', sha256: hashToken('tok-aud'), roles: ['auditor'] },
  { name: 'ops', sha256: hashToken('tok-ops'), roles: ['admin', 'auditor'] },
];

describe('authenticate', () => {
  it.each([
    ['Bearer tok-sub-p1', 'sub-p1'],
    ['bearer tok-aud', 'auditor-all'],
    ['Bearer   tok-ops  ', 'ops'],
  ])('%j → %s', (header, name) => {
    expect(authenticate(header, tokens).name).toBe(name);
  });

  it('returns roles and projects (null = all)', () => {
    expect(authenticate('Bearer tok-sub-p1', tokens)).toEqual({ name: 'sub-p1', roles: ['submitter'], projects: ['p1'], datasets: null, via: 'token' });
    expect(authenticate('Bearer tok-aud', tokens).projects).toBeNull();
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', 'Basic dG9rLWF1ZA=='],
    ['bearer without a token', 'Bearer '],
    ['two tokens', 'Bearer tok-aud tok-ops'],
    ['an unknown token', 'Bearer tok-nope'],
    ['the hash instead of the token', `Bearer ${hashToken('tok-aud')}`],
    ['a prefix of a token', 'Bearer tok-au'],
  ])('refuses %s with UNAUTHENTICATED', (_, header) => {
    expect(() => authenticate(header, tokens)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED', status: 401 }));
  });

  it('refuses every token when none are configured', () => {
    expect(() => authenticate('Bearer tok-aud', [])).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });
});
