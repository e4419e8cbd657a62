import { describe, expect, it } from 'vitest';
import { seededRandom } from '../helpers/seeded-random.js';
import { normalise, sameLabel } from '../../src/lib/normalise.js';

describe('normalise', () => {
  it.each([
    ['HIV', 'hiv'],
    ['HIV ', 'hiv'],
    ['  North\u00a0 West ', 'north west'],
    ['Ｎｏｒｔｈ', 'north'],
    ['straße', 'strasse'],
    ['ﬁle', 'file'],
    ['Region', 'region'],
    ['a\t\nb', 'a b'],
    ['\u200bx', 'x'],
  ])('%j → %j', (input, expected) => {
    expect(normalise(input)).toBe(expected);
  });

  it('keeps distinct labels distinct', () => {
    expect(sameLabel('north', 'south')).toBe(false);
    expect(sameLabel('1', '01')).toBe(false);
  });

  it('treats re-cased and re-spaced labels as one', () => {
    expect(sameLabel('North', 'north ')).toBe(true);
    expect(sameLabel('STRASSE', 'Straße')).toBe(true);
  });

  it('is idempotent', () => {
    for (const s of ['ǅ', 'İstanbul', 'Ⅻ', 'ｶ', 'x\u0301']) expect(normalise(normalise(s))).toBe(normalise(s));
  });

  it('takes the printable-ASCII shortcut only where it gives what the full path gives', () => {
    const full = (x: string) => x.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC').replace(/[\s\u0085\u180e\u200b\u2028\u2029\ufeff]+/gu, ' ').trim();
    const random = seededRandom(11);
    const rnd = (n: number) => Math.floor(random() * n);
    const alphabet = ' \tAZaz09~!_-. ';
    for (let i = 0; i < 2000; i++) {
      const s = Array.from({ length: 1 + rnd(8) }, () => alphabet[rnd(alphabet.length)]).join('');
      expect(normalise(s)).toBe(full(s));
    }
  });
});

describe('normalise: the ASCII fast path', () => {
  it('gives what the Unicode path gives for every kind of ASCII text', () => {
    const slow = (s: string) => s.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC').replace(/[\s\u0085\u180e\u200b\u2028\u2029\ufeff]+/gu, ' ').trim();
    const random = seededRandom(7);
    for (let n = 0; n < 2000; n++) {
      const s = Array.from({ length: 1 + Math.floor(random() * 12) }, () => String.fromCharCode(Math.floor(random() * 128))).join('');
      expect(normalise(s)).toBe(slow(s));
    }
    expect(normalise(' P01\t ')).toBe('p01');
    expect(normalise('North  West')).toBe('north west');
  });
});
