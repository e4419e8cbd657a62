import { describe, expect, it } from 'vitest';
import { fileType } from '../../src/checks/file-type.js';
import { fileKind } from '../../src/outputs/file/file-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';
import { BZ2_PICKLE0, DTA_113, DTA_118, PICKLE0_CLASS, PICKLE1_CLASS, PICKLES, RDATA, RDS, SAV, SVG, joblibZlib, nestedZip, tarOf, torchZip, zipOf } from '../helpers/file-fixtures.js';
import { gzipSync } from 'fflate';

const file = (filename: string, content: string | Uint8Array = 'data') => parseAs(fileKind, { filename, content_base64: Buffer.from(content).toString('base64') });
const PICKLE = PICKLES[5] ?? new Uint8Array();

describe('file_type', () => {
  it.each([
    ['figure.svg', 'fail'],
    ['graph.gph', 'fail'],
    ['model.pkl', 'fail'],
    ['model.PICKLE', 'fail'],
    ['model.joblib', 'fail'],
    ['model.pkl.gz', 'fail'],
    ['figure.png', 'pass'],
    ['table.csv', 'pass'],
    ['report.pdf', 'pass'],
    ['notes', 'pass'],
  ])('%s: %s', (name, status) => {
    const [f] = fileType.run(file(name), params(), ctx);
    expect(f).toMatchObject({ check: 'file_type', status });
  });

  it('catches blocked content under another name', () => {
    const [f] = fileType.run(file('weights.dat', PICKLE), params(), ctx);
    expect(f.status).toBe('fail');
    expect(f.items).toEqual([{ ref: 'content_base64', value: null, reason: 'the content is a Python pickle (blocked as .pkl, .pickle, .joblib) under another name' }]);
    expect(f.remedy).toContain('ONNX');
    const [svg] = fileType.run(file('figure.txt', '<svg xmlns="http://www.w3.org/2000/svg"/>'), params(), ctx);
    expect(svg.status).toBe('fail');
  });

  it('gives a remedy per type', () => {
    expect(fileType.run(file('fig.svg'), params(), ctx)[0].remedy).toBe('Export the figure as PNG or PDF (an SVG can carry the plotted data points and scripts).');
    expect(fileType.run(file('g.gph'), params(), ctx)[0].remedy).toContain('Stata graph');
  });

  it('uses the extensions the rules block', () => {
    expect(fileType.run(file('fig.svg'), params({ blocked_extensions: ['.pkl'] }), ctx)[0].status).toBe('pass');
    const [f] = fileType.run(file('data.xlsx'), params({ blocked_extensions: ['.xlsx'] }), ctx);
    expect(f).toMatchObject({ status: 'fail', remedy: 'Convert the .xlsx file to a format that is not blocked.' });
  });

  describe('blocked content under innocent names, compressed, inside archives (attacks)', () => {
    const fails = (name: string, bytes: Uint8Array) => {
      const [f] = fileType.run(file(name, bytes), params(), ctx);
      expect(f?.status, name).toBe('fail');
      return f;
    };

    it.each(PICKLES.map((p, i) => [i, p] as const))('a pickle of protocol %i as results.txt', (_p, bytes) => {
      const f = fails('results.txt', bytes);
      expect(f?.items?.[0]?.reason).toContain('Python pickle');
    });

    it('pickles with class references (protocols 0 and 1), the kind that runs code', () => {
      fails('notes.csv', PICKLE0_CLASS);
      fails('table.txt', PICKLE1_CLASS);
    });

    it('a zlib-compressed joblib file named weights.dat', () => {
      const f = fails('weights.dat', joblibZlib());
      expect(f?.items?.[0]).toMatchObject({ ref: 'weights.dat › weights.dat' });
      expect(f?.items?.[0]?.reason).toContain('inside zlib-compressed data');
    });

    it('a torch .pt zip named model.zip, and the same inside another zip and a tar.gz', () => {
      const f = fails('model.zip', torchZip());
      expect(f?.items?.map((i) => i.reason)).toContain('the content is a PyTorch checkpoint (a ZIP holding a pickle) (blocked as .pt, .pth, .pkl) under another name');
      expect(f?.remedy).toContain('ONNX');
      fails('outputs.zip', zipOf({ 'figures/fig1.png': 'x', 'checkpoint.bin': torchZip() }));
      fails('outputs.tar.gz', gzipSync(tarOf({ 'run/state.bin': torchZip() })));
    });

    it('a protocol-0 pickle three levels down, and bzip2-compressed', () => {
      const f = fails('results.zip', nestedZip(3, { 'notes.txt': PICKLES[0] ?? new Uint8Array() }));
      expect(f?.items?.[0]?.ref).toBe('results.zip › level-2.zip › level-3.zip › notes.txt');
      fails('data.bz2', BZ2_PICKLE0);
    });

    it.each([
      ['an .rds (gzip of R serialisation)', RDS, '.rds'],
      ['an .RData workspace', RDATA, '.rdata'],
      ['a Stata 14 .dta', DTA_118, '.dta'],
      ['a Stata 8 .dta', DTA_113, '.dta'],
      ['an SPSS .sav', SAV, '.sav'],
      ['an SVG', SVG, '.svg'],
    ])('%s as data.bin', (_what, bytes, ext) => {
      const f = fails('data.bin', bytes);
      expect(f?.message).toContain(ext);
    });

    it('does not take ordinary text or CSV for a pickle', () => {
      for (const text of ['apple,pear\n1,2\n', 'N. B. see notes', '(see above)\n', 'I like pickles.\n', ']\n', 'K\n']) {
        const [f] = fileType.run(file('notes.txt', text), params(), ctx);
        expect(f?.status, JSON.stringify(text)).toBe('pass');
      }
    });
  });
});