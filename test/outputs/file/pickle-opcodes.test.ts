import { describe, expect, it } from 'vitest';
import { MIN_OPS_UNTERMINATED, scanPickle } from '../../../src/outputs/file/pickle-opcodes.js';
import { PICKLE0_CLASS, PICKLE1_CLASS, PICKLES } from '../../helpers/file-fixtures.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('scanPickle', () => {
  it.each(PICKLES.map((p, i) => [i, p] as const))('recognises protocol %i (CPython output) to its STOP', (protocol, bytes) => {
    const r = scanPickle(bytes);
    expect(r).toMatchObject({ pickle: true, complete: true });
    // Protocols 0 and 1 have no header: the opcodes tell them apart.
    expect(r.protocol).toBe(protocol === 3 ? 3 : protocol);
  });

  it('recognises class references (GLOBAL + REDUCE), the code-running kind', () => {
    expect(scanPickle(PICKLE0_CLASS)).toMatchObject({ pickle: true, protocol: 0 });
    expect(scanPickle(PICKLE1_CLASS)).toMatchObject({ pickle: true, protocol: 1 });
  });

  it.each([
    'apple pie\n',
    'region,count\nnorth,12\n',
    '(see above)',
    'I like it\n',
    'Iam\n.',
    'N. B. the following rows',
    ')) smile',
    '}\n',
    'S"unterminated\n',
    'g0\n.',
    '(dp0\nS\'a\'\np1\nI1\n.',
  ])('does not take %j for a pickle', (s) => {
    expect(scanPickle(text(s)).pickle).toBe(false);
  });

  it('refuses structural lies: an opcode of a later protocol than PROTO declares, a second PROTO, a bad memo read', () => {
    // PROTO 2 then SHORT_BINUNICODE (protocol 4)
    expect(scanPickle(Uint8Array.of(0x80, 2, 0x8c, 1, 0x61, 0x2e)).pickle).toBe(false);
    expect(scanPickle(Uint8Array.of(0x80, 4, 0x80, 4, 0x4e, 0x2e)).pickle).toBe(false);
    // BINGET 5 with nothing memoised
    expect(scanPickle(Uint8Array.of(0x80, 2, 0x68, 5, 0x2e)).pickle).toBe(false);
  });

  it('counts a stream the head cuts off as a pickle only after enough well-formed opcodes', () => {
    const many = `(lp0\n${'I1\na'.repeat(MIN_OPS_UNTERMINATED)}I12`;
    expect(scanPickle(text(many))).toMatchObject({ pickle: true, complete: false, protocol: 0 });
    expect(scanPickle(text('(lp0\nI1\naI2\na')).pickle).toBe(false);
  });

  it('accepts bytes after a real pickle (torch legacy files append storages)', () => {
    const withTail = new Uint8Array([...(PICKLES[2] ?? []), 1, 2, 3, 4]);
    expect(scanPickle(withTail).pickle).toBe(true);
  });
});
