import { describe, expect, it } from 'vitest';
import { decodeBase64, extensionsOf, fileKind } from '../../../src/outputs/file/file-kind.js';
import { sniffType } from '../../../src/outputs/file/sniff-type.js';
import { expectCode, parseAs } from '../../helpers/parse-output.js';

const b64 = (text: string | Uint8Array) => Buffer.from(text).toString('base64');

describe('file kind: parsing', () => {
  it('decodes the content and notes the extension', () => {
    const f = parseAs(fileKind, { filename: 'Report.PDF', content_base64: b64('%PDF-1.7') });
    expect(f).toEqual({ filename: 'Report.PDF', extensions: ['.pdf'], size: 8, sniffed: null, csv: null });
  });

  it('reads a CSV file into columns', () => {
    const f = parseAs(fileKind, { filename: 'counts.csv', content_base64: b64('a,b\n1,=2\n') });
    expect(f.csv).toMatchObject({ ok: true, header: ['a', 'b'], nRows: 1 });
  });

  it('keeps an unreadable CSV as a file (formula_cells reviews it)', () => {
    const f = parseAs(fileKind, { filename: 'x.csv', content_base64: b64('a,b\n1\n') });
    expect(f.csv).toMatchObject({ ok: false, code: 'CSV_RAGGED' });
  });

  it('accepts base64 with MIME line breaks', () => {
    expect(new TextDecoder().decode(decodeBase64('YWJj\nZGVm', '/p'))).toBe('abcdef');
  });

  it.each([
    ['fig.svg', ['.svg']],
    ['model.pkl.gz', ['.gz', '.pkl']],
    ['.pickle', ['.pickle']],
    ['README', []],
    ['trailing.', []],
    ['archive.tar.gz', ['.gz', '.tar']],
  ])('extensions of %s', (name, exts) => {
    expect(extensionsOf(name)).toEqual(exts);
  });

  it.each([
    ['a protocol-4 pickle', Uint8Array.of(0x80, 0x04, 0x95, 0x10), 'Python pickle'],
    ['an SVG', new TextEncoder().encode('<?xml version="1.0"?>\n<!-- made by R -->\n<svg xmlns="http://www.w3.org/2000/svg"></svg>'), 'SVG image'],
    ['plain text', new TextEncoder().encode('hello'), null],
  ])('sniffs %s', (_what, bytes, type) => {
    expect(sniffType(bytes)?.type ?? null).toBe(type);
  });

  it.each([
    ['no filename', { content_base64: b64('x') }, 'FILE_INVALID', '/outputs/0/filename'],
    ['a path', { filename: '../etc/passwd', content_base64: b64('x') }, 'FILE_INVALID', '/outputs/0/filename'],
    ['a backslash path', { filename: 'C:\\x.csv', content_base64: b64('x') }, 'FILE_INVALID', '/outputs/0/filename'],
    ['a control character', { filename: 'a\u0000.csv', content_base64: b64('x') }, 'FILE_INVALID', '/outputs/0/filename'],
    ['no content', { filename: 'a.txt' }, 'FILE_INVALID', '/outputs/0/content_base64'],
    ['empty content', { filename: 'a.txt', content_base64: '' }, 'FILE_INVALID', '/outputs/0/content_base64'],
    ['content not base64', { filename: 'a.txt', content_base64: 'not base64!' }, 'BASE64_INVALID', '/outputs/0/content_base64'],
    ['base64 with bad padding', { filename: 'a.txt', content_base64: 'YWJ' }, 'BASE64_INVALID', '/outputs/0/content_base64'],
    ['base64url', { filename: 'a.txt', content_base64: 'a-_b' }, 'BASE64_INVALID', '/outputs/0/content_base64'],
  ] as const)('%s → %s', (_what, fields, code, pointer) => {
    const e = expectCode(() => parseAs(fileKind, fields), code);
    expect(e.details[0].pointer).toBe(pointer);
  });
});
