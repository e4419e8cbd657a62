import { describe, expect, it } from 'vitest';
import { identityKey, namesCaller } from '../../src/auth/identity.js';
import { parseTokens } from '../../src/auth/tokens.js';
import { isOwnRequest } from '../../src/review/review-view.js';

const token = (name: string) => ({ name, roles: ['checker' as const], projects: null });
const person = { name: 'oidc:u-7', roles: ['checker' as const], projects: null, person: { subject: 'u-7', issuer: 'https://idp', name: 'Ann Checker', username: 'ann', email: 'Ann@TRE.example' } };
const sha = 'a'.repeat(64);

describe('identities for self-review and distinct checkers', () => {
  it.each([
    ['CHK1 ', 'chk1'],
    ['Ｃｈｋ１', 'chk1'],
    ['chk\u00a0 1', 'CHK 1'],
  ])('token %j and requester %j are one identity', (name, requester) => {
    expect(identityKey(token(name))).toBe(identityKey(token(requester)));
    expect(isOwnRequest(token(name), { submitted_by: 'portal', decision: { requester } })).toBe(true);
  });

  it('knows a person by subject, username, e-mail and name, and only by those', () => {
    for (const who of ['oidc:u-7', 'u-7', ' ANN ', 'ann@tre.example', 'ann checker']) expect(namesCaller(person, who)).toBe(true);
    for (const who of ['', '  ', 'bob', 'oidc:u-8', 'ann2']) expect(namesCaller(person, who)).toBe(false);
    expect(isOwnRequest(person, { submitted_by: 'oidc:U-7', decision: { requester: 'someone' } })).toBe(true);
  });

  it('refuses tokens whose names are one identity, or that pass for a person', () => {
    const file = (names: string[]) => JSON.stringify(names.map((name, i) => ({ name, sha256: String(i).repeat(64).slice(0, 64).replace(/[^0-9a-f]/g, 'a'), roles: ['checker'] })));
    expect(() => parseTokens(file(['chk1', 'CHK1 ']), 't.json')).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => parseTokens(file(['OIDC:u-7']), 't.json')).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(parseTokens(JSON.stringify([{ name: 'chk1', sha256: sha, roles: ['checker'] }]), 't.json')).toHaveLength(1);
  });
});
