import { describe, expect, it } from 'vitest';
import { decodeBase64, extensionsOf, fileKind } from '../../../src/outputs/file/file-kind.js';
import { expectCode, parseAs } from '../../helpers/parse-output.js';
import { PICKLES, SVG } from '../../helpers/file-fixtures.js';

const b64 = (text: string | Uint8Array) => Buffer.from(text).toString('base64');

describe('file kind: parsing', () => {
  it('decodes the content, notes the extension and detects the type by content', () => {
    const f = parseAs(fileKind, { filename: 'Report.PDF', content_base64: b64('%PDF-1.7') });
    expect(f).toMatchObject({ filename: 'Report.PDF', extensions: ['.pdf'], size: 8, inflated: 0 });
    expect(f.root.type.id).toBe('pdf');
  });

  it('profiles a CSV file by column', () => {
    const f = parseAs(fileKind, { filename: 'counts.csv', content_base64: b64('a,b\n1,=2\n') });
    expect(f.root.type.id).toBe('delimited_text');
    expect(f.root.text).toMatchObject({ delimiter: ',', rows: 1 });
    expect(f.root.text?.columns.map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('keeps an unreadable CSV as a file (formula_cells reviews it)', () => {
    const f = parseAs(fileKind, { filename: 'x.csv', content_base64: b64('a,b\n"1,2\n') });
    expect(f.root.text?.unreadable).toContain('not closed');
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
    ['a protocol-4 pickle', PICKLES[4] ?? new Uint8Array(), 'pickle'],
    ['a protocol-0 pickle', PICKLES[0] ?? new Uint8Array(), 'pickle'],
    ['an SVG', SVG, 'svg'],
    ['plain text', new TextEncoder().encode('hello'), 'text'],
  ])('detects %s', (_what, bytes, type) => {
    expect(parseAs(fileKind, { filename: 'x.dat', content_base64: b64(bytes) }).root.type.id).toBe(type);
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
