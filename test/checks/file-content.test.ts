import { describe, expect, it } from 'vitest';
import { fileContent } from '../../src/checks/file-content.js';
import { fileKind } from '../../src/outputs/file/file-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';
import { PNG, nestedZip, overlappingZip, zipOf } from '../helpers/file-fixtures.js';

const file = (filename: string, content: string | Uint8Array) => parseAs(fileKind, { filename, content_base64: Buffer.from(content).toString('base64') });
const run = (filename: string, content: string | Uint8Array, over = {}) => {
  const [f] = fileContent.run(file(filename, content), params(over), ctx);
  if (!f) throw new Error('no finding');
  return f;
};

describe('file_content', () => {
  it('reviews a file by default, with the evidence a checker needs', () => {
    const f = run('table.csv', 'region,count\nnorth,12\nsouth,3\neast,0\n');
    expect(f.status).toBe('review');
    expect(f.message).toContain("a file's content is checked by a person");
    expect(f.evidence).toMatchObject({ path: 'table.csv', type: 'delimited_text', delimited: { delimiter: ',', rows: 3 } });
    expect(f.evidence?.delimited?.columns[1]).toMatchObject({ name: 'count', type: 'integer', min: 0, min_nonzero: 3, max: 12, small_counts: 1, rounding: 'none' });
  });

  it('puts no cell text in the evidence, and names identifier columns by their header', () => {
    const f = run('extract.csv', 'name,diagnosis\nJane Doe,C50\nJohn Roe,I10\n');
    const json = JSON.stringify(f);
    expect(json).not.toContain('Jane');
    expect(json).not.toContain('C50');
    expect(f.evidence?.delimited?.columns[0]).toMatchObject({ name: 'name', identifier_name: 'name', distinct: 2 });
  });

  it('releases a PNG figure only where governance lists .png', () => {
    expect(run('figure.png', PNG).status).toBe('review');
    expect(run('figure.png', PNG, { auto_release_file_extensions: ['.png'] })).toMatchObject({ status: 'pass', remedy: '' });
  });

  it('does not auto-release content that is not what its extension says', () => {
    const f = run('figure.png', '%PDF-1.7 …', { auto_release_file_extensions: ['.png'] });
    expect(f.status).toBe('review');
    expect(f.items?.[0]?.reason).toBe('not released without review: the content is PDF document, not what ".png" names');
  });

  it('does not auto-release delimited text with small counts, even when .csv is listed', () => {
    const f = run('t.csv', 'region,count\nnorth,120\nsouth,3\n', { auto_release_file_extensions: ['.csv'] });
    expect(f.status).toBe('review');
    expect(f.items?.[0]?.reason).toContain('1 cell is a count between 1 and 9');
    expect(run('t.csv', 'region,count\nnorth,120\nsouth,30\n', { auto_release_file_extensions: ['.csv'] }).status).toBe('pass');
  });

  it('auto-releases an archive only when it and every member are listed and quiet', () => {
    const zip = zipOf({ 'a.png': PNG, 'b.png': PNG });
    expect(run('figs.zip', zip, { auto_release_file_extensions: ['.png'] }).status).toBe('review');
    expect(run('figs.zip', zip, { auto_release_file_extensions: ['.png', '.zip'] }).status).toBe('pass');
    const mixed = zipOf({ 'a.png': PNG, 'notes.txt': 'x' });
    expect(run('figs.zip', mixed, { auto_release_file_extensions: ['.png', '.zip'] }).status).toBe('review');
  });

  it('fails a zip bomb, with the reason and the member list as evidence', () => {
    const f = run('bomb.zip', overlappingZip(zipOf({ 'data-000000.csv': new Uint8Array(1 << 16) }), 50));
    expect(f.status).toBe('fail');
    expect(f.items?.[0]?.reason).toContain('share bytes');
    expect(f.remedy).toContain('unpacked');
    const deep = run('deep.zip', nestedZip(4, { 'a.csv': 'x\n1\n' }));
    expect(deep).toMatchObject({ status: 'fail' });
    expect(deep.evidence?.members?.[0]?.members?.[0]?.members?.[0]?.problems).toEqual([{ status: 'fail', reason: 'an archive nested more than 3 levels deep: not opened' }]);
  });

  it('lists archive members in the evidence, each profiled', () => {
    const f = run('results.zip', zipOf({ 'a.csv': 'x,n\na,20\nb,30\n', 'fig.png': PNG }));
    expect(f.evidence?.members?.map((m) => [m.path, m.type, m.size])).toEqual([
      ['results.zip › a.csv', 'delimited_text', 14],
      ['results.zip › fig.png', 'png', PNG.length],
    ]);
    expect(f.evidence?.members?.[0]?.delimited?.columns[1]).toMatchObject({ name: 'n', rounding: 'multiples_of_10' });
    expect(f.message).toContain('ZIP archive, 2 members');
  });
});
